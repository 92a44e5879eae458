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
- **egen vårdrelation** — every care relationship a unit registered for itself (an uppdrag, care-team membership):
  such a relationship is what opens a person's data, so its start is checked (DOMAIN §5).
- **många medarbetare** — a person whose data was opened by at least ``many_staff_threshold`` (default 10)
  distinct staff accounts in the month: a sign of curiosity around a known person. Configurable.

What the person sees in their own log extract (DOMAIN §5: "in a form that lets them judge whether it was
justified"): every access by someone else, with the unit, its care provider, what kind of information, when,
and the staff member's name and profession — always. A unit alone rarely lets a person judge: what matters is
whether *that* person had a reason (a neighbour on the ward, a relative at the vårdcentral). Staff HSA-ids stay
internal. Nödåtkomst is marked, with its stated reason.

The extract groups accesses per unit, Swedish day, kind of information, action and outcome (:func:`group_extract`):
"Hemsjukvården Kumla läste din plan 3 gånger den 4 december" says more to a person than 3 lines of timestamps,
and each group keeps its single accesses for whoever wants them. A nödåtkomst is grouped apart, per stated reason,
and a denied attempt never merges with an allowed one.

Checks on suspicion (DOMAIN §5: "search by user, patient, unit, period"): a reviewer searches the log
(:class:`SearchCriteria`, periods as whole Swedish days) and may open a *granskningsärende* from the result — why,
in real words (:func:`check_case_reason`), which entries — and later record its outcome (:class:`CaseOutcome`)
with a written note. A case is documentation of the provider's log checks and is kept.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum

from nara.core.clock import (
    STOCKHOLM,
    Period,
)
from nara.directory.model import IdentifierError, parse_identifier

MAX_COMMENT_LENGTH = 4000
SAMPLE_SEED_VERSION = "nara-stickprov-v1"


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
    SELF_REGISTERED = "egen_vardrelation"


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


# --- checks on suspicion: search and granskningsärenden -----------------------------------------------------------

MAX_QUERY_LENGTH = 100  # a user's or a unit's name or id as typed
MAX_REASON_LENGTH = 2000
MAX_CASE_ENTRIES = 5000  # a case on a whole result set; a larger one is a sign the search should be narrower
MIN_REASON_LETTERS = 8
NOT_REVIEWER = "not_reviewer"  # the denial code logged when another role tries log follow-up
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)  # the days a search or an extract page may name


class CaseOutcome(StrEnum):
    """Utfall of a granskningsärende."""

    NO_REMARK = "ingen_anmarkning"  # nothing wrong found
    ACTION_REQUIRED = "atgard_kravs"  # e.g. talk to the staff member, change an access right
    REPORTED = "anmalt"  # reported: to the staff member's manager, the care provider's responsible, IVO


class CaseScope(StrEnum):
    """What a case holds: the entries the reviewer picked, or the whole result of the search."""

    ENTRIES = "poster"
    RESULT = "resultat"


