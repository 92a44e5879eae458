"""The messaging use cases that write: a new thread (the person's, or staff's to another unit), a post, taking a
thread, closing it, marking it read. Each asks the access policy first (one audit entry) and then the model's
rules; a new post is announced on the live streams of both units and the person."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nara.access import service as access
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, local_today
from nara.core.errors import Forbidden, NotFound, ValidationFailed
from nara.directory import service as directory
from nara.discharge import service as discharge
from nara.messaging import model, store
from nara.messaging.model import PostKind, Source, Status, ThreadKind
from nara.messaging.service.common import Outlets, ask, ask_person, facts_of, load, person_of, side_of, tell
from nara.messaging.store import PostRow, ThreadRow
from nara.outreach import service as outreach
from nara.plans import service as plans


def care_units(session: Session, person_id: int, clock: Clock) -> tuple[int | None, list[int]]:
    """(the listing's unit, every unit in the person's care now): listing, SäBo and recorded relationships."""
    today, now = local_today(clock), clock.now()
    listing = directory.current_listing(session, person_id, today)
    sabo = directory.current_sabo(session, person_id, today)
    ids = {r.unit_id for r in (listing, sabo) if r is not None} | access.care_unit_ids(session, person_id, now)
    return (listing.unit_id if listing is not None else None), sorted(ids)


def _add_post(session: Session, actor: Actor, row: ThreadRow, kind: PostKind, body: str, now: datetime) -> PostRow:
    staff = actor.role is Role.STAFF
    post = PostRow(thread_id=row.id, kind=kind.value, body=body, by_person=not staff,
                   author_account_id=actor.account_id, author_name=actor.display_name,
                   author_staff_id=actor.staff_id if staff else None, author_unit_id=actor.unit_id if staff else None,
                   author_provider_id=actor.provider_id if staff else None, created_at=now)
    session.add(post)
    session.flush()
    store.mark_read(session, row.id, actor.account_id, post.id, now)  # what one wrote oneself is read
    return post


def _after_post(row: ThreadRow, side: model.Side, now: datetime) -> None:
    awaiting = model.awaiting_after(facts_of(row), side)
    if awaiting != row.awaiting_unit_id:
        row.awaiting_since = now if awaiting is not None else None
    row.awaiting_unit_id, row.last_post_at = awaiting, now


def start_thread(session: Session, actor: Actor, clock: Clock, *, unit_id: int | None, subject: str | None,
                 body: str | None, outlets: Outlets) -> ThreadRow:
    """The person writes to a unit of their care team: the listing's unit by default, else one they choose among
    the units in their care now."""
    person_id = person_of(actor)
    default, units = care_units(session, person_id, clock)
    unit_id = unit_id or default
    if unit_id is None:
        raise ValidationFailed("messaging.receiver_required")
    if unit_id not in units:
        raise ValidationFailed("messaging.receiver_not_in_care")
    unit = directory.unit(session, unit_id)
    if unit is None:
        raise NotFound("messaging.unit_not_found")
    ask_person(session, actor, clock, person_id, AuditAction.CREATE, unit.provider_id, unit.id)
    subject, body = model.checked_subject(subject), model.checked_body(body)
    now = clock.now()
    row = ThreadRow(person_id=person_id, kind=ThreadKind.PERSON.value, subject=subject, unit_id=unit.id,
                    provider_id=unit.provider_id, status=Status.OPEN.value, created_at=now, last_post_at=now)
    session.add(row)
    session.flush()
    _add_post(session, actor, row, PostKind.MESSAGE, body, now)
    _after_post(row, side_of(session, actor), now)
    tell(session, outlets, row)
    return row


def source_person(session: Session, source: Source, source_id: int) -> int:
    """Whose discharge process or plan it is; NotFound when there is none."""
    person_id = (discharge.process_person(session, source_id) if source is Source.DISCHARGE
                 else plans.plan_person(session, source_id))
    if person_id is None:
        raise NotFound("messaging.source_not_found")
    return person_id


def start_team_thread(session: Session, actor: Actor, clock: Clock, *, source: Source, source_id: int,
                      unit_id: int | None, subject: str | None, body: str | None, kind: PostKind,
                      outlets: Outlets) -> ThreadRow:
    """Staff write to another unit in the person's care about a discharge process or a plan."""
    if actor.role is not Role.STAFF or actor.unit_id is None or actor.provider_id is None:
        raise Forbidden("auth.forbidden")
    person_id = source_person(session, source, source_id)
    ask_person(session, actor, clock, person_id, AuditAction.CREATE, actor.provider_id, actor.unit_id)
    if unit_id is None:
        raise ValidationFailed("messaging.receiver_required")
    _default, units = care_units(session, person_id, clock)
    if unit_id == actor.unit_id or unit_id not in units:
        raise ValidationFailed("messaging.receiver_not_in_care")
    unit = directory.unit(session, unit_id)
    if unit is None:
        raise NotFound("messaging.unit_not_found")
    subject, body = model.checked_subject(subject), model.checked_body(body)
    now = clock.now()
    row = ThreadRow(person_id=person_id, kind=ThreadKind.TEAM.value, subject=subject, unit_id=unit.id,
                    provider_id=unit.provider_id, from_unit_id=actor.unit_id, from_provider_id=actor.provider_id,
                    source_kind=source.value, source_id=source_id, status=Status.OPEN.value, created_at=now,
                    last_post_at=now)
    session.add(row)
    session.flush()
    side = side_of(session, actor)
    model.refuse(model.post_refusal(facts_of(row), side, kind))
    _add_post(session, actor, row, kind, body, now)
    _after_post(row, side, now)
    tell(session, outlets, row)
    return row


