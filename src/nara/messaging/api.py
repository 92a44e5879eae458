"""JSON routes of secure messages (under /api/messages): the person's own threads and a new one, the acting unit's
inbox, a thread, a post, taking, closing and marking read. HTTP in, a call to nara.messaging.service, JSON out;
the use cases ask the access policy and log every read."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from nara.core.actor import Actor, Role
from nara.core.ids import ID_MAX
from nara.core.values import ShortText, Text
from nara.messaging import service
from nara.messaging.model import PostKind, Source
from nara.web.deps import Clk, Db, IdPath, require_role
from nara.web.problems import FORBIDDEN, INVALID, UNAUTHENTICATED, problem_doc

router = APIRouter(prefix="/messages", tags=["meddelanden"])

Reader = Annotated[Actor, Depends(require_role(Role.RESIDENT, Role.STAFF))]
Resident = Annotated[Actor, Depends(require_role(Role.RESIDENT))]
Staff = Annotated[Actor, Depends(require_role(Role.STAFF))]
ERRORS = {**UNAUTHENTICATED, **FORBIDDEN, 404: problem_doc("Finns inte"), **INVALID}


class AgeOut(BaseModel):
    count: int
    unit: str = Field(description="minutes, hours eller days")


class ThreadOut(BaseModel):
    id: int
    kind: str = Field(description="person (invånaren och en enhet) eller team (två enheter om en person)")
    withheld: bool = Field(description="Åtkomst nekades: bara att ärendet finns visas")
    subject: str | None
    person_id: int | None
    unit: str | None
    from_unit: str | None
    status: str
    awaiting_mine: bool = Field(description="Väntar på svar från läsarens enhet")
    waited: AgeOut | None
    taken_by: str | None
    unread: int
    last_post_at: datetime
    source_kind: str | None
    source_id: int | None


class PostOut(BaseModel):
    id: int
    kind: str
    body: str
    by_person: bool
    author: str
    unit: str | None
    created_at: datetime


class ThreadDetailOut(ThreadOut):
    posts: list[PostOut]


class NewThreadIn(BaseModel):
    unit_id: int | None = Field(None, ge=1, le=ID_MAX, description="Mottagande enhet; utan: listningens enhet")
    subject: ShortText
    body: Text


class NewTeamThreadIn(BaseModel):
    source: Source
    source_id: int = Field(ge=1, le=ID_MAX)
    unit_id: int = Field(ge=1, le=ID_MAX)
    kind: PostKind = PostKind.MESSAGE
    subject: ShortText
    body: Text


class PostIn(BaseModel):
    body: Text
    kind: PostKind = PostKind.MESSAGE


class UnreadOut(BaseModel):
    unread_threads: int


def _thread(th: service.ThreadSummary) -> ThreadOut:
    return ThreadOut(id=th.id, kind=th.kind, withheld=th.withheld, subject=th.subject, person_id=th.person_id,
                     unit=th.unit_name, from_unit=th.from_unit_name, status=th.status, awaiting_mine=th.awaiting_mine,
                     waited=AgeOut(count=th.age.count, unit=th.age.unit) if th.age else None,
                     taken_by=th.taken_by_name, unread=th.unread, last_post_at=th.last_post_at,
                     source_kind=th.source_kind, source_id=th.source_id)


def _detail(view: service.ThreadView) -> ThreadDetailOut:
    return ThreadDetailOut(**_thread(view.summary).model_dump(), posts=[
        PostOut(id=p.id, kind=p.kind, body=p.body, by_person=p.by_person, author=p.author_name, unit=p.unit_name,
                created_at=p.created_at) for p in view.posts])


def _outlets(request: Request) -> service.Outlets:
    return service.outlets_of(request.app.state)


@router.get("", summary="Mina trådar (invånare) eller enhetens inkorg (personal)", responses=ERRORS)
def list_threads(actor: Reader, db: Db, clock: Clk, closed: bool = False) -> list[ThreadOut]:
    with db.transaction() as s:
        rows = (service.my_threads(s, actor, clock) if actor.role is Role.RESIDENT
                else service.inbox(s, actor, clock, closed=closed))
    return [_thread(th) for th in rows]


@router.get("/unread", summary="Antal trådar med olästa meddelanden", responses=ERRORS)
def unread(actor: Reader, db: Db) -> UnreadOut:
    with db.transaction() as s:
        return UnreadOut(unread_threads=service.unread_count(s, actor))


@router.post("", status_code=201, summary="Ny tråd från invånaren till en enhet", responses=ERRORS)
def new_thread(body: NewThreadIn, actor: Resident, db: Db, clock: Clk, request: Request) -> ThreadDetailOut:
    with db.transaction() as s:
        row = service.start_thread(s, actor, clock, unit_id=body.unit_id, subject=body.subject, body=body.body,
                                   outlets=_outlets(request))
        return _detail(service.read_thread(s, actor, clock, row.id))


@router.post("/team", status_code=201, summary="Ny tråd mellan enheter om en utskrivning eller en plan",
             responses=ERRORS)
def new_team_thread(body: NewTeamThreadIn, actor: Staff, db: Db, clock: Clk, request: Request) -> ThreadDetailOut:
    with db.transaction() as s:
        row = service.start_team_thread(s, actor, clock, source=body.source, source_id=body.source_id,
                                        unit_id=body.unit_id, subject=body.subject, body=body.body, kind=body.kind,
                                        outlets=_outlets(request))
        return _detail(service.read_thread(s, actor, clock, row.id))


@router.get("/{thread_id}", summary="En tråd med dess meddelanden (markeras som läst)", responses=ERRORS)
def get_thread(thread_id: IdPath, actor: Reader, db: Db, clock: Clk) -> ThreadDetailOut:
    with db.transaction() as s:
        return _detail(service.read_thread(s, actor, clock, thread_id))


@router.post("/{thread_id}/posts", status_code=201, summary="Svara eller skriv i tråden", responses=ERRORS)
def add_post(thread_id: IdPath, body: PostIn, actor: Reader, db: Db, clock: Clk,
             request: Request) -> ThreadDetailOut:
    with db.transaction() as s:
        service.post(s, actor, clock, thread_id, body=body.body, kind=body.kind, outlets=_outlets(request))
        return _detail(service.read_thread(s, actor, clock, thread_id))


@router.post("/{thread_id}/take", summary="Ta ärendet", responses=ERRORS)
def take(thread_id: IdPath, actor: Staff, db: Db, clock: Clk, request: Request) -> ThreadDetailOut:
    with db.transaction() as s:
        service.take(s, actor, clock, thread_id, _outlets(request))
        return _detail(service.read_thread(s, actor, clock, thread_id))


@router.post("/{thread_id}/close", summary="Avsluta ärendet", responses=ERRORS)
def close(thread_id: IdPath, actor: Staff, db: Db, clock: Clk, request: Request) -> ThreadDetailOut:
    with db.transaction() as s:
        service.close(s, actor, clock, thread_id, _outlets(request))
        return _detail(service.read_thread(s, actor, clock, thread_id))


@router.post("/{thread_id}/read", status_code=204, summary="Markera tråden som läst", responses=ERRORS)
def mark_read(thread_id: IdPath, actor: Reader, db: Db, clock: Clk) -> None:
    with db.transaction() as s:
        service.mark_read(s, actor, clock, thread_id)
