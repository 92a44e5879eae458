"""Use cases of log follow-up (logguppföljning) and of the person's own view of who may see and who has seen their
data (DOMAIN §5). The selection rules are in nara.access.review; this module loads, stores and logs.

Log follow-up: the reviewer's queue per month is built from the log (idempotently: building again adds what is
new and keeps what was reviewed). Opening an item shows a person's identity and their log entries, so it is an
access to person data and is logged (purpose logguppföljning); so is the verdict. Reviewers never read person
data through :func:`nara.access.guard.authorize` (the policy gives their role none); this is their own path.

The person's own view: reading one's log extract (nara.access.review_extract), consents and spärrar goes through
``authorize`` (purpose egen_insyn) and is logged like every access; giving and withdrawing consent and setting a
spärr go through the use cases of nara.access.grants and take effect at once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access.model import BLOCKABLE, BlockKind, InformationCategory, Purpose
from nara.access.service import authorize, grants
from nara.access.store import (
    BlockRow,
    CareRelationshipRow,
    ConsentRow,
    EmergencyAccessRow,
    blocks_of,
    consents_of,
    load_facts,
)
from nara.audit.model import AuditAction, AuditEvent, Outcome
from nara.audit.service import record
from nara.audit.store import AuditEntryRow
from nara.auth.store import AccountRow
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, local_date, local_minute
from nara.core.db import Database
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.core.settings import Settings
from nara.directory.store import CareProviderRow, ListingRow, PersonRow, SaboResidenceRow, StaffRow, UnitRow
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
    """Looks up staff, units and providers of many entries with one query each."""

    def __init__(self, session: Session, entries: list[AuditEntryRow]) -> None:
        hsa = {e.staff_hsa_id for e in entries if e.staff_hsa_id}
        units = {e.unit_id for e in entries if e.unit_id is not None}
        providers = {e.care_provider_id for e in entries if e.care_provider_id is not None}
        self.staff = {s.hsa_id: s for s in session.scalars(select(StaffRow).where(StaffRow.hsa_id.in_(hsa)))} \
            if hsa else {}
        self.units = {u.id: u for u in session.scalars(select(UnitRow).where(UnitRow.id.in_(units)))} \
            if units else {}
        self.providers = {p.id: p.name for p in session.scalars(
            select(CareProviderRow).where(CareProviderRow.id.in_(providers)))} if providers else {}

    def of(self, e: AuditEntryRow) -> Who:
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
        entries = {e.id: e for e in store.entries_by_id(s, [r.audit_entry_id for r in rows if r.audit_entry_id])}
        names = Names(s, list(entries.values()))
        counts = store.distinct_staff_per_person(s, period.start, period.end) \
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
    """Add the month's items that are not in the queue yet (module docstring of nara.access.review)."""
    start, end = period.start, period.end
    found: dict[str, dict[str, Any]] = {}

    def add(key: str, kind: TargetKind, reason: SelectionReason, **values: Any) -> None:
        item = found.setdefault(key, {"period": str(period), "target_key": key, "target_kind": kind.value,
                                      "reasons": set(), "created_at": now, **values})
        item["reasons"].add(reason)

    for emergency in store.emergencies_started(s, start, end):
        key = f"emergency:{emergency.id}"
        add(key, TargetKind.EMERGENCY, SelectionReason.EMERGENCY, emergency_access_id=emergency.id,
            person_id=emergency.person_id, account_id=emergency.account_id, occurred_at=emergency.started_at,
            audit_entry_id=store.opening_entry_id(s, emergency))
        person = s.get(PersonRow, emergency.person_id)
        if person is not None and person.protected_identity:
            add(key, TargetKind.EMERGENCY, SelectionReason.PROTECTED_IDENTITY)
    for entry_id, person_id, account_id, at in store.protected_accesses(s, start, end):
        add(f"entry:{entry_id}", TargetKind.ENTRY, SelectionReason.PROTECTED_IDENTITY, audit_entry_id=entry_id,
            person_id=person_id, account_id=account_id, occurred_at=at)
    for entry_id, person_id, account_id, at in store.self_registered_relationships(s, start, end):
        add(f"entry:{entry_id}", TargetKind.ENTRY, SelectionReason.SELF_REGISTERED, audit_entry_id=entry_id,
            person_id=person_id, account_id=account_id, occurred_at=at)
    for person_id in opened_by_many(store.distinct_staff_per_person(s, start, end), rules):
        first = store.first_access(s, person_id, start, end)
        add(f"person:{person_id}", TargetKind.PERSON, SelectionReason.MANY_STAFF, person_id=person_id,
            occurred_at=first or start)
    drawn, size, population = period.has_ended(now), 0, 0
    if drawn:
        population = store.sample_population(s, start, end)
        size = sample_size(population, rules)
        sampled = draw_sample(period, store.sample_candidates(s, start, end), size)
        for e in store.entries_by_id(s, sampled):
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


