"""Tables of the discharge process (lag 2017:612, DOMAIN §4) and the queries the service and its worklists need.

- ``discharge_process``: one row per inpatient episode with a process. The truth is the event history below;
  the row holds what is *derived* from it at the last write (phase, estimated discharge date, the first and the
  current utskrivningsklar notice, discharge, the fast vårdkontakt, the SIP, the earliest pending due time), so
  worklists, the payment report and the follow-up feed can find processes with indexed columns instead of
  replaying every history. ``version`` counts the events; it is SQLAlchemy's version counter, so two writers of
  the same process can never both append (the second gets a conflict).
- ``discharge_event``: the append-only history, one row per event with who recorded it, from which unit and when
  (``recorded_at``) beside when it happened (``at``). Rows are only ever inserted.
- ``discharge_receiver``: the receiving units of each process (the person's vårdcentral, the home municipality's
  hemsjukvård, hemtjänst, biståndshandläggning, ...), indexed by unit for the worklists.
- ``discharge_ack``: per message and receiving unit, the kvittens — inserted unacknowledged when the message is
  sent, filled in when the unit acknowledges it; ``escalated_at`` when it was escalated for want of one.

Event payloads are stored as JSON text (:func:`encode_event` / :func:`decode_event`), a closed mapping from the
events of :mod:`nara.discharge.model.process`: unit ids and staff ids are the directory's integer ids written as text,
as the pure core keeps them.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    func,
    or_,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime
from nara.discharge.model import (
    Acknowledged,
    AdmissionNoticeSent,
    Admitted,
    Cancelled,
    CareContactAppointed,
    CareType,
    Discharged,
    DischargeEstimateRevised,
    Event,
    InformationTransferred,
    Interrupted,
    InterruptionReason,
    NeedsAssessed,
    NoLongerReady,
    PatientInformed,
    PlanningDocumented,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    ReceiversAdded,
    SipInvitationSent,
    SipNeedAssessed,
)

MESSAGE_ID_LENGTH = 16


class DischargeProcessRow(Base):
    """Utskrivningsprocess: one inpatient episode of one person, recorded by the ward's care provider."""

    __tablename__ = "discharge_process"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))  # the ward's provider records it
    ward_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    home_municipality: Mapped[str] = mapped_column(String(4))  # SCB kommun code; pays (betalningsansvar)
    region_code: Mapped[str] = mapped_column(String(8))  # the home municipality's region: whose agreement applies
    agreement_key: Mapped[str] = mapped_column(String(64))  # the agreement in force at admission
    phase: Mapped[str] = mapped_column(String(16))  # ProcessPhase
    admitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    estimated_discharge: Mapped[date | None] = mapped_column(Date)
    first_ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the first utskrivningsklar notice
    ready_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # the current one; None when not ready
    discharged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # discharge, cancellation or interruption
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # ended, nothing due, every kvittens given
    care_contact_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    care_contact_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    care_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # first appointment (S4)
    sip_plan_id: Mapped[int | None] = mapped_column(ForeignKey("plan.id"))
    sip_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sip_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the SIP meeting is held
    next_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # earliest due time of a pending step
    alerted_steps: Mapped[str] = mapped_column(String(200), default="")  # overdue steps already escalated
    version: Mapped[int] = mapped_column(Integer)  # the number of events
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __mapper_args__: ClassVar[dict[str, Any]] = {"version_id_col": version, "version_id_generator": False}
    __table_args__ = (
        Index("ix_discharge_process_ward_open", "ward_unit_id", "closed_at"),
        Index("ix_discharge_process_municipality_ready", "home_municipality", "first_ready_at"),
        Index("ix_discharge_process_ended_at", "ended_at"),
    )


class DischargeEventRow(Base):
    """One event of a process's history, with who recorded it (append-only)."""

    __tablename__ = "discharge_event"
    process_id: Mapped[int] = mapped_column(ForeignKey("discharge_process.id"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # 1, 2, … in the order recorded
    kind: Mapped[str] = mapped_column(String(40))  # Event.name
    at: Mapped[datetime] = mapped_column(UTCDateTime)  # when it happened
    data: Mapped[str] = mapped_column(Text)  # the event's fields as JSON (encode_event)
    message_id: Mapped[str | None] = mapped_column(String(MESSAGE_ID_LENGTH))
    note: Mapped[str | None] = mapped_column(Text)  # the message's text, e.g. the information transferred
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    author_name: Mapped[str] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    staff_hsa_id: Mapped[str | None] = mapped_column(String(40))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))


