"""Time is injected (STYLE.md): rules take a Clock, never call datetime.now(). Store UTC; count calendar
days in Europe/Stockholm."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FixedClock:
    """A clock for tests and for reproducible reports: it says what it is told."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.at = at

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.at += timedelta(**delta)


def local_today(clock: Clock) -> date:
    """Today's calendar date in Sweden."""
    return clock.now().astimezone(STOCKHOLM).date()


def local_date(at: datetime) -> date:
    """The calendar date in Sweden of an instant (deadlines count calendar days there)."""
    return at.astimezone(STOCKHOLM).date()


def local_minute(at: datetime | None) -> str:
    """An instant as people in Sweden read it on a page, in a message or an export: ``2026-12-07 14:05``
    (Europe/Stockholm, 24-hour clock, to the minute); an empty string for no time."""
    return at.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M") if at is not None else ""
