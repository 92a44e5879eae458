"""The audit log's rules (loggning, HSLF-FS 2016:40 4 kap., DOMAIN §5): what one entry says, how it is
serialised and hash-chained, and how a stored chain is verified. Plain Python, no I/O.

Every read, write and *denied* attempt on person data is one :class:`AuditEvent`. Entries form one chain:

    entry_hash = sha256(prev_hash || canonical(entry))        (hex; the first entry's prev_hash is 64 zeros)

``prev_hash`` is the previous entry's hex digest as ASCII text, ``canonical`` the entry's canonical
serialisation (ASCII). Changing, removing or inserting an entry after the fact breaks the chain at that entry,
and the chain head (the last sequence number and hash, kept beside the log) shows when the newest entries
were removed.

Canonical serialisation, version 1: a compact JSON array (no spaces, ASCII only with other characters as
``\\uXXXX``, explicit ``null``, times as ISO 8601 UTC with microseconds) of the format version, the sequence
number and the event's fields in :data:`CANONICAL_FIELDS_V1` order, e.g.

    [1,42,"2026-11-22T09:00:00.000000+00:00",7,"anna.lind","SE2321000131-P000000000007",3,...,"req-1"]

A positional array rather than an object with sorted keys: the version fixes the field order just as well,
and it is about twice as fast to produce, which decides whether ten million entries verify within a minute.
A later version gets its own field list and function; stored entries keep the version they were written with.

The hash chain proves order and completeness *relative to the chain head*. Someone with full database rights
who empties the log, cuts its tail, moves the head back or recomputes every hash from a tampered entry onwards,
head included, is not caught by the chain alone: signed checkpoints of (sequence number, hash) kept outside the
database anchor it (nara.audit.model.checkpoint).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from itertools import pairwise
from typing import Any, NamedTuple

from nara.core.actor import Actor
from nara.core.errors import NaraError
from nara.core.i18n import t

FORMAT_VERSION = 1
GENESIS_HASH = "0" * 64


class AuditAction(StrEnum):
    """What was done (or attempted) with person data."""

    READ = "read"
    SEARCH = "search"
    CREATE = "create"
    WRITE = "write"
    DELETE = "delete"
    EXPORT = "export"
    PRINT = "print"
    EMERGENCY_ACCESS = "emergency_access"  # nödåtkomst opened, with its reason (DOMAIN §5)


class Outcome(StrEnum):
    ALLOWED = "allowed"
    DENIED = "denied"


# Column widths, checked here so both databases refuse the same things (PostgreSQL enforces them, SQLite not).
MAX_LENGTHS: dict[str, int] = {
    "username": 64,
    "staff_hsa_id": 40,
    "unit_hsa_id": 40,
    "action": 32,
    "resource_type": 40,
    "resource_id": 64,
    "information_category": 40,
    "purpose": 100,
    "emergency_reason": 2000,
    "denial_reason": 64,
    "request_id": 64,
}


@dataclass(frozen=True, slots=True)
class AuditEvent:
    """One access to person data, allowed or denied (loggpost, HSLF-FS 2016:40 4 kap. 9 §, DOMAIN §5): who
    (account, user name, staff HSA-id), from where (unit, its HSA-id, care provider), whose data (person),
    what was done to what (action, resource, information category), why (purpose, nödåtkomst reason), when,
    and with what outcome (a short reason code when denied)."""

    occurred_at: datetime
    account_id: int
    username: str
    action: AuditAction
    outcome: Outcome
    person_id: int | None = None  # None only for events that touch no one person (e.g. a search without hits)
    staff_hsa_id: str | None = None
    unit_id: int | None = None
    unit_hsa_id: str | None = None
    care_provider_id: int | None = None
    resource_type: str | None = None  # e.g. 'plan', 'person', 'discharge'
    resource_id: str | None = None  # an int id is kept as its text
    information_category: str | None = None  # the category a spärr can apply to
    purpose: str | None = None  # vård, uppföljning, ...
    emergency_reason: str | None = None  # the stated reason for nödåtkomst
    denial_reason: str | None = None  # short code, e.g. 'no_care_relationship', 'yttre_sparr'
    request_id: str | None = None

    def __post_init__(self) -> None:
        if self.occurred_at.tzinfo is None:
            raise ValueError("AuditEvent.occurred_at must be timezone-aware")
        object.__setattr__(self, "occurred_at", self.occurred_at.astimezone(UTC))
        object.__setattr__(self, "action", AuditAction(self.action))
        object.__setattr__(self, "outcome", Outcome(self.outcome))
        if isinstance(self.resource_id, int):
            object.__setattr__(self, "resource_id", str(self.resource_id))
        if not self.username:
            raise ValueError("AuditEvent.username is required")
        for name, limit in MAX_LENGTHS.items():
            value = getattr(self, name)
            if value is not None and len(value) > limit:
                raise ValueError(f"AuditEvent.{name} is longer than {limit} characters")
            if value is not None and "\x00" in value:  # PostgreSQL text cannot hold it; refuse on both
                raise ValueError(f"AuditEvent.{name} contains a NUL character")
        if self.outcome is Outcome.DENIED and not self.denial_reason:
            raise ValueError("a denied AuditEvent needs a denial_reason code")
        if self.outcome is Outcome.ALLOWED and self.denial_reason is not None:
            raise ValueError("an allowed AuditEvent has no denial_reason")
        if self.action is AuditAction.EMERGENCY_ACCESS and not (self.emergency_reason or "").strip():
            raise ValueError("nödåtkomst is logged with its stated reason (DOMAIN §5)")

    @classmethod
    def for_actor(cls, actor: Actor, *, occurred_at: datetime, action: AuditAction, outcome: Outcome,
                  unit_hsa_id: str | None = None, **details: Any) -> AuditEvent:
        """The event for what ``actor`` did or tried, acting for its active unit."""
        return cls(
            occurred_at=occurred_at, account_id=actor.account_id, username=actor.username, action=action,
            outcome=outcome, staff_hsa_id=actor.staff_hsa_id, unit_id=actor.unit_id, unit_hsa_id=unit_hsa_id,
            care_provider_id=actor.provider_id, **details,
        )

    def values(self) -> tuple[Any, ...]:
        """The event's fields in canonical order, as stored (enums as their plain strings)."""
        return (
            self.occurred_at, self.account_id, self.username, self.staff_hsa_id, self.unit_id, self.unit_hsa_id,
            self.care_provider_id, self.person_id, self.action.value, self.resource_type, self.resource_id,
            self.information_category, self.purpose, self.emergency_reason, self.outcome.value,
            self.denial_reason, self.request_id,
        )