@dataclass(frozen=True, slots=True)
class ContextLine:
    occurred_at: datetime
    action: str
    category: str | None
    resource: str | None
    who: Who
    emergency_reason: str | None


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
            grants.mark_emergency_reviewed(s, actor, clock, row.emergency_access_id)
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


def _line(e: AuditEntryRow, names: Names) -> ContextLine:
    return ContextLine(e.occurred_at, e.action, e.information_category,
                       f"{e.resource_type} {e.resource_id}" if e.resource_id else e.resource_type, names.of(e),
                       e.emergency_reason)


def _detail(s: Session, row: store.ReviewItemRow) -> ItemDetail:
    period = Period.parse(row.period)
    person = s.get(PersonRow, row.person_id)
    assert person is not None  # a foreign key
    entry = s.get(AuditEntryRow, row.audit_entry_id) if row.audit_entry_id else None
    emergency = s.get(EmergencyAccessRow, row.emergency_access_id) if row.emergency_access_id else None
    if emergency is not None:  # what was done under the nödåtkomst
        context_rows = store.entries_in_window(s, row.person_id, emergency.account_id, emergency.started_at,
                                               emergency.expires_at)
    elif row.account_id is not None:  # the staff member's accesses to the person that month
        context_rows = store.entries_in_window(s, row.person_id, row.account_id, period.start, period.end)
    else:
        context_rows = store.entries_in_window(s, row.person_id, None, period.start, period.end, limit=10_000)
    names = Names(s, [*context_rows, *([entry] if entry else [])])
    relationships: list[str] = []
    if entry is not None and entry.unit_id is not None and entry.care_provider_id is not None:
        _hsa, facts = load_facts(s, person_id=row.person_id, unit_id=entry.unit_id,
                                 provider_id=entry.care_provider_id, account_id=entry.account_id,
                                 at=entry.occurred_at)
        relationships = sorted({r.kind.value for r in facts.relationships if r.is_current(entry.occurred_at)})
    staff: list[StaffCount] = []
    if row.target_kind == TargetKind.PERSON:
        per_account: dict[int, list[AuditEntryRow]] = {}
        for e in context_rows:
            per_account.setdefault(e.account_id, []).append(e)
        staff = sorted((StaffCount(names.of(es[0]), len(es)) for es in per_account.values()),
                       key=lambda c: (-c.count, c.who.staff_name or ""))
        context_rows = []
    reviewer = s.get(AccountRow, row.reviewed_by) if row.reviewed_by else None
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
        reviewed_by=reviewer.display_name if reviewer else None,
    )


# --- the person's own view ----------------------------------------------------------------------------------------


def person_of(actor: Actor) -> int:
    if actor.role is not Role.RESIDENT:
        raise Forbidden("auth.forbidden")
    if actor.person_id is None:
        raise Forbidden("resident.no_person")
    return actor.person_id


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ConsentLine:
    id: int
    provider_id: int
    provider_name: str
    plan_ref: str | None
    valid_from: datetime
    valid_to: datetime | None
    revoked_at: datetime | None
    given_by: str
    status: str  # active, revoked, ended, future


@dataclass(frozen=True, slots=True)
class MyConsents:
    consents: list[ConsentLine]
    my_providers: list[ProviderChoice]  # have or had a care relationship with me
    all_providers: list[ProviderChoice]


def _status(row: ConsentRow, now: datetime) -> str:
    if row.revoked_at is not None and row.revoked_at <= now:
        return "revoked"
    if row.valid_to is not None and row.valid_to <= now:
        return "ended"
    if row.valid_from > now:
        return "future"
    return "active"


def _my_units(s: Session, person_id: int) -> list[UnitRow]:
    """Units that have or had a care relationship with the person: listing, SäBo, recorded relationships."""
    ids = set(s.scalars(select(ListingRow.unit_id).where(ListingRow.person_id == person_id)))
    ids |= set(s.scalars(select(SaboResidenceRow.unit_id).where(SaboResidenceRow.person_id == person_id)))
    ids |= set(s.scalars(select(CareRelationshipRow.unit_id).where(CareRelationshipRow.person_id == person_id)))
    if not ids:
        return []
    return list(s.scalars(select(UnitRow).where(UnitRow.id.in_(ids)).order_by(UnitRow.name, UnitRow.id)))


def my_consents(db: Database, actor: Actor, clock: Clock) -> MyConsents:
    person_id = person_of(actor)
    now = clock.now()
    with db.transaction() as s:
        authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.READ, Purpose.EGEN_INSYN, clock,
                  resource=("consent", None))
        providers = {p.id: p.name for p in s.scalars(select(CareProviderRow))}
        rows = consents_of(s, person_id)
        mine = {u.provider_id for u in _my_units(s, person_id)} | {r.care_provider_id for r in rows}
        consents = [ConsentLine(r.id, r.care_provider_id, providers.get(r.care_provider_id, ""), r.plan_ref,
                                r.valid_from, r.valid_to, r.revoked_at, r.given_by, _status(r, now))
                    for r in reversed(rows)]
    ordered = sorted(providers.items(), key=lambda p: (p[1], p[0]))
    return MyConsents(consents, [ProviderChoice(i, n) for i, n in ordered if i in mine],
                      [ProviderChoice(i, n) for i, n in ordered])


