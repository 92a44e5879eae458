"""Log follow-up's own tables and their queries (DOMAIN.md §5): the review queue and the granskningsärenden.

A queue item is kept for good, closed or not: the review itself is documentation of the provider's log checks.
Items point at audit entries by id without a foreign key: the log is append-only (its triggers refuse updates
and deletes), so the ids never dangle, and its hot table gets no extra constraint to check. The same holds for the
granskningsärenden opened on suspicion (``log_review_case`` and the entries each holds).
The log itself is read through nara.audit.service.followup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
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
    insert,
    select,
)
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime

MAX_CASE_ENTRIES_SHOWN = 500


class ReviewItemRow(Base):
    """One item of a month's log follow-up queue, and its verdict once reviewed (HSLF-FS 2016:40 4 kap.)."""

    __tablename__ = "log_review_item"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
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


# --- granskningsärenden --------------------------------------------------------------------------------------------


class ReviewCaseRow(Base):
    """Granskningsärende: a check on suspicion — what was searched, why, which entries, and its outcome
    (HSLF-FS 2016:40 4 kap., DOMAIN §5)."""

    __tablename__ = "log_review_case"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
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


def case_entry_ids(session: Session, case_id: int) -> list[int]:
    """The ids of the audit entries a case is about."""
    return list(session.scalars(select(_case_entry.c.audit_entry_id).where(_case_entry.c.case_id == case_id)))
