"""Access scenarios of measurements (category mätvärden, DOMAIN §5), on SQLite and PostgreSQL: each allowed and
denied case with its audit entries. A value the person reports is in the record of the unit that set the target
(else his listing vårdcentral): its staff read it through their care relationship; a unit without one is refused,
and so is another resident; every decision is one entry."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from nara.directory.model import personal_number
from nara.directory.store import PersonRow
from nara.measurements.store import MeasurementRow, TargetRow

from .measurements_world import BP_TARGET, build


@pytest.fixture
def world(db, demo, clock):
    w = build(db, demo, clock)
    assert w.client.put(f"/api/persons/{w.tolvan}/measurement-targets/blood_pressure",
                        headers=w.headers["distriktsskoterska"], json=BP_TARGET).status_code == 200
    reported = w.client.post(f"/api/persons/{w.tolvan}/measurements", headers=w.headers["tolvan"],
                             json={"kind": "blood_pressure", "values": {"systolic": 165, "diastolic": 92}})
    assert reported.status_code == 201
    w.measurement_id = reported.json()["id"]  # type: ignore[attr-defined]
    yield w
    w.client.close()


def _one(entries):
    assert len(entries) == 1, [(e.action, e.outcome, e.information_category) for e in entries]
    return entries[0]


def test_the_nurse_at_the_unit_that_set_the_target_reads_them_allowed_and_logged(world):
    before = world.seq()
    read = world.client.get(f"/api/persons/{world.tolvan}/measurements?kind=blood_pressure",
                            headers=world.headers["distriktsskoterska"])
    assert read.status_code == 200
    assert read.json()[0]["values"][0]["values"]["systolic"]["value"] == 165
    entry = _one(world.entries_since(before))
    assert (entry.action, entry.outcome, entry.information_category, entry.person_id, entry.account_id,
            entry.purpose) == ("read", "allowed", "matvarden", world.tolvan, world.accounts["distriktsskoterska"],
                               "vard")


def test_the_person_reads_his_own_allowed_and_logged_as_egen_insyn(world):
    before = world.seq()
    assert world.client.get(f"/api/persons/{world.tolvan}/measurements",
                            headers=world.headers["tolvan"]).status_code == 200
    entry = _one(world.entries_since(before))
    assert (entry.action, entry.outcome, entry.information_category, entry.purpose, entry.account_id) == (
        "read", "allowed", "matvarden", "egen_insyn", world.accounts["tolvan"])


def test_hemsjukvard_without_a_care_relationship_is_refused_and_the_refusal_logged(world):
    before = world.seq()
    read = world.client.get(f"/api/persons/{world.tolvan}/measurements",
                            headers=world.headers["hemsjukvard"])
    assert read.status_code == 403
    assert read.json()["reason"] == "no_care_relationship"
    assert "165" not in read.text
    entry = _one(world.entries_since(before))
    assert (entry.action, entry.outcome, entry.information_category, entry.denial_reason, entry.account_id) == (
        "read", "denied", "matvarden", "no_care_relationship", world.accounts["hemsjukvard"])


def test_the_ward_without_a_relationship_may_not_open_the_chart_page_either(world):
    from .test_measurements import _log_in

    client = _log_in(world, "avdelning")
    before = world.seq()
    page = client.get(f"/personer/{world.tolvan}/matvarden/blodtryck")
    assert page.status_code == 403
    assert "165" not in page.text
    entry = _one(world.entries_since(before))
    assert (entry.outcome, entry.information_category, entry.account_id) == (
        "denied", "matvarden", world.accounts["avdelning"])


def test_a_unit_without_a_relationship_may_not_set_a_target_nothing_stored_refusal_logged(world):
    before = world.seq()
    put = world.client.put(f"/api/persons/{world.tolvan}/measurement-targets/pulse",
                           headers=world.headers["hemsjukvard"],
                           json={"bands": {"value": {"low": 50, "high": 90}}})
    assert put.status_code == 403
    entry = _one(world.entries_since(before))
    assert (entry.action, entry.outcome, entry.information_category) == ("write", "denied", "matvarden")
    with world.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(TargetRow).where(TargetRow.kind == "pulse")) == 0


def test_another_provider_may_not_mark_the_units_task_handled(world):
    before = world.seq()
    done = world.client.post(f"/api/measurements/{world.measurement_id}/handled",
                             headers=world.headers["hemsjukvard"])
    assert done.status_code == 403
    entry = _one(world.entries_since(before))
    assert (entry.action, entry.outcome, entry.denial_reason) == ("write", "denied", "no_care_relationship")
    with world.db.transaction() as s:
        assert s.get(MeasurementRow, world.measurement_id).handled_at is None


def test_the_nurse_marks_it_handled_allowed_and_logged(world):
    before = world.seq()
    done = world.client.post(f"/api/measurements/{world.measurement_id}/handled",
                             headers=world.headers["distriktsskoterska"])
    assert done.status_code == 200
    entry = _one(world.entries_since(before))
    assert (entry.action, entry.outcome, entry.information_category) == ("write", "allowed", "matvarden")


def test_a_resident_may_neither_read_nor_report_for_someone_else(world):
    with world.db.transaction() as s:
        other = PersonRow(identifier=personal_number(date(1950, 5, 5), 321), identifier_kind="personnummer",
                          given_name="Greta", family_name="Annanstans", synthetic=True, kommun_code="1880")
        s.add(other)
        s.flush()
        other_id = other.id
    before = world.seq()
    read = world.client.get(f"/api/persons/{other_id}/measurements", headers=world.headers["tolvan"])
    assert read.status_code == 403
    entry = _one(world.entries_since(before))
    assert (entry.outcome, entry.person_id, entry.denial_reason) == ("denied", other_id, "not_own_data")
    before = world.seq()
    wrote = world.client.post(f"/api/persons/{other_id}/measurements", headers=world.headers["tolvan"],
                              json={"kind": "pulse", "values": {"value": 70}})
    assert wrote.status_code == 403
    entry = _one(world.entries_since(before))
    assert (entry.outcome, entry.person_id, entry.denial_reason) == ("denied", other_id, "not_own_data")
    with world.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(MeasurementRow)
                        .where(MeasurementRow.person_id == other_id)) == 0


def test_idag_asks_once_per_person_with_a_search_entry(world):
    from .test_measurements import _log_in

    client = _log_in(world, "distriktsskoterska")
    before = world.seq()
    assert client.get("/arbetsyta").status_code == 200
    mine = [e for e in world.entries_since(before) if e.information_category == "matvarden"]
    entry = _one(mine)
    assert (entry.action, entry.outcome, entry.person_id) == ("search", "allowed", world.tolvan)
