"""The follow-up feed (nara.discharge.service.followup): the platform's processes, registered through the service,
written in the synthetic dataset's columns and read by the indicator engine for S2–S4 (DOMAIN §7) — the same numbers
from ``discharge_processes.parquet`` and from the admissions rows. SYNTETISKA DATA.

November 2026, Kumla residents at USÖ (hand computation):

Days as utskrivningsklar are counted as the payment days are (nara.discharge.model.payment.days_as_ready, the law's
counting of orebro-visam.toml): the notice's day is day 0 and does not count, a day counts when the patient is still
in hospital at 24:00, so the day of discharge does not.

    A  Tolvan  fast vårdkontakt Tue 3, utskrivningsklar Wed 4 10:00, kallelse Thu 5 (SIP Tue 10), discharged Fri 6
               → 1 day as utskrivningsklar (Thu 5); SIP 4 days after discharge; fast vårdkontakt before discharge
    B          utskrivningsklar and discharged Tue 10 → 0 days; no SIP; no fast vårdkontakt
    C          utskrivningsklar Fri 13 09:00, discharged Wed 18, fast vårdkontakt only Fri 20 (after discharge)
               → 4 days (Sat 14 - Tue 17); no SIP; no fast vårdkontakt at discharge
    D          died Sun 15 → an admissions row (died), no discharge with a process
    E          cancelled → not exported

Every process had receivers of both principals, so a SIP need is stated for all three discharges.
S2 = (1 + 4) / 2 episodes with at least one day = 2.5 days; S3 = 1 / 3 discharges = 33.3 %; S4 = 1 / 3 = 33.3 %.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nara.core.clock import STOCKHOLM
from nara.directory.model import personal_number
from nara.directory.service import add_listing, add_person
from nara.discharge import service
from nara.discharge.model import InterruptionReason
from nara.discharge.service import write_followup
from nara.synth.service import SCHEMAS

from .discharge_fixtures import build_world


def at(day, hour=0, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def month(database, clock, tmp_data_dir):
    world = build_world(database, clock, tmp_data_dir)
    ward, vc = world.actor("avdelning"), world.actor("distriktsskoterska")
    with database.transaction() as s:
        persons = {"A": world.tolvan}
        for i, name in enumerate("BCDE"):
            persons[name] = add_person(s, identifier=personal_number(date(1941, 5, 1 + i), 200 + i),
                                       given_name="Syntet", family_name=f"Person {name}", today=date(2026, 11, 1),
                                       kommun_code="1881", synthetic=True).id
            add_listing(s, person_id=persons[name], unit_id=world.vc, fast_lakare_id=None,
                        valid_from=date(2024, 1, 1))  # so the vårdcentral is a receiver (via listing)

    def when(moment):
        world.clock.at = moment.astimezone(UTC)

    def run(name, admitted, steps):
        when(admitted)
        with database.transaction() as s:
            pid = service.open_process(s, ward, world.clock, person_id=persons[name],
                                       estimated_discharge=admitted.date() + timedelta(days=5)).id
        for moment, action in steps:
            when(moment)
            with database.transaction() as s:
                action(s, pid)
        return pid

    ids = {
        "A": run("A", at(2, 9), [
            (at(3, 9), lambda s, p: service.appoint_care_contact(s, vc, world.clock, p, staff_id=world.maja)),
            (at(4, 10), lambda s, p: service.mark_ready(s, ward, world.clock, p)),
            (at(5, 10), lambda s, p: service.send_sip_invitation(s, vc, world.clock, p, sip_at=at(10, 13))),
            (at(6, 11), lambda s, p: service.discharge(s, ward, world.clock, p))]),
        "B": run("B", at(9, 9), [
            (at(10, 9), lambda s, p: service.mark_ready(s, ward, world.clock, p)),
            (at(10, 15), lambda s, p: service.discharge(s, ward, world.clock, p))]),
        "C": run("C", at(12, 9), [
            (at(13, 9), lambda s, p: service.mark_ready(s, ward, world.clock, p)),
            (at(18, 12), lambda s, p: service.discharge(s, ward, world.clock, p)),
            (at(20, 9), lambda s, p: service.appoint_care_contact(s, vc, world.clock, p, staff_id=world.maja))]),
        "D": run("D", at(12, 10), [
            (at(13, 9), lambda s, p: service.mark_ready(s, ward, world.clock, p)),
            (at(15, 3), lambda s, p: service.interrupt(s, ward, world.clock, p, reason=InterruptionReason.DIED))]),
        "E": run("E", at(12, 11), [(at(12, 12), lambda s, p: service.cancel(s, ward, world.clock, p))]),
    }
    yield world, ids
    world.client.close()


def test_the_feed_has_the_synthetic_columns_and_the_engine_reads_s2_to_s4_from_it(month, tmp_path, monkeypatch):
    world, ids = month
    out = tmp_path / "feed"
    counts = write_followup(world.db, date(2026, 11, 1), date(2026, 11, 30), out)
    assert counts["admissions.parquet"] == 4 and counts["discharge_processes.parquet"] == 3
    assert counts["interventions.parquet"] == 1 and counts["persons.parquet"] == 4
    for stem in ("persons", "units", "contacts", "assessments", "admissions", "interventions"):
        table = pq.read_table(out / f"{stem}.parquet")
        assert table.schema.remove_metadata() == SCHEMAS[stem], stem
        assert table.schema.metadata[b"nara.synthetic"] == b"true" and table.schema.metadata[b"nara.source"] == \
            b"platform"
    admissions = {r["admission_id"]: r for r in pq.read_table(out / "admissions.parquet").to_pylist()}
    a = admissions[ids["A"]]
    assert (a["admit_date"], a["discharge_date"], a["ready_for_discharge_date"], a["fast_vardkontakt_named_date"],
            a["discharge_process"], a["died"]) == (date(2026, 11, 2), date(2026, 11, 6), date(2026, 11, 4),
                                                   date(2026, 11, 3), True, False)
    assert (admissions[ids["D"]]["died"], admissions[ids["D"]]["discharge_process"]) == (True, False)
    assert ids["E"] not in admissions
    [sip] = pq.read_table(out / "interventions.parquet").to_pylist()
    assert (sip["person_id"], sip["date"], sip["kind"], sip["unit_id"]) == (world.tolvan, date(2026, 11, 10), "sip",
                                                                             world.vc)
    persons = pq.read_table(out / "persons.parquet").to_pylist()
    assert {p["personnummer"] for p in persons} == {""} and {p["given_name"] for p in persons} == {""}
    processes = {r["process_id"]: r for r in pq.read_table(out / "discharge_processes.parquet").to_pylist()}
    assert {pid: r["days_ready"] for pid, r in processes.items()} == {ids["A"]: 1, ids["B"]: 0, ids["C"]: 4}
    assert {pid: r["sip_needed"] for pid, r in processes.items()} == {ids["A"]: True, ids["B"]: True, ids["C"]: True}
    assert processes[ids["A"]]["ready_notice_at"] == at(4, 10).astimezone(UTC)  # the notice's exact time

    from nara.indicators.service import compute, engine

    monkeypatch.setattr(engine, "suppression_threshold", lambda: 1)  # five persons: show every cell
    expected = {"S2": (5, 2, 2.5), "S3": (1, 3, 33.3333), "S4": (1, 3, 33.3333)}

    def values():
        rows = compute(out, date(2026, 11, 1), date(2026, 11, 30), by=["region"], period="month",
                       indicators=["S2", "S3", "S4"])
        return {r.indicator: (r.numerator, r.denominator, round(r.value, 4)) for r in rows
                if r.period == "2026-11"}

    assert values() == expected
    (out / "discharge_processes.parquet").unlink()  # from the admissions rows alone: the same
    assert values() == expected


def test_the_command_writes_the_feed(month, tmp_path, monkeypatch):
    world, _ids = month
    from nara.cli import app

    monkeypatch.setenv("NARA_DATABASE_URL", world.db.url)
    from nara.core.settings import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["discharge", "export-followup", "--from", "2026-11-01", "--to",
                                          "2026-11-30", "--out", str(tmp_path / "cli")])
        bad = CliRunner().invoke(app, ["discharge", "export-followup", "--from", "2026-11-30", "--to",
                                       "2026-11-01", "--out", str(tmp_path / "bad")])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli" / "manifest.json").is_file()
    assert pq.read_table(tmp_path / "cli" / "discharge_processes.parquet").num_rows == 3
    assert bad.exit_code == 1
