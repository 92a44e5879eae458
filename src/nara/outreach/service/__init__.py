"""The outreach part's public face (other parts call these; see each module):

- :func:`notify_person` — queue the neutral notice for an event, in the caller's transaction (:mod:`.outbox`);
  :class:`OutreachNotifier` does it for the plans part's notifications to the person (wired in nara.app);
- :func:`read_preferences`, :func:`save_preferences` — the person's choices, through the access policy
  (:mod:`.preferences`);
- :func:`send_due`, :class:`Outreach`, :func:`install_sender`, :func:`outbox_status`, :func:`requeue_failed` —
  delivery with retries (:mod:`.sending`);
- :func:`person_calendar`, :func:`staff_calendar` — calendar files of agreed times (:mod:`.calendar`).
"""

from nara.outreach.model import Channel, Event, Preferences, RetryRule, Status
from nara.outreach.service.calendar import MEDIA_TYPE, person_calendar, staff_calendar
from nara.outreach.service.outbox import PLAN_EVENTS, OutreachNotifier, notify_person
from nara.outreach.service.preferences import checked, read_preferences, save_preferences
from nara.outreach.service.sending import (
    EmailTransport,
    LoggingSmsGateway,
    OutboxStatus,
    Outreach,
    Sender,
    SendResult,
    SmsGateway,
    SmtpTransport,
    install_sender,
    notice,
    outbox_status,
    requeue_failed,
    send_due,
)

__all__ = [
    "MEDIA_TYPE", "PLAN_EVENTS", "Channel", "EmailTransport", "Event", "LoggingSmsGateway", "OutboxStatus",
    "Outreach", "OutreachNotifier", "Preferences", "RetryRule", "SendResult", "Sender", "SmsGateway",
    "SmtpTransport", "Status", "checked", "install_sender", "notice", "notify_person", "outbox_status",
    "person_calendar", "read_preferences", "requeue_failed", "save_preferences", "send_due", "staff_calendar",
]
