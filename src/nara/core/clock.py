"""Time is injected (STYLE.md): rules take a Clock, never call datetime.now(). Store UTC; count calendar
days in Europe/Stockholm."""

from __future__ import annotations

import re
from dataclasses import dataclass
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


def day_iso(at: datetime | None) -> str:
    """The Swedish calendar date of an instant as written in lists and logs, ``2026-11-22``; empty for no time."""
    return "" if at is None else local_date(at).isoformat()


MONTHS_SHORT_SV = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
"""How a month is abbreviated in a time: lower case, three letters, no dot."""


def short_day(day: date | None) -> str:
    """``7 dec 2026``: the date part of a time as :func:`local_minute` writes it; empty for no date."""
    return "" if day is None else f"{day.day} {MONTHS_SHORT_SV[day.month - 1]} {day.year}"


def local_minute(at: datetime | None) -> str:
    """An instant as people in Sweden read it — on a page, in a notification, an e-mail or an HTML report — in the
    one style every time is written: ``7 dec 2026 07:58`` (Europe/Stockholm, day without a leading zero, the
    month's three-letter abbreviation, 24-hour clock to the minute); an empty string for no time. Machines get ISO
    8601 with the offset instead (the JSON API); spreadsheets get date-time values (nara.discharge.model
    .payment_export)."""
    if at is None:
        return ""
    local = at.astimezone(STOCKHOLM)
    return f"{short_day(local.date())} {local:%H:%M}"


_WEEKDAYS = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
           "november", "december")


def day_text(day: date | None) -> str:
    """``tisdag 3 december 2026``: how a date is written to people."""
    if day is None:
        return ""
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {MONTHS_SV[day.month - 1]} {day.year}"


def time_text(at: datetime | None) -> str:
    """An agreed time as written to the person: the one style of :func:`local_minute` (``3 dec 2026 10:00``)."""
    return local_minute(at)


_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, slots=True, order=True)
class Period:
    """A calendar month in Sweden, written 'YYYY-MM'."""

    year: int
    month: int

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD_RE.match(text or "")
        if not match:
            raise ValueError("a period is written YYYY-MM")
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or not 2000 <= year <= 2999:
            raise ValueError("a period is written YYYY-MM")
        return cls(year, month)

    @classmethod
    def containing(cls, at: datetime) -> Period:
        local = at.astimezone(STOCKHOLM)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        """In Swedish, e.g. 'november 2026'."""
        return f"{MONTHS_SV[self.month - 1]} {self.year}"

    def next(self) -> Period:
        return Period(self.year + 1, 1) if self.month == 12 else Period(self.year, self.month + 1)

    def previous(self) -> Period:
        return Period(self.year - 1, 12) if self.month == 1 else Period(self.year, self.month - 1)

    @property
    def start(self) -> datetime:
        """Midnight in Sweden on the first day, in UTC (inclusive)."""
        return datetime.combine(date(self.year, self.month, 1), datetime.min.time(), STOCKHOLM).astimezone(UTC)

    @property
    def end(self) -> datetime:
        """The next month's start (exclusive)."""
        return self.next().start

    def has_ended(self, now: datetime) -> bool:
        return now >= self.end
