"""Use cases of log follow-up (logguppföljning, DOMAIN.md §5): the monthly queue and its verdicts. The selection
rules are in nara.review.model; this module loads, stores and logs.

Log follow-up: the reviewer's queue per month is built from the log (idempotently: building again adds what is
new and keeps what was reviewed). Opening an item shows a person's identity and their log entries, so it is an
access to person data and is logged (purpose logguppföljning); so is the verdict. Reviewers never read person
data through nara.access.service.authorize (the policy gives their role none); this is their own path.

The log is read through nara.audit.service.followup, people, staff and units through nara.directory.service,
nödåtkomster and care relationships through nara.access.service.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access import service as access
from nara.access.model import InformationCategory
from nara.audit.model import AuditAction, AuditEvent, Outcome
from nara.audit.service import followup as log
from nara.audit.service import record
from nara.auth.service import account_names
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.core.i18n import SV, t
from nara.core.settings import Settings
from nara.directory import service as directory
from nara.review import store
from nara.review.model import (
    DEFAULT_RULES,
    Period,
    ReviewRules,
    SelectionReason,
    TargetKind,
    Verdict,
    check_verdict,
    draw_sample,
    join_reasons,
    opened_by_many,
    sample_size,
    split_reasons,
)

ReviewItem = store.ReviewItemRow


def rules_from(settings: Settings) -> ReviewRules:
    """The review rules, from settings where they are set (NARA_REVIEW_*), else the documented defaults."""
    chosen = {
        "sample_share": settings.review_sample_share, "sample_min": settings.review_sample_min,
        "sample_max": settings.review_sample_max, "many_staff_threshold": settings.review_many_staff_threshold,
    }
    return replace(DEFAULT_RULES, **{name: value for name, value in chosen.items() if value is not None})


def parse_period(text: str | None, clock: Clock) -> Period:
    """'YYYY-MM', or the current month when none is given."""
    if not text:
        return Period.containing(clock.now())
    try:
        return Period.parse(text)
    except ValueError:
        raise ValidationFailed("review.period.invalid") from None


# --- who did it: names for audit entries -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Who:
    """The staff member, unit and care provider of an access, as people read them."""

    staff_name: str | None
    profession: str | None
    unit_name: str | None
    unit_hsa_id: str | None
    provider_name: str | None


class Names:
    """Looks up staff, units and providers of many audit entries with one query each."""

    def __init__(self, session: Session, entries: list[Any]) -> None:
        self.staff = directory.staff_by_hsa_ids(session, {e.staff_hsa_id for e in entries if e.staff_hsa_id})
        self.units = directory.units(session, {e.unit_id for e in entries if e.unit_id is not None})
        self.providers = {i: p.name for i, p in directory.providers(
            session, {e.care_provider_id for e in entries if e.care_provider_id is not None}).items()}

    def of(self, e: Any) -> Who:
        staff = self.staff.get(e.staff_hsa_id) if e.staff_hsa_id else None
        unit = self.units.get(e.unit_id) if e.unit_id is not None else None
        return Who(
            staff_name=staff.full_name if staff else None, profession=staff.profession if staff else None,
            unit_name=unit.name if unit else None, unit_hsa_id=e.unit_hsa_id,
            provider_name=self.providers.get(e.care_provider_id) if e.care_provider_id is not None else None,
        )


# --- log follow-up ------------------------------------------------------------------------------------------------


def _require_reviewer(actor: Actor) -> None:
    if actor.role is not Role.REVIEWER:
        raise Forbidden("auth.forbidden")


@dataclass(frozen=True, slots=True)
class QueueItem:
    id: int
    target_kind: TargetKind
    reasons: list[SelectionReason]
    occurred_at: datetime
    who: Who | None  # None for a person opened by many staff
    action: str | None
    category: str | None
    distinct_staff: int | None
    verdict: Verdict | None
    reviewed_at: datetime | None


@dataclass(frozen=True, slots=True)
class Queue:
    period: Period
    items: list[QueueItem]
    rules: ReviewRules
    sample_drawn: bool
    sample_size: int
    population: int

    @property
    def open_count(self) -> int:
        return sum(1 for i in self.items if i.verdict is None)

    @property
    def closed_count(self) -> int:
        return len(self.items) - self.open_count


def review_queue(db: Database, actor: Actor, clock: Clock, period: Period,
                 rules: ReviewRules = DEFAULT_RULES) -> Queue:
    """The month's queue, built (or brought up to date) from the log first. Shows no person's identity: that is
    shown, and logged, when an item is opened."""
    _require_reviewer(actor)
    with db.transaction() as s:
        drawn, size, population = _build(s, period, rules, clock.now())
    with db.transaction() as s:
        rows = store.items_of(s, str(period))
        entries = {e.id: e for e in log.entries_by_id(s, [r.audit_entry_id for r in rows if r.audit_entry_id])}
        names = Names(s, list(entries.values()))
        counts = log.distinct_staff_per_person(s, period.start, period.end) \
            if any(r.target_kind == TargetKind.PERSON for r in rows) else {}
        items = []
        for r in rows:
            e = entries.get(r.audit_entry_id) if r.audit_entry_id else None
            items.append(QueueItem(
                id=r.id, target_kind=TargetKind(r.target_kind), reasons=split_reasons(r.reasons),
                occurred_at=r.occurred_at, who=names.of(e) if e else None, action=e.action if e else None,
                category=e.information_category if e else None,
                distinct_staff=counts.get(r.person_id) if r.target_kind == TargetKind.PERSON else None,
                verdict=Verdict(r.verdict) if r.verdict else None, reviewed_at=r.reviewed_at,
            ))
    return Queue(period, items, rules, drawn, size, population)


def _build(s: Session, period: Period, rules: ReviewRules, now: datetime) -> tuple[bool, int, int]:
    """Add the month's items that are not in the queue yet (module docstring of nara.review.model)."""
    start, end = period.start, period.end
    found: dict[str, dict[str, Any]] = {}

    def add(key: str, kind: TargetKind, reason: SelectionReason, **values: Any) -> None:
        item = found.setdefault(key, {"period": str(period), "target_key": key, "target_kind": kind.value,
                                      "reasons": set(), "created_at": now, **values})
        item["reasons"].add(reason)

    protected = directory.protected_person_ids(s)
    for emergency in access.emergencies_started(s, start, end):
        key = f"emergency:{emergency.id}"
        add(key, TargetKind.EMERGENCY, SelectionReason.EMERGENCY, emergency_access_id=emergency.id,
            person_id=emergency.person_id, account_id=emergency.account_id, occurred_at=emergency.started_at,
            audit_entry_id=log.opening_entry_id(s, person_id=emergency.person_id, account_id=emergency.account_id,
                                                reason=emergency.reason, started_at=emergency.started_at))
        if emergency.person_id in protected:
            add(key, TargetKind.EMERGENCY, SelectionReason.PROTECTED_IDENTITY)
    for entry_id, person_id, account_id, at in log.staff_accesses_to(s, start, end, protected):
        add(f"entry:{entry_id}", TargetKind.ENTRY, SelectionReason.PROTECTED_IDENTITY, audit_entry_id=entry_id,
            person_id=person_id, account_id=account_id, occurred_at=at)
    for entry_id, person_id, account_id, at in _self_registered(s, start, end):
        add(f"entry:{entry_id}", TargetKind.ENTRY, SelectionReason.SELF_REGISTERED, audit_entry_id=entry_id,
            person_id=person_id, account_id=account_id, occurred_at=at)
    for person_id in opened_by_many(log.distinct_staff_per_person(s, start, end), rules):
        first = log.first_access(s, person_id, start, end)
        add(f"person:{person_id}", TargetKind.PERSON, SelectionReason.MANY_STAFF, person_id=person_id,
            occurred_at=first or start)
    drawn, size, population = period.has_ended(now), 0, 0
    if drawn:
        population = log.sample_population(s, start, end)
        size = sample_size(population, rules)
        sampled = draw_sample(period, log.sample_candidates(s, start, end), size)
        for e in log.entries_by_id(s, sampled):
            add(f"entry:{e.id}", TargetKind.ENTRY, SelectionReason.SAMPLE, audit_entry_id=e.id,
                person_id=e.person_id, account_id=e.account_id, occurred_at=e.occurred_at)

    existing = {r.target_key: r for r in store.items_of(s, str(period))}
    new = []
    for key, values in found.items():
        reasons = values.pop("reasons")
        row = existing.get(key)
        if row is None:
            new.append({"audit_entry_id": None, "emergency_access_id": None, "account_id": None, **values,
                        "reasons": join_reasons(reasons)})
        else:
            known = set(split_reasons(row.reasons))
            if not reasons <= known:  # e.g. a protected person's access drawn in the sample too
                row.reasons = join_reasons(known | reasons)
    s.flush()
    store.add_items(s, new)
    return drawn, size, population


