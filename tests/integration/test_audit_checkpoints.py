"""The audit log anchored outside the database (DOMAIN §5): signed checkpoints written by `nara audit checkpoint`,
and `nara audit verify` naming the four ways someone with full database rights can rewind a log whose chain
still holds together — all rows deleted, the tail cut, the head moved back, the chain re-hashed after an
edit — on SQLite and PostgreSQL, in full and from the newest checkpoint. Each attack is done as such a person
would: the triggers switched off first. Also: the checkpoint file's lines, the key, and the head's triggers."""

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from nara.audit import store
from nara.audit import store as checkpoint_store
from nara.audit.model import GENESIS_HASH, canonical_v1, entry_hash
from nara.audit.service import Checkpointer, CheckpointRefused, write_checkpoint_for
from nara.core.clock import FixedClock

from .test_audit_log import as_dba, head_of, record_many


@pytest.fixture
def db(database):
    yield database
    with as_dba(database) as conn:
        conn.execute(text("DELETE FROM audit_entry"))
        conn.execute(text("DELETE FROM audit_head"))


@pytest.fixture
def settings_env(db, monkeypatch, tmp_data_dir):
    """The `nara` command's settings: this database, a data directory of the test's own (where the demo's key
    and the checkpoint file go by default)."""
    from nara.core.settings import get_settings

    monkeypatch.setenv("NARA_DATABASE_URL", db.url)
    monkeypatch.setenv("NARA_DATA_DIR", str(tmp_data_dir))
    for name in ("NARA_AUDIT_SIGNING_KEY", "NARA_AUDIT_CHECKPOINT_DIR", "NARA_ENVIRONMENT"):
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    yield tmp_data_dir
    get_settings.cache_clear()


@pytest.fixture
def nara(settings_env):
    """Run `nara audit …` through the CLI entry point; gives (exit code, output with whitespace normalised)."""
    from typer.testing import CliRunner

    from nara.cli import app
    from nara.core.settings import get_settings

    def run(*args: str) -> tuple[int, str]:
        get_settings.cache_clear()
        result = CliRunner().invoke(app, ["audit", *args])
        return result.exit_code, " ".join(result.output.split())

    return run


def verify_json(nara, *args: str) -> tuple[int, dict]:
    code, output = nara("verify", "--json", *args)
    return code, json.loads(output)


def checkpoint_file(data_dir):
    return data_dir / "audit-checkpoints" / "audit-checkpoints.jsonl"


# --- the four attacks ------------------------------------------------------------------------------------


def rehash_after_editing(conn, seq: int) -> None:
    """Edit the entry at ``seq`` and recompute every hash from it on, head included: a chain that holds."""
    rows = [row for batch in store.stream_entries(conn) for row in batch]
    prev = GENESIS_HASH
    for row in rows:
        values = list(row[5:])
        if row[4] == seq:
            values[2] = "ingen"  # username: who read it is what someone would hide
        digest = entry_hash(prev, canonical_v1(row[4], values))
        if row[4] >= seq:
            conn.execute(text("UPDATE audit_entry SET username = :u, prev_hash = :p, entry_hash = :h WHERE seq = :s"),
                         {"u": values[2], "p": prev, "h": digest, "s": row[4]})
        prev = digest
    conn.execute(text("UPDATE audit_head SET last_hash = :h"), {"h": prev})


def attack(db, name: str) -> None:
    with as_dba(db) as conn:
        if name == "log_emptied":
            conn.execute(text("DELETE FROM audit_entry"))
            conn.execute(text("DELETE FROM audit_head"))
        elif name == "tail_cut":
            conn.execute(text("DELETE FROM audit_entry WHERE seq > 20"))
        elif name == "head_rewound":
            seq, digest = conn.execute(text("SELECT seq, entry_hash FROM audit_entry WHERE seq = 20")).one()
            conn.execute(text("UPDATE audit_head SET last_seq = :s, last_hash = :h"), {"s": seq, "h": digest})
            conn.execute(text("DELETE FROM audit_entry WHERE seq > 20"))
        elif name == "chain_rehashed":
            rehash_after_editing(conn, 5)


FOUR_ATTACKS = {
    # attack: (first, last) sequence numbers named, full verify; and the words the message uses
    "log_emptied": ((1, 30), "Loggen har tömts: posterna 1–30 saknas"),
    "tail_cut": ((21, 30), "Loggens slut har klippts bort: posterna 21–30 saknas"),
    "head_rewound": ((21, 30), "Kedjans huvud har flyttats tillbaka till post 20 och posterna 21–30 har tagits bort"),
    "chain_rehashed": ((4, 10), "Loggkedjan har räknats om i efterhand: post 10"),
}


