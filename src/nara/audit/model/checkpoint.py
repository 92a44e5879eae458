"""Signed checkpoints of the audit log, and how a log is judged against them (DOMAIN §5: the log must be
protected against change, including deletion of its newest entries, which a hash chain alone does not reveal
unless its head is anchored outside the database). Plain Python and Ed25519 signatures, no I/O.

A checkpoint says "the log's entry number ``seq`` had hash ``entry_hash``", signed with an Ed25519 key the
database does not hold. Checkpoints are kept one per line (JSON) in an append-only file outside the database
(nara.audit.store.checkpoints); each line also carries the SHA-256 of the line before it and a running
``number``, so a line removed or changed in the middle of the file shows even though every line is signed:

    {"format":1,"number":7,"seq":4711,"entry_hash":"…","written_at":"2026-11-22T09:00:00.000000+00:00",
     "prev_line":"<sha256 of line 6>","key_id":"<16 hex>","signature":"<base64>"}

The signature covers ``SIGNED_PREFIX`` and the compact JSON array of every field but the signature, in the
order above. Because each line names the hash of the one before it, the last line's signature vouches for the
whole file: checking the links of every line and the signature of the last one is enough (one signature check
costs a quarter of a millisecond here; a file written every ten minutes for five years has 260 000 lines).

Someone with full rights over the database can empty the log, cut its tail, move its head back or re-hash the
whole chain after editing an entry — each leaves a chain that is consistent in itself. None of them can make a
new signed checkpoint, so :func:`judge` names each of those four attacks by comparing the log with the file.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from nara.audit.model import GENESIS_HASH, BreakKind, ChainHead, VerifyReport, utc_iso
from nara.core.clock import local_minute
from nara.core.i18n import t

CHECKPOINT_FORMAT = 1
SIGNED_PREFIX = b"nara-audit-checkpoint-v1\n"  # what is signed is never mistaken for anything else signed
_FIELDS = ("format", "number", "seq", "entry_hash", "written_at", "prev_line", "key_id", "signature")
_HEX = frozenset("0123456789abcdef")


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short name of a public key: the first 16 hex digits of the SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_key.public_bytes(Encoding.Raw, PublicFormat.Raw)).hexdigest()[:16]


def line_hash(line: str) -> str:
    """What the next line names as ``prev_line``: SHA-256 of the line's text (without its newline)."""
    return hashlib.sha256(line.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """Kontrollpunkt: the log's entry ``seq`` had ``entry_hash`` when this was signed at ``written_at``."""

    number: int  # 1, 2, 3, … in the file
    seq: int
    entry_hash: str
    written_at: str  # utc_iso
    prev_line: str  # line_hash of the line before, GENESIS_HASH for the first
    key_id: str
    signature: str  # base64 of the 64-byte Ed25519 signature

    def signed_bytes(self) -> bytes:
        return SIGNED_PREFIX + json.dumps(
            [CHECKPOINT_FORMAT, self.number, self.seq, self.entry_hash, self.written_at, self.prev_line,
             self.key_id], separators=(",", ":"), ensure_ascii=True).encode()

    def line(self) -> str:
        """The checkpoint as one line of the file (without the newline)."""
        values = (CHECKPOINT_FORMAT, self.number, self.seq, self.entry_hash, self.written_at, self.prev_line,
                  self.key_id, self.signature)
        return json.dumps(dict(zip(_FIELDS, values, strict=True)), separators=(",", ":"), ensure_ascii=True)

    def signed_by(self, public_key: Ed25519PublicKey) -> bool:
        try:
            public_key.verify(base64.b64decode(self.signature, validate=True), self.signed_bytes())
        except (InvalidSignature, ValueError):
            return False
        return True

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "seq": self.seq, "entry_hash": self.entry_hash,
                "written_at": self.written_at, "key_id": self.key_id}


def sign_checkpoint(private_key: Ed25519PrivateKey, head: ChainHead, written_at: datetime,
                    previous_line: str | None) -> Checkpoint:
    """The checkpoint of ``head`` that follows the file's last line ``previous_line`` (None: the first)."""
    if head.last_seq < 1:
        raise ValueError("an empty log has nothing to sign")
    previous = None if previous_line is None else parse_line(previous_line)
    unsigned = Checkpoint(
        number=1 if previous is None else previous.number + 1, seq=head.last_seq, entry_hash=head.last_hash,
        written_at=utc_iso(written_at), prev_line=GENESIS_HASH if previous_line is None else line_hash(previous_line),
        key_id=key_id(private_key.public_key()), signature="")
    signature = base64.b64encode(private_key.sign(unsigned.signed_bytes())).decode()
    return Checkpoint(unsigned.number, unsigned.seq, unsigned.entry_hash, unsigned.written_at, unsigned.prev_line,
                      unsigned.key_id, signature)