def post(session: Session, actor: Actor, clock: Clock, thread_id: int, *, body: str | None,
         kind: PostKind = PostKind.MESSAGE, outlets: Outlets) -> PostRow:
    """An answer or a new message in the thread (the person in their own, staff of a party unit)."""
    row = load(session, thread_id, lock=True)
    ask(session, actor, clock, row, AuditAction.WRITE)
    side = side_of(session, actor)
    model.refuse(model.post_refusal(facts_of(row), side, kind))
    now = clock.now()
    created = _add_post(session, actor, row, kind, model.checked_body(body), now)
    _after_post(row, side, now)
    tell(session, outlets, row)
    if row.kind == ThreadKind.PERSON.value and not side.by_person:
        # The person hears of it outside the page too, as they chose, with no health information in it.
        outreach.notify_person(session, row.person_id, outreach.Event.NEW_MESSAGE, now)
    return created


def take(session: Session, actor: Actor, clock: Clock, thread_id: int, outlets: Outlets) -> ThreadRow:
    """"Ta ärendet": the thread is taken by a named staff member of the unit it was sent to."""
    row = load(session, thread_id, lock=True)
    ask(session, actor, clock, row, AuditAction.WRITE)
    model.refuse(model.take_refusal(facts_of(row), side_of(session, actor)))
    row.taken_by_staff_id, row.taken_by_name, row.taken_at = actor.staff_id, actor.display_name, clock.now()
    tell(session, outlets, row)
    return row


def close(session: Session, actor: Actor, clock: Clock, thread_id: int, outlets: Outlets) -> ThreadRow:
    row = load(session, thread_id, lock=True)
    ask(session, actor, clock, row, AuditAction.WRITE)
    model.refuse(model.close_refusal(facts_of(row), side_of(session, actor)))
    row.status, row.closed_at, row.awaiting_unit_id, row.awaiting_since = Status.CLOSED.value, clock.now(), None, None
    tell(session, outlets, row)
    return row


def mark_read(session: Session, actor: Actor, clock: Clock, thread_id: int) -> None:
    """Everything in the thread so far is read by this reader (a READ of the thread, logged)."""
    row = load(session, thread_id)
    ask(session, actor, clock, row, AuditAction.READ)
    last = store.last_post_id(session, row.id)
    if last is not None:
        store.mark_read(session, row.id, actor.account_id, last, clock.now())
