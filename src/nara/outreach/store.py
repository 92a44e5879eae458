"""The outreach part's tables: each person's preferences and the outbox.

The outbox row is written in the transaction of the event that causes it, so a notice exists exactly when the
event does; the sender delivers it later, row by row, and records every attempt on the row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime
from nara.outreach.model import Status


class PreferenceRow(Base):
    """How one person wants to be reached (the address and number are person data: read through the policy)."""

    __tablename__ = "outreach_preference"
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), primary_key=True)
    email: Mapped[str | None] = mapped_column(String(254))
    sms: Mapped[str | None] = mapped_column(String(16))  # E.164
    events: Mapped[str] = mapped_column(String(200), default="")  # comma-separated nara.outreach.model.Event
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))


class OutboxRow(Base):
    """One notice to one address. ``status`` pending → sent, or failed after the last attempt (kept)."""

    __tablename__ = "outreach_outbox"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    event: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(254))
    status: Mapped[str] = mapped_column(String(8), default=Status.PENDING.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (Index("ix_outreach_outbox_due", "status", "next_attempt_at"),)


def preference(session: Session, person_id: int) -> PreferenceRow | None:
    return session.get(PreferenceRow, person_id)


def due_ids(session: Session, now: datetime, channels: Sequence[str], limit: int) -> list[int]:
    """Pending messages whose time has come, oldest first."""
    return list(session.scalars(
        select(OutboxRow.id).where(OutboxRow.status == Status.PENDING.value, OutboxRow.channel.in_(channels),
                                   OutboxRow.next_attempt_at <= now)
        .order_by(OutboxRow.next_attempt_at, OutboxRow.id).limit(limit)))


def claim(session: Session, outbox_id: int) -> OutboxRow | None:
    """The message, locked for this transaction so that two senders never send it twice (PostgreSQL: a row
    another sender holds is skipped; SQLite writes one transaction at a time)."""
    query = select(OutboxRow).where(OutboxRow.id == outbox_id, OutboxRow.status == Status.PENDING.value)
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    return session.scalars(query).first()


def counts(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(select(OutboxRow.status, OutboxRow.channel, func.count())
                           .group_by(OutboxRow.status, OutboxRow.channel)).all()
    return {(status, channel): n for status, channel, n in rows}


def failed(session: Session, limit: int) -> list[OutboxRow]:
    return list(session.scalars(select(OutboxRow).where(OutboxRow.status == Status.FAILED.value)
                                .order_by(OutboxRow.created_at.desc(), OutboxRow.id.desc()).limit(limit)))


def requeue_failed(session: Session, now: datetime) -> int:
    result = session.execute(update(OutboxRow).where(OutboxRow.status == Status.FAILED.value)
                             .values(status=Status.PENDING.value, attempts=0, next_attempt_at=now))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