def _self_registered(s: Session, start: datetime, end: datetime) -> list[tuple[int, int, int, datetime]]:
    """(entry id, person, account, time) of each care relationship a unit registered for itself in the period — an
    uppdrag or care-team membership whose creating entry was made acting for that same unit (DOMAIN.md §5). Matched
    in Python: the relationship and its entry read the clock separately, so within log.OPENING_SLACK."""
    created = access.relationships_registered(s, start, end)
    if not created:
        return []
    by_key: dict[tuple[int, int, int], list[datetime]] = {}
    for person_id, account_id, unit_id, at in created:
        by_key.setdefault((person_id, account_id, unit_id), []).append(at)
    entries = log.relationship_creations(s, start, end, {k[0] for k in by_key})
    return [(entry_id, person_id, account_id, at) for entry_id, person_id, account_id, unit_id, at in entries
            if any(abs(made - at) <= log.OPENING_SLACK for made in by_key.get((person_id, account_id, unit_id), ()))]


@dataclass(frozen=True, slots=True)
class ContextLine:
    occurred_at: datetime
    action: str
    category: str | None
    resource: str | None  # the log's own code, for the API
    who: Who
    emergency_reason: str | None
    resource_text: str | None = None  # the same in Swedish, for the pages


@dataclass(frozen=True, slots=True)
class StaffCount:
    who: Who
    count: int


