"""Log follow-up tables and the queries of the review queue and the person's log extract (DOMAIN §5).

A queue item is kept for good, closed or not: the review itself is documentation of the provider's log checks.
Items point at audit entries by id without a foreign key: the log is append-only (its triggers refuse updates
and deletes), so the ids never dangle, and its hot table gets no extra constraint to check. The same holds for the
granskningsärenden opened on suspicion (``log_review_case`` and the entries each holds).

Searching the log on suspicion pages newest first by ``seq`` (keyset: "older than seq N"), so a page costs the
same however deep into a long log it is. The searches by user and by unit have an index each on
(account_id, seq) and (unit_id, seq), declared here with the queries that need them (migration 0011); by person
the (person_id, occurred_at) index of the log itself serves, a person's entries being few.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    UniqueConstraint,
    func,
    insert,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.access.store import CareRelationshipRow, EmergencyAccessRow
from nara.audit.model import AuditAction
from nara.audit.store import AuditEntryRow
from nara.auth.store import AccountRow
from nara.core.db import Base, UTCDateTime
from nara.directory.store import PersonRow, StaffRow, UnitRow

_ID = BigInteger().with_variant(Integer, "sqlite")
MAX_CASE_ENTRIES_SHOWN = 500


class ReviewItemRow(Base):
    """One item of a month's log follow-up queue, and its verdict once reviewed (HSLF-FS 2016:40 4 kap.)."""

    __tablename__ = "log_review_item"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    period: Mapped[str] = mapped_column(String(7))  # 'YYYY-MM'
    target_key: Mapped[str] = mapped_column(String(40))  # 'entry:12', 'emergency:3', 'person:7'
    target_kind: Mapped[str] = mapped_column(String(16))  # TargetKind
    reasons: Mapped[str] = mapped_column(String(100))  # SelectionReason values, sorted, comma separated
    audit_entry_id: Mapped[int | None] = mapped_column(BigInteger)  # the access (for a nödåtkomst: its opening)
    emergency_access_id: Mapped[int | None] = mapped_column(ForeignKey("emergency_access.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    account_id: Mapped[int | None] = mapped_column(BigInteger)  # whose access it was (None for a person item)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)  # of the access, the nödåtkomst, or first access
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    verdict: Mapped[str | None] = mapped_column(String(20))  # Verdict; None while open
    comment: Mapped[str | None] = mapped_column(Text)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        UniqueConstraint("period", "target_key", name="uq_log_review_item_period_target"),
        Index("ix_log_review_item_period_occurred", "period", "occurred_at"),
    )


_item = ReviewItemRow.__table__
_entry = AuditEntryRow.__table__


def _staff_accesses(start: datetime, end: datetime) -> list[Any]:
    """Allowed accesses by staff to one person in [start, end): what log follow-up looks at."""
    return [
        _entry.c.occurred_at >= start, _entry.c.occurred_at < end, _entry.c.outcome == "allowed",
        _entry.c.staff_hsa_id.is_not(None), _entry.c.person_id.is_not(None),
    ]


def emergencies_started(session: Session, start: datetime, end: datetime) -> list[EmergencyAccessRow]:
    return list(session.scalars(
        select(EmergencyAccessRow).where(EmergencyAccessRow.started_at >= start, EmergencyAccessRow.started_at < end)
        .order_by(EmergencyAccessRow.started_at, EmergencyAccessRow.id)
    ))


_OPENING_SLACK = timedelta(minutes=1)


def opening_entry_id(session: Session, emergency: EmergencyAccessRow) -> int | None:
    """The audit entry written when the nödåtkomst was opened: same account, person and reason, at the same
    moment (the use case reads the clock for the row and for the entry separately, so allow a little)."""
    return session.scalar(
        select(_entry.c.id).where(_entry.c.person_id == emergency.person_id,
                                  _entry.c.account_id == emergency.account_id, _entry.c.outcome == "allowed",
                                  _entry.c.emergency_reason == emergency.reason,
                                  _entry.c.occurred_at >= emergency.started_at - _OPENING_SLACK,
                                  _entry.c.occurred_at <= emergency.started_at + _OPENING_SLACK)
        .order_by(_entry.c.seq).limit(1)
    )


def self_registered_relationships(session: Session, start: datetime,
                                  end: datetime) -> list[tuple[int, int, int, datetime]]:
    """(entry id, person, account, time) of each care relationship a unit registered for itself in the period — an
    uppdrag or care-team membership whose creating entry was made acting for that same unit (DOMAIN §5). Matched
    in Python: the relationship and its entry read the clock separately, so within _OPENING_SLACK."""
    rel = CareRelationshipRow.__table__
    created = session.execute(
        select(rel.c.person_id, rel.c.created_by, rel.c.unit_id, rel.c.created_at)
        .where(rel.c.created_at >= start - _OPENING_SLACK, rel.c.created_at < end + _OPENING_SLACK,
               rel.c.kind.in_(("assignment", "care_team")))
    ).all()
    if not created:
        return []
    by_key: dict[tuple[int, int, int], list[datetime]] = {}
    for person_id, account_id, unit_id, at in created:
        by_key.setdefault((person_id, account_id, unit_id), []).append(at)
    entries = session.execute(
        select(_entry.c.id, _entry.c.person_id, _entry.c.account_id, _entry.c.unit_id, _entry.c.occurred_at)
        .where(_entry.c.occurred_at >= start, _entry.c.occurred_at < end,
               _entry.c.resource_type == "care_relationship", _entry.c.action == AuditAction.CREATE.value,
               _entry.c.outcome == "allowed", _entry.c.person_id.in_({k[0] for k in by_key}))
        .order_by(_entry.c.seq)
    ).all()
    return [(entry_id, person_id, account_id, at) for entry_id, person_id, account_id, unit_id, at in entries
            if any(abs(made - at) <= _OPENING_SLACK for made in by_key.get((person_id, account_id, unit_id), ()))]


def protected_accesses(session: Session, start: datetime, end: datetime) -> list[tuple[int, int, int, datetime]]:
    """(entry id, person, account, time) of every allowed staff access to a protected person, outside nödåtkomst
    (those are reviewed with their nödåtkomst)."""
    rows = session.execute(
        select(_entry.c.id, _entry.c.person_id, _entry.c.account_id, _entry.c.occurred_at)
        .join(PersonRow, PersonRow.id == _entry.c.person_id)
        .where(*_staff_accesses(start, end), _entry.c.emergency_reason.is_(None),
               PersonRow.protected_identity.is_(True))
        .order_by(_entry.c.seq)
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def distinct_staff_per_person(session: Session, start: datetime, end: datetime) -> dict[int, int]:
    rows = session.execute(
        select(_entry.c.person_id, func.count(func.distinct(_entry.c.account_id)))
        .where(*_staff_accesses(start, end)).group_by(_entry.c.person_id)
    )
    return {person: n for person, n in rows}


def first_access(session: Session, person_id: int, start: datetime, end: datetime) -> datetime | None:
    return session.scalar(select(func.min(_entry.c.occurred_at)).where(*_staff_accesses(start, end),
                                                                        _entry.c.person_id == person_id))


def sample_population(session: Session, start: datetime, end: datetime) -> int:
    return session.scalar(select(func.count()).select_from(_entry).where(
        *_staff_accesses(start, end), _entry.c.emergency_reason.is_(None))) or 0


def sample_candidates(session: Session, start: datetime, end: datetime,
                      batch_size: int = 20_000) -> Iterator[tuple[int, str]]:
    """(id, entry_hash) of the month's staff accesses outside nödåtkomst, streamed."""
    result = session.execute(
        select(_entry.c.id, _entry.c.entry_hash).where(*_staff_accesses(start, end),
                                                        _entry.c.emergency_reason.is_(None))
        .order_by(_entry.c.seq).execution_options(yield_per=batch_size)
    )
    for row in result:
        yield row[0], row[1]


def entries_by_id(session: Session, ids: Sequence[int]) -> list[AuditEntryRow]:
    if not ids:
        return []
    return list(session.scalars(select(AuditEntryRow).where(AuditEntryRow.id.in_(ids)).order_by(AuditEntryRow.seq)))


def add_items(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert queue items that are not there yet (a concurrent build inserts the same ones: no conflict)."""
    if not rows:
        return
    conn = session.connection()
    make_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    for start in range(0, len(rows), 500):
        conn.execute(make_insert(_item).on_conflict_do_nothing(index_elements=["period", "target_key"]),
                     rows[start:start + 500])


def items_of(session: Session, period: str) -> list[ReviewItemRow]:
    return list(session.scalars(
        select(ReviewItemRow).where(ReviewItemRow.period == period)
        .order_by(ReviewItemRow.verdict.is_not(None), ReviewItemRow.occurred_at, ReviewItemRow.id)
    ))


def entries_in_window(session: Session, person_id: int, account_id: int | None, start: datetime, end: datetime,
                      limit: int = 50) -> list[AuditEntryRow]:
    """Accesses to the person in [start, end), by one account or by anyone, oldest first (an item's context)."""
    query = select(AuditEntryRow).where(AuditEntryRow.person_id == person_id, AuditEntryRow.occurred_at >= start,
                                        AuditEntryRow.occurred_at < end, AuditEntryRow.staff_hsa_id.is_not(None))
    if account_id is not None:
        query = query.where(AuditEntryRow.account_id == account_id)
    return list(session.scalars(query.order_by(AuditEntryRow.seq).limit(limit)))


EMERGENCY_ACTION = AuditAction.EMERGENCY_ACCESS.value


# --- the person's log extract --------------------------------------------------------------------------------------

_EMERGENCY = or_(_entry.c.emergency_reason.is_not(None), _entry.c.action == EMERGENCY_ACTION)


def extract_total(session: Session, person_id: int, exclude_account_id: int) -> int:
    """How many accesses by others to the person the log holds, allowed and denied."""
    return session.scalar(select(func.count()).select_from(_entry).where(
        _entry.c.person_id == person_id, _entry.c.account_id != exclude_account_id)) or 0


def extract_entries(session: Session, person_id: int, exclude_account_id: int, *, emergency: bool,
                    before: datetime | None = None, limit: int = 10_000,
                    batch_size: int = 2_000) -> Iterator[AuditEntryRow]:
    """Accesses by others to the person, newest first: those under nödåtkomst, or all the others (older than
    ``before`` when given). Streamed; the (person_id, occurred_at) index gives them in order."""
    query = select(AuditEntryRow).where(AuditEntryRow.person_id == person_id,
                                        AuditEntryRow.account_id != exclude_account_id,
                                        _EMERGENCY if emergency else ~_EMERGENCY)
    if before is not None:
        query = query.where(AuditEntryRow.occurred_at < before)
    query = query.order_by(AuditEntryRow.occurred_at.desc(), AuditEntryRow.seq.desc()).limit(limit)
    yield from session.scalars(query.execution_options(yield_per=batch_size))


# --- checks on suspicion: searching the log ------------------------------------------------------------------------

Index("ix_audit_entry_account_id_seq", _entry.c.account_id, _entry.c.seq)
Index("ix_audit_entry_unit_id_seq", _entry.c.unit_id, _entry.c.seq)

MAX_MATCHES = 50  # accounts or units a typed name may stand for


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds ``text`` anywhere, case-insensitively on both databases: SQLite folds only
    ASCII letters, so each other character matches any one character, and the caller checks the candidates in
    Python (:func:`contains_folded`)."""
    escaped = "".join("\\" + ch if ch in "%_\\" else ch if ch.isascii() else "_" for ch in text)
    return f"%{escaped}%"


def contains_folded(haystack: str | None, needle: str) -> bool:
    return haystack is not None and needle.casefold() in haystack.casefold()


def accounts_matching(session: Session, text: str) -> list[int]:
    """Accounts whose user name is ``text`` or whose name (the account's or its staff member's) holds it. At most
    ``MAX_MATCHES + 1``: more means the text is too vague."""
    pattern = like_pattern(text)
    staff = {s.id: s.full_name for s in session.scalars(
        select(StaffRow).where(or_((StaffRow.given_name + " " + StaffRow.family_name).ilike(pattern, escape="\\"),
                                   StaffRow.hsa_id == text.upper())).limit(1000))
        if contains_folded(s.full_name, text) or s.hsa_id == text.upper()}
    rows = session.execute(
        select(AccountRow.id, AccountRow.username, AccountRow.display_name, AccountRow.staff_id)
        .where(or_(AccountRow.username == text.lower(), AccountRow.display_name.ilike(pattern, escape="\\"),
                   AccountRow.staff_id.in_(staff) if staff else AccountRow.id.is_(None)))
        .order_by(AccountRow.id).limit(1000)
    )
    found = [r.id for r in rows if r.username == text.lower() or contains_folded(r.display_name, text)
             or r.staff_id in staff]
    return found[:MAX_MATCHES + 1]


def units_matching(session: Session, text: str) -> list[int]:
    """Units whose HSA-id is ``text`` or whose name holds it (at most ``MAX_MATCHES + 1``)."""
    rows = session.execute(
        select(UnitRow.id, UnitRow.hsa_id, UnitRow.name)
        .where(or_(UnitRow.hsa_id == text, UnitRow.hsa_id == text.upper(),
                   UnitRow.name.ilike(like_pattern(text), escape="\\")))
        .order_by(UnitRow.id).limit(1000)
    )
    found = [r.id for r in rows if r.hsa_id.upper() == text.upper() or contains_folded(r.name, text)]
    return found[:MAX_MATCHES + 1]


def person_by_identifier(session: Session, identifier: str) -> int | None:
    return session.scalar(select(PersonRow.id).where(PersonRow.identifier == identifier))


NARROW_PERIOD = 20_000  # entries: a period holding fewer is read first, then filtered by user or unit


def period_is_narrow(session: Session, start: datetime | None, end: datetime | None) -> bool:
    """Whether the log holds fewer than NARROW_PERIOD entries in [start, end): counted on the occurred_at index,
    stopping at the bound, so it costs at most that many index entries."""
    if start is None and end is None:
        return False
    window = select(_entry.c.id).where(*search_conditions(account_ids=None, person_id=None, unit_ids=None,
                                                          start=start, end=end)).limit(NARROW_PERIOD).subquery()
    return (session.scalar(select(func.count()).select_from(window)) or 0) < NARROW_PERIOD


def search_conditions(*, account_ids: Sequence[int] | None, person_id: int | None, unit_ids: Sequence[int] | None,
                      start: datetime | None, end: datetime | None, period_first: bool = False) -> list[Any]:
    """The WHERE of a search; ``None`` for a criterion not used. ``period_first``: the user and unit terms are
    written so no index serves them (``column + 0``), which leaves the database one plan — the period's range on
    the occurred_at index, then the filter and a sort of what is left. For a narrow period that beats walking a
    user's or unit's entries back from the newest (SQLite's choice otherwise: over a second for one day, 18
    months back, in 2 million entries; bench/bench_log_search.py)."""
    where: list[Any] = []
    account = _entry.c.account_id + 0 if period_first else _entry.c.account_id
    unit = _entry.c.unit_id + 0 if period_first else _entry.c.unit_id
    if account_ids is not None:
        where.append(account.in_(account_ids))
    if person_id is not None:
        where.append(_entry.c.person_id == person_id)
    if unit_ids is not None:
        where.append(unit.in_(unit_ids))
    if start is not None:
        where.append(_entry.c.occurred_at >= start)
    if end is not None:
        where.append(_entry.c.occurred_at < end)
    return where


def search_page(session: Session, where: list[Any], *, older_than: int | None, limit: int) -> list[AuditEntryRow]:
    """Up to ``limit`` entries matching ``where``, newest first by seq, older than seq ``older_than``."""
    query = select(AuditEntryRow).where(*where)
    if older_than is not None:
        query = query.where(AuditEntryRow.seq < older_than)
    return list(session.scalars(query.order_by(AuditEntryRow.seq.desc()).limit(limit)))


def search_ids(session: Session, where: list[Any], *, limit: int, only: Sequence[int] | None = None) -> list[int]:
    """Ids of the entries matching ``where`` (among ``only`` when given), newest first, at most ``limit``."""
    query = select(_entry.c.id).where(*where)
    if only is not None:
        query = query.where(_entry.c.id.in_(only))
    return list(session.scalars(query.order_by(_entry.c.seq.desc()).limit(limit)))


# --- granskningsärenden --------------------------------------------------------------------------------------------


class ReviewCaseRow(Base):
    """Granskningsärende: a check on suspicion — what was searched, why, which entries, and its outcome
    (HSLF-FS 2016:40 4 kap., DOMAIN §5)."""

    __tablename__ = "log_review_case"
    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    opened_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reason: Mapped[str] = mapped_column(Text)
    scope: Mapped[str] = mapped_column(String(16))  # CaseScope
    search_user: Mapped[str | None] = mapped_column(String(100))
    search_person: Mapped[str | None] = mapped_column(String(12))  # the identifier searched for
    search_unit: Mapped[str | None] = mapped_column(String(100))
    search_from: Mapped[date | None] = mapped_column(Date)
    search_to: Mapped[date | None] = mapped_column(Date)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))  # the person searched for, if found
    entry_count: Mapped[int] = mapped_column(Integer)
    outcome: Mapped[str | None] = mapped_column(String(20))  # CaseOutcome; None while open
    outcome_note: Mapped[str | None] = mapped_column(Text)
    outcome_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ReviewCaseEntryRow(Base):
    """An audit entry a case is about."""

    __tablename__ = "log_review_case_entry"
    case_id: Mapped[int] = mapped_column(ForeignKey("log_review_case.id"))
    audit_entry_id: Mapped[int] = mapped_column(BigInteger)
    __table_args__ = (PrimaryKeyConstraint("case_id", "audit_entry_id"),)


_case_entry = ReviewCaseEntryRow.__table__


def add_case_entries(session: Session, case_id: int, entry_ids: Sequence[int]) -> None:
    conn = session.connection()
    for start in range(0, len(entry_ids), 1000):
        conn.execute(insert(_case_entry), [{"case_id": case_id, "audit_entry_id": i}
                                           for i in entry_ids[start:start + 1000]])


def cases(session: Session, limit: int = 500) -> list[ReviewCaseRow]:
    """Open cases first, then the newest."""
    return list(session.scalars(select(ReviewCaseRow).order_by(
        ReviewCaseRow.outcome.is_not(None), ReviewCaseRow.opened_at.desc(), ReviewCaseRow.id.desc()).limit(limit)))


def case_entries(session: Session, case_id: int, limit: int = MAX_CASE_ENTRIES_SHOWN) -> list[AuditEntryRow]:
    ids = select(_case_entry.c.audit_entry_id).where(_case_entry.c.case_id == case_id)
    return list(session.scalars(select(AuditEntryRow).where(AuditEntryRow.id.in_(ids))
                                .order_by(AuditEntryRow.seq.desc()).limit(limit)))
