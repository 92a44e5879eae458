"""Access scenarios for medicines (category läkemedel, DOMAIN §5), on SQLite and PostgreSQL: what the prescriber's
provider recorded is read there with a care relationship; another provider's staff are denied without the
person's consent and allowed with it; a unit without a relationship is denied; the resident reads her own; a role
that may only read cannot write. Every decision is logged — one entry per call, allowed or denied — and checked."""

from __future__ import annotations

import pytest

from nara.access import service as access

from .medicines_world import last_seq, medicine_entries, medicines_world


@pytest.fixture
def w(database, clock, tmp_data_dir):
    world = medicines_world(database, clock, tmp_data_dir)
    yield world
    world.client.close()
    world.broker.close()


def _read(w, username: str, path: str | None = None):
    return w.client.get(path or f"/api/medicines/persons/{w.tolvan}", headers=w.headers(username))


def test_staff_of_the_prescribers_provider_read_with_a_care_relationship(w):
    for username in ("lakare", "distriktsskoterska", "avdelning"):  # Region Örebro län: the GP's own provider
        before = last_seq(w.db)
        answer = _read(w, username)
        assert answer.status_code == 200, (username, answer.text)
        assert [m["substance"] for m in answer.json()["current"]] == ["Enalapril"]
        assert medicine_entries(w.db, before) == [(w.tolvan, "read", "allowed", None, "vard")], username


def test_another_provider_without_consent_is_denied_and_the_denial_is_logged(w):
    before = last_seq(w.db)
    answer = _read(w, "hemsjukvard")  # Kumla kommun: a party of the discharge, no consent
    assert answer.status_code == 403
    assert answer.json()["reason"] == "no_consent"
    assert "Enalapril" not in answer.text
    assert medicine_entries(w.db, before) == [(w.tolvan, "read", "denied", "no_consent", "vard")]


def test_another_provider_with_the_persons_consent_is_allowed_and_logged(w):
    resident = w.actor("tolvan")
    with w.db.transaction() as s:
        access.give_consent(s, resident, w.clock, person_id=w.tolvan, care_provider_id=w.providers[w.hsv])
    before = last_seq(w.db)
    answer = _read(w, "hemsjukvard")
    assert answer.status_code == 200, answer.text
    assert [m["substance"] for m in answer.json()["current"]] == ["Enalapril"]
    assert medicine_entries(w.db, before) == [(w.tolvan, "read", "allowed", None, "vard")]


def test_a_unit_with_no_care_relationship_is_denied_even_with_consent(w):
    resident = w.actor("tolvan")
    with w.db.transaction() as s:
        access.give_consent(s, resident, w.clock, person_id=w.tolvan, care_provider_id=w.providers[w.orebro_hsv])
    before = last_seq(w.db)
    answer = _read(w, "orebro_hsv")
    assert answer.status_code == 403
    [entry] = medicine_entries(w.db, before)
    assert entry[:3] == (w.tolvan, "read", "denied") and entry[3] is not None


def test_the_resident_reads_her_own_list_and_it_is_logged_as_her_own_insight(w):
    before = last_seq(w.db)
    answer = _read(w, "tolvan", "/api/medicines/mine")
    assert answer.status_code == 200, answer.text
    assert [m["atc_code"] for m in answer.json()["current"]] == ["C09AA02"]
    assert medicine_entries(w.db, before) == [(w.tolvan, "read", "allowed", None, "egen_insyn")]
    # ... and not someone else's
    other = w.client.get(f"/api/medicines/persons/{w.tolvan + 10_000}", headers=w.headers("tolvan"))
    assert other.status_code in (403, 404)


def test_a_role_that_only_reads_medicines_cannot_write_and_the_attempt_is_logged(w):
    before = last_seq(w.db)
    answer = w.client.post(f"/api/medicines/persons/{w.tolvan}", headers=w.headers("distriktsskoterska"),
                           json={"substance": "Omeprazol", "atc_code": "A02BC01", "strength": "20 mg",
                                 "dose": "1 kapsel morgon", "reason": "Halsbränna"})
    assert answer.status_code == 403
    [entry] = medicine_entries(w.db, before)
    assert entry[:3] == (w.tolvan, "create", "denied")
    assert "Omeprazol" not in _read(w, "lakare").text


def test_the_prescriber_writes_and_each_write_is_logged(w):
    before = last_seq(w.db)
    added = w.client.post(f"/api/medicines/persons/{w.tolvan}", headers=w.headers("lakare"),
                          json={"substance": "Omeprazol", "atc_code": "a02bc01", "strength": "20 mg",
                                "dose": "1 kapsel morgon", "reason": "Halsbränna"})
    assert added.status_code == 201, added.text
    assert added.json()["atc_code"] == "A02BC01"
    changed = w.client.post(f"/api/medicines/{w.enalapril}/change", headers=w.headers("lakare"),
                            json={"strength": "10 mg", "reason": "Blodtrycket fortfarande högt"})
    assert changed.status_code == 200, changed.text
    assert [e[:3] for e in medicine_entries(w.db, before)] == [(w.tolvan, "create", "allowed"),
                                                                (w.tolvan, "write", "allowed")]


def test_the_discharge_change_is_the_wards_and_a_receiver_cannot_write_it(w):
    before = last_seq(w.db)
    answer = w.client.post(f"/api/medicines/discharge/{w.process_id}", headers=w.headers("lakare"),
                           json={"kind": "utsatt", "medication_id": w.enalapril, "reason": "Lågt blodtryck"})
    assert answer.status_code == 403  # the vårdcentral receives the discharge; the ward writes the berättelse
    assert medicine_entries(w.db, before) == []
    listed = _read(w, "lakare").json()
    assert [m["substance"] for m in listed["current"]] == ["Enalapril"]
