"""Escalation (DOMAIN §4): a scheduled sweep that tells once about overdue steps and missing kvittens."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nara.core.clock import Clock, local_minute
from nara.core.i18n import t
from nara.discharge import store
from nara.discharge.model import (
    Party,
    Principal,
    ReceiverRole,
    status,
)
from nara.discharge.service.common import LIVE_KIND, agreement_of, decoded_events, source_ref
from nara.discharge.service.recording import Outlets
from nara.live.service import announce
from nara.plans.service import Notification


def sweep_escalations(session: Session, clock: Clock, *, outlets: Outlets = Outlets(), limit: int = 5000) -> int:
    """Tell, once, about what has escalated since the last sweep: a message without kvittens for longer than the
    agreement's ``escalate_unacknowledged_after_hours`` (the receiving unit and the ward are notified), and a
    step past its due time (the party that must do it). Worklists show escalation at every read anyway; this
    puts it in the notification feed and on the live streams. A scheduled job, run by the platform (no actor,
    no person data in what it writes). Returns the number of notifications."""
    now = clock.now()
    notifier = outlets.notifier
    sent = 0
    ids = store.open_process_ids(session, limit)
    rows = store.processes(session, ids)
    histories = store.events_of(session, ids)
    all_receivers = store.receivers_of(session, ids)
    for process_id in ids:
        row = rows[process_id]
        agreement = agreement_of(row)
        touched: set[int] = set()
        acks = store.acks_to_escalate(session, row.id, now - agreement.ack_escalation)
        for ack in acks:
            ack.escalated_at = now
            text = t("discharge.notify.escalated_ack", process=row.id, since=local_minute(ack.sent_at))
            for unit in {ack.unit_id, row.ward_unit_id}:
                notifier.deliver(session, Notification(person_id=row.person_id, kind="discharge_escalated",
                                                       text=text, created_at=now, recipient_unit_id=unit,
                                                       process_id=row.id))
                touched.add(unit)
                sent += 1
        if row.next_due_at is not None and row.next_due_at < now:
            events = decoded_events(histories[row.id])
            view = status(events, agreement, now)
            alerted = set(filter(None, row.alerted_steps.split(",")))
            outpatient = [r.unit_id for r in all_receivers[row.id]
                          if ReceiverRole(r.role).principal is Principal.REGION]
            for step in view.overdue:
                if step.step.value in alerted:
                    continue
                alerted.add(step.step.value)
                units = [row.ward_unit_id] if step.party is Party.WARD else outpatient
                text = t("discharge.notify.overdue", step=t(f"discharge.step.{step.step}"), process=row.id,
                         due=local_minute(step.due_at) if step.due_at else "")
                for unit in units:
                    notifier.deliver(session, Notification(person_id=row.person_id, kind="discharge_escalated",
                                                           text=text, created_at=now, recipient_unit_id=unit,
                                                           process_id=row.id))
                    touched.add(unit)
                    sent += 1
            row.alerted_steps = ",".join(sorted(alerted))
        if touched:
            announce(session, outlets.broker, [f"unit:{u}" for u in sorted(touched)], LIVE_KIND, source_ref(row.id))
    return sent

