"""The audit log's rules without a database (DOMAIN §5, HSLF-FS 2016:40 4 kap.): what an entry holds, its
canonical serialisation and hash chain, and a verifier that names the first entry altered, removed or inserted."""

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from nara.audit.model import (
    CANONICAL_FIELDS_V1,
    GENESIS,
    GENESIS_HASH,
    AuditAction,
    AuditEvent,
    BreakKind,
    ChainHead,
    ChainVerifier,
    StoredEntry,
    build_chain,
    canonical_v1,
    entry_hash,
    merge_reports,
    split_ranges,
    verify_entries,
)
from nara.core.actor import Actor, Role

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def event(n: int = 0, **changes) -> AuditEvent:
    fields = dict(
        occurred_at=T0 + timedelta(seconds=n), account_id=7, username="anna.lind",
        staff_hsa_id="SE2321000131-P000000000007", unit_id=3, unit_hsa_id="SE2321000131-E000000000003",
        care_provider_id=1, person_id=100 + n, action=AuditAction.READ, outcome="allowed", resource_type="plan",
        resource_id=str(n), information_category="vardplan", purpose="vard", request_id=f"req-{n}",
    )
    fields.update(changes)
    return AuditEvent(**fields)


def chain(n: int = 6) -> tuple[list[StoredEntry], ChainHead]:
    entries = list(build_chain(event(i) for i in range(n)))
    return entries, ChainHead(entries[-1].seq, entries[-1].entry_hash)


def forged(entry: StoredEntry, prev_hash: str | None = None, **changes) -> StoredEntry:
    """An entry changed by someone who also recomputed its hash (the hash has no secret)."""
    entry = entry._replace(**changes)
    prev = entry.prev_hash if prev_hash is None else prev_hash
    digest = entry_hash(prev, canonical_v1(entry.seq, entry[5:]))
    return entry._replace(prev_hash=prev, entry_hash=digest)


# --- the event -------------------------------------------------------------------------------------------


def test_event_times_are_kept_in_utc():
    stockholm_winter = timezone(timedelta(hours=1))
    e = event(occurred_at=datetime(2026, 11, 22, 10, 0, tzinfo=stockholm_winter))
    assert e.occurred_at == T0 and e.occurred_at.tzinfo is UTC


@pytest.mark.parametrize("changes", [
    {"occurred_at": datetime(2026, 11, 22, 9, 0)},  # naive
    {"outcome": "denied"},  # a denial needs its reason code
    {"denial_reason": "no_care_relationship"},  # an allowed access has none
    {"action": AuditAction.EMERGENCY_ACCESS},  # nödåtkomst needs its stated reason
    {"action": AuditAction.EMERGENCY_ACCESS, "emergency_reason": "   "},
    {"username": ""},
    {"resource_type": "x" * 41},
    {"purpose": "vård\x00"},
    {"action": "peek"},
])
def test_an_incomplete_or_malformed_event_is_refused(changes):
    with pytest.raises(ValueError):
        event(**changes)


def test_a_denied_attempt_and_an_emergency_access_are_events_too():
    denied = event(outcome="denied", denial_reason="yttre_sparr")
    assert denied.outcome == "denied" and denied.denial_reason == "yttre_sparr"
    emergency = event(action="emergency_access", emergency_reason="Medvetslös patient på akuten")
    assert emergency.action is AuditAction.EMERGENCY_ACCESS


def test_an_event_for_an_actor_takes_who_and_where_from_the_actor():
    actor = Actor(account_id=7, username="anna.lind", display_name="Anna Lind", role=Role.STAFF, staff_id=4,
                  staff_hsa_id="SE2321000131-P000000000007", unit_id=3, provider_id=1)
    e = AuditEvent.for_actor(actor, occurred_at=T0, action=AuditAction.WRITE, outcome="allowed",
                             unit_hsa_id="SE2321000131-E000000000003", person_id=100, resource_id=55)
    assert (e.account_id, e.username, e.staff_hsa_id, e.unit_id, e.care_provider_id) == (
        7, "anna.lind", "SE2321000131-P000000000007", 3, 1)
    assert e.resource_id == "55"


# --- canonical serialisation and hashing ------------------------------------------------------------------


