"""The rules of reaching a person outside the page: which events they may be told about, how an address and a
mobile number are checked, and how a failed delivery is retried. Plain Python: no web, no database.

What goes out never says what happened nor to whom: the same neutral notice for every event, no name and no
health information (DOMAIN §5: an e-mail or SMS is read outside the care provider's control)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class Event(StrEnum):
    """What a person may ask to be told about."""

    NEW_MESSAGE = "new_message"  # a secure message to the person
    CHANGED_TIME = "changed_time"  # an agreed time or SIP meeting booked, moved or cancelled
    PLAN_CHANGE = "plan_change"  # something new in the person's plan for them


class Channel(StrEnum):
    EMAIL = "email"
    SMS = "sms"


class Status(StrEnum):
    """An outbox message is never dropped: it is pending until sent, or failed after too many attempts (and then
    stays for an operator to see and requeue)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


MAX_EMAIL_LENGTH = 254  # RFC 5321's limit on a path
_EMAIL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
                    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$")
_SWEDISH_MOBILE = re.compile(r"^7[02369]\d{7}$")  # 07x-xxx xx xx without the leading 0


def valid_email(text: str) -> str | None:
    """The address, trimmed, when it is one an SMTP server accepts (a dot in the domain; no spaces, no display
    name); else None."""
    value = text.strip()
    if not value or len(value) > MAX_EMAIL_LENGTH or ".." in value or not _EMAIL.match(value):
        return None
    local, _, domain = value.rpartition("@")
    if local.startswith(".") or local.endswith("."):
        return None
    return f"{local}@{domain.lower()}"


def valid_mobile(text: str) -> str | None:
    """A Swedish mobile number (070-123 45 67, +46 70 123 45 67, 0046701234567) in E.164 (+46701234567); else
    None."""
    digits = re.sub(r"[\s\-()]", "", text.strip())
    if digits.startswith("+46"):
        digits = digits[3:]
    elif digits.startswith("0046"):
        digits = digits[4:]
    elif digits.startswith("0"):
        digits = digits[1:]
    else:
        return None
    return f"+46{digits}" if digits.isdigit() and _SWEDISH_MOBILE.match(digits) else None


@dataclass(frozen=True, slots=True)
class Preferences:
    """How the person wants to be reached: an e-mail address, a mobile number, and the events. No address: nothing
    is sent."""

    email: str | None = None
    sms: str | None = None
    events: frozenset[Event] = frozenset()

    def wants(self, event: Event) -> bool:
        return event in self.events

    def channels(self) -> list[tuple[Channel, str]]:
        return [(c, a) for c, a in ((Channel.EMAIL, self.email), (Channel.SMS, self.sms)) if a]


def encode_events(events: frozenset[Event]) -> str:
    return ",".join(sorted(e.value for e in events))


def decode_events(text: str | None) -> frozenset[Event]:
    known = {e.value for e in Event}
    return frozenset(Event(v) for v in (text or "").split(",") if v in known)


@dataclass(frozen=True, slots=True)
class RetryRule:
    """After a failed attempt the next waits ``first`` doubled per attempt, at most ``longest``; after
    ``max_attempts`` failures the message is failed (kept, for an operator: never dropped)."""

    first: timedelta = timedelta(minutes=1)
    longest: timedelta = timedelta(hours=6)
    max_attempts: int = 8

    def after_failure(self, attempts: int, now: datetime) -> tuple[Status, datetime | None]:
        """The status and next attempt after ``attempts`` failed attempts in all."""
        if attempts >= self.max_attempts:
            return Status.FAILED, None
        wait = min(self.first * (2 ** max(attempts - 1, 0)), self.longest)
        return Status.PENDING, now + wait
