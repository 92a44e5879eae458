"""Plan tables (DOMAIN §2–3): versioned document storage, like a FHIR resource's history.

- ``plan``: one row per plan with the current version's document (JSON text) and what worklists ask for without
  opening documents: status or SIP phase, open requests from the person, the number of SIP follow-ups.
- ``plan_version``: one immutable row per change (version 1 is the creation), with its author and a summary.
- ``plan_unit`` and ``plan_agenda``: indexes derived from the current document, rewritten with each version —
  which units take part and how, and the dated open items (activities, agreed times, the SIP meeting), so that
  "overdue" and "next" are asked of today's date in SQL rather than stored as flags that go stale overnight.
- ``notification``: in-app notifications (nara.plans.service.notify).

A write is one transaction: ``UPDATE plan … WHERE id = :id AND version = :expected`` (:func:`advance`) — zero
rows means someone else wrote first (412) — then the new ``plan_version`` row and the indexes. On PostgreSQL the
conditional update takes the row lock and re-checks the version after a concurrent writer commits, so two writers
of the same version never both succeed; the (plan_id, version) primary key of ``plan_version`` backs that up.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    bindparam,
    case,
    delete,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime
from nara.plans.model import AgendaItem, UnitRole


class PlanRow(Base):
    """Plan: a Patientkontrakt or a SIP for one person, owned by the care provider whose unit created it."""

    __tablename__ = "plan"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # PlanKind
    owner_provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    version: Mapped[int] = mapped_column(Integer)
    document: Mapped[str] = mapped_column(Text)  # PlanDocument as JSON
    status: Mapped[str] = mapped_column(String(16))  # PlanStatus, or a SIP's SipPhase
    open_requests: Mapped[int] = mapped_column(Integer, default=0)
    follow_ups: Mapped[int] = mapped_column(Integer, default=0)
    # 'patientkontrakt:<person_id>' while a Patientkontrakt is active: one per person (unique), else NULL.
    single_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (CheckConstraint("kind in ('patientkontrakt','sip')", name="kind"),)


class PlanVersionRow(Base):
    """One version of a plan, never changed: the document as it was, who wrote it, when, and what changed."""

    __tablename__ = "plan_version"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    document: Mapped[str] = mapped_column(Text)
    author_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    author_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    author_hsa_id: Mapped[str | None] = mapped_column(String(40))
    author_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    author_provider_id: Mapped[int | None] = mapped_column(ForeignKey("care_provider.id"))
    by_person: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(Text)


class PlanUnitRow(Base):
    """A unit taking part in a plan, and how (UnitRole values, comma separated): the staff worklist's index."""

    __tablename__ = "plan_unit"
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    roles: Mapped[str] = mapped_column(String(80))


class PlanAgendaRow(Base):
    """A dated open item of a plan's current version: an activity (with its responsible unit), an agreed time or
    the SIP meeting."""

    __tablename__ = "plan_agenda"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plan.id"))
    kind: Mapped[str] = mapped_column(String(16))
    element_id: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    due_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_plan_agenda_plan_due", "plan_id", "due_on"),)


class NotificationRow(Base):
    """An in-app notification to an account (the person) or to a unit (its staff)."""

    __tablename__ = "notification"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    recipient_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    recipient_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    # The discharge process it is about (the discharge part's id; no foreign key: that table is the discharge
    # part's), so the page can link to it.
    process_id: Mapped[int | None] = mapped_column(IdType)
    kind: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (
        Index("ix_notification_account_created", "recipient_account_id", "created_at"),
        Index("ix_notification_unit_created", "recipient_unit_id", "created_at"),
        CheckConstraint("(recipient_account_id is null) <> (recipient_unit_id is null)", name="one_recipient"),
    )


_plan = PlanRow.__table__


# --- writing -------------------------------------------------------------------------------------------------------


def advance(session: Session, plan_id: int, expected: int, values: dict[str, Any]) -> bool:
    """Move the plan from version ``expected`` to ``expected + 1`` with ``values``; False when the plan is no
    longer at ``expected`` (someone else wrote first). See the module docstring."""
    result = session.execute(
        update(_plan).where(_plan.c.id == plan_id, _plan.c.version == expected)
        .values(version=expected + 1, **values)
    )
    return result.rowcount == 1  # type: ignore[attr-defined]


