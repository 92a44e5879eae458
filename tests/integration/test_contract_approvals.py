"""A Patientkontrakt change that alters another principal's commitments is approved by that principal (DOMAIN §2–3,
§5), on SQLite and PostgreSQL: the region's activity for the municipality waits for the municipality, which is told;
its staff approve or decline with a reason over the API and on the plan page, recorded with name, role and time; a
later change reopens; the access scenarios — a unit of a third principal, a unit of the principal without a care
relationship, the person — each with its audit entries."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.auth.demo import DEMO_PASSWORD, demo_staff_actor
from nara.auth.service import create_account
from nara.core.actor import Role
from nara.core.clock import local_today
from nara.directory import service as directory
from nara.directory.model import ProviderKind, UnitKind
from nara.home.service import staff_today
from nara.plans.store import NotificationRow
from tests.integration import test_plan_pages as pages
from tests.integration import test_plans as base
from tests.integration.access_world import entries_since, last_seq
from tests.integration.test_person_search import log_in
from tests.integration.test_plans import activity, audit_entries, create, patch

world = base.world  # the GP's Tolvan, the vårdcentral (the region), hemsjukvården Kumla (the municipality)
site = pages.site

WOUND = "Såromläggning i hemmet"


def answer(world, username: str, plan: dict, accept: bool, reason: str | None = None, *, tag: str | None = None):
    headers = world.headers(username, tag if tag is not None else plan["etag"])
    return world.client.post(f"/api/plans/{plan['id']}/approvals", headers=headers,
                             json={"accept": accept, "reason": reason})


def consent(world, provider_id: int) -> None:
    given = world.client.post(f"/api/persons/{world.tolvan}/consents", headers=world.headers("tolvan"),
                              json={"care_provider_id": provider_id})
    assert given.status_code == 201, given.text


def notifications(world, kind: str) -> list[tuple[int | None, str]]:
    with world.db.transaction() as s:
        return [(n.recipient_unit_id, n.text) for n in s.scalars(
            select(NotificationRow).where(NotificationRow.kind == kind).order_by(NotificationRow.id))]


def third_principal(world) -> tuple[int, int]:
    """A nurse of a third principal — Örebro kommun's hemsjukvård — who can log in as "orebro_hsv": (unit,
    provider)."""
    with world.db.transaction() as s:
        unit = directory.add_unit(s, hsa_id="SE0000091880-TESTE0HSV1", name="Hemsjukvården Örebro (test)",
                                  kind=UnitKind.HEMSJUKVARD, kommun_code="1880", principal=ProviderKind.KOMMUN)
        staff = directory.add_staff(s, hsa_id="SE0000091880-TESTP0HSV1", given_name="Karin", family_name="Testsson",
                                    profession="sjukskoterska", unit_id=unit.id,
                                    valid_from=world.clock.now().date().replace(year=2020))
        create_account(s, username="orebro_hsv", password=DEMO_PASSWORD, role=Role.STAFF,
                       display_name="Karin Testsson", now=world.clock.now(), staff_id=staff.id)
        unit_id, provider_id = unit.id, unit.provider_id
    world.log_in_again("orebro_hsv")
    return unit_id, provider_id


def waiting(plan: dict) -> list[tuple[str, int, str]]:
    return [(r["activity_id"], r["provider_id"], r["change"]) for r in plan["document"]["commitment_approvals"]
            if r["state"] == "vantar"]


def test_the_municipality_approves_the_regions_change_to_its_commitment_and_a_later_change_reopens(world):
    plan = create(world)  # the GP's plan: an activity for hemsjukvården Kumla among the vårdcentral's own
    wound = activity(plan, WOUND)
    assert waiting(plan) == [(wound["id"], world.hsv_provider, "tillagd")]
    assert [unit for unit, _ in notifications(world, "approval_requested")] == [world.hsv]
    assert all("Tolvan" not in text and WOUND not in text for _, text in notifications(world, "approval_requested"))

    consent(world, world.hsv_provider)
    current = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("hemsjukvard")).json()
    assert waiting(current) == waiting(plan)  # reading the plan is reading its pending approvals
    missing = world.client.post(f"/api/plans/{plan['id']}/approvals", headers=world.headers("hemsjukvard"),
                                json={"accept": True})
    assert missing.status_code == 428

    before = len(audit_entries(world))
    approved = answer(world, "hemsjukvard", current, True)
    assert approved.status_code == 200, approved.text
    assert [(e.action, e.outcome, e.care_provider_id) for e in audit_entries(world)[before:]] == [
        ("read", "allowed", world.hsv_provider), ("write", "allowed", world.hsv_provider)]
    [record] = approved.json()["document"]["commitment_approvals"]
    assert (record["state"], record["name"], record["answered"]["provider_id"]) == (
        "godkand", "Sara Provsson", world.hsv_provider)
    assert "Hemsjukvården Kumla" in record["role"] and record["answered"]["at"]
    assert approved.json()["version"] == plan["version"] + 1
    assert [unit for unit, _ in notifications(world, "approval_answered")] == [world.vc]

    later = patch(world, "lakare", approved.json(), {"op": "update_activity", "id": wound["id"], "due": "2026-11-27"})
    assert later.status_code == 200, later.text
    [record] = later.json()["document"]["commitment_approvals"]
    assert (record["state"], record["change"], record["reopened"], record["since_version"]) == (
        "vantar", "andrad", True, later.json()["version"])  # whose approval is missing: the municipality's again
    assert [unit for unit, _ in notifications(world, "approval_requested")] == [world.hsv, world.hsv]

    own = patch(world, "hemsjukvard", later.json(), {"op": "set_activity_status", "id": wound["id"],
                                                      "status": "pagaende"})
    assert own.status_code == 200 and waiting(own.json()) == waiting(later.json())  # a status asks nothing


def test_declining_needs_a_reason_is_recorded_and_reverts_nothing(world):
    plan = create(world)
    consent(world, world.hsv_provider)
    bare = answer(world, "hemsjukvard", plan, False)
    assert bare.status_code == 422 and bare.json()["detail"].startswith("Skriv varför ni avböjer ändringen")
    declined = answer(world, "hemsjukvard", plan, False, "Vi har ingen sjuksköterska den dagen")
    assert declined.status_code == 200, declined.text
    [record] = declined.json()["document"]["commitment_approvals"]
    assert (record["state"], record["reason"]) == ("avbojd", "Vi har ingen sjuksköterska den dagen")
    assert activity(declined.json(), WOUND)["due"] == "2026-11-25"  # declined, not undone
    [(unit, text)] = notifications(world, "approval_answered")
    assert unit == world.vc and "avböjd" in text
    # The answer is the municipality's record: the region reads who declined and why with Tolvan's consent
    # (DOMAIN §5); without it, only that the change was declined.
    [withheld] = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("lakare")).json()["document"][
        "commitment_approvals"]
    assert (withheld["state"], withheld["reason"], withheld["name"], withheld["answered"]) == (
        "avbojd", None, None, None)
    consent(world, world.vc_provider)
    [shown] = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("lakare")).json()["document"][
        "commitment_approvals"]
    assert (shown["reason"], shown["name"]) == ("Vi har ingen sjuksköterska den dagen", "Sara Provsson")
    again = answer(world, "hemsjukvard", declined.json(), True)
    assert again.status_code == 409 and again.json()["type"] == "urn:nara:problem:nothing-to-approve"
    stale = answer(world, "hemsjukvard", plan, True)
    assert stale.status_code == 412


def test_only_the_principal_asked_may_answer_and_every_refusal_is_logged(world):
    plan = create(world)
    third_unit, third_provider = third_principal(world)

    # A unit of a third principal with no care relationship with Tolvan: refused before anything is read.
    before = len(audit_entries(world))
    stranger = answer(world, "orebro_hsv", plan, True)
    assert stranger.status_code == 403 and stranger.json()["reason"] == "no_care_relationship", stranger.text
    assert [(e.action, e.outcome, e.denial_reason, e.resource_id) for e in audit_entries(world)[before:]] == [
        ("read", "denied", "no_care_relationship", str(plan["id"]))]

    # The same unit in the care team, with Tolvan's consent: it may read the plan, but nothing waits for it.
    team = patch(world, "lakare", plan, {"op": "add_team_member", "role": "annan", "name": "Karin Testsson",
                                         "unit_id": third_unit})
    assert team.status_code == 200, team.text
    consent(world, third_provider)
    before = len(audit_entries(world))
    third = answer(world, "orebro_hsv", team.json(), True)
    assert third.status_code == 409 and third.json()["type"] == "urn:nara:problem:nothing-to-approve", third.text
    assert "Inget i planen väntar på godkännande av din vårdgivare" in third.json()["detail"]
    # The policy allowed the read and the write; the plan's own rule refused the write, and its unit of work rolled
    # back with the entries, as every refused write does: the answer shows nothing of the plan.
    assert audit_entries(world)[before:] == []

    # A unit of the principal asked, without a care relationship: refused and logged.
    consent(world, world.hsv_provider)
    before = len(audit_entries(world))
    unrelated = answer(world, "bistand", team.json(), True)
    assert unrelated.status_code == 403 and unrelated.json()["reason"] == "no_care_relationship", unrelated.text
    assert [(e.action, e.outcome, e.denial_reason, e.care_provider_id) for e in audit_entries(world)[before:]] == [
        ("read", "denied", "no_care_relationship", world.hsv_provider)]

    # The person cannot answer for the municipality.
    before = len(audit_entries(world))
    person = answer(world, "tolvan", team.json(), True)
    assert person.status_code == 403 and person.json()["reason"] == "staff_only", person.text
    assert [(e.action, e.outcome, e.denial_reason) for e in audit_entries(world)[before:]] == [
        ("write", "denied", "staff_only")]

    current = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("lakare")).json()
    assert current["version"] == team.json()["version"] and waiting(current) == waiting(plan)  # nothing recorded


def on_idag(world, username: str) -> list[tuple[int, str]]:
    with world.db.transaction() as s:
        actor = demo_staff_actor(s, username, local_today(world.clock))
    return [(a.plan_id, a.kind) for a in staff_today(world.db, world.clock, actor).plans.approvals]


def test_idag_lists_the_change_waiting_for_the_units_care_provider_only_where_the_unit_may_see_the_plan(world):
    plan = create(world)
    assert on_idag(world, "lakare") == []  # nothing waits for the region
    seq = last_seq(world.db)
    assert on_idag(world, "hemsjukvard") == []  # no consent yet: nothing shown, nothing logged
    assert [e for e in entries_since(world.db, seq) if e.resource_type == "plan"] == []

    consent(world, world.hsv_provider)
    seq = last_seq(world.db)
    assert on_idag(world, "hemsjukvard") == [(plan["id"], "patientkontrakt")]
    assert [(e.action, e.outcome, e.person_id) for e in entries_since(world.db, seq)
            if e.resource_type == "plan"] == [("search", "allowed", world.tolvan)]
    browser = TestClient(world.client.app, follow_redirects=False)
    log_in(browser, "hemsjukvard")
    assert (f'<a href="/planer/{plan["id"]}">Tolvan Tolvansson</a>: En ändring i patientkontraktet väntar på att '
            "din vårdgivare godkänner den") in browser.get("/arbetsyta").text
    assert answer(world, "hemsjukvard", plan, True).status_code == 200
    assert on_idag(world, "hemsjukvard") == []


# --- the pages: the plan page shows what waits and whose it is; the municipality answers with the one form ------


def test_the_plan_page_and_min_plan_show_the_waiting_change_and_the_municipality_answers(site):
    gp = site.visit("lakare")
    plan_id = pages.create_plan(site, gp)
    pages.add(gp, plan_id, "aktiviteter", 1, text="Såromläggning", responsible=f"unit:{site.hsv}",
              due="2026-11-25")
    page = pages.text_of(gp.get(f"/planer/{plan_id}"))
    assert "Ändringar som väntar på godkännande" in page and "Väntar på godkännande av Kumla kommun" in page
    assert "Godkänn ändringen" not in page  # nothing waits for the region
    tolvan = site.visit("tolvan")
    mine = pages.text_of(tolvan.get(f"/min-sida/plan/{plan_id}"))
    assert "Väntar på godkännande av Kumla kommun" in mine and "Godkänn ändringen" not in mine
    assert tolvan.post("/min-sida/samtycken", {"care_provider_id": str(site.hsv_provider)}).status_code == 303
    nurse = site.visit("hemsjukvard")
    page = nurse.get(f"/planer/{plan_id}")
    assert page.status_code == 200, pages.text_of(page)
    assert "Godkänn ändringen" in pages.text_of(page) and "Avböj" in pages.text_of(page)
    version = site.plan(plan_id).version
    bare = nurse.post(f"/planer/{plan_id}/godkannande", {"version": str(version), "svar": "avboj", "reason": ""})
    assert bare.status_code == 422
    assert '<a href="#f-reason">Skriv varför ni avböjer ändringen' in pages.text_of(bare)
    approved = nurse.post(f"/planer/{plan_id}/godkannande", {"version": str(version), "svar": "godkann"})
    assert approved.status_code == 303, pages.text_of(approved)
    after = pages.text_of(nurse.get(approved.headers["location"]))
    assert "Ändringen är godkänd." in after and "Godkänd av Sara Provsson" in after
    assert "Godkänn ändringen" not in after
