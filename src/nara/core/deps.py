"""FastAPI dependencies shared by every part: the database, the clock, the settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Query, Request

from nara.core.clock import Clock
from nara.core.db import ID_MAX, Database
from nara.core.settings import Settings


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_clock(request: Request) -> Clock:
    return request.app.state.clock


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


IdPath = Annotated[int, Path(ge=1, le=ID_MAX, description="Id")]
IdQuery = Annotated[int | None, Query(ge=1, le=ID_MAX)]
