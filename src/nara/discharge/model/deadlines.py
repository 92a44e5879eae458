"""Due times of the discharge steps, computed from an agreement's rules (DOMAIN §4). Pure functions, no clock.

How the law's words are read here (each is a rule of an agreement file, so a region can choose otherwise):

- **"within 24 hours"** (inskrivningsmeddelande, from admission or from the later judgement that the patient may
  need interventions): real elapsed time. The due instant is the anchor plus 24 h in UTC, so across the change to
  summer time (last Sunday of March) it is 25 *wall-clock* hours later and across the change back 23: admitted
  Sat 2026-03-28 10:00 CET → due Sun 2026-03-29 11:00 CEST.
- **"within 3 calendar days"** (kallelse till SIP, from the utskrivningsklar notice): calendar days are Swedish
  (Europe/Stockholm) dates. Day 0 is the date of the notice, which the law does not count; the kallelse is due by
  the end (24:00) of the third calendar day after it: notice Mon 2026-11-23 10:00 → due by 24:00 on Thu
  2026-11-26. Weekends and public holidays count like any day ("calendar" days). An agreement may count day 0
  (``day_zero_counts``: notice Monday → Monday is day 1 → due by 24:00 Wednesday) and may set a cut-off hour: a
  notice *later* than the cut-off counts as if it came on the next day (14:00:00 is not later than 14:00).
- **"no later than the day of discharge"** (information transfer; by the project's reading also the information
  to the patient): by 24:00 on the day of discharge — the actual day once discharged, until then the estimated
  discharge date, so the due time is *provisional* and moves when the estimate is revised.
- **"before discharge"** (fast vårdkontakt appointed): by the discharge itself once it has happened; until then by
  24:00 on the estimated discharge date (provisional), the latest moment discharge could happen that day.

"By 24:00 on day X" is the instant 00:00 of day X+1 in Stockholm. A step is on time when done at or before its due
instant (``done_at <= due_at``), for every kind of rule. Midnight always exists in Stockholm (the clocks change at
02:00/03:00), so the end of a day is never ambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from nara.core.clock import STOCKHOLM
from nara.discharge.model.agreement import Anchor, Counting, DueKind, StepRule


@dataclass(frozen=True, slots=True)
class Deadline:
    """When a step is due. ``due_at`` is inclusive and in Stockholm time. ``last_day`` is the last Swedish calendar
    day allowed for day-based rules (None for hour rules and for "before discharge" once discharged).
    ``provisional``: it rests on the estimated discharge date and moves when that is revised."""

    due_at: datetime
    last_day: date | None = None
    provisional: bool = False
    anchor_at: datetime | None = None
    day_zero: date | None = None  # calendar-day rules: the day counted as day 0 (after the cut-off rule)

    def met_by(self, done_at: datetime) -> bool:
        return _aware(done_at) <= self.due_at

    def overdue_at(self, now: datetime) -> bool:
        return _aware(now) > self.due_at


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("times in the discharge rules must be timezone-aware")
    return at


def swedish_day(at: datetime) -> date:
    """The Swedish calendar day of an instant."""
    return _aware(at).astimezone(STOCKHOLM).date()


def start_of_day(day: date) -> datetime:
    """00:00 on ``day`` in Stockholm."""
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM)


def end_of_day(day: date) -> datetime:
    """24:00 on ``day`` in Stockholm, i.e. 00:00 on the next day."""
    return start_of_day(day + timedelta(days=1))


def day_zero(at: datetime, counting: Counting) -> date:
    """The Swedish day an anchor counts from: its own day, or the next day when it came later than the cut-off."""
    local = _aware(at).astimezone(STOCKHOLM)
    day = local.date()
    if counting.cutoff is not None and local.time().replace(tzinfo=None) > counting.cutoff:
        day += timedelta(days=1)
    return day


def last_counted_day(first: date, days: int, counting: Counting) -> date:
    """The last of ``days`` calendar days counted from day 0 = ``first`` (``day_zero_counts``: ``first`` is day 1)."""
    return first + timedelta(days=days - 1 if counting.day_zero_counts else days)


def hours_after(anchor_at: datetime, hours: int) -> Deadline:
    """Due ``hours`` of real time after the anchor (see the module docstring on DST)."""
    due = (_aware(anchor_at).astimezone(UTC) + timedelta(hours=hours)).astimezone(STOCKHOLM)
    return Deadline(due_at=due, anchor_at=anchor_at)


def calendar_days_after(anchor_at: datetime, days: int, counting: Counting) -> Deadline:
    """Due by 24:00 on the last of ``days`` calendar days counted from the anchor's day (module docstring)."""
    first = day_zero(anchor_at, counting)
    last = last_counted_day(first, days, counting)
    return Deadline(due_at=end_of_day(last), last_day=last, anchor_at=anchor_at, day_zero=first)


def by_end_of(day: date, *, provisional: bool) -> Deadline:
    """Due by 24:00 on ``day``."""
    return Deadline(due_at=end_of_day(day), last_day=day, provisional=provisional)


def due(
    rule: StepRule,
    *,
    anchors: dict[Anchor, datetime],
    discharged_at: datetime | None,
    estimated_discharge: date | None,
) -> Deadline | None:
    """The deadline of ``rule`` given the anchors that have happened, the discharge (if it has happened) and the
    current estimated discharge date. None while what it counts from has not happened yet."""
    if rule.kind is DueKind.HOURS or rule.kind is DueKind.CALENDAR_DAYS:
        assert rule.anchor is not None  # guaranteed by the agreement parser
        anchor_at = anchors.get(rule.anchor)
        if anchor_at is None:
            return None
        if rule.kind is DueKind.HOURS:
            return hours_after(anchor_at, rule.amount)
        return calendar_days_after(anchor_at, rule.amount, rule.counting)
    if discharged_at is not None:
        if rule.kind is DueKind.DISCHARGE:
            return Deadline(due_at=_aware(discharged_at).astimezone(STOCKHOLM))
        return by_end_of(swedish_day(discharged_at), provisional=False)
    if estimated_discharge is None:
        return None
    return by_end_of(estimated_discharge, provisional=True)
