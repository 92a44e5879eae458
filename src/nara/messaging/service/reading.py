"""The messaging use cases that read: the person's own threads, a unit's inbox, one thread, the units a person
may write to, unread counts, and the "Redo att ta emot" posts of a ward's discharges. Every thread shown is read
through the access policy (a SEARCH per thread listed, a READ per thread opened), logged like any person data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from nara.access.service import AccessDenied
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, subject_of
from nara.core.clock import Clock
from nara.core.errors import Forbidden
from nara.directory import service as directory
from nara.messaging import model, store
from nara.messaging.model import Age, Source, Status, ThreadKind
from nara.messaging.service.common import ask, ask_person, facts_of, load, person_of, side_of
from nara.messaging.service.writing import care_units, source_person
from nara.messaging.store import ThreadRow


@dataclass(frozen=True, slots=True)
class UnitChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class Receivers:
    """Where the person may write: the listing's unit (their fast vårdkontakt's) first, then the others."""

    default_unit_id: int | None
    units: list[UnitChoice]


@dataclass(frozen=True, slots=True)
class PostOut:
    id: int
    kind: str
    body: str
    by_person: bool
    author_name: str
    unit_name: str | None
    created_at: datetime
    mine: bool


@dataclass(frozen=True, slots=True)
class ThreadSummary:
    """One line of a list. ``withheld``: the policy refused; only that a thread exists, and its age, are shown."""

    id: int
    kind: str
    withheld: bool
    subject: str | None
    person_id: int | None
    person_name: str | None
    person_identifier: str | None
    unit_name: str | None  # the unit it was sent to
    from_unit_name: str | None
    status: str
    awaiting_mine: bool  # waits for the reader's side
    age: Age | None  # how long it has waited for the reader's side
    taken_by_name: str | None
    unread: int
    last_post_at: datetime
    source_kind: str | None
    source_id: int | None


@dataclass(frozen=True, slots=True)
class ThreadView:
    summary: ThreadSummary
    posts: list[PostOut]
    may_take: bool
    may_close: bool
    may_answer: bool
    may_mark_ready: bool


@dataclass(frozen=True, slots=True)
class ReadyNotice:
    """"Redo att ta emot" on a discharge: which process, from which unit, when."""

    thread_id: int
    process_id: int
    person_name: str | None
    unit_name: str | None
    at: datetime


def receivers(session: Session, actor: Actor, clock: Clock) -> Receivers:
    person_id = person_of(actor)
    default, ids = care_units(session, person_id, clock)
    units = directory.units(session, ids)
    choices = sorted((UnitChoice(u.id, u.name) for u in units.values()),
                     key=lambda c: (c.id != default, c.name, c.id))
    return Receivers(default_unit_id=default, units=choices)


def _reader_unit(actor: Actor) -> int | None:
    return actor.unit_id if actor.role is Role.STAFF else None


def _summaries(session: Session, actor: Actor, clock: Clock, rows: list[ThreadRow],
               allowed: dict[int, bool]) -> list[ThreadSummary]:
    now = clock.now()
    unit_names = {u.id: u.name for u in directory.units(
        session, {r.unit_id for r in rows} | {r.from_unit_id for r in rows if r.from_unit_id}).values()}
    persons = directory.persons(session, {r.person_id for r in rows if allowed[r.id]})
    others = store.others_post_ids(session, [r.id for r in rows], actor.account_id)
    marks = store.read_marks(session, [r.id for r in rows], actor.account_id)
    reader_unit = _reader_unit(actor)
    out = []
    for r in rows:
        shown = allowed[r.id]
        person = persons.get(r.person_id) if shown else None
        mine = r.awaiting_unit_id is not None and r.awaiting_unit_id == reader_unit
        out.append(ThreadSummary(
            id=r.id, kind=r.kind, withheld=not shown, subject=r.subject if shown else None,
            person_id=r.person_id if shown else None, person_name=person.full_name if person else None,
            person_identifier=person.identifier if person else None,
            unit_name=unit_names.get(r.unit_id), from_unit_name=unit_names.get(r.from_unit_id or 0),
            status=r.status, awaiting_mine=mine,
            age=model.waited(r.awaiting_since, now) if mine and r.awaiting_since else None,
            taken_by_name=r.taken_by_name if shown else None,
            unread=model.unread_posts(others[r.id], marks.get(r.id)) if shown else 0,
            last_post_at=r.last_post_at, source_kind=r.source_kind if shown else None,
            source_id=r.source_id if shown else None))
    return out


def _listed(session: Session, actor: Actor, clock: Clock, rows: list[ThreadRow]) -> dict[int, bool]:
    """One SEARCH entry per thread listed; a refused one is listed as withheld."""
    allowed = {}
    for r in rows:
        try:
            ask(session, actor, clock, r, AuditAction.SEARCH)
            allowed[r.id] = True
        except AccessDenied:
            allowed[r.id] = False
    return allowed


def my_threads(session: Session, actor: Actor, clock: Clock) -> list[ThreadSummary]:
    """The person's own threads with their care team, newest first (one SEARCH entry per thread listed, so a
    proxy's view is decided thread by thread; one the policy refuses is left out)."""
    person_id = person_of(actor)
    rows = store.threads_of_person(session, person_id, ThreadKind.PERSON.value)
    allowed = _listed(session, actor, clock, rows)
    rows = [r for r in rows if allowed[r.id]]
    return _summaries(session, actor, clock, rows, allowed)