# The order of the event's fields in the canonical serialisation (version 1) and in a StoredEntry.
CANONICAL_FIELDS_V1: tuple[str, ...] = (
    "occurred_at", "account_id", "username", "staff_hsa_id", "unit_id", "unit_hsa_id", "care_provider_id",
    "person_id", "action", "resource_type", "resource_id", "information_category", "purpose",
    "emergency_reason", "outcome", "denial_reason", "request_id",
)

# ASCII-only output (other characters as \uXXXX): the canonical bytes do not depend on a text encoding, and
# hashing stays on CPython's fast path for pure-ASCII strings.
_encode_json = json.JSONEncoder(ensure_ascii=True, separators=(",", ":"), allow_nan=False,
                                check_circular=False).encode


def utc_iso(at: datetime) -> str:
    """The canonical form of a time: ISO 8601 in UTC with microseconds, '2026-11-22T09:00:00.000000+00:00'."""
    if at.tzinfo is not UTC:
        offset = at.utcoffset()
        if offset is None:
            raise ValueError("audit times are timezone-aware")
        if offset:
            at = at.astimezone(UTC)
    return at.isoformat(timespec="microseconds")


def canonical_v1(seq: int, values: Sequence[Any]) -> str:
    """Version 1 of the canonical serialisation. ``values`` are the event's fields in CANONICAL_FIELDS_V1
    order; occurred_at (first) is a datetime or already its utc_iso text. The writer and the verifier both
    come here (the verifier's fast path encodes the very same tuple), so they cannot drift apart."""
    at = values[0]
    return _encode_json((1, seq, at if type(at) is str else utc_iso(at), *values[1:]))