def replace_indexes(session: Session, plan_id: int, units: dict[int, set[UnitRole]],
                    items: Sequence[AgendaItem], *, fresh: bool = False) -> None:
    """Rewrite the plan's ``plan_unit`` and ``plan_agenda`` rows from its current document."""
    if not fresh:
        session.execute(delete(PlanUnitRow).where(PlanUnitRow.plan_id == plan_id))
        session.execute(delete(PlanAgendaRow).where(PlanAgendaRow.plan_id == plan_id))
    if units:
        session.execute(insert(PlanUnitRow), [
            {"plan_id": plan_id, "unit_id": unit, "roles": ",".join(sorted(r.value for r in roles))}
            for unit, roles in sorted(units.items())])
    if items:
        session.execute(insert(PlanAgendaRow), [
            {"plan_id": plan_id, "kind": i.kind, "element_id": i.element_id, "unit_id": i.unit_id, "due_on": i.on,
             "starts_at": i.at} for i in items])


# --- reading -------------------------------------------------------------------------------------------------------


def plans_of_person(session: Session, person_id: int) -> list[PlanRow]:
    return list(session.scalars(select(PlanRow).where(PlanRow.person_id == person_id).order_by(PlanRow.id)))


def has_plans(session: Session, person_id: int) -> bool:
    return session.scalar(select(PlanRow.id).where(PlanRow.person_id == person_id).limit(1)) is not None


def versions_of(session: Session, plan_id: int, *, documents: bool = False) -> list[PlanVersionRow]:
    """The plan's history, newest first; the documents only when asked for (to decide what each version shows)."""
    from sqlalchemy.orm import defer

    query = select(PlanVersionRow)
    if not documents:
        query = query.options(defer(PlanVersionRow.document))
    return list(session.scalars(query.where(PlanVersionRow.plan_id == plan_id)
                                .order_by(PlanVersionRow.version.desc())))


def version_of(session: Session, plan_id: int, version: int) -> PlanVersionRow | None:
    return session.get(PlanVersionRow, (plan_id, version))


@dataclass(frozen=True, slots=True)
class WorklistRow:
    plan_id: int
    person_id: int
    kind: str
    status: str
    owner_provider_id: int
    owner_unit_id: int
    version: int
    updated_at: datetime
    roles: tuple[str, ...]
    open_requests: int
    overdue: int
    overdue_mine: int
    next_on: date | None


def worklist(session: Session, unit_id: int, today: date, limit: int) -> list[WorklistRow]:
    """Plans the unit takes part in, with what needs attention first: overdue activities, the person's open
    requests, then the nearest next step. Index lookups only: no document is opened."""
    mine = select(PlanUnitRow.plan_id, PlanUnitRow.roles).where(PlanUnitRow.unit_id == unit_id).subquery()
    agenda = (
        select(
            PlanAgendaRow.plan_id,
            func.sum(case((and_(PlanAgendaRow.kind == "activity", PlanAgendaRow.due_on < today), 1), else_=0))
            .label("overdue"),
            func.sum(case((and_(PlanAgendaRow.kind == "activity", PlanAgendaRow.due_on < today,
                                PlanAgendaRow.unit_id == unit_id), 1), else_=0)).label("overdue_mine"),
            func.min(case((PlanAgendaRow.due_on >= today, PlanAgendaRow.due_on), else_=None)).label("next_on"),
        )
        .where(PlanAgendaRow.plan_id.in_(select(mine.c.plan_id)))
        .group_by(PlanAgendaRow.plan_id)
        .subquery()
    )
    overdue = func.coalesce(agenda.c.overdue, 0)
    rows = session.execute(
        select(PlanRow.id, PlanRow.person_id, PlanRow.kind, PlanRow.status, PlanRow.owner_provider_id,
               PlanRow.owner_unit_id, PlanRow.version, PlanRow.updated_at, mine.c.roles, PlanRow.open_requests,
               overdue, func.coalesce(agenda.c.overdue_mine, 0), agenda.c.next_on)
        .join(mine, mine.c.plan_id == PlanRow.id)
        .outerjoin(agenda, agenda.c.plan_id == PlanRow.id)
        .order_by(overdue.desc(), PlanRow.open_requests.desc(), agenda.c.next_on.is_(None), agenda.c.next_on,
                  PlanRow.id)
        .limit(limit)
    ).all()
    return [WorklistRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], tuple(r[8].split(",")), r[9], int(r[10]),
                        int(r[11]), r[12]) for r in rows]