def give_my_consent(db: Database, actor: Actor, clock: Clock, care_provider_id: int) -> ConsentLine:
    """I let ``care_provider_id`` read what other providers recorded about me, from now until I revoke it."""
    person_id = person_of(actor)
    now = clock.now()
    with db.transaction() as s:
        provider = s.get(CareProviderRow, care_provider_id)
        if provider is None:
            raise NotFound("unit.not_found")
        if any(r.care_provider_id == care_provider_id and r.plan_ref is None and _status(r, now) == "active"
               for r in consents_of(s, person_id)):
            raise Conflict("resident.consent.exists", provider=provider.name)
        row = grants.give_consent(s, actor, clock, person_id=person_id, care_provider_id=care_provider_id)
        return ConsentLine(row.id, provider.id, provider.name, row.plan_ref, row.valid_from, row.valid_to,
                           row.revoked_at, row.given_by, _status(row, now))


def revoke_my_consent(db: Database, actor: Actor, clock: Clock, consent_id: int) -> ConsentLine:
    """Withdraw a consent, with effect from the next request (DOMAIN §5). Another person's consent is denied
    by the policy (and logged)."""
    person_of(actor)
    with db.transaction() as s:
        row = grants.revoke_consent(s, actor, clock, consent_id)
        provider = s.get(CareProviderRow, row.care_provider_id)
        return ConsentLine(row.id, row.care_provider_id, provider.name if provider else "", row.plan_ref,
                           row.valid_from, row.valid_to, row.revoked_at, row.given_by, _status(row, clock.now()))


@dataclass(frozen=True, slots=True)
class BlockLine:
    id: int
    kind: BlockKind
    category: str | None
    plan_ref: str | None
    unit_name: str | None
    provider_name: str
    set_at: datetime
    lifted_at: datetime | None


@dataclass(frozen=True, slots=True)
class UnitChoice:
    id: int
    name: str
    provider_name: str


@dataclass(frozen=True, slots=True)
class MyBlocks:
    blocks: list[BlockLine]
    units: list[UnitChoice]  # where a spärr can be asked for: the units I have or had contact with
    categories: list[str]


def my_blocks(db: Database, actor: Actor, clock: Clock) -> MyBlocks:
    """My spärrar, lifted ones too, with who set them (always shown, DOMAIN §5)."""
    person_id = person_of(actor)
    with db.transaction() as s:
        authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.READ, Purpose.EGEN_INSYN, clock,
                  resource=("sparr", None))
        providers = {p.id: p.name for p in s.scalars(select(CareProviderRow))}
        rows = blocks_of(s, person_id)
        unit_ids = {r.unit_id for r in rows if r.unit_id is not None}
        unit_names = {u.id: u.name for u in s.scalars(select(UnitRow).where(UnitRow.id.in_(unit_ids)))} \
            if unit_ids else {}
        blocks = [BlockLine(r.id, BlockKind(r.kind), r.category, r.plan_ref, unit_names.get(r.unit_id or 0),
                            providers.get(r.provider_id, ""), r.set_at, r.lifted_at) for r in reversed(rows)]
        units = [UnitChoice(u.id, u.name, providers.get(u.provider_id, "")) for u in _my_units(s, person_id)]
    order = list(InformationCategory)
    return MyBlocks(blocks, units, sorted((c.value for c in BLOCKABLE), key=lambda c: order.index(
        InformationCategory(c))))


def set_my_block(db: Database, actor: Actor, clock: Clock, *, unit_id: int, kind: str, category: str) -> BlockRow:
    """I ask for a spärr on what ``unit_id`` (inre) or its care provider (yttre) recorded in ``category``."""
    person_id = person_of(actor)
    try:
        block_kind, block_category = BlockKind(kind), InformationCategory(category)
    except ValueError:
        raise ValidationFailed("resident.block.fields_missing") from None
    with db.transaction() as s:
        unit = s.get(UnitRow, unit_id)
        if unit is None:
            raise NotFound("unit.not_found")
        return grants.set_block(s, actor, clock, person_id=person_id, kind=block_kind, category=block_category,
                                unit_id=unit.id, provider_id=unit.provider_id)


def day_of(at: datetime | None) -> str:
    """The Swedish calendar date of an instant, e.g. '2026-11-22'."""
    return "" if at is None else local_date(at).isoformat()


FORMATS = {"when": local_minute, "day": day_of}  # for the pages' templates