CANONICAL: dict[int, Callable[[int, Sequence[Any]], str]] = {1: canonical_v1}

_SEQ_MARK = 0  # any sequence number: its text is cut out again


def canonical_parts(event: AuditEvent) -> tuple[str, str]:
    """The current version's canonical text of ``event`` split around its sequence number, for a writer that
    learns the number only under the chain lock (the one-statement PostgreSQL append):
    ``head + str(seq) + tail == CANONICAL[FORMAT_VERSION](seq, event.values())`` for every seq."""
    text = CANONICAL[FORMAT_VERSION](_SEQ_MARK, event.values())
    head = f"[{FORMAT_VERSION},"
    mark = f"{head}{_SEQ_MARK},"
    assert text.startswith(mark)
    return head, text[len(mark) - 1:]


def entry_hash(prev_hash: str, canonical: str) -> str:
    """sha256(prev_hash || canonical) as 64 hex digits."""
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


class ChainHead(NamedTuple):
    """The end of the chain as last written: kept in its own row so removing the newest entries shows."""

    last_seq: int
    last_hash: str


GENESIS = ChainHead(0, GENESIS_HASH)


class SealedEntry(NamedTuple):
    seq: int
    prev_hash: str
    entry_hash: str
    format_version: int


def seal(head: ChainHead, event: AuditEvent) -> SealedEntry:
    """Chain ``event`` after ``head``: its sequence number and hashes."""
    seq = head.last_seq + 1
    digest = entry_hash(head.last_hash, CANONICAL[FORMAT_VERSION](seq, event.values()))
    return SealedEntry(seq, head.last_hash, digest, FORMAT_VERSION)


class StoredEntry(NamedTuple):
    """An entry as the verifier reads it back: occurred_at as its canonical text (utc_iso), and the fields
    laid out so that, from format_version on, the row *is* the version-1 canonical tuple."""

    id: int
    prev_hash: str
    entry_hash: str
    format_version: int
    seq: int
    occurred_at: str
    account_id: int
    username: str
    staff_hsa_id: str | None
    unit_id: int | None
    unit_hsa_id: str | None
    care_provider_id: int | None
    person_id: int | None
    action: str
    resource_type: str | None
    resource_id: str | None
    information_category: str | None
    purpose: str | None
    emergency_reason: str | None
    outcome: str
    denial_reason: str | None
    request_id: str | None


_ID, _PREV, _HASH, _VERSION, _SEQ, _EVENT = 0, 1, 2, 3, 4, 5
assert StoredEntry._fields[_EVENT:] == CANONICAL_FIELDS_V1


def build_chain(events: Iterable[AuditEvent], head: ChainHead = GENESIS, first_id: int = 1) -> Iterator[StoredEntry]:
    """Seal ``events`` one after another from ``head``, as the store would (ids from ``first_id``)."""
    for n, event in enumerate(events):
        sealed = seal(head, event)
        values = event.values()
        yield StoredEntry(first_id + n, sealed.prev_hash, sealed.entry_hash, sealed.format_version, sealed.seq,
                          utc_iso(values[0]), *values[1:])
        head = ChainHead(sealed.seq, sealed.entry_hash)


# --- verification -----------------------------------------------------------------------------------------


class BreakKind(StrEnum):
    ALTERED = "altered"  # ändrad
    REMOVED = "removed"  # borttagen
    INSERTED = "inserted"  # inlagd i efterhand
    HEAD_MISSING = "head_missing"  # the chain head row is gone while entries remain


