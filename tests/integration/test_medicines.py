"""Medicines end to end through the application, on SQLite and PostgreSQL: the läkemedelsberättelse at discharge
(the ward's doctor records added / changed / stopped, each with its reason; every receiving unit is notified, with
no person data or medicine in the text; the changes show on the medicines page), the change rules refused with a
Swedish message, the staff page and its forms (a rejected form keeps what was typed), the resident's Mina
läkemedel, and the demo lists."""

from __future__ import annotations

import html
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.auth.demo import DEMO_PASSWORD
from nara.directory.store import PersonRow
from nara.medicines.demo import create_demo_medicines
from nara.medicines.store import MedicationReviewRow, MedicationRow
from nara.plans.store import NotificationRow

from .medicines_world import last_seq, medicine_entries, medicines_world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def w(database, clock, tmp_data_dir):
    world = medicines_world(database, clock, tmp_data_dir)
    yield world
    world.client.close()
    world.broker.close()


def _page_client(w, username: str) -> TestClient:
    client = TestClient(w.client.app, follow_redirects=False)
    page = client.get("/logga-in")
    assert client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                          "csrf_token": CSRF.search(page.text).group(1)}).status_code == 303
    return client


def _text(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def test_the_wards_discharge_changes_reach_every_receiving_unit_without_person_data(w):
    doctor = w.headers("avdelningslakare")
    stopped = w.client.post(f"/api/medicines/discharge/{w.process_id}", headers=doctor,
                            json={"kind": "utsatt", "medication_id": w.enalapril, "reason": "Yrsel och lågt blodtryck"})
    assert stopped.status_code == 201, stopped.text
    assert stopped.json()["ended_on"] == "2026-11-22" and stopped.json()["end_reason"] == "Yrsel och lågt blodtryck"
    added = w.client.post(f"/api/medicines/discharge/{w.process_id}", headers=doctor,
                          json={"kind": "insatt", "substance": "Amlodipin", "atc_code": "C08CA01",
                                "strength": "5 mg", "dose": "1 tablett morgon", "reason": "Ersätter enalapril"})
    assert added.status_code == 201, added.text
    with w.db.transaction() as s:
        notes = s.scalars(select(NotificationRow).where(NotificationRow.kind == "medication_change")).all()
        received = {(n.recipient_unit_id, n.process_id) for n in notes}
        texts = {n.text for n in notes}
    assert {w.vc, w.hsv, w.htj, w.bist} <= {unit for unit, _ in received}
    assert {process for _, process in received} == {w.process_id}
    assert len(notes) == 2 * len({unit for unit, _ in received})
    assert all("Tolvan" not in text and "Amlodipin" not in text and "Enalapril" not in text for text in texts)
    listed = w.client.get(f"/api/medicines/persons/{w.tolvan}", headers=w.headers("lakare")).json()
    assert [m["substance"] for m in listed["current"]] == ["Amlodipin"]
    assert [m["substance"] for m in listed["ended"]] == ["Enalapril"]
    at_discharge = [(c["kind"], c["reason"]) for c in listed["changes"] if c["process_id"] == w.process_id]
    assert sorted(at_discharge) == [("insatt", "Ersätter enalapril"), ("utsatt", "Yrsel och lågt blodtryck")]


def test_a_change_without_a_reason_or_with_a_bad_atc_code_is_refused_in_swedish(w):
    doctor = w.headers("avdelningslakare")
    before = last_seq(w.db)
    no_reason = w.client.post(f"/api/medicines/discharge/{w.process_id}", headers=doctor,
                              json={"kind": "andrat", "medication_id": w.enalapril, "dose": "1 tablett kväll",
                                    "reason": "  "})
    assert no_reason.status_code == 422
    assert "skäl" in no_reason.json()["detail"]
    bad_atc = w.client.post(f"/api/medicines/discharge/{w.process_id}", headers=doctor,
                            json={"kind": "insatt", "substance": "Amlodipin", "atc_code": "C08CA", "strength": "5 mg",
                                  "dose": "1 tablett", "reason": "Blodtryck"})
    assert bad_atc.status_code == 422 and "C09AA05" in bad_atc.json()["detail"]
    nothing = w.client.post(f"/api/medicines/{w.enalapril}/change", headers=w.headers("lakare"),
                            json={"strength": "5 mg", "dose": "1 tablett morgon", "reason": "Kontroll"})
    assert nothing.status_code == 422 and "Ändra styrkan eller doseringen" in nothing.json()["detail"]
    assert [e[2] for e in medicine_entries(w.db, before)] == []  # nothing written, nothing logged as written
    with w.db.transaction() as s:
        assert s.scalar(select(MedicationRow.dose).where(MedicationRow.id == w.enalapril)) == "1 tablett morgon"


def test_a_stopped_medicine_cannot_be_stopped_again(w):
    gp = w.headers("lakare")
    assert w.client.post(f"/api/medicines/{w.enalapril}/stop", headers=gp, json={"reason": "Hosta"}).status_code == 200
    again = w.client.post(f"/api/medicines/{w.enalapril}/stop", headers=gp, json={"reason": "Hosta"})
    assert again.status_code == 422 and "redan utsatt" in again.json()["detail"]


def test_the_staff_page_lists_the_medicines_and_a_rejected_form_keeps_what_was_typed(w):
    client = _page_client(w, "lakare")
    page = client.get(f"/personer/{w.tolvan}/lakemedel")
    assert page.status_code == 200
    text = _text(page)
    assert "Enalapril" in text and "C09AA02" in text and "Syntetiska uppgifter" in text
    csrf = CSRF.search(page.text).group(1)
    rejected = client.post(f"/personer/{w.tolvan}/lakemedel", data={
        "csrf_token": csrf, "substance": "Omeprazol", "atc_code": "A02B", "strength": "20 mg",
        "dose": "1 kapsel morgon", "reason": "Halsbränna"})
    assert rejected.status_code == 422
    assert "ATC-koden ska ha sju tecken" in _text(rejected)
    assert 'value="Omeprazol"' in rejected.text and "Halsbränna" in rejected.text
    saved = client.post(f"/personer/{w.tolvan}/lakemedel", data={
        "csrf_token": csrf, "substance": "Omeprazol", "atc_code": "A02BC01", "strength": "20 mg",
        "dose": "1 kapsel morgon", "reason": "Halsbränna"})
    assert saved.status_code == 303
    after = client.get(saved.headers["location"])
    assert "Läkemedlet är insatt." in _text(after) and "A02BC01" in after.text
    review = client.post(f"/personer/{w.tolvan}/lakemedel/genomgang", data={
        "csrf_token": csrf, "reviewed_on": "2026-11-20", "findings": "Alla läkemedel gicks igenom."})
    assert review.status_code == 303
    assert "Alla läkemedel gicks igenom." in client.get(f"/personer/{w.tolvan}/lakemedel").text
    person = client.get(f"/personer/{w.tolvan}")
    assert f'href="/personer/{w.tolvan}/lakemedel"' in person.text
    client.close()


def test_the_change_form_says_what_to_fix_under_its_own_fields(w):
    client = _page_client(w, "lakare")
    csrf = CSRF.search(client.get(f"/personer/{w.tolvan}/lakemedel").text).group(1)
    rejected = client.post(f"/personer/{w.tolvan}/lakemedel/andra", data={
        "csrf_token": csrf, "medication_id": str(w.enalapril), "kind": "andrat", "new_dose": "1 tablett kväll",
        "change_reason": ""})
    assert rejected.status_code == 422
    assert 'id="f-change_reason-error"' in rejected.text and "1 tablett kväll" in rejected.text
    client.close()


def test_the_ward_records_on_the_discharge_page_and_the_receiver_reads_it_there_with_consent(w):
    doctor = _page_client(w, "avdelningslakare")
    page = doctor.get(f"/utskrivning/{w.process_id}/lakemedel")
    assert page.status_code == 200 and "Läkemedelsberättelse" in page.text
    saved = doctor.post(f"/utskrivning/{w.process_id}/lakemedel/andring", data={
        "csrf_token": CSRF.search(page.text).group(1), "kind": "andrat", "medication_id": str(w.enalapril),
        "dose": "1 tablett kväll", "reason": "Yrsel på morgonen"})
    assert saved.status_code == 303, saved.text
    doctor.close()
    from nara.access import service as access

    with w.db.transaction() as s:
        access.give_consent(s, w.actor("tolvan"), w.clock, person_id=w.tolvan, care_provider_id=w.providers[w.hsv])
    nurse = _page_client(w, "hemsjukvard")
    process_page = nurse.get(f"/utskrivning/{w.process_id}")
    assert f'href="/utskrivning/{w.process_id}/lakemedel"' in process_page.text
    shown = nurse.get(f"/utskrivning/{w.process_id}/lakemedel")
    assert shown.status_code == 200
    text = _text(shown)
    assert "Yrsel på morgonen" in text and "vid utskrivning" in text
    assert "<form method=\"post\" action=\"/utskrivning" not in shown.text  # only the ward writes it
    nurse.close()


def test_the_resident_reads_mina_lakemedel(w):
    client = _page_client(w, "tolvan")
    page = client.get("/min-sida/lakemedel")
    assert page.status_code == 200
    text = _text(page)
    assert "Mina läkemedel" in text and "Enalapril" in text and "1 tablett morgon" in text
    assert "/lakemedel/" not in page.text and "Sätt in" not in text  # read only: no form to change anything
    client.close()


def test_the_demo_lists_are_synthetic_and_made_once(db, demo, clock):
    added = create_demo_medicines(db, clock)
    assert added >= 3  # Tolvan's three; the demo plan's person's three when the synthetic population is loaded
    assert create_demo_medicines(db, clock) == 0
    with db.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        rows = s.scalars(select(MedicationRow)).all()
        reviews = s.scalars(select(MedicationReviewRow.person_id)).all()
    assert len(rows) == added and all(row.synthetic for row in rows)
    assert {row.person_id for row in rows} == set(reviews) and tolvan in reviews


def test_an_empty_current_list_says_so_to_staff_and_to_the_resident(w):
    assert w.client.post(f"/api/medicines/{w.enalapril}/stop", headers=w.headers("lakare"),
                         json={"reason": "Behövs inte längre"}).status_code == 200
    staff = _page_client(w, "lakare")
    assert "Inga läkemedel är registrerade." in _text(staff.get(f"/personer/{w.tolvan}/lakemedel"))
    staff.close()
    resident = _page_client(w, "tolvan")
    text = _text(resident.get("/min-sida/lakemedel"))
    assert "Det finns inga läkemedel registrerade för dig." in text and "Behövs inte längre" in text
    resident.close()
