"""Signed checkpoints of the audit log without a database (DOMAIN §5): a checkpoint line and its signature,
the file's chain of lines, and how a log is judged against the checkpoints — each rewinding attack named."""

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from nara.audit.model import (
    Attack,
    AuditAction,
    AuditEvent,
    ChainHead,
    Checkpoint,
    LogState,
    UnreadableLine,
    build_chain,
    check_file,
    check_last_line,
    judge,
    judge_from_checkpoint,
    key_id,
    line_hash,
    parse_line,
    sign_checkpoint,
    verify_entries,
)

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
KEY = Ed25519PrivateKey.generate()


def event(n: int) -> AuditEvent:
    return AuditEvent(occurred_at=T0 + timedelta(seconds=n), account_id=7, username="anna.lind", person_id=100 + n,
                      action=AuditAction.READ, outcome="allowed", request_id=f"req-{n}")


ENTRIES = list(build_chain(event(i) for i in range(30)))
HASH = {e.seq: e.entry_hash for e in ENTRIES}


def head(seq: int) -> ChainHead:
    return ChainHead(seq, HASH[seq])


def signed_file(*seqs: int, key: Ed25519PrivateKey = KEY) -> list[str]:
    lines: list[str] = []
    for n, seq in enumerate(seqs):
        lines.append(sign_checkpoint(key, head(seq), T0 + timedelta(minutes=10 * n), lines[-1] if lines else None)
                     .line())
    return lines


def checkpoints(*seqs: int) -> tuple[Checkpoint, ...]:
    checked = check_file(signed_file(*seqs), KEY.public_key())
    assert checked.problem is None
    return checked.checkpoints


def state(entries, chain_head: ChainHead | None) -> LogState:
    entries = list(entries)
    return LogState(chain_head, entries[-1].seq if entries else None, verify_entries(entries, chain_head))


def lookup(entries):
    hashes = {e.seq: e.entry_hash for e in entries}
    return hashes.get


# --- a checkpoint and the file -----------------------------------------------------------------------------


def test_a_checkpoint_line_says_seq_and_hash_signed_and_chained_to_the_line_before():
    first, second = signed_file(10, 20)
    data = json.loads(second)
    assert list(data) == ["format", "number", "seq", "entry_hash", "written_at", "prev_line", "key_id", "signature"]
    assert (data["number"], data["seq"], data["entry_hash"]) == (2, 20, HASH[20])
    assert data["written_at"] == "2026-11-22T09:10:00.000000+00:00"
    assert data["key_id"] == key_id(KEY.public_key())
    assert parse_line(second).signed_by(KEY.public_key())
    assert not parse_line(second).signed_by(Ed25519PrivateKey.generate().public_key())
    assert json.loads(first)["prev_line"] == "0" * 64 and data["prev_line"] != "0" * 64


def test_an_empty_log_is_never_signed():
    with pytest.raises(ValueError):
        sign_checkpoint(KEY, ChainHead(0, "0" * 64), T0, None)


@pytest.mark.parametrize("line", ["", "{}", "inte json", '{"format":2}', json.dumps([1, 2, 3])])
def test_a_line_that_is_no_checkpoint_is_unreadable(line):
    with pytest.raises(UnreadableLine):
        parse_line(line)
    assert check_file(["x", line], KEY.public_key()).problem.attack is Attack.CHECKPOINT_UNREADABLE


def test_the_intact_file_checks_out():
    checked = check_file(signed_file(3, 10, 20, 30), KEY.public_key())
    assert checked.problem is None
    assert [c.seq for c in checked.checkpoints] == [3, 10, 20, 30]
    assert [c.number for c in checked.checkpoints] == [1, 2, 3, 4]


def test_a_removed_line_is_named_by_the_missing_number():
    lines = signed_file(3, 10, 20, 30)
    problem = check_file([lines[0], lines[3]], KEY.public_key()).problem
    assert (problem.attack, problem.line) == (Attack.CHECKPOINT_REMOVED, 2)
    assert "saknar kontrollpunkt nummer 2–3 (före rad 2)" in problem.message
    assert check_file(lines[1:], KEY.public_key()).problem.attack is Attack.CHECKPOINT_REMOVED  # the first one


def test_a_removed_line_with_the_numbers_made_up_again_breaks_the_link():
    lines = signed_file(3, 10, 20)
    renumbered = json.loads(lines[2])
    renumbered["number"] = 2
    problem = check_file([lines[0], json.dumps(renumbered, separators=(",", ":"))], KEY.public_key()).problem
    assert (problem.attack, problem.line) == (Attack.CHECKPOINT_ALTERED, 1)


def test_a_changed_line_in_the_middle_breaks_the_link_of_the_next():
    lines = signed_file(3, 10, 20)
    lines[1] = lines[1].replace('"seq":10', '"seq":9')
    problem = check_file(lines, KEY.public_key()).problem
    assert (problem.attack, problem.line) == (Attack.CHECKPOINT_ALTERED, 2)
    assert "rad 2 är inte den som signerades" in problem.message


def test_a_changed_line_with_every_link_after_it_made_up_again_fails_its_signature():
    lines = signed_file(3, 10, 20)
    forger = Ed25519PrivateKey.generate()
    fake = parse_line(sign_checkpoint(forger, head(9), T0, lines[0]).line())
    # The forger keeps our key id and links the last line to the forged one, but cannot sign either.
    forged = Checkpoint(2, 9, HASH[9], fake.written_at, fake.prev_line, key_id(KEY.public_key()), fake.signature)
    last = parse_line(lines[2])
    relinked = Checkpoint(3, 20, HASH[20], last.written_at, line_hash(forged.line()), last.key_id, last.signature)
    problem = check_file([lines[0], forged.line(), relinked.line()], KEY.public_key()).problem
    assert (problem.attack, problem.line) == (Attack.CHECKPOINT_ALTERED, 2)