@dataclass(frozen=True, slots=True)
class ChainBreak:
    """The first place the chain does not hold.

    ``seq``/``entry_id`` name the entry concerned: the altered or inserted entry; for removed entries (whose
    id is gone with them) the entry right after the gap, or the last remaining one when the tail was removed.
    ``missing_from``..``missing_to`` are the removed sequence numbers."""

    kind: BreakKind
    reason: str  # machine-readable detail: hash_mismatch, rehashed, head_hash, seq_gap, tail_removed,
    #              seq_not_increasing, beyond_head, prev_link, head_missing
    seq: int | None
    entry_id: int | None
    missing_from: int | None = None
    missing_to: int | None = None
    expected_seq: int | None = None


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of checking the chain: how many entries were confirmed and, if any, the first break."""

    checked: int
    head: ChainHead | None
    problem: ChainBreak | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    def message(self) -> str:
        """For people, in Swedish."""
        if self.problem is None:
            return t("audit.verify.ok", checked=_count(self.checked))
        p = self.problem
        missing = ""
        if p.missing_from is not None and p.missing_to is not None:
            missing = (f"post {p.missing_from}" if p.missing_from == p.missing_to
                       else f"posterna {p.missing_from}–{p.missing_to}")
        key = f"audit.verify.{p.reason}"
        if p.reason == "tail_removed" and p.seq is None:
            key = "audit.verify.tail_removed_all"
        return t(key, seq=p.seq, entry_id=p.entry_id, missing=missing, expected_seq=p.expected_seq,
                 head_seq=self.head.last_seq if self.head else None, checked=_count(self.checked))

    def to_dict(self) -> dict[str, Any]:
        """For programs: plain JSON-able values."""
        return {
            "ok": self.ok,
            "checked": self.checked,
            "head": None if self.head is None else {"last_seq": self.head.last_seq, "last_hash": self.head.last_hash},
            "problem": None if self.problem is None else {
                "kind": self.problem.kind.value, "reason": self.problem.reason, "seq": self.problem.seq,
                "entry_id": self.problem.entry_id, "missing_from": self.problem.missing_from,
                "missing_to": self.problem.missing_to, "expected_seq": self.problem.expected_seq,
            },
            "message": self.message(),
        }


def _count(n: int) -> str:
    return f"{n:,}".replace(",", " ")  # Swedish digit grouping


def entry_is_intact(row: Sequence[Any]) -> bool:
    """Whether a stored entry's own hash matches its prev_hash and content."""
    serialise = CANONICAL.get(row[_VERSION])
    try:
        return serialise is not None and entry_hash(row[_PREV], serialise(row[_SEQ], row[_EVENT:])) == row[_HASH]
    except (TypeError, ValueError):  # a value no version-1 entry can hold
        return False


