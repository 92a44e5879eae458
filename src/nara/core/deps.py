"""FastAPI dependencies shared by every part: the database, the clock, the settings.

Dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in the thread pool, and
each such hop cost a request about 0.3 ms (bench/bench_plan_read.py)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request

from nara.core.clock import Clock
from nara.core.db import ID_MAX, Database
from nara.core.settings import Settings


async def get_db(request: Request) -> Database:
    return request.app.state.db


async def get_clock(request: Request) -> Clock:
    return request.app.state.clock


async def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


IdPath = Annotated[int, Path(ge=1, le=ID_MAX, description="Id")]
IdQuery = Annotated[int | None, Query(ge=1, le=ID_MAX)]
