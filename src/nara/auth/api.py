"""Auth JSON API (mounted under /api): bearer tokens, who am I, log out, switch unit."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, Field

from nara.auth import service
from nara.core.actor import Actor, Role, SessionKind
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.ids import ID_MAX
from nara.web.deps import Clk, Conf, CurrentActor, Db, StaffActor
from nara.web.problems import FORBIDDEN, INVALID, UNAUTHENTICATED, problem_doc
from nara.web.sessions import request_token, resolve

router = APIRouter(tags=["auth"])

LOCKED = {
    429: problem_doc(
        "För många misslyckade inloggningar; försök igen senare",
        headers={
            "Retry-After": {"description": "Sekunder tills nästa försök", "schema": {"type": "integer"}}
        },
    )
}


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=service.MAX_PASSWORD_LENGTH)


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105  (the OAuth token type, not a secret)
    expires_in: int = Field(description="Sekunder tills token slutar gälla")


@router.post(
    "/auth/token", response_model=TokenOut, responses={**UNAUTHENTICATED, **INVALID, **LOCKED},
    summary="Logga in och få en bearer-token",
)
def issue_token(body: Credentials, db: Db, settings: Conf, clock: Clk) -> TokenOut:
    """Lokalt konto: användarnamn och lösenord ger en token för `Authorization: Bearer …`.
    Efter för många misslyckade försök låses inloggningen en stund (429 med Retry-After)."""
    issued = service.log_in(db, settings, clock, body.username, body.password, SessionKind.API)
    expires_in = int((issued.expires_at - clock.now()).total_seconds())
    return TokenOut(access_token=issued.token, expires_in=expires_in)


class UnitOut(BaseModel):
    id: int
    name: str
    kind: str
    parent_name: str | None


class StaffOut(BaseModel):
    id: int
    hsa_id: str | None
    profession: str | None


class MeOut(BaseModel):
    username: str
    display_name: str
    role: Role
    is_demo: bool
    person_id: int | None
    staff: StaffOut | None
    active_unit: UnitOut | None = Field(description="Enheten du arbetar för nu")
    units: list[UnitOut] = Field(description="Enheter där du har ett aktivt uppdrag")
    expires_at: datetime


def _me(request: Request, actor: Actor, db: Database, clock: Clock) -> MeOut:
    units = service.unit_choices(db, clock, actor.staff_id) if actor.staff_id is not None else []
    out = [UnitOut(id=u.id, name=u.name, kind=u.kind, parent_name=u.parent_name) for u in units]
    return MeOut(
        username=actor.username, display_name=actor.display_name, role=actor.role, is_demo=actor.is_demo,
        person_id=actor.person_id,
        staff=StaffOut(id=actor.staff_id, hsa_id=actor.staff_hsa_id, profession=actor.profession)
        if actor.staff_id is not None else None,
        active_unit=next((u for u in out if u.id == actor.unit_id), None),
        units=out,
        expires_at=resolve(request).expires_at,
    )


@router.get("/auth/me", response_model=MeOut, responses=UNAUTHENTICATED)
def me(request: Request, actor: CurrentActor, db: Db, clock: Clk) -> MeOut:
    """Vem tokenen tillhör, roll och (för medarbetare) vilken enhet du arbetar för nu."""
    return _me(request, actor, db, clock)


class UnitChoiceIn(BaseModel):
    unit_id: int = Field(ge=1, le=ID_MAX)


@router.put(
    "/auth/me/unit", response_model=MeOut, responses={**UNAUTHENTICATED, **FORBIDDEN, **INVALID},
    summary="Byt enhet du arbetar för",
)
def choose_unit(
    request: Request, body: UnitChoiceIn, actor: StaffActor, db: Db, clock: Clk
) -> MeOut:
    """Medarbetare med flera aktiva uppdrag väljer vilken enhet de arbetar för i den här sessionen."""
    service.switch_unit(db, clock, actor, body.unit_id)
    request.state.resolved_session = None
    return _me(request, resolve(request).actor, db, clock)


@router.post("/auth/logout", status_code=204, responses=UNAUTHENTICATED, summary="Logga ut (återkalla token)")
def logout(request: Request, actor: CurrentActor, db: Db, clock: Clk) -> Response:
    token, _ = request_token(request)
    service.log_out(db, clock, token)
    return Response(status_code=204)