@pytest.mark.parametrize("name", list(FOUR_ATTACKS))
def test_verify_names_each_attack_that_leaves_a_consistent_looking_log(db, nara, name):
    for upto in (3, 10, 20, 30):  # checkpoints at seq 3, 10, 20 and 30
        record_many(db, upto - (head_of(db) or (0,))[0], start=upto * 100)
        assert nara("checkpoint")[0] == 0
    code, output = nara("verify")
    assert code == 0, output
    assert "stämmer med 4 signerade kontrollpunkter" in output

    attack(db, name)

    (first, last), words = FOUR_ATTACKS[name]
    code, output = nara("verify")
    assert code == 1 and words in output, output
    code, report = verify_json(nara)
    assert code == 1
    assert (report["ok"], report["attack"], report["mode"]) == (False, name, "full")
    assert (report["finding"]["first"], report["finding"]["last"]) == (first, last)
    # The quick check from the newest checkpoint (seq 30) names the same attack.
    code, quick = verify_json(nara, "--from-checkpoint")
    assert code == 1
    assert (quick["attack"], quick["mode"], quick["checkpoint"]["seq"]) == (name, "from_checkpoint", 30)
    code, output = nara("verify", "--from-checkpoint")
    assert code == 1 and "Fel:" in output


def test_a_head_moved_back_over_entries_that_remain_is_named(db, nara):
    record_many(db, 12)
    nara("checkpoint")
    with as_dba(db) as conn:
        digest = conn.execute(text("SELECT entry_hash FROM audit_entry WHERE seq = 9")).scalar_one()
        conn.execute(text("UPDATE audit_head SET last_seq = 9, last_hash = :h"), {"h": digest})
    for args in ((), ("--from-checkpoint",)):
        code, report = verify_json(nara, *args)
        assert (code, report["attack"]) == (1, "head_rewound")
        assert "posterna 10–12 ligger kvar efter huvudet" in report["message"]


def test_the_untouched_log_passes_in_full_and_from_the_checkpoint(db, nara):
    record_many(db, 8)
    assert nara("checkpoint")[0] == 0
    record_many(db, 5, start=100)  # logged after the checkpoint: verified from it, not yet signed
    code, report = verify_json(nara)
    assert (code, report["ok"], report["attack"], report["checked"], report["checkpoints"]) == (0, True, None, 13, 1)
    code, quick = verify_json(nara, "--from-checkpoint")
    assert (code, quick["ok"], quick["checkpoint"]["seq"]) == (0, True, 8)
    assert quick["checked"] == 5  # the entries after the checkpoint's own
    code, output = nara("verify", "--from-checkpoint")
    assert code == 0 and "obruten från den signerade kontrollpunkten nummer 1" in output


def test_a_checkpoint_is_written_only_when_the_log_grew(db, nara, settings_env):
    assert nara("checkpoint") == (0, "Loggen är tom; det finns ingen post att skriva en kontrollpunkt för.")
    record_many(db, 3)
    code, output = nara("checkpoint", "--json")
    written = json.loads(output)
    assert (code, written["written"], written["checkpoint"]["number"], written["checkpoint"]["seq"]) == (0, True, 1, 3)
    code, output = nara("checkpoint")
    assert code == 0 and "Inga nya poster sedan kontrollpunkt nummer 1 (post 3)" in output
    lines = checkpoint_file(settings_env).read_text().splitlines()
    assert len(lines) == 1 and json.loads(lines[0])["entry_hash"] == head_of(db)[1]
    # The demo made its key in the data directory, readable only by its owner, the public key beside it.
    key = settings_env / "audit-signing-key.pem"
    assert key.stat().st_mode & 0o777 == 0o600 and (settings_env / "audit-signing-key.pem.pub").exists()