class UnreadableLine(ValueError):
    """A line that is not a checkpoint at all."""


def _hex64(value: Any) -> bool:
    return isinstance(value, str) and len(value) == 64 and _HEX.issuperset(value)


def parse_line(line: str) -> Checkpoint:
    try:
        data = json.loads(line)
    except ValueError as exc:
        raise UnreadableLine(line[:40]) from exc
    if not isinstance(data, dict) or tuple(data) != _FIELDS or data["format"] != CHECKPOINT_FORMAT:
        raise UnreadableLine(line[:40])
    number, seq = data["number"], data["seq"]
    if (type(number) is not int or type(seq) is not int or number < 1 or seq < 1
            or not _hex64(data["entry_hash"]) or not _hex64(data["prev_line"])
            or not all(isinstance(data[f], str) for f in ("written_at", "key_id", "signature"))):
        raise UnreadableLine(line[:40])
    return Checkpoint(number, seq, data["entry_hash"], data["written_at"], data["prev_line"], data["key_id"],
                      data["signature"])


# --- what can be wrong -----------------------------------------------------------------------------------


class Attack(StrEnum):
    """What a failed check found, by name (``attack`` in `nara audit verify --json`)."""

    LOG_EMPTIED = "log_emptied"  # every entry deleted
    TAIL_CUT = "tail_cut"  # the newest entries deleted
    HEAD_REWOUND = "head_rewound"  # the chain head moved back behind a signed checkpoint
    CHAIN_REHASHED = "chain_rehashed"  # an entry edited and every hash after it recomputed
    # the chain itself is broken (nara.audit.model.ChainVerifier)
    ENTRY_ALTERED = "entry_altered"
    ENTRY_REMOVED = "entry_removed"
    ENTRY_INSERTED = "entry_inserted"
    HEAD_MISSING = "head_missing"
    # the checkpoint file
    CHECKPOINT_UNREADABLE = "checkpoint_unreadable"
    CHECKPOINT_REMOVED = "checkpoint_removed"
    CHECKPOINT_ALTERED = "checkpoint_altered"
    CHECKPOINT_FOREIGN_KEY = "checkpoint_foreign_key"


_BREAK_ATTACK = {BreakKind.ALTERED: Attack.ENTRY_ALTERED, BreakKind.REMOVED: Attack.ENTRY_REMOVED,
                 BreakKind.INSERTED: Attack.ENTRY_INSERTED, BreakKind.HEAD_MISSING: Attack.HEAD_MISSING}


@dataclass(frozen=True, slots=True)
class Finding:
    """What is wrong, with the sequence numbers concerned. ``line`` is a line number of the checkpoint file;
    ``first``..``last`` a range of log sequence numbers (removed, or where an edit lies)."""

    attack: Attack
    message: str
    checkpoint: Checkpoint | None = None
    line: int | None = None
    first: int | None = None
    last: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"attack": self.attack.value, "line": self.line, "first": self.first, "last": self.last,
                "checkpoint": None if self.checkpoint is None else self.checkpoint.to_dict()}


def _range(first: int, last: int) -> str:
    return f"post {first}" if first == last else f"posterna {first}–{last}"


# --- the file ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileCheck:
    checkpoints: tuple[Checkpoint, ...]
    problem: Finding | None = None


