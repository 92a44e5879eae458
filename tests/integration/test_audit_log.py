"""The audit log in the database, on SQLite and PostgreSQL (DOMAIN §5, HSLF-FS 2016:40 4 kap.): entries are
written in the caller's transaction, the chain verifies, triggers refuse UPDATE and DELETE, and tampering by
someone with full rights (trigger dropped first) is caught and the entry named. Appends are safe in parallel."""

import threading
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from nara.audit import service
from nara.audit.model import (
    AuditAction,
    AuditEvent,
    AuditLogUnavailable,
    BreakKind,
    ChainHead,
    Outcome,
    build_chain,
)
from nara.audit.store import AuditEntryRow, AuditHeadRow
from nara.directory.store import PersonRow

T0 = datetime(2026, 11, 22, 9, 0, 0, 123456, tzinfo=UTC)  # microseconds must survive both databases


def event(n: int = 0, **changes) -> AuditEvent:
    fields = dict(
        occurred_at=T0 + timedelta(seconds=n, microseconds=n), account_id=7, username="anna.lind",
        staff_hsa_id="SE2321000131-P000000000007", unit_id=3, unit_hsa_id="SE2321000131-E000000000003",
        care_provider_id=1, person_id=100 + n % 5, action=AuditAction.READ, outcome=Outcome.ALLOWED,
        resource_type="plan", resource_id=str(n), information_category="vårdplan", purpose="vård",
        request_id=f"req-{n}",
    )
    fields.update(changes)
    return AuditEvent(**fields)


def as_row(entry) -> dict:
    """A StoredEntry as the table's values (its time as a datetime again)."""
    return {**entry._asdict(), "occurred_at": datetime.fromisoformat(entry.occurred_at)}


def record_many(db, n: int, start: int = 0) -> list[int]:
    seqs = []
    for i in range(start, start + n):
        with db.transaction() as s:
            seqs.append(service.record(s, event(i)))
    return seqs


AUDIT_TABLES = ("audit_entry", "audit_head")


def _triggers(conn) -> list:
    return list(conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                  "AND tbl_name IN ('audit_entry', 'audit_head')")).all())


@contextmanager
def as_dba(db):
    """Someone with full rights: the log's triggers (append-only entries, a head that only moves on) are
    switched off for the block and put back after. One connection throughout: an SQLite connection may hold a
    stale copy of the schema another one changed."""
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.connect() as conn:
        if postgres:
            for table in AUDIT_TABLES:
                conn.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        else:
            saved = _triggers(conn)
            for name, _sql in saved:
                conn.execute(text(f'DROP TRIGGER "{name}"'))
        conn.commit()
        try:
            yield conn
            conn.commit()
        finally:
            conn.rollback()
            if postgres:
                for table in AUDIT_TABLES:
                    conn.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))
            else:
                for _name, ddl in saved:
                    conn.execute(text(ddl))
            conn.commit()


@pytest.fixture
def db(database):
    """The ``database`` fixture, left with an empty log: its triggers would stop the next test's clean-up on
    SQLite (which deletes rows; PostgreSQL truncates, which row triggers do not see)."""
    yield database
    with as_dba(database) as conn:
        conn.execute(AuditEntryRow.__table__.delete())
        conn.execute(AuditHeadRow.__table__.delete())


def head_of(db):
    with db.transaction() as s:
        row = s.get(AuditHeadRow, 1)
        return None if row is None else (row.last_seq, row.last_hash)


def test_recorded_entries_form_a_chain_that_verifies(db):
    assert record_many(db, 5) == [1, 2, 3, 4, 5]
    report = service.verify_chain(db)
    assert report.ok, report.message()
    assert report.checked == 5
    assert report.message() == "Loggkedjan är obruten: 5 poster kontrollerade"


