"""One SIP per person, and a SIP decided together (DOMAIN §3; the discharge kallelse, DOMAIN §4): a second open SIP
of a person is refused and the open one named; a migration merges the duplicates made before, keeping all history;
every party — each principal and the person — approves before the SIP is fastställd, a later change reopens the
approvals and the problem says whose are missing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import json
from datetime import UTC, datetime

from sqlalchemy import select, update

from nara.plans.store import PlanRow, PlanVersionRow
from tests.integration import test_plan_pages as pages
from tests.integration import test_plans as base
from tests.integration.test_plans import audit_entries, complete_sip, create, patch, to_plan_phase

world = base.world  # the same world: Tolvan, the vårdcentral, hemsjukvården and their staff
site = pages.site  # the same site for the pages

merge = importlib.import_module("nara.migrations.versions.0012_one_sip_per_person")


def test_a_person_has_one_open_sip_and_a_second_is_refused_naming_it(world):
    first = create(world, kind="sip", operations=[])
    again = world.client.post(f"/api/persons/{world.tolvan}/plans", headers=world.headers("lakare"),
                              json={"kind": "sip", "operations": []})
    assert again.status_code == 409, again.text
    assert again.json()["plan_id"] == first["id"]
    assert "redan en öppen SIP" in again.json()["detail"]
    closed = world.client.post(f"/api/plans/{first['id']}/sip/phase", json={"phase": "avslutad"},
                               headers=world.headers("lakare", first["etag"]))
    assert closed.status_code == 200, closed.text
    assert create(world, kind="sip", operations=[])["id"] != first["id"]  # a closed SIP leaves room for a new one


def test_a_second_meeting_is_added_to_the_same_sip(world):
    plan = create(world, kind="sip", operations=[
        {"op": "add_meeting", "start": "2026-12-10T13:00:00+01:00", "place": "Vårdcentralen Kumla"}])
    more = patch(world, "lakare", plan, {"op": "add_meeting", "start": "2026-12-17T09:30:00+01:00",
                                         "video_link": "https://video.example.invalid/sip-2"})
    assert more.status_code == 200, more.text
    sip = more.json()["document"]["sip"]
    assert [m["start"] for m in sip["earlier_meetings"]] == ["2026-12-10T12:00:00Z"]
    assert sip["meeting"]["start"] == "2026-12-17T08:30:00Z"


def _sip_without_key(world, operations):
    plan = create(world, kind="sip", operations=operations)
    with world.db.transaction() as s:
        s.execute(update(PlanRow).where(PlanRow.id == plan["id"]).values(single_key=None))
    return plan


def test_the_migration_merges_a_persons_open_sips_keeping_all_history(world):
    older = _sip_without_key(world, [
        {"op": "add_meeting", "start": "2026-12-10T13:00:00+01:00", "place": "Vårdcentralen Kumla"},
        {"op": "add_intervention", "text": "Läkemedelsgenomgång", "principal_provider_id": world.vc_provider}])
    newer = _sip_without_key(world, [
        {"op": "add_meeting", "start": "2026-12-12T10:00:00+01:00", "place": "Hemmet"},
        {"op": "add_intervention", "text": "Hemsjukvård: såromläggning", "principal_provider_id": world.hsv_provider},
        {"op": "set_sip_consent", "given": True}])
    with world.db.transaction() as s:
        before = {p: len(list(s.scalars(select(PlanVersionRow).where(PlanVersionRow.plan_id == p))))
                  for p in (older["id"], newer["id"])}
    with world.db.engine.begin() as connection:
        merge.merge_duplicates(connection, datetime(2026, 12, 7, 20, 0, tzinfo=UTC))
    with world.db.transaction() as s:
        kept, gone = s.get(PlanRow, older["id"]), s.get(PlanRow, newer["id"])
        versions = {p: list(s.scalars(select(PlanVersionRow).where(PlanVersionRow.plan_id == p)))
                    for p in (older["id"], newer["id"])}
        assert (kept.single_key, gone.single_key) == (f"sip:{world.tolvan}", None)
        assert (kept.status, gone.status) == ("kallelse", "avslutad")
        doc, closed = json.loads(kept.document), json.loads(gone.document)
    assert {p: len(v) for p, v in versions.items()} == {p: n + 1 for p, n in before.items()}  # history kept
    assert closed["sip"]["merged_into"] == older["id"]
    assert [i["text"] for i in doc["sip"]["interventions"]] == ["Läkemedelsgenomgång", "Hemsjukvård: såromläggning"]
    assert len({i["id"] for i in doc["sip"]["interventions"]}) == 2
    assert [m["place"] for m in doc["sip"]["earlier_meetings"]] == ["Vårdcentralen Kumla"]
    assert doc["sip"]["meeting"]["place"] == "Hemmet" and doc["sip"]["consent"]["given"] is True
    listed = world.client.get(f"/api/plans/{older['id']}", headers=world.headers("lakare"))
    assert listed.status_code == 200, listed.text
    again = world.client.post(f"/api/persons/{world.tolvan}/plans", headers=world.headers("lakare"),
                              json={"kind": "sip", "operations": []})
    assert again.status_code == 409 and again.json()["plan_id"] == older["id"]


def test_a_sip_is_fastställd_only_when_every_party_has_approved_and_a_change_reopens_it(world):
    plan = to_plan_phase(world, create(world, kind="sip", operations=complete_sip(world)))
    own = world.client.post(f"/api/plans/{plan['id']}/sip/finalise", headers=world.headers("lakare", plan["etag"]))
    assert own.status_code == 200, own.text
    sip = own.json()["document"]["sip"]
    assert sip["phase"] == "plan" and sip["established"] is None  # one party alone does not fastställa
    assert [(a["provider_id"], a["name"]) for a in sip["approvals"]] == [(world.vc_provider, "Erik Testlund")]
    assert sip["approvals"][0]["role"] and sip["approvals"][0]["recorded"]["at"]
    assert [(a["principal_provider_id"], a["person"], a["approved"]) for a in own.json()["approvals"]] == [
        (world.vc_provider, False, True), (world.hsv_provider, False, False), (None, True, False)]
    assert own.json()["approvals"][2]["party"] == "Personen (eller ombud)"
    forced = world.client.post(f"/api/plans/{plan['id']}/sip/phase", json={"phase": "uppfoljning"},
                               headers=world.headers("lakare", own.json()["etag"]))
    assert forced.status_code == 409 and forced.json()["type"] == "urn:nara:problem:sip-not-approved"
    assert forced.json()["missing_approvals"] == [
        {"principal_provider_id": world.hsv_provider, "person": False},
        {"principal_provider_id": None, "person": True}]

    person = patch(world, "tolvan", own.json(), {"op": "approve_sip"})
    assert person.status_code == 200, person.text
    assert world.client.post(f"/api/persons/{world.tolvan}/consents", headers=world.headers("tolvan"),
                             json={"care_provider_id": world.hsv_provider}).status_code == 201
    current = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("hemsjukvard")).json()
    before = len(audit_entries(world))
    last = patch(world, "hemsjukvard", current, {"op": "approve_sip"})
    assert last.status_code == 200, last.text
    sip = last.json()["document"]["sip"]
    assert sip["phase"] == "uppfoljning" and sip["established"]["provider_id"] == world.hsv_provider
    assert {a["provider_id"] for a in sip["approvals"]} == {world.vc_provider, world.hsv_provider, None}
    assert ("write", "allowed", world.hsv_provider) in [
        (e.action, e.outcome, e.care_provider_id) for e in audit_entries(world)[before:]]

    changed = patch(world, "lakare", last.json(), {"op": "add_intervention", "text": "Rehabilitering i hemmet",
                                                   "principal_provider_id": world.vc_provider})
    assert changed.status_code == 200, changed.text
    sip = changed.json()["document"]["sip"]
    assert sip["approvals"] == [] and sip["approvals_reopened"]["provider_id"] == world.vc_provider


def test_approvals_are_refused_to_those_who_are_not_a_party_and_logged(world):
    plan = to_plan_phase(world, create(world, kind="sip", operations=complete_sip(world)))
    before = len(audit_entries(world))
    stranger = patch(world, "avdelning", plan, {"op": "approve_sip"})
    assert stranger.status_code == 403 and stranger.json()["reason"] == "no_care_relationship", stranger.text
    assert [(e.action, e.outcome, e.denial_reason, e.resource_id) for e in audit_entries(world)[before:]] == [
        ("write", "denied", "no_care_relationship", str(plan["id"]))]
    assert world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("lakare")).json()["version"] == \
        plan["version"]  # nothing recorded

    before = len(audit_entries(world))
    person = patch(world, "tolvan", plan, {"op": "approve_sip"})
    assert person.status_code == 200, person.text
    assert [(e.action, e.outcome) for e in audit_entries(world)[before:]] == [("write", "allowed")]
    ombud_by_person = patch(world, "tolvan", person.json(), {"op": "approve_sip", "representative": "Anna"})
    assert ombud_by_person.status_code == 403  # the person approves for themself; staff record an ombud
    early = create(world, kind="patientkontrakt", operations=[])
    refused = patch(world, "lakare", early, {"op": "approve_sip"})
    assert refused.status_code == 422


# --- the pages: the SIP page and Min plan say who approved and whose approval is missing -------------------------


def test_the_pages_show_the_approvals_and_the_person_approves_in_min_plan(site):
    gp = site.visit("lakare")
    plan_id = pages.create_plan(site, gp, kind="sip")
    steps = [("fas", {"to": "kartlaggning"}), ("fas", {"to": "plan"}),
             ("mote", {"meet_day": "2026-12-10", "meet_clock": "13:00", "meet_place": "Vårdcentralen Kumla"}),
             ("insats", {"int_text": "Läkemedelsgenomgång", "int_principal": str(site.region)}),
             ("inga-andra", {"none": "ja"}), ("overgripande", {"overall_principal": str(site.region)}),
             ("samtycke", {"consent_given": "ja", "consent_by": "personen"})]
    for version, (step, fields) in enumerate(steps, start=1):
        answer = gp.post(f"/planer/{plan_id}/sip/{step}", {"version": str(version), **fields})
        assert answer.status_code == 303, pages.text_of(answer)
    own = gp.post(f"/planer/{plan_id}/sip/faststall", {"version": "8"})
    assert own.status_code == 303 and own.headers["location"].endswith("sparat=godkand")
    page = pages.text_of(gp.get(own.headers["location"]))
    assert "Ditt godkännande är registrerat." in page and "Godkännanden" in page
    assert "Godkänd av Erik Testlund" in page and "Har inte godkänt planen ännu." in page
    assert site.plan(plan_id).status == "plan"  # one party alone does not fastställa

    tolvan = site.visit("tolvan")
    mine = pages.text_of(tolvan.get(f"/min-sida/plan/{plan_id}"))
    assert "Vem har godkänt planen" in mine and "Jag godkänner planen" in mine
    assert "Mötet är" in mine
    approved = tolvan.post(f"/min-sida/plan/{plan_id}/godkann", {"version": "9"})
    assert approved.status_code == 303, pages.text_of(approved)
    assert site.plan(plan_id).status == "uppfoljning"  # the region and the person: every party has approved
    after = pages.text_of(tolvan.get(approved.headers["location"]))
    assert "Jag godkänner planen" not in after and "Har inte godkänt planen ännu." not in after

    changed = gp.post(f"/planer/{plan_id}/sip/insats", {"version": "10", "int_text": "Rehabilitering",
                                                         "int_principal": str(site.region)})
    assert changed.status_code == 303
    page = pages.text_of(gp.get(f"/planer/{plan_id}/sip"))
    assert "Alla parter behöver godkänna den igen." in page and "Har inte godkänt planen ännu." in page
    blank = gp.post(f"/planer/{plan_id}/sip/ombud", {"version": "11", "representative": ""})
    assert blank.status_code == 422 and "Skriv ombudets namn." in pages.text_of(blank)
    for version, step, fields in ((11, "faststall", {}), (12, "ombud", {"representative": "Anna Ombudsdotter"})):
        answer = gp.post(f"/planer/{plan_id}/sip/{step}", {"version": str(version), **fields})
        assert answer.status_code == 303, pages.text_of(answer)
    assert answer.headers["location"].endswith("sparat=faststalld")
    assert "som ombud: Anna Ombudsdotter" in pages.text_of(gp.get(answer.headers["location"]))


def test_the_staff_page_opens_the_open_sip_instead_of_making_a_second(site):
    gp = site.visit("lakare")
    plan_id = pages.create_plan(site, gp, kind="sip")
    again = gp.post(f"/personer/{site.tolvan}/planer", {"kind": "sip", "goal": ""})
    assert again.status_code == 303 and again.headers["location"] == f"/planer/{plan_id}?sparat=sip-finns"
    assert "Personen har redan en öppen SIP. Här är den" in pages.text_of(gp.get(again.headers["location"]))
    with site.db.transaction() as s:
        assert len(s.scalars(select(PlanRow.id).where(PlanRow.kind == "sip")).all()) == 1