@dataclass(frozen=True, slots=True)
class ItemDetail:
    id: int
    period: Period
    target_kind: TargetKind
    reasons: list[SelectionReason]
    occurred_at: datetime
    person_name: str
    person_identifier: str
    protected_identity: bool
    access: ContextLine | None
    purpose: str | None
    relationships: list[str]  # RelationshipKind values current for the unit at the time
    emergency_reason: str | None
    emergency_started_at: datetime | None
    emergency_expires_at: datetime | None
    context: list[ContextLine] = field(default_factory=list)
    staff: list[StaffCount] = field(default_factory=list)
    verdict: Verdict | None = None
    comment: str | None = None
    reviewed_at: datetime | None = None
    reviewed_by: str | None = None


def open_item(db: Database, actor: Actor, clock: Clock, item_id: int) -> ItemDetail:
    """One item with its audit entry and context. Logged: it shows a person's identity and log entries."""
    _require_reviewer(actor)
    with db.transaction() as s:
        row = s.get(ReviewItem, item_id)
        if row is None:
            raise NotFound("review.item.not_found")
        detail = _detail(s, row)
        record(s, _review_event(actor, clock, AuditAction.READ, row))
    return detail


def record_verdict(db: Database, actor: Actor, clock: Clock, item_id: int, verdict: str,
                   comment: str | None) -> ItemDetail:
    """Record the reviewer's verdict and comment; the item is closed and the review kept. A nödåtkomst is marked
    reviewed (DOMAIN §5). Logged as the reviewer's write."""
    _require_reviewer(actor)
    try:
        value, text = check_verdict(verdict, comment)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    with db.transaction() as s:
        row = s.scalar(select(ReviewItem).where(ReviewItem.id == item_id).with_for_update())
        if row is None:
            raise NotFound("review.item.not_found")
        if row.verdict is not None:
            raise Conflict("review.item.closed")
        now = clock.now()
        row.verdict, row.comment, row.reviewed_by, row.reviewed_at = value.value, text, actor.account_id, now
        if row.emergency_access_id is not None:
            access.mark_emergency_reviewed(s, actor, clock, row.emergency_access_id)
        s.flush()
        detail = _detail(s, row)
        record(s, _review_event(actor, clock, AuditAction.WRITE, row))
    return detail



