"""The dashboard's display rules, plain Python: how a number is written, what a trend is, whether a target is
met, and that a suppressed cell never shows a number (DOMAIN.md §7). No web framework, no engine, no I/O.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from nara.core.i18n import t
from nara.indicators.model import Indicator, ResultRow

NBSP = "\u00a0"
MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
MONTHS_LONG = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
               "november", "december")
TREND_MONTHS = 3  # trend: the mean of the last three months against the three before
TREND_FLAT = 0.02  # a relative change smaller than 2 % counts as unchanged


# --- Numbers in Swedish ------------------------------------------------------------------------------------


def _swedish(x: float, decimals: int) -> str:
    text = f"{x:,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def format_count(x: float | None) -> str:
    """A numerator or denominator: whole numbers with spaces between thousands; sums (person-years, indices)
    with one decimal."""
    if x is None:
        return ""
    if float(x).is_integer():
        return _swedish(x, 0)
    return _swedish(x, 1)


def value_decimals(ind: Indicator, value: float) -> int:
    if ind.kind == "share":
        return 1
    if ind.kind == "rate":
        return 0 if abs(value) >= 100 else 1
    return 3 if ind.unit.startswith("index") else 1


def format_number(ind: Indicator, value: float) -> str:
    """The value alone, e.g. ``59,2`` (share), ``564`` (rate), ``0,385`` (index)."""
    return _swedish(value, value_decimals(ind, value))


def format_value(ind: Indicator, value: float | None, *, long: bool = False) -> str:
    """The value with its unit where it is short: ``59,2 %``, ``1,9 dagar``; a rate with its unit only when
    ``long`` (``564 per 100 000 invånare och år``); an index without."""
    if value is None:
        return ""
    text = format_number(ind, value)
    if ind.unit == "%":
        return f"{text}{NBSP}%"
    if ind.unit == "dagar":
        return f"{text}{NBSP}dagar"
    if long and ind.kind == "rate":
        return f"{text} {ind.unit}"
    return text


def suppressed_text() -> str:
    from nara.indicators.model import suppression_threshold

    return t("dashboard.suppressed", n=suppression_threshold())


@dataclass(frozen=True)
class Cell:
    """One number as a page shows it. A suppressed cell has text but no number at all (DOMAIN §7)."""

    text: str
    value: float | None = None
    std: float | None = None
    std_text: str = ""
    numerator: str = ""
    denominator: str = ""
    suppressed: bool = False
    missing: bool = False

    @property
    def shown(self) -> bool:
        return self.value is not None


def cell(ind: Indicator, row: ResultRow | None, *, long: bool = False) -> Cell:
    if row is None:
        return Cell(t("dashboard.no_value"), missing=True)
    if row.suppressed or row.value is None:
        return Cell(suppressed_text(), suppressed=True)
    std = row.value_age_standardised if ind.age_standardised else None
    return Cell(
        text=format_value(ind, row.value, long=long), value=float(row.value),
        std=None if std is None else float(std), std_text=format_value(ind, std),
        numerator=format_count(row.numerator), denominator=format_count(row.denominator),
    )


# --- Periods -----------------------------------------------------------------------------------------------


def month_label(period_start: str, *, long: bool = False) -> str:
    d = date.fromisoformat(period_start)
    return f"{(MONTHS_LONG if long else MONTHS)[d.month - 1]} {d.year}"


def window_label(start: date, end: date) -> str:
    if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
        return t("dashboard.period.year", year=start.year)
    return t("dashboard.period.window", start=_day(start), end=_day(end))


def _day(d: date) -> str:
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


# --- Trend and target --------------------------------------------------------------------------------------


class Direction(StrEnum):
    UP = "up"
    DOWN = "down"
    FLAT = "flat"
    UNKNOWN = "unknown"


SYMBOL = {Direction.UP: "↑", Direction.DOWN: "↓", Direction.FLAT: "→", Direction.UNKNOWN: "–"}


def trend(values: Sequence[float | None]) -> Direction:
    """The direction of the last months: the mean of the last three against the three before. It cannot be
    judged when any of those six months is missing or suppressed. Whether up is better depends on the
    indicator, so the direction is told without judging it."""
    window = list(values[-2 * TREND_MONTHS:])
    if len(window) < 2 * TREND_MONTHS or any(v is None for v in window):
        return Direction.UNKNOWN
    before = sum(window[:TREND_MONTHS]) / TREND_MONTHS  # type: ignore[arg-type]
    after = sum(window[TREND_MONTHS:]) / TREND_MONTHS  # type: ignore[arg-type]
    scale = abs(before) if before else max(abs(after), 1e-12)
    change = (after - before) / scale
    if abs(change) < TREND_FLAT:
        return Direction.FLAT
    return Direction.UP if change > 0 else Direction.DOWN


class Judgement(StrEnum):
    """Whether a trend is an improvement, by the indicator's direction (``better`` in the catalogue)."""

    BETTER = "better"
    WORSE = "worse"
    NEUTRAL = "neutral"  # flat, not judged, or an indicator where more is neither better nor worse


def judge(ind: Indicator, direction: Direction) -> Judgement:
    """Up is better for a share reached (K1, S3) and worse for harm (S1 återinskrivningar, P2 fallskador)."""
    if direction not in (Direction.UP, Direction.DOWN) or ind.better not in ("higher", "lower"):
        return Judgement.NEUTRAL
    improves = (direction is Direction.UP) == (ind.better == "higher")
    return Judgement.BETTER if improves else Judgement.WORSE


def trend_text(ind: Indicator, direction: Direction) -> str:
    """The trend in words, for everyone and for screen readers (the arrow itself is hidden from them):
    "ökar – en förbättring", "minskar – en försämring", "oförändrad"."""
    judgement = judge(ind, direction)
    text = t(f"dashboard.trend.{direction.value}")
    return text if judgement is Judgement.NEUTRAL else t(f"dashboard.trend.judged.{judgement.value}", trend=text)


class TargetStatus(StrEnum):
    MET = "met"
    NOT_MET = "not_met"
    NONE = "none"


def target_status(ind: Indicator, value: float | None) -> TargetStatus:
    """The national targets are floors (K1 ≥ 55 %, K2 ≥ 80 %, DOMAIN §6)."""
    if ind.target is None or value is None:
        return TargetStatus.NONE
    return TargetStatus.MET if value >= ind.target else TargetStatus.NOT_MET


def target_text(ind: Indicator) -> str:
    if ind.target is None:
        return ""
    whole = float(ind.target).is_integer()
    text = _swedish(ind.target, 0) + (f"{NBSP}%" if ind.unit == "%" else "") if whole else format_value(ind, ind.target)
    return t("dashboard.target.value", value=text)