def check_file(lines: Sequence[str], public_key: Ed25519PublicKey) -> FileCheck:
    """Check the checkpoint file's lines: each readable, signed with ``public_key``, numbered 1, 2, 3, …,
    linked to the line before, and never going back in the log. Every link is checked, and the last line's
    signature, which through the links vouches for every line before it (module docstring). A removed last
    line leaves no trace in the file itself: the next checkpoint written shows it, as does a copy kept apart."""
    ours = key_id(public_key)
    checkpoints: list[Checkpoint] = []
    previous_line: str | None = None
    for n, line in enumerate(lines, start=1):
        try:
            cp = parse_line(line)
        except UnreadableLine:
            return _bad(Finding(Attack.CHECKPOINT_UNREADABLE, t("audit.checkpoint.unreadable", line=n), line=n))
        if cp.key_id != ours:
            return _bad(Finding(Attack.CHECKPOINT_FOREIGN_KEY,
                                t("audit.checkpoint.foreign_key", line=n, key=cp.key_id, ours=ours), cp, line=n))
        expected_number = checkpoints[-1].number + 1 if checkpoints else 1
        if cp.number != expected_number:
            missing = (f"nummer {expected_number}" if cp.number == expected_number + 1
                       else f"nummer {expected_number}–{cp.number - 1}")
            return _bad(Finding(Attack.CHECKPOINT_REMOVED, t("audit.checkpoint.removed", line=n, missing=missing),
                                cp, line=n))
        if cp.prev_line != (GENESIS_HASH if previous_line is None else line_hash(previous_line)):
            # The line before is not the one this line was chained to: it was changed (or this link was).
            changed = max(1, n - 1)
            return _bad(Finding(Attack.CHECKPOINT_ALTERED, t("audit.checkpoint.altered", line=changed), cp,
                                line=changed))
        if checkpoints and cp.seq < checkpoints[-1].seq:
            return _bad(Finding(Attack.CHECKPOINT_ALTERED, t("audit.checkpoint.altered", line=n), cp, line=n))
        checkpoints.append(cp)
        previous_line = line
    if checkpoints and not checkpoints[-1].signed_by(public_key):
        # Some line was changed and the links after it made up again: name the first one not signed.
        for n, cp in enumerate(checkpoints, start=1):
            if not cp.signed_by(public_key):
                return _bad(Finding(Attack.CHECKPOINT_ALTERED, t("audit.checkpoint.altered", line=n), cp, line=n))
    return FileCheck(tuple(checkpoints))


def check_last_line(line: str, public_key: Ed25519PublicKey) -> FileCheck:
    """Only the newest checkpoint, for the quick check from it: readable, signed with ``public_key``."""
    try:
        cp = parse_line(line)
    except UnreadableLine:
        return _bad(Finding(Attack.CHECKPOINT_UNREADABLE, t("audit.checkpoint.unreadable_last")))
    ours = key_id(public_key)
    if cp.key_id != ours:
        return _bad(Finding(Attack.CHECKPOINT_FOREIGN_KEY,
                            t("audit.checkpoint.foreign_key", line=cp.number, key=cp.key_id, ours=ours),
                            cp, line=cp.number))
    if not cp.signed_by(public_key):
        return _bad(Finding(Attack.CHECKPOINT_ALTERED, t("audit.checkpoint.altered", line=cp.number), cp,
                            line=cp.number))
    return FileCheck((cp,))


def _bad(finding: Finding) -> FileCheck:
    return FileCheck((), finding)


# --- the log against the checkpoints -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LogState:
    """What the verifier saw of the log, in one snapshot: its head, its last entry's sequence number (None: no
    entries) and the chain's own verdict (over all of it, or from the newest checkpoint on)."""

    head: ChainHead | None
    last_entry_seq: int | None
    chain: VerifyReport


HashAt = Callable[[int], "str | None"]  # the stored entry_hash of the entry at a seq (None: no such entry)


def judge(state: LogState, checkpoints: Sequence[Checkpoint], hash_at: HashAt) -> Finding | None:
    """Compare the log with the signed checkpoints (oldest first) and name what was done to it, or None.

    The order matters: an emptied log, then a head moved back behind the newest checkpoint (with or without
    the entries after it), then the chain's own first break (a cut tail is the chain's ``tail_removed``), and
    last — the chain being consistent — an entry at a checkpoint whose hash is not the signed one."""
    if not checkpoints:
        return chain_finding(state.chain)
    newest = checkpoints[-1]
    found = _emptied_or_rewound(state, newest)
    if found is not None:
        return found
    if not state.chain.ok:
        return chain_finding(state.chain, newest)
    return _first_mismatch(checkpoints, hash_at)