class DischargeReceiverRow(Base):
    """A receiving unit of a process and its role (nara.discharge.model.process.ReceiverRole)."""

    __tablename__ = "discharge_receiver"
    process_id: Mapped[int] = mapped_column(ForeignKey("discharge_process.id"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(24))
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DischargeAckRow(Base):
    """Kvittens of one message by one receiving unit."""

    __tablename__ = "discharge_ack"
    process_id: Mapped[int] = mapped_column(ForeignKey("discharge_process.id"), primary_key=True)
    message_id: Mapped[str] = mapped_column(String(MESSAGE_ID_LENGTH), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))  # MessageKind
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_discharge_ack_unit_pending", "unit_id", "acknowledged_at"),)


# --- events as stored data -------------------------------------------------------------------------------------------

_EVENT_TYPES: dict[str, type[Event]] = {cls.name: cls for cls in (
    Admitted, NeedsAssessed, ReceiversAdded, AdmissionNoticeSent, DischargeEstimateRevised, PlanningDocumented,
    CareContactAppointed, ReadyForDischarge, NoLongerReady, SipNeedAssessed, SipInvitationSent,
    InformationTransferred, Discharged, PatientInformed, Cancelled, Interrupted, Acknowledged,
)}


def _receivers_out(receivers: Iterable[Receiver]) -> list[dict[str, str]]:
    return [{"unit_id": r.unit_id, "role": r.role.value} for r in receivers]


def _receivers_in(raw: Iterable[dict[str, str]]) -> tuple[Receiver, ...]:
    return tuple(Receiver(str(r["unit_id"]), ReceiverRole(r["role"])) for r in raw)


def encode_event(event: Event) -> str:
    """The event's fields but ``at`` (stored in its own column) as JSON."""
    data: dict[str, Any] = {}
    for name in (f.name for f in dataclasses.fields(event)):
        if name == "at":
            continue
        value = getattr(event, name)
        if name == "receivers":
            value = _receivers_out(value)
        elif isinstance(value, datetime | date):
            value = value.isoformat()
        elif isinstance(value, tuple):
            value = list(value)
        data[name] = value
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def decode_event(kind: str, at: datetime, raw: str) -> Event:
    """The event stored as ``kind`` at ``at`` with the fields ``raw`` (encode_event's output)."""
    cls = _EVENT_TYPES[kind]
    data = json.loads(raw)
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name == "receivers":
            value = _receivers_in(value)
        elif name == "to":
            value = tuple(str(v) for v in value)
        elif name == "estimated_discharge":
            value = date.fromisoformat(value)
        elif name in ("sip_at", "judged_at") and value is not None:
            value = datetime.fromisoformat(value)
        elif name == "care":
            value = CareType(value)
        elif name == "reason":
            value = InterruptionReason(value)
        fields[name] = value
    return cls(at=at, **fields)


# --- queries ---------------------------------------------------------------------------------------------------------


def events_of(session: Session, process_ids: Sequence[int]) -> dict[int, list[DischargeEventRow]]:
    """The histories of ``process_ids`` in order, in one query."""
    out: dict[int, list[DischargeEventRow]] = {pid: [] for pid in process_ids}
    if not process_ids:
        return out
    rows = session.scalars(select(DischargeEventRow).where(DischargeEventRow.process_id.in_(process_ids))
                           .order_by(DischargeEventRow.process_id, DischargeEventRow.seq))
    for row in rows:
        out[row.process_id].append(row)
    return out


def receivers_of(session: Session, process_ids: Sequence[int]) -> dict[int, list[DischargeReceiverRow]]:
    out: dict[int, list[DischargeReceiverRow]] = {pid: [] for pid in process_ids}
    if not process_ids:
        return out
    rows = session.scalars(select(DischargeReceiverRow).where(DischargeReceiverRow.process_id.in_(process_ids))
                           .order_by(DischargeReceiverRow.process_id, DischargeReceiverRow.added_at,
                                     DischargeReceiverRow.unit_id))
    for row in rows:
        out[row.process_id].append(row)
    return out


def open_processes_of_unit(session: Session, unit_id: int, limit: int) -> list[DischargeProcessRow]:
    """Processes not yet closed in which ``unit_id`` is the ward or a receiver, those due first first. Two indexed
    lookups (ward: ``ix_discharge_process_ward_open``; receiver: the receiver table's unit index)."""
    as_receiver = select(DischargeReceiverRow.process_id).where(DischargeReceiverRow.unit_id == unit_id)
    query = (select(DischargeProcessRow)
             .where(DischargeProcessRow.closed_at.is_(None),
                    or_(DischargeProcessRow.ward_unit_id == unit_id, DischargeProcessRow.id.in_(as_receiver)))
             .order_by(DischargeProcessRow.next_due_at.is_(None), DischargeProcessRow.next_due_at,
                       DischargeProcessRow.id)
             .limit(limit))
    return list(session.scalars(query))