def test_an_entry_holds_what_the_log_must_show(db):
    e = event(3, action=AuditAction.EMERGENCY_ACCESS, emergency_reason="Medvetslös, inga anhöriga nåbara",
              outcome=Outcome.ALLOWED)
    denied = event(4, outcome=Outcome.DENIED, denial_reason="yttre_sparr", person_id=103)
    with db.transaction() as s:
        service.record(s, e)
        service.record(s, denied)
    with db.transaction() as s:
        rows = s.scalars(select(AuditEntryRow).where(AuditEntryRow.person_id == 103)
                         .order_by(AuditEntryRow.occurred_at)).all()
    assert [r.seq for r in rows] == [1, 2]
    first = rows[0]
    assert first.occurred_at == e.occurred_at  # to the microsecond, in UTC
    assert (first.username, first.staff_hsa_id, first.unit_hsa_id, first.care_provider_id) == (
        "anna.lind", "SE2321000131-P000000000007", "SE2321000131-E000000000003", 1)
    assert (first.action, first.emergency_reason, first.information_category) == (
        "emergency_access", "Medvetslös, inga anhöriga nåbara", "vårdplan")
    assert (rows[1].outcome, rows[1].denial_reason) == ("denied", "yttre_sparr")
    assert service.verify_chain(db).ok


def test_any_text_survives_the_round_trip_and_verifies(db):
    """The verifier reads what each database gives back; awkward text must hash the same as when written."""
    awkward = ['citat "så" \\ snedstreck', "rad\nbrytning\tflik\r", "kontroll\x01\x1f\x7f", "emoji 🩺 och ä",
               "e\u0301 (kombinerad)", "radavgränsare\u2028\u2029", "'; DROP TABLE audit_entry; --", "", " "]
    with db.transaction() as s:
        for i, value in enumerate(awkward):
            service.record(s, event(i, purpose=value[:100], emergency_reason=value or None, resource_id=value[:64],
                                    action=AuditAction.READ))
    report = service.verify_chain(db)
    assert report.ok, report.message()
    with db.transaction() as s:
        assert s.scalars(select(AuditEntryRow.purpose).order_by(AuditEntryRow.seq)).all() == awkward


def test_the_entry_is_rolled_back_with_the_change_it_records(db):
    record_many(db, 2)
    before = head_of(db)
    with pytest.raises(RuntimeError), db.transaction() as s:
        s.add(PersonRow(identifier="191212121212", identifier_kind="personnummer", given_name="Tolvan",
                        family_name="Tolvansson", protected_identity=False, synthetic=True))
        s.flush()
        service.record(s, event(9, action=AuditAction.CREATE))
        raise RuntimeError("the change failed after it was logged")
    with db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(PersonRow)) == 0
        assert s.scalar(select(func.count()).select_from(AuditEntryRow)) == 2
    assert head_of(db) == before
    assert record_many(db, 1, start=10) == [3]
    assert service.verify_chain(db).ok


def test_the_triggers_refuse_update_and_delete(db):
    record_many(db, 2)
    for statement in ("UPDATE audit_entry SET person_id = 1 WHERE seq = 1", "DELETE FROM audit_entry WHERE seq = 2",
                      "DELETE FROM audit_entry"):
        with pytest.raises(DBAPIError, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
    assert service.verify_chain(db).checked == 2


def test_an_update_by_someone_with_full_rights_is_named(db):
    record_many(db, 6)
    with as_dba(db) as conn:
        entry_id = conn.execute(text("SELECT id FROM audit_entry WHERE seq = 4")).scalar_one()
        conn.execute(text("UPDATE audit_entry SET person_id = 999 WHERE seq = 4"))
    report = service.verify_chain(db)
    p = report.problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.ALTERED, "hash_mismatch", 4, entry_id)
    assert report.checked == 3
    assert f"post 4 (id {entry_id})" in report.message()


