"""Queuing notices: :func:`notify_person` writes one outbox row per address the person chose for the event, in the
caller's transaction — so a notice exists exactly when the event does, and a crash loses neither. Other parts call
it (secure messages, plans through :class:`OutreachNotifier`); without preferences it does nothing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nara.auth.service import resident_account_ids
from nara.core.clock import Clock
from nara.outreach.model import Event, Status
from nara.outreach.service.preferences import stored_preferences
from nara.outreach.store import OutboxRow
from nara.plans.service import Notification, Notifier

# What a notification of the plans part (nara.plans.service.notify) to the person is about.
PLAN_EVENTS: dict[str, Event] = {
    "new_time": Event.CHANGED_TIME, "moved_time": Event.CHANGED_TIME, "cancelled_time": Event.CHANGED_TIME,
    "sip_meeting": Event.CHANGED_TIME, "sip_meeting_moved": Event.CHANGED_TIME,
    "new_activity": Event.PLAN_CHANGE,
}


def notify_person(session: Session, person_id: int, event: Event | str, clock: Clock | datetime) -> int:
    """Queue the neutral notice for ``event`` to each address the person chose for it, due at once. Returns how
    many were queued (0 without preferences, or when the person did not ask for this event)."""
    now = clock if isinstance(clock, datetime) else clock.now()
    wanted = Event(event)
    preferences = stored_preferences(session, person_id)
    if not preferences.wants(wanted):
        return 0
    queued = 0
    for channel, address in preferences.channels():
        session.add(OutboxRow(person_id=person_id, event=wanted.value, channel=channel.value, address=address,
                              status=Status.PENDING.value, attempts=0, created_at=now, next_attempt_at=now))
        queued += 1
    session.flush()
    return queued


class OutreachNotifier:
    """A plans Notifier that passes each notification on (to the in-app one) and, for a notification to the
    person's own account about something they asked to hear of, queues a notice outside the page — once per
    event per change: a change that moves two times sends one notice. Wired in nara.app."""

    def __init__(self, inner: Notifier) -> None:
        self.inner = inner

    def deliver(self, session: Session, notification: Notification) -> None:
        self.inner.deliver(session, notification)
        event = PLAN_EVENTS.get(notification.kind)
        account = notification.recipient_account_id
        if event is None or account is None:
            return
        if account not in resident_account_ids(session, notification.person_id):
            return  # not the person's own account (a proxy has no preferences of the person's)
        queued: set[tuple[int, str, datetime]] = session.info.setdefault("outreach_queued", set())
        key = (notification.person_id, event.value, notification.created_at)
        if key in queued:
            return
        queued.add(key)
        notify_person(session, notification.person_id, event, notification.created_at)
