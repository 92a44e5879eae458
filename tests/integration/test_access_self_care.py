"""Access scenarios for the egenvårdsbedömning (lag 2022:1250, DOMAIN §7b; category plan, DOMAIN §5), on SQLite
and PostgreSQL: the treating GP — a licensed professional — records it; someone without a legitimation is refused
before any person data is touched (no audit entry); the person reads her own; the municipality reads it only with
her consent; every read and write is logged."""

from __future__ import annotations

import re

import pytest

from nara.access import service as access

from .medicines_world import entries_since, last_seq, medicines_world

BODY = {"measure": "Insulininjektion", "what_is_done": "Tolvan tar insulin morgon och kväll med penna.",
        "performer": "personen", "responsible_if_not_working": "Distriktssköterskan på Vårdcentralen Kumla",
        "follow_up_on": "2027-03-01"}


@pytest.fixture
def w(database, clock, tmp_data_dir):
    world = medicines_world(database, clock, tmp_data_dir)
    yield world
    world.client.close()
    world.broker.close()


def _plan_entries(w, seq):
    return [(e.action, e.outcome, e.denial_reason, e.purpose, e.resource_type) for e in entries_since(w.db, seq)
            if e.information_category == "plan"]


def _record(w, username="lakare", **changes):
    return w.client.post(f"/api/medicines/self-care/persons/{w.tolvan}", headers=w.headers(username),
                         json={**BODY, **changes})


def test_the_treating_doctor_records_it_and_the_write_is_logged(w):
    before = last_seq(w.db)
    answer = _record(w)
    assert answer.status_code == 201, answer.text
    assert answer.json()["performer_label"] == "Personen själv" and answer.json()["profession"] == "Läkare"
    assert _plan_entries(w, before) == [("create", "allowed", None, "vard", "self_care")]


def test_someone_without_a_legitimation_is_refused_without_touching_person_data(w):
    before = last_seq(w.db)
    answer = _record(w, "bistand")
    assert answer.status_code == 403
    assert "legitimerad" in answer.json()["detail"]
    assert entries_since(w.db, before) == []


def test_a_follow_up_is_required_and_must_lie_ahead(w):
    answer = _record(w, follow_up_on="2026-11-01")
    assert answer.status_code == 422 and "efter i dag" in answer.json()["detail"]


def test_the_person_reads_her_own_and_it_is_logged(w):
    assert _record(w).status_code == 201
    before = last_seq(w.db)
    mine = w.client.get("/api/medicines/self-care/mine", headers=w.headers("tolvan"))
    assert mine.status_code == 200
    assert [a["measure"] for a in mine.json()["assessments"]] == ["Insulininjektion"]
    assert _plan_entries(w, before) == [("read", "allowed", None, "egen_insyn", "self_care")]


def test_the_municipality_reads_it_only_with_the_persons_consent(w):
    assert _record(w).status_code == 201
    before = last_seq(w.db)
    denied = w.client.get(f"/api/medicines/self-care/persons/{w.tolvan}", headers=w.headers("hemsjukvard"))
    assert denied.status_code == 403 and "Insulininjektion" not in denied.text
    assert _plan_entries(w, before) == [("read", "denied", "no_consent", "vard", "self_care")]
    with w.db.transaction() as s:
        access.give_consent(s, w.actor("tolvan"), w.clock, person_id=w.tolvan, care_provider_id=w.providers[w.hsv])
    before = last_seq(w.db)
    allowed = w.client.get(f"/api/medicines/self-care/persons/{w.tolvan}", headers=w.headers("hemsjukvard"))
    assert allowed.status_code == 200
    assert [a["responsible_if_not_working"] for a in allowed.json()["assessments"]] == [
        "Distriktssköterskan på Vårdcentralen Kumla"]
    assert _plan_entries(w, before) == [("read", "allowed", None, "vard", "self_care")]


def test_the_pages_record_it_keep_what_was_typed_and_show_it_to_the_person(w):
    from .test_medicines import CSRF, _page_client, _text

    gp = _page_client(w, "lakare")
    page = gp.get(f"/personer/{w.tolvan}/egenvard")
    assert page.status_code == 200
    csrf = CSRF.search(page.text).group(1)
    rejected = gp.post(f"/personer/{w.tolvan}/egenvard", data={
        "csrf_token": csrf, "measure": "Såromläggning", "what_is_done": "Byter förband varannan dag",
        "performer": "narstaende", "responsible": "", "follow_up_on": "2027-01-15"})
    assert rejected.status_code == 422
    assert "Skriv vem som ansvarar" in _text(rejected) and "Byter förband varannan dag" in rejected.text
    assert re.search(r'value="narstaende" checked', rejected.text)
    saved = gp.post(f"/personer/{w.tolvan}/egenvard", data={
        "csrf_token": csrf, "measure": "Såromläggning", "what_is_done": "Byter förband varannan dag",
        "performer": "narstaende", "responsible": "Hemsjukvården Kumla", "follow_up_on": "2027-01-15"})
    assert saved.status_code == 303
    assert "Egenvårdsbedömningen är sparad." in _text(gp.get(saved.headers["location"]))
    assert f'href="/personer/{w.tolvan}/egenvard"' in gp.get(f"/personer/{w.tolvan}").text
    gp.close()
    social = _page_client(w, "bistand")  # social services: no health-care plan parts, and no legitimation
    refused = social.get(f"/personer/{w.tolvan}/egenvard")
    assert refused.status_code == 403 and "Såromläggning" not in refused.text
    social.close()
    resident = _page_client(w, "tolvan")
    text = _text(resident.get("/min-sida/egenvard"))
    assert "Min egenvård" in text and "Såromläggning" in text and "Med hjälp av närstående" in text
    assert "Hemsjukvården Kumla" in text and "fredag 15 januari 2027" in text
    resident.close()