def test_lines_signed_with_another_key_are_named():
    other = Ed25519PrivateKey.generate()
    problem = check_file(signed_file(3, 10), other.public_key()).problem
    assert (problem.attack, problem.line) == (Attack.CHECKPOINT_FOREIGN_KEY, 1)
    assert f"(id {key_id(KEY.public_key())})" in problem.message
    assert check_last_line(signed_file(3, 10)[-1], other.public_key()).problem.attack is Attack.CHECKPOINT_FOREIGN_KEY


def test_the_quick_check_reads_only_the_last_line_and_checks_its_signature():
    lines = signed_file(3, 10)
    assert check_last_line(lines[-1], KEY.public_key()).checkpoints[0].seq == 10
    assert check_last_line(lines[-1].replace('"seq":10', '"seq":11'), KEY.public_key()).problem.attack is (
        Attack.CHECKPOINT_ALTERED)
    assert check_last_line("{", KEY.public_key()).problem.attack is Attack.CHECKPOINT_UNREADABLE


# --- the log against the checkpoints -----------------------------------------------------------------------


def rehashed(entries, at: int):
    """The chain with the entry at ``at`` edited and every hash recomputed from it on."""
    events = [event(i) for i in range(len(entries))]
    events[at - 1] = replace(events[at - 1], username="ingen")
    return list(build_chain(events))


def test_the_untouched_log_and_a_log_grown_since_pass():
    cps = checkpoints(3, 10, 20)
    assert judge(state(ENTRIES[:20], head(20)), cps, lookup(ENTRIES)) is None
    assert judge(state(ENTRIES, head(30)), cps, lookup(ENTRIES)) is None


def test_all_rows_deleted():
    for chain_head in (None, ChainHead(0, "0" * 64), head(30)):
        found = judge(state([], chain_head), checkpoints(10, 30), lookup([]))
        assert (found.attack, found.first, found.last) == (Attack.LOG_EMPTIED, 1, 30)
        assert "Loggen har tömts: posterna 1–30 saknas" in found.message
        assert judge_from_checkpoint(state([], chain_head), checkpoints(10, 30)[-1], None, False).attack is (
            Attack.LOG_EMPTIED)


def test_the_last_ten_rows_deleted():
    found = judge(state(ENTRIES[:20], head(30)), checkpoints(10, 30), lookup(ENTRIES[:20]))
    assert (found.attack, found.first, found.last) == (Attack.TAIL_CUT, 21, 30)
    quick = judge_from_checkpoint(state(ENTRIES[:20], head(30)), checkpoints(10, 30)[-1], None, False)
    assert (quick.attack, quick.first, quick.last) == (Attack.TAIL_CUT, 21, 30)


def test_the_head_rewound_with_and_without_the_entries_after_it():
    cps = checkpoints(10, 30)
    cut = judge(state(ENTRIES[:20], head(20)), cps, lookup(ENTRIES[:20]))
    assert (cut.attack, cut.first, cut.last) == (Attack.HEAD_REWOUND, 21, 30)
    assert "posterna 21–30 har tagits bort" in cut.message
    kept = judge(state(ENTRIES, head(20)), cps, lookup(ENTRIES))
    assert kept.attack is Attack.HEAD_REWOUND and "posterna 21–30 ligger kvar efter huvudet" in kept.message


def test_a_chain_rehashed_after_an_edit_is_placed_between_two_checkpoints():
    forged = rehashed(ENTRIES, 5)
    forged_head = ChainHead(30, forged[-1].entry_hash)
    assert verify_entries(forged, forged_head).ok  # the chain alone sees nothing
    found = judge(state(forged, forged_head), checkpoints(3, 10, 20, 30), lookup(forged))
    assert (found.attack, found.first, found.last, found.checkpoint.seq) == (Attack.CHAIN_REHASHED, 4, 10, 10)
    assert "Någon av posterna 4–10 har ändrats" in found.message
    assert judge(state(forged, forged_head), checkpoints(30), lookup(forged)).first == 1
    quick = judge_from_checkpoint(state(forged[29:], forged_head), checkpoints(30)[-1], forged[29].entry_hash, True)
    assert (quick.attack, quick.first, quick.last) == (Attack.CHAIN_REHASHED, 1, 30)


def test_the_bisection_asks_only_a_handful_of_entries():
    cps = checkpoints(*range(1, 31))
    forged = rehashed(ENTRIES, 17)
    asked = []

    def hash_at(seq):
        asked.append(seq)
        return forged[seq - 1].entry_hash

    found = judge(state(forged, ChainHead(30, forged[-1].entry_hash)), cps, hash_at)
    assert (found.first, found.last) == (17, 17)
    assert len(asked) <= 7


def test_a_broken_chain_is_named_by_its_first_break():
    gap = ENTRIES[:9] + ENTRIES[10:]
    found = judge(state(gap, head(30)), checkpoints(30), lookup(gap))
    assert (found.attack, found.first, found.last) == (Attack.ENTRY_REMOVED, 10, 10)
    assert judge(state(gap, head(30)), (), lookup(gap)).attack is Attack.ENTRY_REMOVED  # no checkpoints


def test_without_checkpoints_only_the_chain_decides():
    assert judge(state([], None), (), lookup([])) is None
    assert judge(state(ENTRIES[:20], head(20)), (), lookup(ENTRIES)) is None  # a cut the chain cannot see