def test_canonical_form_is_versioned_compact_json_with_explicit_nulls_and_utc_times():
    e = event(0, staff_hsa_id=None, username="åsa.öberg")
    text = canonical_v1(1, e.values())
    assert text == (
        '[1,1,"2026-11-22T09:00:00.000000+00:00",7,"\\u00e5sa.\\u00f6berg",null,3,"SE2321000131-E000000000003",1,'
        '100,"read","plan","0","vardplan","vard",null,"allowed",null,"req-0"]'
    )
    assert text.isascii()
    assert json.loads(text)[4] == "åsa.öberg"


def test_the_canonical_form_does_not_depend_on_the_time_zone_the_time_was_given_in():
    here = event(0).values()
    there = (T0.astimezone(timezone(timedelta(hours=-5))), *here[1:])
    assert canonical_v1(1, here) == canonical_v1(1, there)


def test_entry_hash_is_sha256_of_previous_hash_and_canonical_form():
    entries, _ = chain(2)
    first, second = entries
    assert first.prev_hash == GENESIS_HASH == "0" * 64
    assert first.entry_hash == hashlib.sha256(
        (GENESIS_HASH + canonical_v1(1, first[5:])).encode()).hexdigest()
    assert second.prev_hash == first.entry_hash
    assert [e.seq for e in entries] == [1, 2]


# --- verification -----------------------------------------------------------------------------------------


def test_an_untouched_chain_verifies():
    entries, head = chain(6)
    report = verify_entries(entries, head)
    assert report.ok and report.checked == 6
    assert report.message() == "Loggkedjan är obruten: 6 poster kontrollerade"
    assert report.to_dict()["ok"] is True and report.to_dict()["problem"] is None


def test_an_empty_log_at_the_genesis_head_verifies():
    assert verify_entries([], GENESIS).ok
    assert verify_entries([], None).ok  # a log that never started


def test_an_altered_field_names_that_entry():
    entries, head = chain(6)
    entries[2] = entries[2]._replace(person_id=999)
    report = verify_entries(entries, head)
    assert not report.ok
    p = report.problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.ALTERED, "hash_mismatch", 3, 3)
    assert report.checked == 2
    assert "post 3 (id 3)" in report.message() and "ändrats" in report.message()


def test_an_altered_time_names_that_entry():
    entries, head = chain(6)
    entries[4] = entries[4]._replace(occurred_at=entries[4].occurred_at.replace("09:00:04", "09:00:05"))
    p = verify_entries(entries, head).problem
    assert (p.kind, p.seq) == (BreakKind.ALTERED, 5)


def test_an_altered_entry_whose_hash_was_recomputed_is_named_by_the_next_entrys_link():
    entries, head = chain(6)
    entries[2] = forged(entries[2], person_id=999)
    report = verify_entries(entries, head)
    p = report.problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.ALTERED, "rehashed", 3, 3)
    assert report.checked == 2


def test_a_removed_entry_is_named_by_its_sequence_number():
    entries, head = chain(6)
    del entries[2]
    report = verify_entries(entries, head)
    p = report.problem
    assert (p.kind, p.reason, p.missing_from, p.missing_to) == (BreakKind.REMOVED, "seq_gap", 3, 3)
    assert (p.seq, p.entry_id) == (4, 4)  # the first entry after the gap
    assert "post 3 saknas" in report.message() and "post 4 (id 4)" in report.message()


def test_removing_the_first_entries_is_seen():
    entries, head = chain(6)
    p = verify_entries(entries[2:], head).problem
    assert (p.kind, p.missing_from, p.missing_to, p.seq) == (BreakKind.REMOVED, 1, 2, 3)


def test_an_inserted_entry_with_a_duplicate_sequence_number_is_named():
    entries, head = chain(6)
    fake = forged(entries[2], prev_hash=entries[2].entry_hash, id=99, person_id=555)
    entries.insert(3, fake)  # seq 3 twice: possible only with the unique constraint dropped
    p = verify_entries(entries, head).problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.INSERTED, "seq_not_increasing", 3, 99)


def test_an_inserted_entry_after_the_head_is_named_even_when_its_hashes_are_right():
    entries, head = chain(6)
    fake = next(build_chain([event(9)], head=head, first_id=99))
    report = verify_entries([*entries, fake], head)
    p = report.problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.INSERTED, "beyond_head", 7, 99)
    assert report.checked == 6
    assert "lagts in i efterhand" in report.message()


