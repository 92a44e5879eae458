"""Recording events: validate against the pure state machine, store, derive the row's columns, start and end
care relationships, notify the units and the resident, announce on the live streams."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from nara.auth.service import resident_account_ids
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, local_minute
from nara.core.errors import Conflict
from nara.core.i18n import t
from nara.directory import service as directory
from nara.discharge import store
from nara.discharge.model import (
    Acknowledged,
    AdmissionNoticeSent,
    CareContactAppointed,
    Discharged,
    Event,
    MessageKind,
    PatientInformed,
    ProcessState,
    Receiver,
    ReceiversAdded,
    apply,
    replay,
    status,
)
from nara.discharge.service.common import (
    ASSIGN,
    DEFAULT_NOTIFIER,
    ENDED_PHASES,
    LIVE_KIND,
    PENDING,
    agreement_of,
    care_contact_of,
    source_ref,
    unit_outs,
)
from nara.discharge.service.receivers import end_relationships, start_relationship
from nara.discharge.store import DischargeAckRow, DischargeEventRow, DischargeProcessRow, DischargeReceiverRow
from nara.live.service import Broker, announce
from nara.plans.service import Notification, Notifier, mark_read_about_process


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event to store, with the text of its message (if any)."""

    event: Event
    note: str | None = None

@dataclass(frozen=True, slots=True)
class Outlets:
    """Where a change is told: the live broker (None: nobody listens) and the notifier."""

    broker: Broker | None = None
    notifier: Notifier = DEFAULT_NOTIFIER

def outlets_of(app_state: Any) -> Outlets:
    """Where the application tells changes: its live broker and notifier (nara.app puts both on its state)."""
    return Outlets(broker=getattr(app_state, "live", None),
                   notifier=getattr(app_state, "notifier", None) or DEFAULT_NOTIFIER)


def _assign_ids(new: Sequence[NewEvent], first_seq: int) -> list[NewEvent]:
    out = []
    for offset, item in enumerate(new):
        event = item.event
        if getattr(event, "message_id", None) == ASSIGN:
            event = dataclasses.replace(event, message_id=f"m{first_seq + offset}")  # type: ignore[type-var]
        out.append(NewEvent(event, item.note))
    return out

def _sent_id(event: Event) -> str | None:
    """The id of the message ``event`` sends (events with addressees); None for the others — an Acknowledged
    names the message it acknowledges, which it does not send."""
    return getattr(event, "message_id", None) if hasattr(event, "to") else None

def _message_to(event: Event) -> tuple[str, ...]:
    return tuple(getattr(event, "to", ())) if _sent_id(event) is not None else ()

def _added_receivers(event: Event) -> tuple[Receiver, ...]:
    if isinstance(event, ReceiversAdded | AdmissionNoticeSent):
        return event.receivers
    return ()

def record_events(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
            history: list[Event], new: Sequence[NewEvent], receivers: list[DischargeReceiverRow],
            outlets: Outlets) -> tuple[list[Event], ProcessState]:
    """Validate ``new`` against the history (the pure state machine), store it with who and when, derive the
    row's columns, start and end care relationships, notify and announce. Returns the whole history and state."""
    now = clock.now()
    new = _assign_ids(new, row.version + 1)
    state: ProcessState | None = replay(history) if history else None
    events = list(history)
    for item in new:
        state = apply(state, item.event)
        events.append(item.event)
    assert state is not None
    known = {r.unit_id for r in receivers}
    added_units: list[int] = []
    seq = row.version
    for item in new:
        seq += 1
        event = item.event
        message_id = _sent_id(event)
        session.add(DischargeEventRow(
            process_id=row.id, seq=seq, kind=event.name, at=event.at, data=store.encode_event(event),
            message_id=message_id, note=item.note, recorded_at=now, account_id=actor.account_id,
            author_name=actor.display_name[:200], staff_id=actor.staff_id, staff_hsa_id=actor.staff_hsa_id,
            unit_id=actor.unit_id if actor.role is Role.STAFF else None))
        for receiver in _added_receivers(event):
            unit_id = int(receiver.unit_id)
            if unit_id in known:
                continue
            unit = directory.unit(session, unit_id)
            assert unit is not None  # checked when the receivers were chosen
            receiver_row = DischargeReceiverRow(process_id=row.id, unit_id=unit_id, role=receiver.role.value,
                                                provider_id=unit.provider_id, added_at=event.at)
            session.add(receiver_row)
            receivers.append(receiver_row)
            known.add(unit_id)
            added_units.append(unit_id)
        kind = state.messages[message_id].kind if message_id is not None else None
        for unit in _message_to(event):
            session.add(DischargeAckRow(process_id=row.id, message_id=message_id, unit_id=int(unit),
                                        kind=kind.value if kind else "", sent_at=event.at))
        if isinstance(event, Acknowledged):
            ack = session.get(DischargeAckRow, (row.id, event.message_id, int(event.unit_id)))
            if ack is not None and ack.acknowledged_at is None:
                ack.acknowledged_at, ack.acknowledged_by = event.at, actor.account_id
    row.version = seq
    newly_closed = _derive(row, state, events, now)
    try:
        session.flush()
    except (StaleDataError, IntegrityError):
        raise Conflict("discharge.concurrent") from None
    for unit_id in added_units:
        start_relationship(session, actor, clock, row, unit_id)
    if newly_closed:
        end_relationships(session, actor, clock, row)
    _tell(session, actor, row, receivers, state, new, now, outlets)
    return events, state