def test_a_delete_by_someone_with_full_rights_is_named(db):
    record_many(db, 6)
    with as_dba(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
        next_id = conn.execute(text("SELECT id FROM audit_entry WHERE seq = 4")).scalar_one()
    p = service.verify_chain(db).problem
    assert (p.kind, p.reason, p.missing_from, p.missing_to) == (BreakKind.REMOVED, "seq_gap", 3, 3)
    assert (p.seq, p.entry_id) == (4, next_id)


def test_deleting_the_newest_entries_is_seen_through_the_head(db):
    record_many(db, 6)
    with as_dba(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq >= 5"))
    report = service.verify_chain(db)
    p = report.problem
    assert (p.kind, p.reason, p.missing_from, p.missing_to, p.seq) == (BreakKind.REMOVED, "tail_removed", 5, 6, 4)
    assert "posterna 5–6 saknas" in report.message()


def test_an_insert_by_someone_with_full_rights_is_named(db):
    record_many(db, 4)
    last_seq, last_hash = head_of(db)
    # A careful forger: right sequence number, right link, right hash — but the head was not moved.
    fake = next(build_chain([event(99, person_id=555)], head=ChainHead(last_seq, last_hash), first_id=1000))
    with as_dba(db) as conn:
        conn.execute(AuditEntryRow.__table__.insert().values(**as_row(fake)))
    p = service.verify_chain(db).problem
    assert (p.kind, p.reason, p.seq, p.entry_id) == (BreakKind.INSERTED, "beyond_head", 5, 1000)


def test_an_insert_in_the_middle_is_named(db):
    record_many(db, 4)
    with as_dba(db) as conn:
        # Make room at seq 3 the way a DBA would: move the later entries up by one (highest first).
        conn.execute(text("UPDATE audit_entry SET seq = seq + 10 WHERE seq >= 3"))
        conn.execute(text("UPDATE audit_entry SET seq = seq - 9 WHERE seq >= 13"))
        conn.execute(text(
            "INSERT INTO audit_entry (id, seq, prev_hash, entry_hash, format_version, occurred_at, account_id, "
            "username, action, outcome) SELECT 2000, 3, entry_hash, entry_hash, 1, occurred_at, 1, 'x', 'read', "
            "'allowed' FROM audit_entry WHERE seq = 2"))
    p = service.verify_chain(db).problem
    assert (p.kind, p.seq, p.entry_id) == (BreakKind.INSERTED, 3, 2000)  # the entry after it links past it


def test_verify_streams_in_batches_and_reports_progress(db):
    record_many(db, 7)
    calls = []
    report = service.verify_chain(db, on_progress=lambda done, total: calls.append((done, total)), batch_size=3)
    assert report.ok and report.checked == 7
    assert calls[0] == (0, 7) and calls[-1] == (7, 7)
    assert len(calls) >= 4


@pytest.mark.slow
@pytest.mark.parametrize("tamper", ["none", "update", "delete", "delete_tail", "insert"])
def test_verifying_in_parallel_ranges_gives_the_one_pass_answer(db, tamper):
    record_many(db, 11)
    with as_dba(db) as conn:
        if tamper == "update":
            conn.execute(text("UPDATE audit_entry SET purpose = 'nyfikenhet' WHERE seq = 5"))
        elif tamper == "delete":
            conn.execute(text("DELETE FROM audit_entry WHERE seq IN (6, 7)"))
        elif tamper == "delete_tail":
            conn.execute(text("DELETE FROM audit_entry WHERE seq = 11"))
        elif tamper == "insert":
            last_seq, last_hash = conn.execute(text("SELECT last_seq, last_hash FROM audit_head")).one()
            fake = next(build_chain([event(99)], head=ChainHead(last_seq, last_hash), first_id=1000))
            conn.execute(AuditEntryRow.__table__.insert().values(**as_row(fake)))
    one_pass = service.verify_chain(db, workers=1)
    calls = []
    parallel = service.verify_chain(db, lambda done, total: calls.append((done, total)), workers=2, range_size=2)
    assert parallel == one_pass
    assert parallel.ok == (tamper == "none")
    assert calls[0] == (0, 11) and (calls[-1] == (11, 11) or not parallel.ok)


def test_an_emptied_log_starts_again_from_genesis(db):
    with as_dba(db) as conn:  # as the test clean-up and a fresh install leave it: no head row
        conn.execute(AuditHeadRow.__table__.delete())
    assert head_of(db) is None
    assert service.verify_chain(db).ok
    assert record_many(db, 2) == [1, 2]
    assert service.verify_chain(db).ok


def test_a_log_without_its_head_refuses_new_entries(db):
    record_many(db, 2)
    with as_dba(db) as conn:
        conn.execute(AuditHeadRow.__table__.delete())
    with pytest.raises(AuditLogUnavailable), db.transaction() as s:
        service.record(s, event(5))
    p = service.verify_chain(db).problem
    assert (p.kind, p.seq) == (BreakKind.HEAD_MISSING, 1)


def _append_in_threads(db, threads: int, each: int) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work(worker: int) -> None:
        try:
            barrier.wait()
            for i in range(each):
                with db.transaction() as s:
                    # Read something first, as a real unit of work does before it logs.
                    s.scalar(select(func.count()).select_from(PersonRow))
                    service.record(s, event(worker * 1000 + i, request_id=f"w{worker}-{i}"))
        except BaseException as exc:  # reported by the test
            errors.append(exc)

    pool = [threading.Thread(target=work, args=(w,)) for w in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors


@pytest.mark.slow
def test_parallel_appends_keep_one_unbroken_chain(db):
    """8 threads × 50 appends, each in its own transaction: seq is 1..400 without a gap and the chain holds.
    They start on an emptied log without its head row, as the test clean-up leaves it, so the first appends
    also race to start the chain."""
    assert head_of(db) is None
    errors = _append_in_threads(db, threads=8, each=50)
    assert errors == []
    with db.transaction() as s:
        seqs = s.scalars(select(AuditEntryRow.seq).order_by(AuditEntryRow.seq)).all()
        requests = set(s.scalars(select(AuditEntryRow.request_id)))
    assert seqs == list(range(1, 401))
    assert len(requests) == 400
    report = service.verify_chain(db)
    assert report.ok, report.message()
    assert head_of(db)[0] == 400


@pytest.mark.slow
def test_verify_sees_one_snapshot_while_appends_go_on(db):
    record_many(db, 50)
    stop = threading.Event()
    errors: list[BaseException] = []

    def keep_appending() -> None:
        n = 1000
        try:
            while not stop.is_set():
                with db.transaction() as s:
                    service.record(s, event(n))
                n += 1
        except BaseException as exc:
            errors.append(exc)

    writer = threading.Thread(target=keep_appending)
    writer.start()
    try:
        reports = [service.verify_chain(db, batch_size=7) for _ in range(5)]
    finally:
        stop.set()
        writer.join()
    assert errors == []
    assert all(r.ok for r in reports), [r.message() for r in reports if not r.ok]
    assert service.verify_chain(db).ok


# --- nara audit verify ------------------------------------------------------------------------------------


@pytest.fixture
def run_cli(db, monkeypatch, tmp_data_dir):
    from typer.testing import CliRunner

    from nara.cli import app
    from nara.core.settings import get_settings

    monkeypatch.setenv("NARA_DATABASE_URL", db.url)
    monkeypatch.setenv("NARA_DATA_DIR", str(tmp_data_dir))
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, ["audit", "verify", *args])
    get_settings.cache_clear()


def test_the_command_says_the_chain_is_unbroken(db, run_cli):
    record_many(db, 3)
    result = run_cli()
    assert result.exit_code == 0, result.output
    assert "Loggkedjan är obruten: 3 poster kontrollerade" in result.output


def test_the_command_names_the_first_broken_entry_and_fails(db, run_cli):
    record_many(db, 3)
    with as_dba(db) as conn:
        entry_id = conn.execute(text("SELECT id FROM audit_entry WHERE seq = 2")).scalar_one()
        conn.execute(text("UPDATE audit_entry SET username = 'ingen' WHERE seq = 2"))
    result = run_cli()
    assert result.exit_code == 1
    assert f"post 2 (id {entry_id})" in result.output and "ändrats" in result.output


def test_the_command_reports_json_for_programs(db, run_cli):
    import json

    record_many(db, 3)
    with as_dba(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 3"))
    result = run_cli("--json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["ok"], data["problem"]["kind"], data["problem"]["missing_from"]) == (False, "removed", 3)
    assert data["attack"] == "tail_cut"  # the head still names entry 3: no checkpoint is needed to see that