def test_an_entry_inserted_in_the_middle_and_the_rest_renumbered_is_named():
    entries, head = chain(6)
    fake = next(build_chain([event(9)], head=ChainHead(2, entries[1].entry_hash), first_id=99))
    renumbered = [e._replace(seq=e.seq + 1) for e in entries[2:]]
    head = ChainHead(7, head.last_hash)
    p = verify_entries([*entries[:2], fake, *renumbered], head).problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.INSERTED, "prev_link", 3, 99)


def test_a_clumsy_insert_in_the_middle_is_named_because_the_next_entry_links_past_it():
    entries, head = chain(6)
    fake = entries[2]._replace(id=99, prev_hash=entries[1].entry_hash, entry_hash="a" * 64, person_id=555)
    renumbered = [e._replace(seq=e.seq + 1) for e in entries[2:]]
    p = verify_entries([*entries[:2], fake, *renumbered], ChainHead(7, head.last_hash)).problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.INSERTED, "prev_link", 3, 99)


def test_an_altered_last_entry_is_named():
    entries, head = chain(4)
    entries[-1] = entries[-1]._replace(username="someone.else")
    p = verify_entries(entries, head).problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.ALTERED, "hash_mismatch", 4, 4)


def test_an_entry_with_sequence_number_zero_is_inserted():
    entries, head = chain(3)
    fake = entries[0]._replace(id=99, seq=0)
    p = verify_entries([fake, *entries], head).problem
    assert (p.kind, p.seq, p.entry_id, p.expected_seq) == (BreakKind.INSERTED, 0, 99, 1)


def test_reordered_entries_name_the_first_moved_one():
    entries, head = chain(6)
    a, b = entries[1], entries[2]
    swapped = [entries[0], b._replace(seq=2), a._replace(seq=3), *entries[3:]]  # a DBA swapped their numbers
    p = verify_entries(swapped, head).problem
    assert (p.kind, p.seq, p.entry_id) == (BreakKind.ALTERED, 2, 3)


def test_a_truncated_tail_is_seen_through_the_head():
    entries, head = chain(6)
    report = verify_entries(entries[:4], head)
    p = report.problem
    assert (p.kind, p.reason, p.missing_from, p.missing_to) == (BreakKind.REMOVED, "tail_removed", 5, 6)
    assert (p.seq, p.entry_id) == (4, 4)  # the last entry left
    assert report.checked == 4
    assert "posterna 5–6 saknas" in report.message()


def test_a_fully_emptied_log_is_seen_through_the_head():
    _, head = chain(3)
    report = verify_entries([], head)
    assert (report.problem.kind, report.problem.missing_from, report.problem.missing_to) == (BreakKind.REMOVED, 1, 3)
    assert "loggen är tom" in report.message()


def test_a_last_entry_swapped_for_a_consistent_forgery_is_seen_through_the_head():
    entries, head = chain(4)
    entries[-1] = forged(entries[-1], person_id=999)
    p = verify_entries(entries, head).problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.ALTERED, "head_hash", 4, 4)


def test_a_missing_head_with_entries_left_is_a_break():
    entries, _ = chain(2)
    p = verify_entries(entries, None).problem
    assert (p.kind, p.seq, p.entry_id) == (BreakKind.HEAD_MISSING, 1, 1)


def test_an_altered_prev_hash_names_that_entry():
    entries, head = chain(4)
    entries[2] = entries[2]._replace(prev_hash="f" * 64)
    p = verify_entries(entries, head).problem
    assert (p.kind, p.seq) == (BreakKind.ALTERED, 3)


def test_an_unknown_format_version_does_not_verify():
    entries, head = chain(3)
    entries[1] = entries[1]._replace(format_version=9)
    p = verify_entries(entries, head).problem
    assert (p.kind, p.seq) == (BreakKind.ALTERED, 2)