def test_a_log_that_does_not_verify_is_not_signed(db, nara, settings_env):
    record_many(db, 6)
    nara("checkpoint")
    record_many(db, 2, start=50)
    with as_dba(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 7"))
    code, output = nara("checkpoint")
    assert code == 1 and "Ingen kontrollpunkt skrevs" in output and "post 7 saknas" in output
    assert len(checkpoint_file(settings_env).read_text().splitlines()) == 1


def test_without_checkpoints_verify_checks_the_chain_and_says_its_end_is_not_vouched_for(db, nara):
    record_many(db, 3)
    code, output = nara("verify")
    assert code == 0 and "inga signerade kontrollpunkter finns ännu" in output
    code, report = verify_json(nara, "--from-checkpoint")
    assert (code, report["checkpoints"], report["checked"]) == (0, 0, 3)


# --- the checkpoint file and the key -----------------------------------------------------------------------


@pytest.fixture
def three_checkpoints(db, nara, settings_env):
    for n in range(3):
        record_many(db, 2, start=n * 10)
        assert nara("checkpoint")[0] == 0
    return checkpoint_file(settings_env)


def test_a_changed_checkpoint_line_is_detected(nara, three_checkpoints):
    lines = three_checkpoints.read_text().splitlines()
    lines[1] = lines[1].replace('"seq":4', '"seq":3')
    three_checkpoints.write_text("\n".join(lines) + "\n")
    code, report = verify_json(nara)
    assert (code, report["attack"], report["finding"]["line"]) == (1, "checkpoint_altered", 2)
    assert "rad 2 är inte den som signerades" in report["message"]


def test_a_changed_last_line_is_detected_by_its_signature(nara, three_checkpoints):
    lines = three_checkpoints.read_text().splitlines()
    lines[2] = lines[2].replace('"seq":6', '"seq":5')
    three_checkpoints.write_text("\n".join(lines) + "\n")
    for args in ((), ("--from-checkpoint",)):
        code, report = verify_json(nara, *args)
        assert (code, report["attack"]) == (1, "checkpoint_altered")


def test_a_removed_checkpoint_line_is_detected(nara, three_checkpoints):
    lines = three_checkpoints.read_text().splitlines()
    three_checkpoints.write_text("\n".join([lines[0], lines[2]]) + "\n")
    code, report = verify_json(nara)
    assert (code, report["attack"], report["finding"]["line"]) == (1, "checkpoint_removed", 2)
    assert "saknar kontrollpunkt nummer 2" in report["message"]


def test_checkpoints_checked_with_the_wrong_key_are_refused(nara, three_checkpoints, settings_env, monkeypatch):
    other = settings_env / "annan-nyckel.pem"
    code, output = nara("keygen", "--out", str(other))
    assert code == 0 and "Signeringsnyckel skapad" in output
    for args in (("--public-key", str(other)), ("--public-key", str(other) + ".pub"), ("--public-key", str(other),
                                                                                      "--from-checkpoint")):
        code, report = verify_json(nara, *args)
        assert (code, report["attack"]) == (1, "checkpoint_foreign_key")
        assert "signerad med en annan nyckel" in report["message"]
    monkeypatch.setenv("NARA_AUDIT_SIGNING_KEY", str(other))
    code, report = verify_json(nara)
    assert (code, report["attack"]) == (1, "checkpoint_foreign_key")


def test_keygen_never_overwrites_a_key(nara, settings_env):
    path = settings_env / "nyckel.pem"
    assert nara("keygen", "--out", str(path))[0] == 0
    before = path.read_bytes()
    code, output = nara("keygen", "--out", str(path))
    assert code == 1 and "finns redan" in output
    assert path.read_bytes() == before


def test_production_needs_a_key_made_by_keygen(db, nara, settings_env, monkeypatch, clock):
    from nara.app import create_app
    from nara.core.errors import NaraError
    from nara.core.settings import Settings

    record_many(db, 2)
    monkeypatch.setenv("NARA_ENVIRONMENT", "production")
    code, output = nara("checkpoint")
    assert code == 1 and "nara audit keygen" in output
    with pytest.raises(NaraError, match=r"audit\.key\.missing_production"):
        create_app(Settings(data_dir=settings_env, environment="production"), database=db, clock=clock)
    key = settings_env / "nyckel" / "audit.pem"
    assert nara("keygen", "--out", str(key))[0] == 0
    monkeypatch.setenv("NARA_AUDIT_SIGNING_KEY", str(key))
    code, output = nara("checkpoint")
    assert code == 0 and "Kontrollpunkt nummer 1 skriven: post 2" in output


def test_the_servers_background_writer_signs_the_grown_log(db, settings_env, clock):
    from nara.core.settings import Settings

    settings = Settings(data_dir=settings_env, audit_checkpoint_minutes=5)
    writer = Checkpointer(db, settings, clock)
    record_many(db, 4)
    written = writer.write_once()
    assert written is not None and written.checkpoint.seq == 4
    assert writer.write_once().checkpoint is None  # nothing new
    record_many(db, 1, start=10)
    clock.advance(minutes=5)
    assert writer.write_once().checkpoint.number == 2
    # A tampered log: the writer refuses and says so in the server log, and the server goes on.
    with as_dba(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE seq = 5"))
    assert writer.write_once() is None
    with pytest.raises(CheckpointRefused):
        write_checkpoint_for(db, settings, FixedClock(clock.now()))
    lines = checkpoint_store.read_lines(checkpoint_store.checkpoint_path(settings))
    assert [json.loads(line)["seq"] for line in lines] == [4, 5]


# --- the head's triggers (migration 0008) ------------------------------------------------------------------


@pytest.mark.parametrize("statement", [
    "DELETE FROM audit_head",
    "UPDATE audit_head SET last_seq = last_seq - 1",
    "UPDATE audit_head SET last_seq = 0, last_hash = '" + GENESIS_HASH + "'",
    "UPDATE audit_head SET last_seq = last_seq + 5",
    "UPDATE audit_head SET last_hash = '" + "a" * 64 + "'",
])
def test_the_head_cannot_be_removed_or_moved_back(db, statement):
    record_many(db, 3)
    before = head_of(db)
    with pytest.raises(DBAPIError, match="only moves on"), db.engine.begin() as conn:
        conn.execute(text(statement))
    assert head_of(db) == before
    assert record_many(db, 1, start=9) == [4]  # and appends still move it on