def _derive(row: DischargeProcessRow, state: ProcessState, events: list[Event], now: datetime) -> bool:
    """The row's derived columns from the state; True when the process closed just now (module docstring)."""
    row.phase = state.phase.value
    row.estimated_discharge = state.estimated_discharge
    row.first_ready_at = state.ready_periods[0].notice_at if state.ready_periods else None
    row.ready_at = state.current_ready_notice_at
    row.discharged_at = state.discharged_at
    row.ended_at = state.ended_at
    if state.care_contact is not None:
        row.care_contact_unit_id, row.care_contact_staff_id = int(state.care_contact[0]), int(state.care_contact[1])
    row.care_contact_at = state.care_contact_appointed_at
    row.sip_invited_at = state.sip_invitation_at
    row.sip_at = state.sip_at
    view = status(events, agreement_of(row), max(now, state.last_event_at or now))
    pending = [s for s in view.steps if s.state in PENDING and s.deadline is not None]
    row.next_due_at = min((s.deadline.due_at for s in pending), default=None)  # type: ignore[union-attr]
    row.updated_at = now
    closed = state.phase in ENDED_PHASES and not pending and not view.unacknowledged
    if closed and row.closed_at is None:
        row.closed_at = now
        return True
    return False

def _tell(session: Session, actor: Actor, row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow],
          state: ProcessState, new: Sequence[NewEvent], now: datetime, outlets: Outlets) -> None:
    """In-app notifications (no person data to units) and the live announcements."""
    by = actor.unit_name or actor.display_name
    notifier = outlets.notifier
    parties = [row.ward_unit_id, *(r.unit_id for r in receivers)]

    def to_unit(unit_id: int, kind: str, text: str) -> None:
        if unit_id != actor.unit_id:
            notifier.deliver(session, Notification(person_id=row.person_id, kind=kind, text=text, created_at=now,
                                                   plan_id=row.sip_plan_id if kind == "discharge_sip" else None,
                                                   process_id=row.id, recipient_unit_id=unit_id))

    for item in new:
        event = item.event
        message_id = _sent_id(event)
        if message_id is not None:
            kind = state.messages[message_id].kind
            text = t("discharge.notify.message", what=t(f"discharge.kind.{kind}"), process=row.id, by=by)
            for unit in _message_to(event):
                to_unit(int(unit), "discharge_sip" if kind is MessageKind.SIP_INVITATION else "discharge_message",
                        text)
        elif isinstance(event, CareContactAppointed):
            for unit in parties:
                to_unit(unit, "discharge_changed", t("discharge.notify.care_contact", process=row.id, by=by))
        elif isinstance(event, Discharged):
            for unit in parties:
                to_unit(unit, "discharge_changed", t("discharge.notify.discharged", process=row.id, by=by))
        elif isinstance(event, PatientInformed):
            _tell_resident(session, row, state, now, notifier)
    unit = str(actor.unit_id)
    if any(isinstance(item.event, Acknowledged) and item.event.unit_id == unit for item in new) and not any(
            unit in m.to and unit not in m.acknowledged for m in state.messages.values()):
        mark_read_about_process(session, actor, now, row.id)  # "Kvittera alla": its notifications are read too
    announce(session, outlets.broker, [f"unit:{u}" for u in dict.fromkeys(parties)], LIVE_KIND, source_ref(row.id))
    announce(session, outlets.broker, [f"person:{row.person_id}"], LIVE_KIND, source_ref(row.id))

def _tell_resident(session: Session, row: DischargeProcessRow, state: ProcessState, now: datetime,
                   notifier: Notifier) -> None:
    """Patientlagen 3 kap. 2 b §: who the fast vårdkontakt is and when the SIP is, in the resident's own feed."""
    units = unit_outs(session, {row.ward_unit_id})
    contact = care_contact_of(session, row)
    care_contact = (f"{contact.name}, {contact.unit.name}" + (f", {contact.unit.phone}" if contact.unit.phone else "")
                    if contact else t("discharge.notify.none"))
    sip = local_minute(state.sip_at) if state.sip_at else t("discharge.notify.none")
    text = t("discharge.notify.resident_informed", ward=units[row.ward_unit_id].name, care_contact=care_contact,
             sip=sip)
    for account_id in resident_account_ids(session, row.person_id):
        notifier.deliver(session, Notification(person_id=row.person_id, kind="discharge_informed", text=text,
                                               created_at=now, plan_id=row.sip_plan_id, process_id=row.id,
                                               recipient_account_id=account_id))

