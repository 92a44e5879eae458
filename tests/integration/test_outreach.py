"""Notices outside the page (nara.outreach), on SQLite and PostgreSQL, delivered to a REAL local SMTP server
(aiosmtpd): the outbox row is written with the event, the message arrives with neither name nor health
information, a server that refuses is tried again later with backoff and the message is never lost — after the
last attempt it stays failed for an operator, who can put it back in the queue."""

from __future__ import annotations

import email
import email.policy
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from nara.outreach import service as outreach
from nara.outreach.model import Event, Preferences, RetryRule, Status
from nara.outreach.service import LoggingSmsGateway, Outreach, SmtpTransport, send_due
from nara.outreach.store import OutboxRow
from nara.plans.service import InAppNotifier, Notification
from nara.plans.store import NotificationRow

from .outreach_world import PURPOSE, make_plan, world

SITE = "https://nara.example"
ADDRESS = "tolvan@example.se"


class Mailbox:
    """An SMTP server's handler: keeps what arrives, or refuses every message with a temporary error."""

    def __init__(self) -> None:
        self.received: list[email.message.Message] = []
        self.refuse = False

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd calls this hook by name
        if self.refuse:
            return "451 4.3.0 Try again later"
        self.received.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp():
    box = Mailbox()
    port = _free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


@pytest.fixture
def w(db, demo, clock):
    return world(db, clock)


def _outreach(port: int, sms=None, retry: RetryRule | None = None) -> Outreach:
    return Outreach(email=SmtpTransport("127.0.0.1", port, timeout=5), sms=sms, from_address="noreply@nara.example",
                    site_url=SITE, retry=retry or RetryRule())


def _choose(db, clock, w, *events: Event, sms: str | None = None) -> None:
    with db.transaction() as s:
        outreach.save_preferences(s, w.tolvan, clock, w.tolvan.person_id,
                                  outreach.checked(ADDRESS, sms, events))


def _rows(db) -> list[OutboxRow]:
    with db.transaction() as s:
        rows = list(s.scalars(select(OutboxRow).order_by(OutboxRow.id)))
        s.expunge_all()
    return rows


def test_a_new_message_notice_arrives_at_the_smtp_server_without_name_or_health_information(db, clock, w, smtp):
    _choose(db, clock, w, Event.NEW_MESSAGE)
    with db.transaction() as s:
        assert outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock) == 1
    assert [r.status for r in _rows(db)] == [Status.PENDING.value]

    result = send_due(db, clock, _outreach(smtp.port))

    assert (result.sent, result.retry, result.failed) == (1, 0, 0)
    assert len(smtp.received) == 1
    message = smtp.received[0]
    assert message["To"] == ADDRESS
    assert message["Subject"] == "Du har ett nytt meddelande i Nära"
    body = message.get_content()
    assert "Du har ett nytt meddelande i Nära. Logga in för att läsa det." in body
    assert f"{SITE}/" in body
    whole = message.as_string() + body
    for secret in ("Tolvan", "Tolvansson", "19121212", "1212-1212", PURPOSE, "blodtryck", "Vårdcentral"):
        assert secret not in whole
    [row] = _rows(db)
    assert (row.status, row.attempts, row.last_error) == (Status.SENT.value, 1, None)
    assert row.sent_at == clock.now()
    assert send_due(db, clock, _outreach(smtp.port)).sent == 0  # sent once, not again


def test_a_refusing_server_means_a_later_attempt_with_backoff_and_the_message_is_not_lost(db, clock, w, smtp):
    _choose(db, clock, w, Event.NEW_MESSAGE)
    with db.transaction() as s:
        outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock)
    smtp.refuse = True

    first = send_due(db, clock, _outreach(smtp.port))

    assert (first.sent, first.retry) == (0, 1)
    [row] = _rows(db)
    assert (row.status, row.attempts) == (Status.PENDING.value, 1)
    assert row.next_attempt_at == clock.now() + timedelta(minutes=1)
    assert "451" in row.last_error
    assert send_due(db, clock, _outreach(smtp.port)).retry == 0  # not due yet: nothing tried
    clock.advance(minutes=1)
    assert send_due(db, clock, _outreach(smtp.port)).retry == 1
    [row] = _rows(db)
    assert row.attempts == 2 and row.next_attempt_at == clock.now() + timedelta(minutes=2)  # doubled

    smtp.refuse = False
    clock.advance(minutes=2)
    assert send_due(db, clock, _outreach(smtp.port)).sent == 1
    assert len(smtp.received) == 1
    [row] = _rows(db)
    assert (row.status, row.attempts, row.last_error) == (Status.SENT.value, 3, None)


