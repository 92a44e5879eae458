"""The messaging part's tables and queries: threads, their posts, and how far each reader has read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint, func, or_, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime

INBOX_LIMIT = 200


class ThreadRow(Base):
    """Meddelandetråd: about one person, sent to one unit (module docstring of nara.messaging.model)."""

    __tablename__ = "message_thread"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # ThreadKind
    subject: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the unit it was sent to
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))  # that unit's care provider
    from_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)  # team threads
    from_provider_id: Mapped[int | None] = mapped_column(ForeignKey("care_provider.id"))
    source_kind: Mapped[str | None] = mapped_column(String(16))  # Source
    source_id: Mapped[int | None] = mapped_column(IdType)
    status: Mapped[str] = mapped_column(String(16))  # Status
    awaiting_unit_id: Mapped[int | None] = mapped_column(IdType)  # the unit whose answer is awaited
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    taken_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    taken_by_name: Mapped[str | None] = mapped_column(String(200))
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_message_thread_source", "source_kind", "source_id"),)


class PostRow(Base):
    """Ett inlägg i en tråd: who wrote it (the person, or staff for a unit) and when."""

    __tablename__ = "message_post"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # PostKind
    body: Mapped[str] = mapped_column(Text)
    by_person: Mapped[bool] = mapped_column(Boolean)
    author_account_id: Mapped[int] = mapped_column(IdType)
    author_name: Mapped[str] = mapped_column(String(200))
    author_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    author_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    author_provider_id: Mapped[int | None] = mapped_column(ForeignKey("care_provider.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ReadMarkRow(Base):
    """How far one reader (an account) has read a thread: the last post they saw."""

    __tablename__ = "message_read"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("message_thread.id"))
    account_id: Mapped[int] = mapped_column(IdType)
    last_post_id: Mapped[int] = mapped_column(IdType)
    read_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (UniqueConstraint("thread_id", "account_id", name="uq_message_read_reader"),)


def thread(session: Session, thread_id: int, *, lock: bool = False) -> ThreadRow | None:
    query = select(ThreadRow).where(ThreadRow.id == thread_id)
    return session.scalar(query.with_for_update() if lock else query)


def posts_of(session: Session, thread_id: int) -> list[PostRow]:
    return list(session.scalars(select(PostRow).where(PostRow.thread_id == thread_id).order_by(PostRow.id)))


def threads_of_person(session: Session, person_id: int, kind: str, limit: int = INBOX_LIMIT) -> list[ThreadRow]:
    return list(session.scalars(select(ThreadRow).where(ThreadRow.person_id == person_id, ThreadRow.kind == kind)
                                .order_by(ThreadRow.last_post_at.desc(), ThreadRow.id.desc()).limit(limit)))


def threads_of_unit(session: Session, unit_id: int, statuses: Iterable[str],
                    limit: int = INBOX_LIMIT) -> list[ThreadRow]:
    """The unit's threads (sent to it, or team threads it started): waiting ones first, the longest wait first."""
    waiting = ThreadRow.awaiting_unit_id == unit_id
    return list(session.scalars(
        select(ThreadRow).where(or_(ThreadRow.unit_id == unit_id, ThreadRow.from_unit_id == unit_id),
                                ThreadRow.status.in_(list(statuses)))
        .order_by(waiting.desc(), ThreadRow.awaiting_since.asc(), ThreadRow.last_post_at.desc(),
                  ThreadRow.id.desc()).limit(limit)))


def threads_of_source(session: Session, source_kind: str, source_ids: Iterable[int]) -> list[ThreadRow]:
    ids = list(source_ids)
    if not ids:
        return []
    return list(session.scalars(select(ThreadRow).where(ThreadRow.source_kind == source_kind,
                                                        ThreadRow.source_id.in_(ids)).order_by(ThreadRow.id)))


def ready_posts(session: Session, thread_ids: Iterable[int]) -> list[PostRow]:
    ids = list(thread_ids)
    if not ids:
        return []
    return list(session.scalars(select(PostRow).where(PostRow.thread_id.in_(ids), PostRow.kind == "ready")
                                .order_by(PostRow.id)))


def others_post_ids(session: Session, thread_ids: Iterable[int], account_id: int) -> dict[int, list[int]]:
    """Per thread, the ids of the posts someone other than ``account_id`` wrote."""
    ids = list(thread_ids)
    found: dict[int, list[int]] = {i: [] for i in ids}
    if not ids:
        return found
    for thread_id, post_id in session.execute(
            select(PostRow.thread_id, PostRow.id).where(PostRow.thread_id.in_(ids),
                                                        PostRow.author_account_id != account_id)):
        found[thread_id].append(post_id)
    return found


def read_marks(session: Session, thread_ids: Iterable[int], account_id: int) -> dict[int, int]:
    ids = list(thread_ids)
    if not ids:
        return {}
    return dict(session.execute(select(ReadMarkRow.thread_id, ReadMarkRow.last_post_id)
                                .where(ReadMarkRow.thread_id.in_(ids), ReadMarkRow.account_id == account_id)).all())


def mark_read(session: Session, thread_id: int, account_id: int, last_post_id: int, at: datetime) -> None:
    row = session.scalar(select(ReadMarkRow).where(ReadMarkRow.thread_id == thread_id,
                                                   ReadMarkRow.account_id == account_id))
    if row is None:
        session.add(ReadMarkRow(thread_id=thread_id, account_id=account_id, last_post_id=last_post_id, read_at=at))
    elif row.last_post_id < last_post_id:
        row.last_post_id, row.read_at = last_post_id, at


def last_post_id(session: Session, thread_id: int) -> int | None:
    return session.scalar(select(func.max(PostRow.id)).where(PostRow.thread_id == thread_id))