@pytest.mark.parametrize("batch", [1, 2, 3, 100])
def test_batches_give_the_same_report_as_one_pass(batch):
    entries, head = chain(10)
    entries[6] = forged(entries[6], person_id=999)  # names seq 7 from entry 8's link, across batch edges
    verifier = ChainVerifier(head)
    for i in range(0, len(entries), batch):
        if not verifier.feed(entries[i:i + batch]):
            break
    report = verifier.finish()
    assert report == verify_entries(entries, head)
    assert (report.problem.seq, report.problem.reason, report.checked) == (7, "rehashed", 6)


def test_the_report_is_machine_readable():
    entries, head = chain(4)
    del entries[1]
    data = json.loads(json.dumps(verify_entries(entries, head).to_dict()))
    assert data["ok"] is False
    assert data["problem"] == {"kind": "removed", "reason": "seq_gap", "seq": 3, "entry_id": 3, "missing_from": 2,
                               "missing_to": 2, "expected_seq": 2}
    assert data["head"]["last_seq"] == 4
    assert data["message"].startswith("Loggkedjan är bruten")


def test_a_stored_entry_from_its_format_version_on_is_the_canonical_tuple():
    entry = next(build_chain([event(0)]))
    assert StoredEntry._fields[5:] == CANONICAL_FIELDS_V1
    assert json.dumps(entry[3:], separators=(",", ":")) == canonical_v1(1, entry[5:])
    assert entry.occurred_at == "2026-11-22T09:00:00.000000+00:00"


# --- verification in ranges (what `nara audit verify` does in parallel for a long log) ---------------------


def _tampered(case: str) -> tuple[list[StoredEntry], ChainHead]:
    entries, head = chain(12)
    if case == "altered":
        entries[6] = entries[6]._replace(person_id=999)
    elif case == "rehashed":
        entries[5] = forged(entries[5], person_id=999)
    elif case == "removed":
        del entries[4]
    elif case == "removed_two":
        del entries[3:5]
    elif case == "tail":
        entries = entries[:9]
    elif case == "beyond_head":
        entries.append(next(build_chain([event(99)], head=head, first_id=99)))
    elif case == "inserted_middle":
        fake = entries[3]._replace(id=99, prev_hash=entries[2].entry_hash, entry_hash="a" * 64, person_id=555)
        entries = [*entries[:3], fake, *(e._replace(seq=e.seq + 1) for e in entries[3:])]
        head = ChainHead(13, head.last_hash)
    elif case == "last_forged":
        entries[-1] = forged(entries[-1], person_id=999)
    elif case == "first_altered":
        entries[0] = entries[0]._replace(username="x")
    return entries, head


def _in_ranges(entries: list[StoredEntry], head: ChainHead, size: int) -> object:
    reports = []
    for start_after, stop_after in split_ranges(head.last_seq, size):
        verifier = ChainVerifier(head, start_after=start_after, stop_after=stop_after)
        rows = [e for e in entries if e.seq >= start_after] if start_after else entries
        verifier.feed(rows)
        reports.append(verifier.finish())
    beyond = next(((e.seq, e.id) for e in entries if e.seq > head.last_seq), None)
    return merge_reports(reports, head, beyond)


@pytest.mark.parametrize("size", [1, 2, 3, 5, 100])
@pytest.mark.parametrize("case", ["intact", "altered", "rehashed", "removed", "removed_two", "tail", "beyond_head",
                                  "inserted_middle", "last_forged", "first_altered"])
def test_verifying_in_ranges_reports_what_one_pass_reports(case, size):
    entries, head = _tampered(case)
    assert _in_ranges(entries, head, size) == verify_entries(entries, head)


def test_ranges_cover_the_chain_once():
    assert split_ranges(10, 4) == [(0, 4), (4, 8), (8, 10)]
    assert split_ranges(3, 100) == [(0, 3)]
    assert split_ranges(0, 5) == []


def test_canonical_parts_put_together_with_any_sequence_number_give_the_canonical_text():
    """The one-statement PostgreSQL append builds the text as head || seq || tail inside the database."""
    from nara.audit.model import CANONICAL, FORMAT_VERSION, canonical_parts

    entry = event(emergency_reason="Medvetslös, \"akut\" – ingen anhörig nåbar")
    head, tail = canonical_parts(entry)
    for seq in (1, 9, 10, 12345, 10**12):
        assert head + str(seq) + tail == CANONICAL[FORMAT_VERSION](seq, entry.values())
    assert (head + "1" + tail).isascii()