def test_no_server_at_all_is_a_failure_like_any_other_and_after_the_last_attempt_the_message_stays_failed(
        db, clock, w, smtp):
    _choose(db, clock, w, Event.NEW_MESSAGE)
    with db.transaction() as s:
        outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock)
    nobody = _outreach(_free_port(), retry=RetryRule(max_attempts=2))

    assert send_due(db, clock, nobody).retry == 1
    clock.advance(minutes=1)
    assert send_due(db, clock, nobody).failed == 1

    [row] = _rows(db)
    assert (row.status, row.attempts, row.next_attempt_at) == (Status.FAILED.value, 2, None)
    assert row.last_error
    status = outreach.outbox_status(db)
    assert status.counts == {(Status.FAILED.value, "email"): 1}
    assert [r.id for r in status.failed] == [row.id]
    clock.advance(hours=12)
    assert send_due(db, clock, _outreach(smtp.port)).sent == 0  # failed stays failed until an operator acts

    assert outreach.requeue_failed(db, clock) == 1
    assert send_due(db, clock, _outreach(smtp.port)).sent == 1
    assert len(smtp.received) == 1


def test_without_preferences_or_for_an_event_not_chosen_nothing_is_queued(db, clock, w):
    with db.transaction() as s:
        assert outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock) == 0
    _choose(db, clock, w, Event.CHANGED_TIME)
    with db.transaction() as s:
        assert outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock) == 0
    assert _rows(db) == []


def test_the_outbox_row_is_written_in_the_events_transaction_and_rolled_back_with_it(db, clock, w):
    _choose(db, clock, w, Event.NEW_MESSAGE)
    with pytest.raises(RuntimeError), db.transaction() as s:
        outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock)
        raise RuntimeError("the event failed")
    assert _rows(db) == []


def test_an_sms_goes_through_the_gateway_with_the_same_neutral_text(db, clock, w, smtp):
    _choose(db, clock, w, Event.NEW_MESSAGE, sms="070-123 45 67")
    with db.transaction() as s:
        assert outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock) == 2
    gateway = LoggingSmsGateway()
    assert send_due(db, clock, _outreach(smtp.port, sms=gateway)).sent == 2
    assert gateway.sent == [("+46701234567", f"Du har ett nytt meddelande i Nära. Logga in för att läsa det. {SITE}/")]


def test_email_waits_untried_while_no_smtp_server_is_configured(db, clock, w, demo):
    _choose(db, clock, w, Event.NEW_MESSAGE)
    with db.transaction() as s:
        outreach.notify_person(s, w.tolvan.person_id, Event.NEW_MESSAGE, clock)
    assert demo.smtp_host is None
    assert send_due(db, clock, Outreach.from_settings(demo)).sent == 0
    [row] = _rows(db)
    assert (row.status, row.attempts) == (Status.PENDING.value, 0)


def test_a_new_agreed_time_in_the_plan_queues_one_notice_to_the_person_who_asked_for_changed_times(db, clock, w):
    _choose(db, clock, w, Event.CHANGED_TIME)
    make_plan(db, clock, w)  # two new times in one change: one notice
    [row] = _rows(db)
    assert (row.event, row.channel, row.address) == (Event.CHANGED_TIME.value, "email", ADDRESS)
    with db.transaction() as s:  # the in-app notifications are still there
        kinds = set(s.scalars(select(NotificationRow.kind).where(NotificationRow.person_id == w.tolvan.person_id,
                                                                 NotificationRow.recipient_account_id.is_not(None))))
    assert kinds == {"new_time"}


def test_notifications_to_a_unit_or_of_other_kinds_queue_nothing(db, clock, w):
    _choose(db, clock, w, *Event)
    notifier = outreach.OutreachNotifier(InAppNotifier())
    with db.transaction() as s:
        notifier.deliver(s, Notification(person_id=w.tolvan.person_id, kind="moved_time", text="x",
                                         created_at=clock.now(), recipient_unit_id=w.gp.unit_id))
        notifier.deliver(s, Notification(person_id=w.tolvan.person_id, kind="plan_changed", text="x",
                                         created_at=clock.now(), recipient_account_id=w.tolvan.account_id))
        notifier.deliver(s, Notification(person_id=w.tolvan.person_id, kind="new_activity", text="x",
                                         created_at=clock.now(), recipient_account_id=w.gp.account_id))
    assert _rows(db) == []


def test_preferences_are_checked_before_they_are_saved(db, clock, w):
    from nara.core.errors import ValidationFailed

    for email_text, sms, events in (("inte en adress", None, ()), (None, "12345", ()),
                                    (None, None, (Event.NEW_MESSAGE,))):
        with pytest.raises(ValidationFailed):
            outreach.checked(email_text, sms, events)
    assert outreach.checked(" Tolvan@Example.SE ", "+46 70-123 45 67", ()) == Preferences(
        email="Tolvan@example.se", sms="+46701234567")