def pending_acks_count(session: Session, unit_id: int) -> int:
    """Messages to ``unit_id`` still without its kvittens (for a badge; holds no person data)."""
    return session.scalar(select(func.count()).select_from(DischargeAckRow).where(
        DischargeAckRow.unit_id == unit_id, DischargeAckRow.acknowledged_at.is_(None))) or 0


def processes_for_payment(session: Session, municipality: str, start: datetime,
                          end: datetime) -> list[DischargeProcessRow]:
    """Processes of the municipality's residents that were utskrivningsklar at some time in [start, end): a
    first notice before ``end`` and not ended before ``start`` (the report itself decides each day)."""
    query = (select(DischargeProcessRow)
             .where(DischargeProcessRow.home_municipality == municipality,
                    DischargeProcessRow.first_ready_at.is_not(None), DischargeProcessRow.first_ready_at < end,
                    or_(DischargeProcessRow.ended_at.is_(None), DischargeProcessRow.ended_at >= start))
             .order_by(DischargeProcessRow.id))
    return list(session.scalars(query))


def processes_ended_between(session: Session, start: datetime, end: datetime) -> list[DischargeProcessRow]:
    """Processes whose stay ended in [start, end) — discharged, died or transferred, or cancelled (the
    follow-up feed picks what it needs)."""
    return list(session.scalars(select(DischargeProcessRow)
                                .where(DischargeProcessRow.ended_at >= start, DischargeProcessRow.ended_at < end)
                                .order_by(DischargeProcessRow.id)))


def processes_of_person(session: Session, person_id: int) -> list[DischargeProcessRow]:
    return list(session.scalars(select(DischargeProcessRow).where(DischargeProcessRow.person_id == person_id)
                                .order_by(DischargeProcessRow.admitted_at.desc(), DischargeProcessRow.id.desc())))


def open_process_ids(session: Session, limit: int) -> list[int]:
    """Processes not yet closed (the escalation sweep)."""
    return list(session.scalars(select(DischargeProcessRow.id).where(DischargeProcessRow.closed_at.is_(None))
                                .order_by(DischargeProcessRow.id).limit(limit)))


def unacknowledged_acks(session: Session, unit_id: int, process_ids: Sequence[int]) -> list[DischargeAckRow]:
    """The messages to ``unit_id`` still without its kvittens in the processes, oldest first."""
    if not process_ids:
        return []
    return list(session.scalars(select(DischargeAckRow).where(
        DischargeAckRow.unit_id == unit_id, DischargeAckRow.acknowledged_at.is_(None),
        DischargeAckRow.process_id.in_(list(process_ids))).order_by(DischargeAckRow.sent_at)))


def person_of_process(session: Session, process_id: int) -> int | None:
    return session.scalar(select(DischargeProcessRow.person_id).where(DischargeProcessRow.id == process_id))


def ward_has_processes(session: Session, unit_id: int) -> bool:
    return session.scalar(select(DischargeProcessRow.id).where(DischargeProcessRow.ward_unit_id == unit_id)
                          .limit(1)) is not None


def process(session: Session, process_id: int, *, lock: bool = False) -> DischargeProcessRow | None:
    """One process, locked for update when ``lock`` (every write of the process takes the lock first)."""
    query = select(DischargeProcessRow).where(DischargeProcessRow.id == process_id)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def processes(session: Session, process_ids: Sequence[int]) -> dict[int, DischargeProcessRow]:
    return {r.id: r for r in session.scalars(select(DischargeProcessRow)
                                             .where(DischargeProcessRow.id.in_(list(process_ids))))}


def acks_to_escalate(session: Session, process_id: int, sent_before: datetime) -> list[DischargeAckRow]:
    """The process's messages without kvittens, sent before ``sent_before`` and not escalated yet."""
    return list(session.scalars(select(DischargeAckRow).where(
        DischargeAckRow.process_id == process_id, DischargeAckRow.acknowledged_at.is_(None),
        DischargeAckRow.escalated_at.is_(None), DischargeAckRow.sent_at <= sent_before)))


def first_event_at(session: Session, process_id: int, kind: str) -> datetime | None:
    """When the process's first event of ``kind`` happened."""
    return session.scalar(select(DischargeEventRow.at).where(
        DischargeEventRow.process_id == process_id, DischargeEventRow.kind == kind).limit(1))
