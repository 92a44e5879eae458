"""Idag, the staff start page's day, on SQLite and PostgreSQL: the SIPs waiting for the approval of the acting
unit's care provider, and a hemsjukvård unit's enrolled patients — each person shown let through by the access
policy with its entry in the log, and nothing shown (nor logged) of what the unit may not see."""

from __future__ import annotations

from datetime import date, timedelta

from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.access.store import CareRelationshipRow
from nara.auth.demo import demo_staff_actor
from nara.auth.store import AccountRow
from nara.core.clock import local_today
from nara.directory import service as directory
from nara.directory.model import personal_number
from nara.home.service import staff_today
from tests.integration import test_plans as base
from tests.integration.access_world import entries_since, last_seq
from tests.integration.test_person_search import log_in
from tests.integration.test_plans import complete_sip, create, patch, to_plan_phase

world = base.world  # Tolvan, the vårdcentral (the region), hemsjukvården and biståndsenheten (the municipality)


def _today(world, username: str):
    with world.db.transaction() as s:
        actor = demo_staff_actor(s, username, local_today(world.clock))
    return staff_today(world.db, world.clock, actor)


def _waiting(world, username: str) -> list[tuple[int, str, str]]:
    return [(a.plan_id, a.person_name, a.kind) for a in _today(world, username).plans.approvals]


def test_a_sip_waits_on_idag_for_each_party_whose_approval_is_missing_and_only_where_the_unit_may_see_it(world):
    plan = to_plan_phase(world, create(world, kind="sip", operations=complete_sip(world)))
    assert _waiting(world, "lakare") == [(plan["id"], "Tolvan Tolvansson", "sip")]  # the region is a party
    browser = TestClient(world.client.app, follow_redirects=False)
    log_in(browser, "lakare")
    html = browser.get("/arbetsyta").text
    assert '<h3 id="approvals-title">Väntar på godkännande</h3>' in html
    assert (f'<a href="/planer/{plan["id"]}">Tolvan Tolvansson</a>: SIP:en väntar på att din vårdgivare godkänner '
            "den") in html

    # allowed: the region approves, and its Idag has nothing left; the plan shown is one SEARCH entry
    approved = world.client.post(f"/api/plans/{plan['id']}/sip/finalise",
                                 headers=world.headers("lakare", plan["etag"]))
    assert approved.status_code == 200, approved.text
    seq = last_seq(world.db)
    assert _waiting(world, "lakare") == []
    assert [(e.resource_type, e.action, e.outcome) for e in entries_since(world.db, seq)
            if e.resource_type == "plan"] == [("plan", "search", "allowed")]

    # denied: the municipality is a party too, but Tolvan has not consented to its seeing the region's plan — Idag
    # shows nothing of the SIP and writes nothing (the worklist lists the plan with the reason, and logs it)
    seq = last_seq(world.db)
    assert _waiting(world, "hemsjukvard") == []
    assert [e for e in entries_since(world.db, seq) if e.resource_type == "plan"] == []
    # a unit with no part in the plan sees nothing of it either
    assert _waiting(world, "avdelning") == []
    assert [e for e in entries_since(world.db, seq) if e.resource_type == "plan"] == []

    # allowed once Tolvan consents: the municipality's approval is the one missing
    assert world.client.post(f"/api/persons/{world.tolvan}/consents", headers=world.headers("tolvan"),
                             json={"care_provider_id": world.hsv_provider}).status_code == 201
    seq = last_seq(world.db)
    assert _waiting(world, "hemsjukvard") == [(plan["id"], "Tolvan Tolvansson", "sip")]
    assert [(e.resource_type, e.action, e.outcome, e.person_id) for e in entries_since(world.db, seq)
            if e.resource_type == "plan"] == [("plan", "search", "allowed", world.tolvan)]

    current = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("hemsjukvard")).json()
    assert patch(world, "hemsjukvard", current, {"op": "approve_sip"}).status_code == 200
    assert _waiting(world, "hemsjukvard") == []  # approved: only the person's approval is missing now


def test_an_incomplete_sip_does_not_wait_for_approval(world):
    ops = [op for op in complete_sip(world) if op["op"] != "set_overall_responsibility"]
    to_plan_phase(world, create(world, kind="sip", operations=ops))
    assert _waiting(world, "lakare") == []  # nothing to approve until the plan states its four parts


def _person(world, n: int, family_name: str) -> int:
    with world.db.transaction() as s:
        person = directory.add_person(s, identifier=personal_number(date(1935, 3, n), 300 + n), given_name="Hedda",
                                      family_name=family_name, today=local_today(world.clock), kommun_code="1881")
        return person.id


def _relationship(world, person_id: int, unit_id: int, kind: str, *, days_left: int) -> None:
    now = world.clock.now()
    with world.db.transaction() as s:
        account = s.scalar(select(AccountRow.id).where(AccountRow.username == "hemsjukvard"))
        s.add(CareRelationshipRow(person_id=person_id, unit_id=unit_id, kind=kind, source_ref=None,
                                  valid_from=now - timedelta(days=30), valid_to=now + timedelta(days=days_left),
                                  created_by=account, created_at=now - timedelta(days=30)))


def test_a_hemsjukvard_unit_lists_its_enrolled_patients_through_the_policy(world):
    enrolled = _person(world, 1, "Inskrivensson")
    ended = _person(world, 2, "Utskrivensson")
    elsewhere = _person(world, 3, "Annanssondotter")
    sip_only = _person(world, 4, "Sipsson")
    _relationship(world, enrolled, world.hsv, "care_team", days_left=60)
    _relationship(world, ended, world.hsv, "care_team", days_left=-1)  # ended yesterday
    _relationship(world, elsewhere, world.vc, "care_team", days_left=60)  # another unit's patient
    _relationship(world, sip_only, world.hsv, "sip", days_left=60)  # takes part in a SIP: not enrolled

    seq = last_seq(world.db)
    day = _today(world, "hemsjukvard")
    assert day.list_kind == "enrolled"
    assert [p.person_id for p in day.people] == [enrolled]  # allowed: the one in the unit's care now
    person_entries = [(e.resource_type, e.action, e.outcome, e.person_id) for e in entries_since(world.db, seq)
                      if e.resource_type == "person"]
    assert person_entries == [("person", "search", "allowed", enrolled)]  # nothing of the others, not even a denial

    # the vårdcentral has no enrolled list, and sees nothing of the hemsjukvård's
    seq = last_seq(world.db)
    gp_day = _today(world, "lakare")
    assert gp_day.list_kind == "listed" and enrolled not in [p.person_id for p in gp_day.people]
    assert [e for e in entries_since(world.db, seq) if e.person_id == enrolled] == []