def _review_event(actor: Actor, clock: Clock, action: AuditAction, row: store.ReviewItemRow) -> AuditEvent:
    return AuditEvent.for_actor(
        actor, occurred_at=clock.now(), action=action, outcome=Outcome.ALLOWED, person_id=row.person_id,
        resource_type="log_review_item", resource_id=str(row.id), information_category=InformationCategory.LOGG.value,
        purpose=Purpose.LOGGUPPFOLJNING.value,
    )


def resource_text(resource_type: str | None, resource_id: str | None) -> str | None:
    """What an access touched, in Swedish ("Plan nr 12", "Vårdrelation"): never the log's internal code. A type
    the texts do not name is said as "Annan uppgift"; an information category (a request for one provider's
    records) by its Swedish name."""
    if not resource_type:
        return None
    key = f"review.resource.{resource_type}"
    if key in SV:
        name = SV[key]
    elif f"access.category.{resource_type}" in SV:
        name = SV[f"access.category.{resource_type}"].capitalize()
    else:
        name = t("review.resource.other")
    numbered = resource_id is not None and resource_id.isdigit() and resource_type in NUMBERED_RESOURCES
    return t("review.resource.numbered", name=name, number=resource_id) if numbered else name


NUMBERED_RESOURCES = frozenset({"plan", "discharge", "log_review_item", "log_review_case"})


def _line(e: Any, names: Names) -> ContextLine:
    return ContextLine(e.occurred_at, e.action, e.information_category,
                       f"{e.resource_type} {e.resource_id}" if e.resource_id else e.resource_type, names.of(e),
                       e.emergency_reason, resource_text(e.resource_type, e.resource_id))


def _detail(s: Session, row: store.ReviewItemRow) -> ItemDetail:
    period = Period.parse(row.period)
    person = directory.person(s, row.person_id)
    assert person is not None  # a foreign key
    entry = log.entry(s, row.audit_entry_id)
    emergency = access.emergency(s, row.emergency_access_id)
    if emergency is not None:  # what was done under the nödåtkomst
        context_rows = log.entries_in_window(s, row.person_id, emergency.account_id, emergency.started_at,
                                               emergency.expires_at)
    elif row.account_id is not None:  # the staff member's accesses to the person that month
        context_rows = log.entries_in_window(s, row.person_id, row.account_id, period.start, period.end)
    else:
        context_rows = log.entries_in_window(s, row.person_id, None, period.start, period.end, limit=10_000)
    names = Names(s, [*context_rows, *([entry] if entry else [])])
    relationships: list[str] = []
    if entry is not None and entry.unit_id is not None and entry.care_provider_id is not None:
        relationships = access.relationship_kinds_at(
            s, person_id=row.person_id, unit_id=entry.unit_id, provider_id=entry.care_provider_id,
            account_id=entry.account_id, at=entry.occurred_at)
    staff: list[StaffCount] = []
    if row.target_kind == TargetKind.PERSON:
        per_account: dict[int, list[Any]] = {}
        for e in context_rows:
            per_account.setdefault(e.account_id, []).append(e)
        staff = sorted((StaffCount(names.of(es[0]), len(es)) for es in per_account.values()),
                       key=lambda c: (-c.count, c.who.staff_name or ""))
        context_rows = []
    reviewer = account_names(s, [row.reviewed_by]).get(row.reviewed_by) if row.reviewed_by else None
    return ItemDetail(
        id=row.id, period=period, target_kind=TargetKind(row.target_kind), reasons=split_reasons(row.reasons),
        occurred_at=row.occurred_at, person_name=person.full_name,
        person_identifier=f"{person.identifier[:8]}-{person.identifier[8:]}"
        if person.identifier_kind != "reservnummer" else person.identifier,
        protected_identity=person.protected_identity, access=_line(entry, names) if entry else None,
        purpose=entry.purpose if entry else None, relationships=relationships,
        emergency_reason=emergency.reason if emergency else None,
        emergency_started_at=emergency.started_at if emergency else None,
        emergency_expires_at=emergency.expires_at if emergency else None,
        context=[_line(e, names) for e in context_rows], staff=staff,
        verdict=Verdict(row.verdict) if row.verdict else None, comment=row.comment, reviewed_at=row.reviewed_at,
        reviewed_by=reviewer,
    )


# --- for the pages ----------------------------------------------------------------------------------------------