def inbox(session: Session, actor: Actor, clock: Clock, *, closed: bool = False) -> list[ThreadSummary]:
    """The acting unit's inbox: threads sent to it and team threads it started, those waiting for it first, the
    longest wait first."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        raise Forbidden("auth.forbidden")
    statuses = [Status.CLOSED.value] if closed else [Status.OPEN.value]
    rows = store.threads_of_unit(session, actor.unit_id, statuses)
    return _summaries(session, actor, clock, rows, _listed(session, actor, clock, rows))


def threads_about(session: Session, actor: Actor, clock: Clock, source: Source,
                  source_id: int) -> list[ThreadSummary]:
    """The team threads attached to a discharge process or a plan that the reader's unit is a party of."""
    rows = [r for r in store.threads_of_source(session, source.value, [source_id])
            if actor.unit_id in (r.unit_id, r.from_unit_id)]
    return _summaries(session, actor, clock, rows, _listed(session, actor, clock, rows))


def unread_count(session: Session, actor: Actor) -> int:
    """Threads with posts the reader has not read: the person's own, or the acting unit's open ones. Counts only
    (no person data), so no access entry; opening the list asks the policy."""
    if actor.role is Role.STAFF:
        if actor.unit_id is None:
            return 0
        rows = store.threads_of_unit(session, actor.unit_id, [Status.OPEN.value])
    elif (person_id := subject_of(actor)) is not None:
        rows = store.threads_of_person(session, person_id, ThreadKind.PERSON.value)
    else:
        return 0
    others = store.others_post_ids(session, [r.id for r in rows], actor.account_id)
    marks = store.read_marks(session, [r.id for r in rows], actor.account_id)
    return sum(1 for r in rows if model.unread_posts(others[r.id], marks.get(r.id)))


def read_thread(session: Session, actor: Actor, clock: Clock, thread_id: int) -> ThreadView:
    """One thread (a READ entry); what it holds is then read by this reader."""
    row = load(session, thread_id)
    ask(session, actor, clock, row, AuditAction.READ)
    summary = _summaries(session, actor, clock, [row], {row.id: True})[0]
    posts = store.posts_of(session, row.id)
    names = {u.id: u.name for u in directory.units(session, {p.author_unit_id for p in posts
                                                             if p.author_unit_id}).values()}
    if posts:
        store.mark_read(session, row.id, actor.account_id, posts[-1].id, clock.now())
    facts, side = facts_of(row), side_of(session, actor)
    return ThreadView(
        summary=summary,
        posts=[PostOut(id=p.id, kind=p.kind, body=p.body, by_person=p.by_person, author_name=p.author_name,
                       unit_name=names.get(p.author_unit_id or 0), created_at=p.created_at,
                       mine=p.author_account_id == actor.account_id) for p in posts],
        may_take=model.take_refusal(facts, side) is None and row.taken_by_staff_id != actor.staff_id,
        may_close=model.close_refusal(facts, side) is None,
        may_answer=model.post_refusal(facts, side, model.PostKind.MESSAGE) is None,
        may_mark_ready=model.post_refusal(facts, side, model.PostKind.READY) is None,
    )


def ready_notices(session: Session, actor: Actor, clock: Clock, limit: int = 50) -> list[ReadyNotice]:
    """"Redo att ta emot" posted on the discharges of the reader's unit (for the ward's worklist), newest first;
    each thread shown is one SEARCH entry, and one the policy refuses is left out."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        return []
    rows = [r for r in store.threads_of_unit(session, actor.unit_id, [Status.OPEN.value, Status.CLOSED.value])
            if r.source_kind == Source.DISCHARGE.value]
    posts = store.ready_posts(session, [r.id for r in rows])
    with_ready = [r for r in rows if any(p.thread_id == r.id for p in posts)][:limit]
    allowed = _listed(session, actor, clock, with_ready)
    persons = directory.persons(session, {r.person_id for r in with_ready if allowed[r.id]})
    units = directory.units(session, {p.author_unit_id for p in posts if p.author_unit_id})
    latest = {p.thread_id: p for p in posts}  # ordered by id: the last one wins
    notices = []
    for r in with_ready:
        if not allowed[r.id] or r.source_id is None:
            continue
        p = latest[r.id]
        person = persons.get(r.person_id)
        unit = units.get(p.author_unit_id or 0)
        notices.append(ReadyNotice(thread_id=r.id, process_id=r.source_id,
                                   person_name=person.full_name if person else None,
                                   unit_name=unit.name if unit else None, at=p.created_at))
    return sorted(notices, key=lambda n: n.at, reverse=True)


def team_receivers(session: Session, actor: Actor, clock: Clock, source: Source, source_id: int) -> Receivers:
    """The units staff may write to about a discharge or a plan: the others in the person's care now (asking
    the policy first, one entry: the list names the person's units)."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        raise Forbidden("auth.forbidden")
    person_id = source_person(session, source, source_id)
    ask_person(session, actor, clock, person_id, AuditAction.READ, actor.provider_id, actor.unit_id)
    _default, ids = care_units(session, person_id, clock)
    units = directory.units(session, [i for i in ids if i != actor.unit_id])
    return Receivers(default_unit_id=None,
                     units=sorted((UnitChoice(u.id, u.name) for u in units.values()), key=lambda c: (c.name, c.id)))
