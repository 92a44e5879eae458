"""Delivering the outbox: e-mail by SMTP and SMS through a pluggable gateway, with retries.

Each due message is sent in a transaction of its own that holds its row (:func:`nara.outreach.store.claim`), so
two senders — the server's background loop and `nara outreach send`, or several server processes — never send one
twice. A failure is recorded on the row (attempts, next_attempt_at, last_error) and tried again later with backoff
(:class:`nara.outreach.model.RetryRule`); after the last attempt the row stays, failed, for an operator
(`nara outreach status`, `nara outreach retry`): a notice is never dropped. E-mail waits, untried, while no SMTP
server is configured (the demo), and SMS while no gateway is.

What is sent is the same neutral notice for every event (nara.outreach.model): no name, no health information."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any, Protocol

from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.i18n import t
from nara.core.periodic import Periodic
from nara.core.settings import Settings
from nara.outreach import store
from nara.outreach.model import Channel, RetryRule, Status
from nara.outreach.store import OutboxRow

log = logging.getLogger("nara.outreach")
BATCH = 100
MAX_ERROR_LENGTH = 500


class EmailTransport(Protocol):
    def send(self, message: EmailMessage) -> None:
        """Deliver one message or raise."""
        ...


class SmsGateway(Protocol):
    def send(self, number: str, text: str) -> None:
        """Deliver one SMS to ``number`` (E.164) or raise."""
        ...


@dataclass(frozen=True)
class SmtpTransport:
    """E-mail through an SMTP server (smtplib): STARTTLS and log-in when configured."""

    host: str
    port: int = 25
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 10.0

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


def masked(number: str) -> str:
    """A number as the server log may show it: the country code and the last two digits."""
    return f"{number[:3]}{'*' * max(len(number) - 5, 0)}{number[-2:]}"


@dataclass
class LoggingSmsGateway:
    """Writes each SMS to the server log (number masked) instead of sending it: for development and the demo,
    and the shape a real gateway (an HTTP API of an SMS operator) fills. ``sent`` keeps them for tests."""

    sent: list[tuple[str, str]] = field(default_factory=list)

    def send(self, number: str, text: str) -> None:
        self.sent.append((number, text))
        log.info("sms to %s: %s", masked(number), text)


def notice(site_url: str) -> tuple[str, str]:
    """The subject and text of every notice: that something new is waiting, and where to log in."""
    url = site_url.rstrip("/") + "/"
    body = "\n\n".join((t("outreach.notice.body"), t("outreach.notice.link", url=url), t("outreach.notice.footer")))
    return t("outreach.notice.subject"), body


@dataclass(frozen=True, slots=True)
class SendResult:
    sent: int = 0
    retry: int = 0
    failed: int = 0

    def message(self) -> str:
        if not (self.sent or self.retry or self.failed):
            return t("outreach.cli.nothing")
        return t("outreach.cli.sent", sent=self.sent, retry=self.retry, failed=self.failed)


@dataclass
class Outreach:
    """The sender's configuration: where e-mail and SMS go (None: that channel waits), from whom, the site's
    address for the link, and the retry rule."""

    email: EmailTransport | None
    sms: SmsGateway | None
    from_address: str
    site_url: str
    retry: RetryRule = field(default_factory=RetryRule)

    @classmethod
    def from_settings(cls, settings: Settings, sms: SmsGateway | None = None) -> Outreach:
        email = None
        if settings.smtp_host:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else None
            email = SmtpTransport(settings.smtp_host, settings.smtp_port, settings.smtp_starttls,
                                  settings.smtp_username, password, settings.smtp_timeout_seconds)
        if sms is None and settings.sms_gateway == "logging":
            sms = LoggingSmsGateway()
        return cls(email=email, sms=sms, from_address=settings.smtp_from, site_url=settings.public_url,
                   retry=RetryRule(max_attempts=settings.outreach_max_attempts))

    @property
    def channels(self) -> Sequence[str]:
        return [c.value for c, on in ((Channel.EMAIL, self.email), (Channel.SMS, self.sms)) if on is not None]

    def deliver(self, row: OutboxRow, clock: Clock) -> None:
        subject, body = notice(self.site_url)
        if row.channel == Channel.EMAIL.value and self.email is not None:
            message = EmailMessage()
            message["From"], message["To"], message["Subject"] = self.from_address, row.address, subject
            message["Date"] = format_datetime(clock.now())
            message["Message-ID"] = make_msgid(idstring=f"outreach{row.id}")
            message.set_content(body)
            self.email.send(message)
        elif row.channel == Channel.SMS.value and self.sms is not None:
            self.sms.send(row.address, f"{t('outreach.notice.body')} {self.site_url.rstrip('/')}/")
        else:
            raise RuntimeError(f"no transport for channel {row.channel}")


def send_due(db: Database, clock: Clock, outreach: Outreach, *, limit: int = BATCH) -> SendResult:
    """Send the messages that are due, each in a transaction of its own (module docstring)."""
    channels = outreach.channels
    if not channels:
        return SendResult()
    with db.transaction() as s:
        due = store.due_ids(s, clock.now(), channels, limit)
    sent = retry = failed = 0
    for outbox_id in due:
        with db.transaction() as s:
            row = store.claim(s, outbox_id)
            if row is None:
                continue  # another sender has it, or has sent it
            row.attempts += 1
            try:
                outreach.deliver(row, clock)
            except Exception as exc:  # any failure: recorded on the row, tried again later
                status, row.next_attempt_at = outreach.retry.after_failure(row.attempts, clock.now())
                row.status = status.value
                row.last_error = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_LENGTH]
                log.warning("outreach %s (%s) attempt %s failed: %s", row.id, row.channel, row.attempts,
                            type(exc).__name__)
                if status is Status.FAILED:
                    failed += 1
                else:
                    retry += 1
                continue
            row.status, row.sent_at, row.next_attempt_at, row.last_error = Status.SENT.value, clock.now(), None, None
            sent += 1
    return SendResult(sent, retry, failed)


class Sender(Periodic):
    """Sends what is due every ``interval`` seconds while the server runs (a daemon thread, like the audit
    checkpoints): started only when a channel is configured and the interval is above 0."""

    name = "nara-outreach"

    def __init__(self, db: Database, outreach: Outreach, clock: Clock, interval: float) -> None:
        super().__init__(interval)
        self.db, self.outreach, self.clock = db, outreach, clock

    def start(self) -> None:
        if self.outreach.channels:
            super().start()

    def tick(self) -> SendResult | None:
        return self.send_once()

    def send_once(self) -> SendResult | None:
        try:
            return send_due(self.db, self.clock, self.outreach)
        except Exception:  # the database away a moment: said in the server log, tried again next time
            log.exception("outreach: sending failed")
            return None


def install_sender(app: Any, db: Database, settings: Settings, clock: Clock) -> Sender:
    """Wire the background sender into the application's start and stop."""
    sender = Sender(db, Outreach.from_settings(settings), clock, settings.outreach_send_seconds)
    app.router.on_startup.append(sender.start)
    app.router.on_shutdown.append(sender.stop)
    return sender


@dataclass(frozen=True, slots=True)
class OutboxStatus:
    """What an operator sees: counts per status and channel, and the failed messages (newest first)."""

    counts: dict[tuple[str, str], int]
    failed: list[OutboxRow]


def outbox_status(db: Database, *, limit: int = 50) -> OutboxStatus:
    with db.transaction() as s:
        counts = store.counts(s)
        failed = store.failed(s, limit)
        s.expunge_all()
    return OutboxStatus(counts, failed)


def requeue_failed(db: Database, clock: Clock) -> int:
    """Put every failed message back in the queue, due now, its attempts counted anew (after the operator fixed
    what was wrong)."""
    with db.transaction() as s:
        return store.requeue_failed(s, clock.now())