class ChainVerifier:
    """Checks StoredEntry-shaped rows, in ascending seq order, against the chain rules and the head.

    Feed it batches with :meth:`feed` — it keeps only the last two hashes, so memory stays flat however long
    the log — then call :meth:`finish`. It stops at the first break.

    A long log can be checked in ranges, in parallel: a verifier for the range (start_after, stop_after] is
    fed the entries from seq ``start_after`` on; that first one is the anchor it links from (checked by the
    range before), and one entry past ``stop_after`` is looked at only to judge a suspect last entry.
    :func:`merge_reports` joins the ranges' reports."""

    def __init__(self, head: ChainHead | None, *, start_after: int = 0, stop_after: int | None = None) -> None:
        self.head = head
        self.checked = 0
        self.problem: ChainBreak | None = None
        self.stop_after = stop_after
        self._anchored = start_after == 0  # the genesis hash is the anchor of the first range
        self._next_seq = start_after if start_after else 1
        self._prev_hash = GENESIS_HASH
        self._before_prev: str | None = None
        self._last: tuple[int, int] | None = None  # (seq, id) of the last confirmed entry (or the anchor)
        self._suspect: tuple[ChainBreak, str] | None = None  # an entry that did not hash, and its prev hash
        self._done = False

    def feed(self, rows: Iterable[Sequence[Any]]) -> bool:
        """Check the next rows. Returns False once the verdict is in (further rows are then not needed)."""
        if self.problem is not None or self._done:
            return False
        head = self.head
        rows = iter(rows)
        if head is None:
            for row in rows:
                self.problem = ChainBreak(BreakKind.HEAD_MISSING, "head_missing", row[_SEQ], row[_ID])
                return False
            return True
        if not self._anchored:
            for row in rows:
                self._anchor(row)
                break
            if self.problem is not None:
                return False
        # This loop runs ten million times for a large log: locals only, one serialisation, one hash per row.
        head_seq = head.last_seq
        stop = self.stop_after if self.stop_after is not None else sys.maxsize
        expected_seq = self._next_seq
        prev_hash = self._prev_hash
        before_prev = self._before_prev
        checked = self.checked
        suspect = self._suspect
        last = None
        sha256 = hashlib.sha256
        encode = _encode_json
        try:
            for row in rows:
                if suspect is not None:
                    self.problem = self._settle(suspect, row)
                    return False
                seq = row[4]
                if expected_seq > stop:
                    self._done = True  # the next range's first entry: it checks that one
                    return False
                if seq != expected_seq:
                    self.problem = self._out_of_place(row, expected_seq, head_seq)
                    return False
                if seq > head_seq:
                    self.problem = ChainBreak(BreakKind.INSERTED, "beyond_head", seq, row[0])
                    return False
                if row[1] != prev_hash:
                    previous = (last[4], last[0]) if last is not None else self._last
                    self.problem = self._misfit(row, previous, before_prev)
                    if self.problem.seq != seq:
                        checked -= 1  # the entry before was counted as confirmed, but it is the one at fault
                    return False
                try:
                    # Version 1: the row from format_version on is the canonical tuple itself.
                    canonical = encode(row[3:]) if row[3] == 1 else CANONICAL[row[3]](seq, row[5:])
                except (KeyError, TypeError, ValueError):  # an unknown version, a value no entry can hold
                    canonical = None
                if canonical is None or sha256((prev_hash + canonical).encode()).hexdigest() != row[2]:
                    # Altered — or inserted, if the next entry links past it. One more row tells.
                    suspect = (ChainBreak(BreakKind.ALTERED, "hash_mismatch", seq, row[0]), prev_hash)
                    continue
                before_prev = prev_hash
                prev_hash = row[2]
                expected_seq = seq + 1
                checked += 1
                last = row
        finally:
            self._next_seq, self._prev_hash, self._before_prev = expected_seq, prev_hash, before_prev
            self.checked, self._suspect = checked, suspect
            if last is not None:
                self._last = (last[_SEQ], last[_ID])
        return True

    def _anchor(self, row: Sequence[Any]) -> None:
        """The entry the range links from. If it is not there, the range before reports the removal."""
        self._anchored = True
        if row[_SEQ] != self._next_seq:
            self.problem = self._out_of_place(row, self._next_seq, self.head.last_seq if self.head else 0)
            return
        self._next_seq = row[_SEQ] + 1
        self._prev_hash, self._before_prev = row[_HASH], row[_PREV]
        self._last = (row[_SEQ], row[_ID])

    @staticmethod
    def _settle(suspect: tuple[ChainBreak, str], following: Sequence[Any]) -> ChainBreak:
        """An entry did not hash to its stored hash. If the entry after it links to the one before it, it was
        put in between afterwards; otherwise it was changed."""
        altered, hash_before = suspect
        if following[_PREV] == hash_before:
            return ChainBreak(BreakKind.INSERTED, "prev_link", altered.seq, altered.entry_id)
        return altered

    @staticmethod
    def _misfit(row: Sequence[Any], previous: tuple[int, int] | None, before_prev: str | None) -> ChainBreak:
        """``row`` does not link to the entry before it. Work out which of the two was tampered with."""
        seq, entry_id = row[_SEQ], row[_ID]
        if previous is not None and row[_PREV] == before_prev:
            # It links to the entry two back: the one in between was inserted.
            return ChainBreak(BreakKind.INSERTED, "prev_link", previous[0], previous[1])
        if not entry_is_intact(row):
            return ChainBreak(BreakKind.ALTERED, "hash_mismatch", seq, entry_id)
        if previous is None:
            # The first entry is intact in itself but does not start from the genesis hash.
            return ChainBreak(BreakKind.INSERTED, "prev_link", seq, entry_id)
        # Intact, but it names a predecessor that is no longer there: the entry before it was changed and its
        # hash recomputed, or swapped for another.
        return ChainBreak(BreakKind.ALTERED, "rehashed", previous[0], previous[1])

    @staticmethod
    def _out_of_place(row: Sequence[Any], expected_seq: int, head_seq: int) -> ChainBreak:
        seq, entry_id = row[_SEQ], row[_ID]
        if seq < expected_seq:
            return ChainBreak(BreakKind.INSERTED, "seq_not_increasing", seq, entry_id, expected_seq=expected_seq)
        if expected_seq > head_seq:
            return ChainBreak(BreakKind.INSERTED, "beyond_head", seq, entry_id)
        return ChainBreak(BreakKind.REMOVED, "seq_gap", seq, entry_id, missing_from=expected_seq,
                          missing_to=min(seq - 1, head_seq), expected_seq=expected_seq)

    def finish(self) -> VerifyReport:
        """The report, after the last row was fed: also checks that the chain ends where the head says."""
        if self.problem is None and self._suspect is not None:
            self.problem = self._suspect[0]  # the last entry did not hash right and nothing follows it
        if self.problem is None and self.head is not None:
            last_seq, last_id = self._last if self._last else (None, None)
            end = self._next_seq - 1
            if self.head.last_seq > end and not self._done:
                self.problem = ChainBreak(BreakKind.REMOVED, "tail_removed", last_seq, last_id,
                                          missing_from=end + 1, missing_to=self.head.last_seq)
            elif end == self.head.last_seq > 0 and self._prev_hash != self.head.last_hash:
                # The last entry hashes correctly in itself but is not the one the head recorded.
                self.problem = ChainBreak(BreakKind.ALTERED, "head_hash", last_seq, last_id)
        return VerifyReport(self.checked, self.head, self.problem)


