"""The Patientkontrakt and SIP over the API and the service, on SQLite and PostgreSQL (DOMAIN §2–3, §5):
the GP's plan for Tolvan that the hemsjukvård nurse reads and updates only with Tolvan's consent, what Tolvan sees,
one audit entry per access decision, history and diff, If-Match, the person's own changes, care relationships that
follow the plan, notifications, the worklist, and the SIP that cannot be fastställd while a statutory part or the
consent is missing."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.access.store import CareRelationshipRow
from nara.app import create_app
from nara.audit.service import verify_chain
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.auth.service import log_in, resolve_session
from nara.core.actor import SessionKind
from nara.core.errors import PreconditionFailed
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region
from nara.directory.store import PersonRow, StaffRow, UnitRow
from nara.plans import service
from nara.plans.model import AddGoal
from nara.plans.service import Outbox, writing
from nara.plans.store import NotificationRow, PlanVersionRow


@dataclass
class World:
    client: TestClient
    db: object
    clock: object
    settings: Settings
    tolvan: int
    vc: int  # Vårdcentralen Kumla (the region)
    vc_provider: int
    hsv: int  # hemsjukvården i Kumla (the municipality)
    hsv_provider: int
    bistand: int  # biståndsenheten (the municipality)
    gp_staff: int
    nurse_staff: int  # the distriktssköterska at the vårdcentral
    tokens: dict[str, dict[str, str]]

    def headers(self, username: str, if_match: str | None = None) -> dict[str, str]:
        headers = dict(self.tokens[username])
        if if_match is not None:
            headers["If-Match"] = if_match
        return headers

    def log_in_again(self, *usernames: str) -> None:
        for username in usernames:
            response = self.client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
            self.tokens[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}

    def actor(self, username: str):
        issued = log_in(self.db, self.settings, self.clock, username, DEMO_PASSWORD, SessionKind.API)
        return resolve_session(self.db, self.settings, self.clock, issued.token, SessionKind.API).actor


@pytest.fixture
def world(database, clock, tmp_data_dir):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    settings = Settings(data_dir=tmp_data_dir)
    app = create_app(settings, database=database, clock=clock)
    client = TestClient(app, follow_redirects=False)
    tokens = {}
    for username in ("lakare", "hemsjukvard", "tolvan", "distriktsskoterska", "bistand", "avdelning", "ledning"):
        response = client.post("/api/auth/token", json={"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 200, response.text
        tokens[username] = {"Authorization": f"Bearer {response.json()['access_token']}"}
    units = {u: client.get("/api/auth/me", headers=tokens[u]).json()["active_unit"]["id"]
             for u in ("lakare", "hemsjukvard", "bistand")}
    with database.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        providers = {u: s.get(UnitRow, unit_id).provider_id for u, unit_id in units.items()}
        gp = s.scalar(select(StaffRow.id).where(StaffRow.given_name == "Erik", StaffRow.family_name == "Testlund"))
        nurse = s.scalar(select(StaffRow.id).where(StaffRow.family_name == "Demoberg"))
    world = World(client, database, clock, settings, tolvan, units["lakare"], providers["lakare"],
                  units["hemsjukvard"], providers["hemsjukvard"], units["bistand"], gp, nurse, tokens)
    yield world
    client.close()


def audit_entries(world: World) -> list[AuditEntryRow]:
    with world.db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq)))


def first_content(world: World) -> list[dict]:
    """One goal in Tolvan's own words, three activities (Tolvan, the vårdcentral, hemsjukvården), a team with a fast
    vårdkontakt and a fast läkarkontakt, one agreed time."""
    return [
        {"op": "add_goal", "text": "Jag vill kunna gå till affären själv igen", "own_words": True,
         "follow_up": "Vi pratar om det vid varje besök"},
        {"op": "add_activity", "text": "Promenad 20 minuter varje dag", "responsible": {"kind": "person"},
         "recurrence": "varje dag"},
        {"op": "add_activity", "text": "Läkemedelsgenomgång", "due": "2026-12-10",
         "responsible": {"kind": "region_unit", "unit_id": world.vc}},
        {"op": "add_activity", "text": "Såromläggning i hemmet", "due": "2026-11-25",
         "responsible": {"kind": "municipal_unit", "unit_id": world.hsv}},
        {"op": "add_team_member", "role": "fast_vardkontakt", "staff_id": world.nurse_staff, "unit_id": world.vc,
         "phone": "019-123 45 67", "reach": "Ring vardagar 8–10 eller skriv via 1177"},
        {"op": "add_team_member", "role": "fast_lakarkontakt", "staff_id": world.gp_staff, "unit_id": world.vc},
        {"op": "add_time", "start": "2026-12-03T10:00:00+01:00", "with_whom": "Erik Testlund, läkare",
         "mode": "besok", "place": "Vårdcentralen Kumla", "purpose": "Återbesök: blodtryck och läkemedel"},
    ]


def create(world: World, username: str = "lakare", kind: str = "patientkontrakt", operations=None):
    response = world.client.post(f"/api/persons/{world.tolvan}/plans", headers=world.headers(username),
                                 json={"kind": kind, "operations": first_content(world) if operations is None
                                       else operations})
    assert response.status_code == 201, response.text
    return response.json()


def patch(world: World, username: str, plan: dict, *operations: dict, tag: str | None = None):
    return world.client.patch(f"/api/plans/{plan['id']}", headers=world.headers(username, tag or plan["etag"]),
                              json={"operations": list(operations)})


def activity(plan: dict, text: str) -> dict:
    return next(a for a in plan["document"]["activities"] if a["text"] == text)


def test_the_gp_plans_with_tolvan_the_nurse_needs_consent_and_tolvan_sees_it_all(world):
    before = len(audit_entries(world))
    plan = create(world)
    entries = audit_entries(world)[before:]
    # the plan's CREATE, and the care relationships it starts for the two units (the GP's own unit included)
    assert [(e.action, e.resource_type, e.outcome) for e in entries] == [
        ("create", "plan", "allowed"), ("create", "care_relationship", "allowed"),
        ("create", "care_relationship", "allowed")]
    assert plan["version"] == 1 and plan["etag"] == f'"{plan["id"]}-1"'
    assert len(plan["document"]["activities"]) == 3 and len(plan["document"]["team"]) == 2
    assert {u["name"] for u in plan["units"]} >= {"Vårdcentralen Kumla"}
    with world.db.transaction() as s:
        relationships = s.scalars(select(CareRelationshipRow).where(
            CareRelationshipRow.source_ref == f"plan:{plan['id']}")).all()
        assert {(r.unit_id, r.kind) for r in relationships} == {(world.vc, "care_team"), (world.hsv, "care_team")}

    # The hemsjukvård nurse's unit is in the plan now, but the plan is the region's record: consent is needed.
    before = len(audit_entries(world))
    denied = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("hemsjukvard"))
    assert denied.status_code == 403 and denied.json()["reason"] == "no_consent"
    assert "Såromläggning" not in denied.text
    entries = audit_entries(world)[before:]
    assert [(e.action, e.outcome, e.denial_reason, e.resource_id) for e in entries] == [
        ("read", "denied", "no_consent", str(plan["id"]))]

    consent = world.client.post(f"/api/persons/{world.tolvan}/consents", headers=world.headers("tolvan"),
                                json={"care_provider_id": world.hsv_provider})
    assert consent.status_code == 201, consent.text

    before = len(audit_entries(world))
    read = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("hemsjukvard"))
    assert read.status_code == 200, read.text
    assert read.headers["etag"] == plan["etag"]
    assert [(e.action, e.outcome, e.care_provider_id) for e in audit_entries(world)[before:]] == [
        ("read", "allowed", world.hsv_provider)]
    wound = activity(read.json(), "Såromläggning i hemmet")

    before = len(audit_entries(world))
    updated = patch(world, "hemsjukvard", read.json(),
                    {"op": "set_activity_status", "id": wound["id"], "status": "pagaende",
                     "note": "Första omläggningen gjord, läker fint"})
    assert updated.status_code == 200, updated.text
    body = updated.json()
    assert body["version"] == 2 and updated.headers["etag"] == f'"{plan["id"]}-2"'
    changed = activity(body, "Såromläggning i hemmet")
    assert changed["status"] == "pagaende"
    assert changed["status_recorded"]["provider_id"] == world.hsv_provider  # documented in her own record
    assert changed["recorded"]["provider_id"] == world.vc_provider  # the activity itself stays the region's
    # reading the region's plan (consent) and writing her own record: one entry each
    assert [(e.action, e.outcome, e.care_provider_id) for e in audit_entries(world)[before:]] == [
        ("read", "allowed", world.hsv_provider), ("write", "allowed", world.hsv_provider)]

    # Changing what the region recorded is writing in another provider's record: refused by the policy.
    review = activity(body, "Läkemedelsgenomgång")
    refused = patch(world, "hemsjukvard", body, {"op": "update_activity", "id": review["id"], "due": "2026-12-01"})
    assert refused.status_code == 403 and refused.json()["reason"] == "other_provider_write"

    # Tolvan sees all of it in Min plan, with the next step.
    mine = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("tolvan"))
    assert mine.status_code == 200, mine.text
    doc = mine.json()["document"]
    assert doc["goals"][0]["own_words"] is True
    assert {a["responsible"]["kind"] for a in doc["activities"]} == {"person", "region_unit", "municipal_unit"}
    assert {m["role"] for m in doc["team"]} == {"fast_vardkontakt", "fast_lakarkontakt"}
    assert {s["name"] for s in mine.json()["staff"]} == {"Erik Testlund", "Maja Demoberg"}
    assert doc["times"][0]["purpose"].startswith("Återbesök")
    # today is 2026-11-22: the wound care due on the 25th comes before the visit on 3 December
    assert mine.json()["next_step"] == {"kind": "activity", "element_id": wound["id"],
                                        "text": "Såromläggning i hemmet", "on": "2026-11-25", "at": None}
    listed = world.client.get(f"/api/persons/{world.tolvan}/plans", headers=world.headers("tolvan")).json()
    assert [(p["id"], p["version"], p["next_step"]["on"]) for p in listed] == [(plan["id"], 2, "2026-11-25")]

    # Tolvan was told about the new time and the activity for him; the home care unit that the plan exists.
    with world.db.transaction() as s:
        sent = s.scalars(select(NotificationRow).order_by(NotificationRow.id)).all()
        to_tolvan = [n.kind for n in sent if n.recipient_account_id is not None]
        assert sorted(to_tolvan) == ["new_activity", "new_time"]
        assert ("plan_created", world.hsv) in {(n.kind, n.recipient_unit_id) for n in sent}
        assert ("plan_changed", world.vc) in {(n.kind, n.recipient_unit_id) for n in sent}
        assert all("Såromläggning" not in n.text for n in sent if n.recipient_unit_id is not None)


def test_history_and_a_readable_difference_between_versions(world):
    plan = create(world)
    wound = activity(plan, "Såromläggning i hemmet")
    assert patch(world, "lakare", plan, {"op": "set_activity_status", "id": wound["id"], "status": "klar"},
                 {"op": "add_goal", "text": "Sova bättre", "own_words": False}).status_code == 200
    history = world.client.get(f"/api/plans/{plan['id']}/versions", headers=world.headers("lakare")).json()
    assert [(v["version"], v["author_name"]) for v in history] == [(2, "Erik Testlund"), (1, "Erik Testlund")]
    assert history[1]["summary"] == "Planen skapades"
    assert "Aktivitet ändrad: Såromläggning i hemmet – status: planerad → klar" in history[0]["summary"]
    diff = world.client.get(f"/api/plans/{plan['id']}/diff?from=1&to=2", headers=world.headers("lakare")).json()
    assert [c["text"] for c in diff["changes"]] == [
        "Mål tillagt: Sova bättre", "Aktivitet ändrad: Såromläggning i hemmet – status: planerad → klar"]
    first = world.client.get(f"/api/plans/{plan['id']}/versions/1", headers=world.headers("lakare")).json()
    assert activity(first, "Såromläggning i hemmet")["status"] == "planerad"
    assert world.client.get(f"/api/plans/{plan['id']}/versions/9", headers=world.headers("lakare")).status_code \
        == 404


def test_writes_need_if_match_and_a_stale_one_gets_412_with_the_current_version(world):
    plan = create(world)
    goal = {"op": "add_goal", "text": "Orka gå i trappor"}
    url = f"/api/plans/{plan['id']}"
    missing = world.client.patch(url, headers=world.headers("lakare"), json={"operations": [goal]})
    assert missing.status_code == 428 and missing.json()["type"] == "urn:nara:problem:precondition-required"
    malformed = world.client.patch(url, headers=world.headers("lakare", "1-1"), json={"operations": [goal]})
    assert malformed.status_code == 400  # lists, "*" and weak tags: tests/integration/test_if_match.py
    assert patch(world, "lakare", plan, goal).status_code == 200
    stale = patch(world, "lakare", plan, {"op": "add_goal", "text": "Något annat"})
    assert stale.status_code == 412
    assert stale.json()["current_version"] == 2 and stale.json()["current_etag"] == f'"{plan["id"]}-2"'
    assert stale.headers["etag"] == f'"{plan["id"]}-2"'
    assert "Någon annan har ändrat planen" in stale.json()["detail"]
    weak = patch(world, "lakare", plan, {"op": "add_goal", "text": "Något annat"}, tag=f'W/"{plan["id"]}-2"')
    assert weak.status_code == 412  # If-Match compares strongly: a weak tag never matches (RFC 9110 §13.1.1)
    with world.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(PlanVersionRow)) == 2


def test_a_writer_that_lost_the_race_after_its_check_gets_412_from_the_conditional_update(world, monkeypatch):
    gp = world.actor("lakare")
    with world.db.transaction() as s:
        view = service.create_plan(s, gp, world.clock, person_id=world.tolvan, kind="patientkontrakt")
    with world.db.transaction() as s:
        service.change_plan(s, gp, world.clock, view.id, 1, [AddGoal(op="add_goal", text="Först")])
    # As if this writer had read version 1 just before the other one committed: only UPDATE … WHERE version = 1
    # stands between it and a lost update.
    monkeypatch.setattr(writing, "expect_version", lambda plan, expected: None)
    with pytest.raises(PreconditionFailed) as stale, world.db.transaction() as s:
        service.change_plan(s, gp, world.clock, view.id, 1, [AddGoal(op="add_goal", text="Sen")])
    assert stale.value.extra["current_version"] == 2
    with world.db.transaction() as s:
        goals = [g.text for g in service.read_plan(s, gp, world.clock, view.id).document.goals]
    assert goals == ["Först"]


def test_tolvan_adds_his_own_activity_and_note_and_asks_to_move_a_time(world):
    plan = create(world)
    time_id = plan["document"]["times"][0]["id"]
    own = patch(world, "tolvan", plan,
                {"op": "add_activity", "text": "Ta blodtrycket varje morgon", "responsible": {"kind": "person"}},
                {"op": "add_note", "text": "Jag vill prata om min sömn"},
                {"op": "request_time_change", "id": time_id, "kind": "flytta", "text": "Jag kan bara på eftermiddagen"})
    assert own.status_code == 200, own.text
    body = own.json()
    assert body["open_requests"] == 2
    mine = activity(body, "Ta blodtrycket varje morgon")
    assert mine["recorded"] == {"provider_id": None, "unit_id": None, "by_person": True,
                                "at": "2026-11-22T09:00:00Z"}
    # The team is told that something changed (not what); Tolvan is not told about his own change.
    with world.db.transaction() as s:
        kinds = {(n.kind, n.recipient_unit_id) for n in s.scalars(select(NotificationRow)
                                                                  .where(NotificationRow.id > 0))}
        assert ("plan_changed", world.vc) in kinds and ("plan_changed", world.hsv) in kinds
    # Care decisions stay with staff: refused and logged.
    refused = patch(world, "tolvan", body, {"op": "add_goal", "text": "Något"})
    assert refused.status_code == 403 and refused.json()["reason"] == "staff_only"
    assert audit_entries(world)[-1].denial_reason == "staff_only"
    # The GP moves the time: the request is answered and Tolvan is told.
    moved = patch(world, "lakare", body, {"op": "update_time", "id": time_id, "start": "2026-12-03T14:00:00+01:00"},
                  {"op": "acknowledge_note", "id": body["document"]["notes"][0]["id"]})
    assert moved.status_code == 200, moved.text
    booked = moved.json()["document"]["times"][0]
    assert booked["moved_from"] == "2026-12-03T09:00:00Z" and booked["request"]["handled_at"] is not None
    assert moved.json()["open_requests"] == 0
    with world.db.transaction() as s:
        texts = [n.text for n in s.scalars(select(NotificationRow).where(NotificationRow.kind == "moved_time"))]
    assert texts == ["En tid i din plan är flyttad till 3 dec 2026 14:00, Erik Testlund, läkare. "
                     "Återbesök: blodtryck och läkemedel"]
    notes = world.client.get("/api/notifications", headers=world.headers("tolvan")).json()
    assert {n["kind"] for n in notes} == {"new_time", "new_activity", "moved_time"}
    read = world.client.post(f"/api/notifications/{notes[0]['id']}/read", headers=world.headers("tolvan"))
    assert read.status_code == 200 and read.json()["read_at"] is not None
    other = world.client.post(f"/api/notifications/{notes[0]['id']}/read", headers=world.headers("lakare"))
    assert other.status_code == 404


def test_a_unit_leaving_the_plan_ends_its_care_relationship(world):
    plan = create(world)
    wound = activity(plan, "Såromläggning i hemmet")
    removed = patch(world, "lakare", plan, {"op": "remove", "section": "activities", "id": wound["id"]})
    assert removed.status_code == 200, removed.text
    with world.db.transaction() as s:
        rows = s.scalars(select(CareRelationshipRow).where(CareRelationshipRow.unit_id == world.hsv)).all()
        assert [r.valid_to is not None for r in rows] == [True]


def test_one_active_patientkontrakt_per_person_and_only_staff_create_plans(world):
    plan = create(world)
    again = world.client.post(f"/api/persons/{world.tolvan}/plans", headers=world.headers("distriktsskoterska"),
                              json={"kind": "patientkontrakt"})
    assert again.status_code == 409 and str(plan["id"]) in again.json()["detail"]
    ended = patch(world, "lakare", plan, {"op": "set_plan_status", "status": "avslutad"})
    assert ended.status_code == 200 and ended.json()["status"] == "avslutad"
    second = create(world, "distriktsskoterska")  # an ended one does not stand in the way of a new one
    reopened = patch(world, "lakare", ended.json(), {"op": "set_plan_status", "status": "aktiv"})
    assert reopened.status_code == 409 and reopened.json()["detail"].startswith("Personen har redan ett aktivt")
    assert second["version"] == 1
    by_tolvan = world.client.post(f"/api/persons/{world.tolvan}/plans", headers=world.headers("tolvan"),
                                  json={"kind": "sip"})
    assert by_tolvan.status_code == 403 and by_tolvan.json()["reason"] == "staff_only"
    leader = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("ledning"))
    assert leader.status_code == 403 and leader.json()["reason"] == "role_without_person_access"
    ward = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("avdelning"))
    assert ward.status_code == 403 and ward.json()["reason"] == "no_care_relationship"


def test_the_worklist_shows_what_needs_attention_from_indexes(world):
    plan = create(world)
    before_consent = world.client.get("/api/plans/worklist", headers=world.headers("hemsjukvard")).json()
    assert [(i["plan_id"], i["access"], i["person_name"]) for i in before_consent] == [
        (plan["id"], "no_consent", None)]
    world.client.post(f"/api/persons/{world.tolvan}/consents", headers=world.headers("tolvan"),
                      json={"care_provider_id": world.hsv_provider})
    world.clock.advance(days=5)  # 27 November: the wound care due on the 25th is overdue
    world.log_in_again("hemsjukvard", "lakare")  # API tokens live 8 hours
    items = world.client.get("/api/plans/worklist", headers=world.headers("hemsjukvard")).json()
    assert len(items) == 1
    item = items[0]
    assert item["access"] is None and item["person_name"] == "Tolvan Tolvansson"
    assert (item["overdue"], item["overdue_mine"], item["next_on"]) == (1, 1, "2026-12-03")
    assert item["roles"] == ["activity"]
    gp = world.client.get("/api/plans/worklist", headers=world.headers("lakare")).json()
    assert (gp[0]["overdue"], gp[0]["overdue_mine"], sorted(gp[0]["roles"])) == (1, 0, ["activity", "owner", "team"])
    view = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("lakare")).json()
    assert view["overdue_activity_ids"] == [activity(view, "Såromläggning i hemmet")["id"]]


def test_service_writes_call_the_notifier_in_the_same_transaction(world):
    gp = world.actor("lakare")
    outbox = Outbox()
    with world.db.transaction() as s:
        view = service.create_plan(s, gp, world.clock, person_id=world.tolvan, kind="patientkontrakt",
                                   operations=[AddGoal(op="add_goal", text="Må bra")], notifier=outbox)
    assert outbox.sent == []  # nobody else is in the plan yet
    with pytest.raises(RuntimeError), world.db.transaction() as s:
        service.change_plan(s, gp, world.clock, view.id, 1, [
            AddGoal(op="add_goal", text="Gå ut")], notifier=outbox)
        raise RuntimeError("the request fails after the write")
    with world.db.transaction() as s:
        assert service.read_plan(s, gp, world.clock, view.id).version == 1  # rolled back, with its notifications
        assert s.scalar(select(func.count()).select_from(NotificationRow)) == 0


# --- SIP ---------------------------------------------------------------------------------------------------------


def complete_sip(world: World) -> list[dict]:
    return [
        {"op": "set_sip_consent", "given": True},
        {"op": "set_relatives", "participate": True, "note": "Dottern deltar"},
        {"op": "set_meeting", "start": "2026-11-30T13:00:00+01:00", "place": "Vårdcentralen Kumla",
         "video_link": "https://video.example.invalid/sip-42"},
        {"op": "add_intervention", "text": "Hemsjukvård: såromläggning", "principal_provider_id": world.hsv_provider,
         "unit_id": world.hsv},
        {"op": "add_intervention", "text": "Läkemedelsgenomgång", "principal_provider_id": world.vc_provider},
        {"op": "add_other_measure", "text": "Besöksvän varannan vecka", "by_whom": "Röda korset (förening)"},
        {"op": "set_overall_responsibility", "principal_provider_id": world.hsv_provider},
    ]


def leaving_out(world: World, part: str) -> list[dict]:
    ops = complete_sip(world)
    if part == "insatser":
        return [op for op in ops if op["op"] != "add_intervention"]
    if part == "ansvarig_huvudman":
        return [{**op, "principal_provider_id": None} if op["op"] == "add_intervention" else op for op in ops]
    if part == "andras_insatser":
        return [op for op in ops if op["op"] != "add_other_measure"]
    if part == "overgripande_ansvar":
        return [op for op in ops if op["op"] != "set_overall_responsibility"]
    assert part == "samtycke"
    return [op for op in ops if op["op"] != "set_sip_consent"]


def to_plan_phase(world: World, plan: dict) -> dict:
    for phase in ("kartlaggning", "plan"):
        moved = world.client.post(f"/api/plans/{plan['id']}/sip/phase", json={"phase": phase},
                                  headers=world.headers("lakare", plan["etag"]))
        assert moved.status_code == 200, moved.text
        plan = moved.json()
    return plan


@pytest.mark.parametrize("part", ["insatser", "ansvarig_huvudman", "andras_insatser", "overgripande_ansvar",
                                  "samtycke"])
def test_a_sip_missing_a_statutory_part_or_the_consent_cannot_be_finalised(world, part):
    plan = to_plan_phase(world, create(world, kind="sip", operations=leaving_out(world, part)))
    answer = world.client.post(f"/api/plans/{plan['id']}/sip/finalise", headers=world.headers("lakare", plan["etag"]))
    assert answer.status_code == 422, answer.text
    problem = answer.json()
    assert problem["type"] == "urn:nara:problem:sip-incomplete"
    assert [m["part"] for m in problem["missing"]] == [part]
    assert problem["detail"].startswith("SIP:en kan inte fastställas. Det saknas: ")
    assert problem["missing"][0]["detail"] == plan["missing_for_finalising"][0]["detail"]
    after = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("lakare")).json()
    assert (after["status"], after["version"]) == ("plan", plan["version"])


def test_a_complete_sip_is_finalised_followed_up_and_counted(world):
    plan = to_plan_phase(world, create(world, kind="sip", operations=complete_sip(world)))
    assert plan["missing_for_finalising"] == []
    # Decided together (DOMAIN §3): the person and the other principal approve first; the GP's is the last.
    plan = patch(world, "tolvan", plan, {"op": "approve_sip"}).json()
    assert world.client.post(f"/api/persons/{world.tolvan}/consents", headers=world.headers("tolvan"),
                             json={"care_provider_id": world.hsv_provider}).status_code == 201
    plan = patch(world, "hemsjukvard", plan, {"op": "approve_sip"}).json()
    assert plan["document"]["sip"]["phase"] == "plan"
    done = world.client.post(f"/api/plans/{plan['id']}/sip/finalise", headers=world.headers("lakare", plan["etag"]))
    assert done.status_code == 200, done.text
    sip = done.json()["document"]["sip"]
    assert sip["phase"] == "uppfoljning" and sip["established"]["provider_id"] == world.vc_provider
    followed = patch(world, "lakare", done.json(),
                     {"op": "add_follow_up", "on": "2026-12-15", "outcome": "Såren har läkt, insatsen avslutas"})
    assert followed.status_code == 200, followed.text
    assert len(followed.json()["document"]["sip"]["follow_ups"]) == 1
    skip = world.client.post(f"/api/plans/{plan['id']}/sip/phase", json={"phase": "kallelse"},
                             headers=world.headers("lakare", followed.json()["etag"]))
    assert skip.status_code == 409


def test_an_invited_unit_answers_without_reading_and_accepting_brings_it_into_the_sip(world):
    plan = create(world, kind="sip", operations=[{"op": "set_sip_consent", "given": True},
                                                 {"op": "invite_unit", "unit_id": world.bistand}])
    listed = world.client.get("/api/plans/worklist", headers=world.headers("bistand")).json()
    assert [(i["plan_id"], i["access"], i["person_id"]) for i in listed] == [(plan["id"], "invited", None)]
    invited = world.client.get("/api/notifications", headers=world.headers("bistand")).json()
    assert [n["kind"] for n in invited] == ["sip_invited"]
    assert world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("bistand")).status_code == 403
    accepted = world.client.post(f"/api/plans/{plan['id']}/sip/answer", json={"accept": True},
                                 headers=world.headers("bistand", listed[0]["etag"]))
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["version"] == 2
    # the SIP consent covers sharing the plan with its participants: the unit reads it now
    read = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("bistand"))
    assert read.status_code == 200, read.text
    assert read.json()["document"]["sip"]["invitations"][0]["status"] == "accepterad"
    with world.db.transaction() as s:
        kinds = {r.kind for r in s.scalars(select(CareRelationshipRow).where(
            CareRelationshipRow.unit_id == world.bistand))}
    assert kinds == {"sip"}


def test_plan_ids_that_do_not_exist_and_sip_operations_on_a_patientkontrakt(world):
    plan = create(world)
    assert world.client.get("/api/plans/999999", headers=world.headers("lakare")).status_code == 404
    sip_op = patch(world, "lakare", plan, {"op": "set_sip_consent", "given": True})
    assert sip_op.status_code == 422
    unknown_unit = patch(world, "lakare", plan, {"op": "add_team_member", "role": "annan", "name": "X",
                                                 "unit_id": 987654321})
    assert unknown_unit.status_code == 404
    wrong_kind = patch(world, "lakare", plan, {"op": "add_activity", "text": "Hemtjänst",
                                               "responsible": {"kind": "region_unit", "unit_id": world.hsv}})
    assert wrong_kind.status_code == 422
    no_element = patch(world, "lakare", plan, {"op": "remove", "section": "goals", "id": "g99"})
    assert no_element.status_code == 404
    video_without_link = patch(world, "lakare", plan, {"op": "add_time", "start": "2026-12-01T10:00:00Z",
                                                       "with_whom": "X", "mode": "video", "purpose": "Y"})
    assert video_without_link.status_code == 422


def test_plans_are_in_the_openapi_spec_with_their_conditional_answers(world):
    spec = world.client.get("/openapi.json").json()
    patch_op = spec["paths"]["/api/plans/{plan_id}"]["patch"]
    assert {"412", "428", "403"} <= set(patch_op["responses"])
    assert any(p["name"] == "If-Match" for p in patch_op["parameters"])
    assert "/api/plans/{plan_id}/diff" in spec["paths"] and "/api/notifications" in spec["paths"]
    finalise = spec["paths"]["/api/plans/{plan_id}/sip/finalise"]["post"]
    assert "missing" in finalise["responses"]["422"]["content"]["application/problem+json"]["schema"]["properties"]



def test_a_plan_read_through_the_api_is_logged_and_committed_on_its_own_and_the_chain_holds(world):
    """GET /api/plans/{id} is a unit of work of its own (service.read_plan given the Database): no transaction
    around it, and its entry — allowed or denied — appended by one statement and committed before the answer."""
    plan = create(world)
    before = len(audit_entries(world))
    reads = [world.client.get(f"/api/plans/{plan['id']}", headers=world.headers(user))
             for user in ("lakare", "hemsjukvard", "lakare", "tolvan", "avdelning")]
    assert [r.status_code for r in reads] == [200, 403, 200, 200, 403]
    entries = audit_entries(world)[before:]
    assert [(e.action, e.outcome, e.resource_id) for e in entries] == [
        ("read", "allowed", str(plan["id"])), ("read", "denied", str(plan["id"])),
        ("read", "allowed", str(plan["id"])), ("read", "allowed", str(plan["id"])),
        ("read", "denied", str(plan["id"]))]
    assert [e.seq for e in entries] == list(range(entries[0].seq, entries[0].seq + 5))
    assert verify_chain(world.db).ok
    # The same document read again comes from the parsed-document cache: the answer is the same, and a new
    # version is seen at once (the cache is keyed by the stored text).
    assert reads[0].json() == reads[2].json()
    goal = patch(world, "lakare", reads[0].json(), {"op": "add_goal", "text": "Sova bättre", "own_words": True})
    assert goal.status_code == 200, goal.text
    again = world.client.get(f"/api/plans/{plan['id']}", headers=world.headers("lakare")).json()
    assert again["version"] == 2 and "Sova bättre" in {g["text"] for g in again["document"]["goals"]}
