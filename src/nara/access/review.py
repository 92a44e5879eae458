"""Log follow-up (logguppföljning) and the person's log extract: the selection rules, plain Python, no I/O.

HSLF-FS 2016:40 4 kap. (DOMAIN §5): care providers run *systematic, recurring sample checks* of the access log and
document them. A reviewer works through a queue per calendar month (Europe/Stockholm). An access lands in the
queue when any of these rules picks it (one item per access, nödåtkomst or person, with every reason that applies):

- **stickprov** — a reproducible random sample of the month's allowed staff accesses. Size: 1 % of them, at
  least 20 (all of them when there are fewer), at most 200 (:class:`ReviewRules`). Reproducible: each access
  is ranked by ``sha256("nara-stickprov-v1:" + period + ":" + entry_hash)`` and the lowest ranks are taken, so
  the same month and the same log give the same sample, and nobody can tell beforehand which access will be
  drawn (the entry hash covers its time to the microsecond). The sample is drawn once the month has ended,
  when its log no longer grows; the other rules apply while the month runs.
- **nödåtkomst** — every one, with its stated reason (DOMAIN §5: mandatory follow-up).
- **skyddad identitet** — every allowed staff access to a person with sekretessmarkering / skyddad
  folkbokföring.
- **många medarbetare** — a person whose data was opened by at least ``many_staff_threshold`` (default 10)
  distinct staff accounts in the month: a sign of curiosity around a known person. Configurable.

What the person sees in their own log extract (DOMAIN §5: "in a form that lets them judge whether it was
justified"): every access by someone else, with the unit, its care provider, what kind of information, when,
and the staff member's name and profession — always. A unit alone rarely lets a person judge: what matters is
whether *that* person had a reason (a neighbour on the ward, a relative at the vårdcentral). Staff HSA-ids stay
internal. Nödåtkomst is marked, with its stated reason.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum

from nara.core.clock import STOCKHOLM

MAX_COMMENT_LENGTH = 4000
SAMPLE_SEED_VERSION = "nara-stickprov-v1"
_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")
MONTHS_SV = ("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september", "oktober",
             "november", "december")


class Verdict(StrEnum):
    """Bedömning of one item of the queue."""

    ACCEPTABLE = "godtagbar"  # the access was justified
    INVESTIGATE = "behover_utredas"  # needs looking into (talk to the staff member, their manager)
    NOT_PERMITTED = "otillaten"  # the access was not justified: a matter for the care provider


class SelectionReason(StrEnum):
    """Why an item is in the queue (module docstring)."""

    SAMPLE = "stickprov"
    EMERGENCY = "nodatkomst"
    PROTECTED_IDENTITY = "skyddad_identitet"
    MANY_STAFF = "manga_medarbetare"


class TargetKind(StrEnum):
    ENTRY = "entry"  # one audit entry (stickprov, skyddad identitet)
    EMERGENCY = "emergency"  # one nödåtkomst and the accesses made under it
    PERSON = "person"  # one person opened by many staff in the month


@dataclass(frozen=True, slots=True)
class ReviewRules:
    """How big the stickprov is and when a person counts as opened by unusually many staff."""

    sample_share: float = 0.01
    sample_min: int = 20
    sample_max: int = 200
    many_staff_threshold: int = 10

    def __post_init__(self) -> None:
        if not 0 < self.sample_share <= 1 or self.sample_min < 0 or self.sample_max < self.sample_min:
            raise ValueError("sample rule out of range")
        if self.many_staff_threshold < 2:
            raise ValueError("many_staff_threshold is at least 2")


DEFAULT_RULES = ReviewRules()


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


def sample_size(population: int, rules: ReviewRules = DEFAULT_RULES) -> int:
    """How many of ``population`` accesses the stickprov takes (module docstring)."""
    if population <= 0:
        return 0
    wanted = max(rules.sample_min, math.ceil(population * rules.sample_share))
    return min(population, wanted, rules.sample_max)


def sample_rank(period: Period, entry_hash: str) -> str:
    """The rank of an access in its month's draw: lower is drawn first."""
    return hashlib.sha256(f"{SAMPLE_SEED_VERSION}:{period}:{entry_hash}".encode()).hexdigest()


def draw_sample(period: Period, candidates: Iterable[tuple[int, str]], size: int) -> list[int]:
    """The ids of the ``size`` candidates (id, entry_hash) with the lowest rank, in id order. Streams:
    memory stays at ``size`` however long the month's log."""
    if size <= 0:
        return []
    drawn = heapq.nsmallest(size, candidates, key=lambda c: sample_rank(period, c[1]))
    return sorted(entry_id for entry_id, _hash in drawn)


def opened_by_many(distinct_staff: Mapping[int, int], rules: ReviewRules = DEFAULT_RULES) -> list[int]:
    """The persons (id → number of distinct staff accounts that opened them) at or over the threshold."""
    return sorted(person for person, n in distinct_staff.items() if n >= rules.many_staff_threshold)


def check_verdict(verdict: str, comment: str | None) -> tuple[Verdict, str | None]:
    """A verdict and its comment as stored. Anything but 'godtagbar' needs a comment saying why: the check is
    documented (DOMAIN §5). Raises ValueError with a message key."""
    try:
        value = Verdict(verdict)
    except ValueError:
        raise ValueError("review.verdict.unknown") from None
    text = (comment or "").strip() or None
    if text is not None and "\x00" in text:  # PostgreSQL text cannot hold it; refused on both databases
        raise ValueError("review.verdict.comment_invalid")
    if text is not None and len(text) > MAX_COMMENT_LENGTH:
        raise ValueError("review.verdict.comment_too_long")
    if value is not Verdict.ACCEPTABLE and text is None:
        raise ValueError("review.verdict.comment_required")
    return value, text


def join_reasons(reasons: Iterable[SelectionReason | str]) -> str:
    """Stored as a sorted comma list, so merging is a set union."""
    return ",".join(sorted({SelectionReason(r).value for r in reasons}))


def split_reasons(text: str | None) -> list[SelectionReason]:
    order = list(SelectionReason)
    return sorted((SelectionReason(r) for r in (text or "").split(",") if r), key=order.index)