def verify_entries(entries: Iterable[Sequence[Any]], head: ChainHead | None) -> VerifyReport:
    """Verify a whole chain held in memory (or any iterable): the pure form of `nara audit verify`."""
    verifier = ChainVerifier(head)
    verifier.feed(entries)
    return verifier.finish()


def merge_reports(reports: Sequence[VerifyReport], head: ChainHead,
                  beyond_head: tuple[int, int] | None = None) -> VerifyReport:
    """Join the reports of consecutive ranges (in seq order) into the report for the whole chain: the first
    range with a break has the first break. ``beyond_head`` is the (seq, id) of an entry found after the head."""
    checked = 0
    for report in reports:
        checked += report.checked
        if report.problem is not None:
            return VerifyReport(checked, head, report.problem)
    if beyond_head is not None:
        return VerifyReport(checked, head, ChainBreak(BreakKind.INSERTED, "beyond_head", *beyond_head))
    return VerifyReport(checked, head)


def split_ranges(last_seq: int, size: int) -> list[tuple[int, int]]:
    """(start_after, stop_after] ranges of about ``size`` entries covering 1..last_seq."""
    bounds = [*range(0, last_seq, max(1, size)), last_seq]
    return list(pairwise(bounds))


class AuditLogUnavailable(NaraError):
    """The log cannot be written, so the access it would record must not happen (DOMAIN §5)."""

    status = 503
    code = "audit-unavailable"