_CURRENT = select(_plan).where(_plan.c.id == bindparam("plan_id"))  # built once: it runs on every plan read


def current(session: Session | Connection, plan_id: int) -> Any | None:
    """The plan's row as a plain (read-only) row with PlanRow's attributes: cheaper than the ORM on the read path."""
    return session.execute(_CURRENT, {"plan_id": plan_id}).first()


def unit_ids_of(session: Session, plan_id: int) -> set[int]:
    """The units a plan names, from its index (``plan_unit``)."""
    return set(session.scalars(select(PlanUnitRow.unit_id).where(PlanUnitRow.plan_id == plan_id)))


def current_version(session: Session, plan_id: int, *, fresh: bool = False) -> int | None:
    """The plan's current version (``fresh``: as the database has it now, past what the session holds)."""
    query = select(PlanRow.version).where(PlanRow.id == plan_id)
    return session.scalar(query.execution_options(populate_existing=True) if fresh else query)


def plan_with_key(session: Session, single_key: str) -> int | None:
    """The plan that holds ``single_key`` (the one active Patientkontrakt of a person), if any."""
    return session.scalar(select(PlanRow.id).where(PlanRow.single_key == single_key))


def sip_plans_of(session: Session, person_ids: Iterable[int]) -> list[PlanRow]:
    wanted = set(person_ids)
    if not wanted:
        return []
    return list(session.scalars(select(PlanRow).where(PlanRow.person_id.in_(wanted), PlanRow.kind == "sip")
                                .order_by(PlanRow.id)))


# --- notifications --------------------------------------------------------------------------------------------


def _to(account_id: int, unit_id: int | None) -> Any:
    clauses = [NotificationRow.recipient_account_id == account_id]
    if unit_id is not None:
        clauses.append(NotificationRow.recipient_unit_id == unit_id)
    return or_(*clauses)


def notifications_to(session: Session, account_id: int, unit_id: int | None, *, unread_only: bool,
                     limit: int) -> list[NotificationRow]:
    """Notifications to the account or (when given) the unit, newest first."""
    query = select(NotificationRow).where(_to(account_id, unit_id))
    if unread_only:
        query = query.where(NotificationRow.read_at.is_(None))
    return list(session.scalars(query.order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc())
                                .limit(limit)))


def notification_to(session: Session, notification_id: int, account_id: int,
                    unit_id: int | None) -> NotificationRow | None:
    return session.scalar(select(NotificationRow).where(NotificationRow.id == notification_id,
                                                        _to(account_id, unit_id)))


def unread_count(session: Session, account_id: int, unit_id: int | None) -> int:
    """How many of the account's (and the unit's) notifications are unread — all of them, not only those listed."""
    return session.scalar(select(func.count()).select_from(NotificationRow)
                          .where(_to(account_id, unit_id), NotificationRow.read_at.is_(None))) or 0


def mark_read(session: Session, account_id: int, unit_id: int | None, now: datetime, *,
              ids: Iterable[int] | None = None, process_id: int | None = None, kinds: Iterable[str] = ()) -> int:
    """Mark the account's (and the unit's) unread notifications read — all of them, or those with ``ids``, or
    those about ``process_id`` of ``kinds`` — in one statement; returns how many."""
    query = update(NotificationRow).where(_to(account_id, unit_id), NotificationRow.read_at.is_(None))
    if ids is not None:
        query = query.where(NotificationRow.id.in_(list(ids)))
    if process_id is not None:
        query = query.where(NotificationRow.process_id == process_id, NotificationRow.kind.in_(list(kinds)))
    result = session.execute(query.values(read_at=now, read_by=account_id).execution_options(
        synchronize_session=False))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