def judge_from_checkpoint(state: LogState, newest: Checkpoint, anchor_hash: str | None,
                          anchor_intact: bool) -> Finding | None:
    """The quick check, against the newest checkpoint only. ``state.chain`` verified the entries from the
    checkpoint's seq on; ``anchor_hash`` is the stored hash of the entry at that seq (None: no such entry) and
    ``anchor_intact`` whether that entry's content hashes to it."""
    found = _emptied_or_rewound(state, newest)
    if found is not None:
        return found
    if anchor_hash is None:  # the head still says the chain goes on, but the entries end before the checkpoint
        first, last = (state.last_entry_seq or 0) + 1, state.head.last_seq if state.head else newest.seq
        return Finding(Attack.TAIL_CUT, t("audit.attack.tail_cut", missing=_range(first, last), head_seq=last),
                       newest, first=first, last=last)
    if anchor_hash != newest.entry_hash:
        return _rehashed(newest, 1)
    if not anchor_intact:
        return Finding(Attack.ENTRY_ALTERED, t("audit.attack.anchor_altered", seq=newest.seq), newest,
                       first=newest.seq, last=newest.seq)
    return chain_finding(state.chain, newest)


def _emptied_or_rewound(state: LogState, newest: Checkpoint) -> Finding | None:
    """The two attacks that move the log's end back behind what was signed."""
    if state.last_entry_seq is None:
        return Finding(Attack.LOG_EMPTIED, t("audit.attack.log_emptied", missing=_range(1, newest.seq),
                                             number=newest.number, seq=newest.seq, at=when_written(newest)),
                       newest, first=1, last=newest.seq)
    head = state.head
    if head is None or head.last_seq >= newest.seq:
        return None
    params = {"head_seq": head.last_seq, "seq": newest.seq, "number": newest.number, "at": when_written(newest)}
    if state.last_entry_seq < newest.seq:  # the entries after the new head removed too: a consistent chain
        text = t("audit.attack.head_rewound_and_cut", missing=_range(state.last_entry_seq + 1, newest.seq), **params)
    else:
        text = t("audit.attack.head_rewound", after=_range(head.last_seq + 1, state.last_entry_seq), **params)
    return Finding(Attack.HEAD_REWOUND, text, newest, first=head.last_seq + 1, last=newest.seq)


def chain_finding(chain: VerifyReport, newest: Checkpoint | None = None) -> Finding | None:
    """The chain's own first break as a finding (a removed tail by its attack's name), or None."""
    p = chain.problem
    if p is None:
        return None
    if p.reason == "tail_removed" and p.missing_from is not None and p.missing_to is not None:
        head_seq = chain.head.last_seq if chain.head else p.missing_to
        return Finding(Attack.TAIL_CUT, t("audit.attack.tail_cut", missing=_range(p.missing_from, p.missing_to),
                                          head_seq=head_seq), newest, first=p.missing_from, last=p.missing_to)
    first = p.missing_from if p.missing_from is not None else p.seq
    last = p.missing_to if p.missing_to is not None else p.seq
    return Finding(_BREAK_ATTACK[p.kind], chain.message(), newest, first=first, last=last)


def _first_mismatch(checkpoints: Sequence[Checkpoint], hash_at: HashAt) -> Finding | None:
    """The chain holds, so if the entry at one checkpoint has its signed hash, so do all before it: the first
    checkpoint that does not match is found by bisection, in a handful of look-ups however long the file.
    The edit lies after the last checkpoint that matches, up to the first that does not."""
    if hash_at(checkpoints[-1].seq) == checkpoints[-1].entry_hash:
        return None
    lo, hi = 0, len(checkpoints) - 1  # checkpoints[hi] does not match; find the first that does not
    while lo < hi:
        mid = (lo + hi) // 2
        if hash_at(checkpoints[mid].seq) == checkpoints[mid].entry_hash:
            lo = mid + 1
        else:
            hi = mid
    return _rehashed(checkpoints[hi], checkpoints[hi - 1].seq + 1 if hi > 0 else 1)


def _rehashed(bad: Checkpoint, first: int) -> Finding:
    return Finding(Attack.CHAIN_REHASHED, t("audit.attack.chain_rehashed", seq=bad.seq, number=bad.number,
                                            at=when_written(bad), edited=_range(first, bad.seq)),
                   bad, first=first, last=bad.seq)


def when_written(cp: Checkpoint) -> str:
    """The checkpoint's time for people, as every time is written: '7 dec 2026 07:58' in Swedish time."""
    try:
        return local_minute(datetime.fromisoformat(cp.written_at))
    except ValueError:
        return cp.written_at