def day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in Sweden, in UTC."""
    return datetime.combine(day, time.min, STOCKHOLM).astimezone(UTC)


def local_day(at: datetime) -> date:
    return at.astimezone(STOCKHOLM).date()


@dataclass(frozen=True, slots=True)
class SearchCriteria:
    """What a reviewer searches the log for. ``person`` is a normalised identifier (12 characters); the period
    is whole days in Sweden, both ends included."""

    user: str | None = None
    person: str | None = None
    unit: str | None = None
    date_from: date | None = None
    date_to: date | None = None

    @property
    def start(self) -> datetime | None:
        return day_start(self.date_from) if self.date_from else None

    @property
    def end(self) -> datetime | None:
        """Exclusive: the start of the day after ``date_to``."""
        return day_start(self.date_to + timedelta(days=1)) if self.date_to else None

    @property
    def used(self) -> list[str]:
        """Which criteria are set, as short words (for the log entry of the search: no person's identity)."""
        return [name for name, value in (("anvandare", self.user), ("person", self.person), ("enhet", self.unit),
                                         ("fran", self.date_from), ("till", self.date_to)) if value]


def _query_text(raw: str | None, key: str) -> str | None:
    text = " ".join((raw or "").split())
    if not text:
        return None
    if "\x00" in text or len(text) > MAX_QUERY_LENGTH:
        raise ValueError(key)
    return text


def check_search(*, user: str | None, person: str | None, unit: str | None, date_from: date | None,
                 date_to: date | None, today: date) -> SearchCriteria:
    """The criteria as searched. At least one is needed; a period runs forwards. Raises ValueError with a message
    key."""
    user_text = _query_text(user, "review.search.user_invalid")
    unit_text = _query_text(unit, "review.search.unit_invalid")
    person_id = None
    person_text = _query_text(person, "review.search.person_invalid")
    if person_text is not None:
        try:
            person_id = parse_identifier(person_text, today).value
        except IdentifierError:
            raise ValueError("review.search.person_invalid") from None
    for day in (date_from, date_to):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise ValueError("review.search.date_invalid")
    if date_from and date_to and date_from > date_to:
        raise ValueError("review.search.period_backwards")
    criteria = SearchCriteria(user_text, person_id, unit_text, date_from, date_to)
    if not criteria.used:
        raise ValueError("review.search.empty")
    return criteria


def has_real_words(text: str, min_letters: int = MIN_REASON_LETTERS) -> bool:
    """Whether ``text`` says something: at least ``min_letters`` letters, one word of three letters or more.
    Whitespace, punctuation, digits and invisible characters do not count."""
    letters = [ch.isalpha() for ch in text if unicodedata.category(ch) != "Cf"]
    longest = run = 0
    for is_letter in letters:
        run = run + 1 if is_letter else 0
        longest = max(longest, run)
    return sum(letters) >= min_letters and longest >= 3


def _clean(text: str | None) -> str:
    """Stripped of whitespace and invisible format characters at both ends."""
    chars = list(text or "")
    while chars and (chars[0].isspace() or unicodedata.category(chars[0]) == "Cf"):
        chars.pop(0)
    while chars and (chars[-1].isspace() or unicodedata.category(chars[-1]) == "Cf"):
        chars.pop()
    return "".join(chars)


def check_case_reason(reason: str | None) -> str:
    """Why a case is opened, as stored: real words are required (the check is documented, DOMAIN §5)."""
    text = _clean(reason)
    if "\x00" in text:
        raise ValueError("review.case.reason_invalid")
    if len(text) > MAX_REASON_LENGTH:
        raise ValueError("review.case.reason_too_long")
    if not has_real_words(text):
        raise ValueError("review.case.reason_required")
    return text


def check_outcome(outcome: str, note: str | None) -> tuple[CaseOutcome, str]:
    """An outcome and its note as stored. Every outcome is written down in words."""
    try:
        value = CaseOutcome(outcome)
    except ValueError:
        raise ValueError("review.case.outcome_unknown") from None
    text = _clean(note)
    if "\x00" in text:
        raise ValueError("review.case.note_invalid")
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValueError("review.case.note_too_long")
    if not has_real_words(text, min_letters=3):
        raise ValueError("review.case.note_required")
    return value, text


# --- the person's log extract, grouped ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExtractEntry:
    """One access to the person's data, with the names people read."""

    occurred_at: datetime
    action: str
    category: str | None
    unit_key: str | None  # the unit's HSA-id as logged: what groups accesses by unit
    unit_name: str | None
    provider_name: str | None
    staff_name: str | None
    profession: str | None
    log_review: bool  # by log follow-up rather than by someone caring for the person
    emergency_reason: str | None  # set for an access under nödåtkomst (and for opening it)
    emergency: bool
    denied: bool


@dataclass(slots=True)
class ExtractGroup:
    """Accesses of one unit on one Swedish day, to one kind of information, with one action and outcome."""

    day: date
    unit_name: str | None
    provider_name: str | None
    action: str
    category: str | None
    denied: bool
    log_review: bool
    emergency: bool
    emergency_reason: str | None
    entries: list[ExtractEntry] = field(default_factory=list)  # newest first

    @property
    def count(self) -> int:
        return len(self.entries)

    @property
    def latest(self) -> datetime:
        return self.entries[0].occurred_at

    @property
    def staff(self) -> list[tuple[str, str | None]]:
        """The distinct staff members (name, profession), in the order they appear."""
        seen: dict[str, str | None] = {}
        for e in self.entries:
            if e.staff_name and e.staff_name not in seen:
                seen[e.staff_name] = e.profession
        return list(seen.items())


def group_extract(entries: Iterable[ExtractEntry]) -> list[ExtractGroup]:
    """Group accesses (any order) by unit, Swedish day, kind of information, action and outcome, newest first.
    A nödåtkomst groups apart per stated reason."""
    groups: dict[tuple[object, ...], ExtractGroup] = {}
    for e in sorted(entries, key=lambda e: e.occurred_at, reverse=True):
        day = local_day(e.occurred_at)
        key = (day, e.unit_key, e.unit_name, e.category, e.action, e.denied, e.log_review, e.emergency,
               e.emergency_reason)
        group = groups.get(key)
        if group is None:
            group = groups[key] = ExtractGroup(day, e.unit_name, e.provider_name, e.action, e.category, e.denied,
                                               e.log_review, e.emergency, e.emergency_reason)
        group.entries.append(e)
    return list(groups.values())  # insertion order: by each group's newest access, newest first


# --- matching what a reviewer typed -------------------------------------------------------------------------------

MAX_MATCHES = 50  # accounts or units a typed name may stand for


def like_pattern(text: str) -> str:
    """A LIKE pattern that finds ``text`` anywhere, case-insensitively on both databases: SQLite folds only
    ASCII letters, so each other character matches any one character, and the caller checks the candidates in
    Python (:func:`contains_folded`)."""
    escaped = "".join("\\" + ch if ch in "%_\\" else ch if ch.isascii() else "_" for ch in text)
    return f"%{escaped}%"


def contains_folded(haystack: str | None, needle: str) -> bool:
    return haystack is not None and needle.casefold() in haystack.casefold()
