"""Log follow-up tables and the queries of the review queue and the person's log extract (DOMAIN §5).

A queue item is kept for good, closed or not: the review itself is documentation of the provider's log checks.
Items point at audit entries by id without a foreign key: the log is append-only (its triggers refuse updates
and deletes), so the ids never dangle, and its hot table gets no extra constraint to check.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.access.audit import AuditAction
from nara.access.grants_store import EmergencyAccessRow
from nara.access.store import AuditEntryRow
from nara.core.db import Base, UTCDateTime
from nara.directory.store import PersonRow

_ID = BigInteger().with_variant(Integer, "sqlite")


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


def log_extract(session: Session, person_id: int, exclude_account_id: int, limit: int,
                offset: int) -> tuple[int, list[AuditEntryRow]]:
    """Loggutdrag: the allowed accesses by others to the person, newest first, and how many there are."""
    where = and_(AuditEntryRow.person_id == person_id, AuditEntryRow.outcome == "allowed",
                 AuditEntryRow.account_id != exclude_account_id)
    total = session.scalar(select(func.count()).select_from(AuditEntryRow).where(where)) or 0
    rows = list(session.scalars(
        select(AuditEntryRow).where(where).order_by(AuditEntryRow.seq.desc()).limit(limit).offset(offset)
    ))
    return total, rows


EMERGENCY_ACTION = AuditAction.EMERGENCY_ACCESS.value
