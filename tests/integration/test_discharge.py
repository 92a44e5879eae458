"""The discharge process (lag 2017:612, DOMAIN §4) through the service and the API, on SQLite and PostgreSQL
(SYNTETISKA DATA): Tolvan, a Kumla resident, at Medicinavdelning 1 at USÖ — the inskrivningsmeddelande to the
receivers found in the directory, kvittens per unit, the fast vårdkontakt, utskrivningsklar, the SIP kallelse that
creates the SIP, discharge and what Tolvan reads; access for parties and others, logged; escalation with a fixed
clock; live announcements on commit.

Times: the clock starts on Sunday 22 November 2026, 10:00 in Stockholm. Due times are derived by hand from DOMAIN
§4 and orebro-visam.toml (the law's values): inskrivningsmeddelande 24 hours after admission; kallelse till SIP by
24:00 on the third calendar day after the utskrivningsklar notice; information transfer and the patient informed
by 24:00 on the (estimated) day of discharge; fast vårdkontakt before discharge; a message without kvittens
escalates after 4 hours (project default in the file).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from nara.access.service import AccessDenied
from nara.access.store import CareRelationshipRow
from nara.audit.store import AuditEntryRow
from nara.auth import service as auth_service
from nara.auth.demo import DEMO_PASSWORD
from nara.core.actor import Role
from nara.core.clock import STOCKHOLM
from nara.core.db import Database
from nara.core.errors import Conflict, Forbidden, NotFound
from nara.directory.service import add_staff
from nara.discharge import service
from nara.discharge.model import InvalidTransition, ProcessPhase, Step, StepState
from nara.discharge.service import Outlets
from nara.discharge.store import DischargeAckRow, DischargeEventRow, DischargeProcessRow
from nara.live.service import Broker
from nara.plans.service import InAppNotifier, Outbox
from nara.plans.store import NotificationRow, PlanRow

from .conftest import run_loop
from .discharge_fixtures import build_world


def local(day, hour=0, minute=0, month=11):
    return datetime(2026, month, day, hour, minute, tzinfo=STOCKHOLM)


@pytest.fixture
def world(database, clock, tmp_data_dir):
    w = build_world(database, clock, tmp_data_dir)
    hemtjanst_account(w)
    yield w
    w.client.close()
    w.broker.close()


def entries(world, **where):
    with world.db.transaction() as s:
        rows = s.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq)).all()
    return [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]


def relationships(world, process_id):
    with world.db.transaction() as s:
        return s.scalars(select(CareRelationshipRow).where(
            CareRelationshipRow.source_ref == f"discharge:{process_id}").order_by(CareRelationshipRow.id)).all()


def step(view, name):
    return next(s for s in view.steps if s.step == name)


def open_for_tolvan(world, outbox=None):
    ward = world.actor("avdelning")
    with world.db.transaction() as s:
        return service.open_process(s, ward, world.clock, person_id=world.tolvan,
                                    estimated_discharge=date(2026, 11, 27),
                                    outlets=Outlets(notifier=outbox or InAppNotifier()))


def test_the_process_runs_from_admission_to_closed_through_the_service(world):
    """Admitted Sun 22 Nov 10:00 and the inskrivningsmeddelande at once (due Mon 23 Nov 10:00, 24 h); utskrivningsklar
    Tue 24 Nov 10:00 → kallelse till SIP due by 24:00 Fri 27 Nov (day 0 = Tue, 3 calendar days); discharged Fri 27
    Nov 11:00, the day estimated."""
    outbox = Outbox(also=InAppNotifier())
    view = open_for_tolvan(world, outbox)
    pid = view.id
    assert view.phase is ProcessPhase.NOTIFIED and view.agreement_key == "orebro-visam-2018"
    assert {r.unit.id: r.role.value for r in view.receivers} == {
        world.vc: "vardcentral", world.hsv: "hemsjukvard", world.htj: "hemtjanst", world.bist: "bistandshandlaggning"}
    notice = step(view, Step.ADMISSION_NOTICE)
    assert notice.state is StepState.DONE and notice.due_at == local(23, 10)
    transfer = step(view, Step.INFORMATION_TRANSFER)
    assert transfer.due_at == local(28) and transfer.provisional  # by 24:00 on the estimated Fri 27 Nov
    [message] = view.messages
    assert message.kind == "admission_notice" and message.estimated_discharge == date(2026, 11, 27)
    assert {r.unit_id for r in message.receipts if r.acknowledged_at is None} == {world.vc, world.hsv, world.htj,
                                                                                  world.bist}
    # care relationships for the ward and each receiver, from this process
    assert {r.unit_id for r in relationships(world, pid)} == {world.ward, world.vc, world.hsv, world.htj, world.bist}
    # each receiving unit is told in the app, with no person data; nobody tells the ward its own message
    assert sorted(n.recipient_unit_id for n in outbox.sent) == sorted([world.vc, world.hsv, world.htj, world.bist])
    assert all("Tolvan" not in n.text and f"process {pid}" in n.text for n in outbox.sent)

    vc, hsv, htj, bist, ward = (world.actor(u) for u in ("distriktsskoterska", "hemsjukvard", "hemtjanst",
                                                          "bistand", "avdelning"))
    world.clock.advance(minutes=5)
    with world.db.transaction() as s:
        service.acknowledge(s, vc, world.clock, pid, message.id)
        view = service.acknowledge(s, hsv, world.clock, pid, message.id)
    assert {r.unit_id: r.acknowledged_at for r in view.messages[0].receipts}[world.vc] == local(22, 10, 5)
    world.clock.advance(hours=22)  # Mon 23 Nov 08:05
    with world.db.transaction() as s:
        view = service.appoint_care_contact(s, vc, world.clock, pid, staff_id=world.maja)
    assert view.care_contact.name == "Maja Demoberg" and view.care_contact.unit.id == world.vc
    world.clock.at = local(24, 10).astimezone(UTC)
    with world.db.transaction() as s:
        view = service.mark_ready(s, ward, world.clock, pid)
    assert view.phase is ProcessPhase.READY
    sip = step(view, Step.SIP_INVITATION)
    assert (sip.state, sip.due_at, sip.last_day, sip.mine) == (StepState.OPEN, local(28), date(2026, 11, 27), False)
    with world.db.transaction() as s:
        view = service.read_process(s, vc, world.clock, pid)
    assert step(view, Step.SIP_INVITATION).mine and "sip-invitation" in view.actions

    world.clock.at = local(25, 11).astimezone(UTC)
    with world.db.transaction() as s:
        view = service.send_sip_invitation(s, vc, world.clock, pid, sip_at=local(2, 13, month=12),
                                           place="Vårdcentralen Kumla")
    assert step(view, Step.SIP_INVITATION).state is StepState.DONE and view.sip_at == local(2, 13, month=12)
    with world.db.transaction() as s:
        plan = s.get(PlanRow, view.sip_plan_id)
        assert (plan.kind, plan.person_id, plan.owner_unit_id) == ("sip", world.tolvan, world.vc)
        invited = {i["unit_id"] for i in __import__("json").loads(plan.document)["sip"]["invitations"]}
    assert invited == {world.hsv, world.htj, world.bist}  # the other receiving units
    sip_message = view.messages[-1]
    assert sip_message.kind == "sip_invitation" and {r.unit_id for r in sip_message.receipts} == invited

    world.clock.at = local(27, 8).astimezone(UTC)
    with world.db.transaction() as s:
        service.transfer_information(s, ward, world.clock, pid, note="Läkemedelslista och omvårdnadsepikris")
        world.clock.advance(hours=3)
        service.discharge(s, ward, world.clock, pid)
        view = service.inform_patient(s, ward, world.clock, pid, outlets=Outlets(notifier=outbox))
    assert view.phase is ProcessPhase.COMPLETED and view.closed_at is None  # kvittenser are still missing
    assert {s.step: s.state for s in view.steps} == {
        Step.ADMISSION_NOTICE: StepState.DONE, Step.PLANNING_DOCUMENTATION: StepState.NOT_REQUIRED,
        Step.CARE_CONTACT: StepState.DONE, Step.SIP_INVITATION: StepState.DONE,
        Step.INFORMATION_TRANSFER: StepState.DONE, Step.PATIENT_INFORMED: StepState.DONE}
    [told] = [n for n in outbox.sent if n.kind == "discharge_informed"]
    assert "Maja Demoberg" in told.text and "2 dec 2026 13:00" in told.text and told.recipient_account_id

    for actor in (vc, hsv, htj, bist):
        with world.db.transaction() as s:
            view = service.acknowledge_all(s, actor, world.clock, pid)
    assert view.closed_at is not None
    assert all(r.valid_to is not None for r in relationships(world, pid))  # ended when the process closed
    with world.db.transaction() as s:
        row = s.get(DischargeProcessRow, pid)
        assert (row.first_ready_at, row.discharged_at, row.care_contact_at) == (
            local(24, 10), local(27, 11), local(23, 8, 5))
        kinds = [e.kind for e in s.scalars(select(DischargeEventRow).where(DischargeEventRow.process_id == pid)
                                             .order_by(DischargeEventRow.seq))]
    assert kinds[:3] == ["admitted", "admission_notice_sent", "acknowledged"] and kinds.count("acknowledged") == 15

    tolvan = world.actor("tolvan")
    with world.db.transaction() as s:
        [mine] = service.my_processes(s, tolvan, world.clock)
    assert mine.care_contact.name == "Maja Demoberg" and mine.sip_at == local(2, 13, month=12)
    assert mine.ward.hospital == "Universitetssjukhuset Örebro" and mine.discharged_at == local(27, 11)


def hemtjanst_account(world):
    """A staff member of the hemtjänst unit (the demo has no hemtjänst persona)."""
    with world.db.transaction() as s:
        staff = add_staff(s, hsa_id="SE0000091881-TESTP0103", given_name="Hedda", family_name="Hemtjänstsson",
                          profession="underskoterska", unit_id=world.htj, valid_from=date(2024, 1, 1))
        auth_service.create_account(s, username="hemtjanst", password=DEMO_PASSWORD, role=Role.STAFF,
                                    display_name="Hedda Hemtjänstsson", now=world.clock.now(), staff_id=staff.id,
                                    is_demo=True)


def test_a_unit_that_takes_no_part_is_denied_and_logged_and_the_resident_sees_their_own(world):
    pid = open_for_tolvan(world).id
    for username in ("orebro_hsv", "annan_vc"):  # another provider; the ward's provider without a relationship
        actor = world.actor(username)
        with pytest.raises(AccessDenied) as denied, world.db.transaction() as s:
            service.read_process(s, actor, world.clock, pid)
        assert denied.value.decision.reason.value == "no_care_relationship"
        [entry] = entries(world, account_id=actor.account_id, resource_type="discharge")
        assert (entry.outcome, entry.resource_id, entry.information_category, entry.denial_reason) == (
            "denied", str(pid), "utskrivning", "no_care_relationship")
        with world.db.transaction() as s:
            assert service.worklist(s, actor, world.clock) == []  # not in its worklist
        with pytest.raises(AccessDenied), world.db.transaction() as s:
            service.acknowledge(s, actor, world.clock, pid, "m2")  # a write is denied (and logged) too
        assert len(entries(world, account_id=actor.account_id, resource_type="discharge")) == 2
    # a party reads its own provider's copy: the municipality needs no consent (module docstring)
    hsv = world.actor("hemsjukvard")
    with world.db.transaction() as s:
        view = service.read_process(s, hsv, world.clock, pid)
    assert view.person.name == "Tolvan Tolvansson" and view.my_roles == ["hemsjukvard"]
    assert view.actions == ["acknowledge"] and view.unacknowledged_mine == ["m2"]
    # a receiver cannot register the ward's steps (403, nothing written)
    with pytest.raises(Forbidden), world.db.transaction() as s:
        service.mark_ready(s, hsv, world.clock, pid)
    tolvan = world.actor("tolvan")
    with world.db.transaction() as s:
        [mine] = service.my_processes(s, tolvan, world.clock)
        own = service.read_process(s, tolvan, world.clock, pid)
    assert mine.id == pid and mine.care_contact is None and own.actions == []
    with pytest.raises(AccessDenied), world.db.transaction() as s:
        service.mark_ready(s, tolvan, world.clock, pid)  # the resident never writes here (refused, logged)
    assert entries(world, account_id=tolvan.account_id, resource_type="discharge")[-1].denial_reason == "staff_only"


def test_kvittens_is_per_receiving_unit_and_the_first_one_counts(world):
    pid = open_for_tolvan(world).id
    vc, bist = world.actor("distriktsskoterska"), world.actor("bistand")
    world.clock.advance(minutes=10)
    with world.db.transaction() as s:
        service.acknowledge(s, vc, world.clock, pid, "m2")
    world.clock.advance(minutes=10)
    with world.db.transaction() as s:
        view = service.acknowledge(s, vc, world.clock, pid, "m2")  # again: the first kvittens stays
        assert s.get(DischargeAckRow, (pid, "m2", world.vc)).acknowledged_at == local(22, 10, 10)
    receipts = {r.unit_id: r.acknowledged_at for r in view.messages[0].receipts}
    assert receipts == {world.vc: local(22, 10, 10), world.hsv: None, world.htj: None, world.bist: None}
    with world.db.transaction() as s:
        assert service.pending_acknowledgements(s, bist) == 1
        [item] = service.worklist(s, bist, world.clock)
    assert (item.unacknowledged_mine, item.awaiting_receipts) == (1, 0)
    ward = world.actor("avdelning")
    with world.db.transaction() as s:
        [ward_item] = service.worklist(s, ward, world.clock)
    assert ward_item.awaiting_receipts == 3 and ward_item.roles == ["ward"]
    with pytest.raises(NotFound), world.db.transaction() as s:
        service.acknowledge(s, bist, world.clock, pid, "m1")  # m1 is the admission itself, not a message
    with pytest.raises(Conflict), world.db.transaction() as s:
        service.acknowledge_all(s, vc, world.clock, pid)  # nothing left for the vårdcentral


def test_an_unacknowledged_message_escalates_after_the_agreements_hours(world):
    """Sent Sun 22 Nov 10:00; the agreement escalates after 4 hours without kvittens: at 13:59 not yet, at 14:00
    escalated — in the worklists, and once in the notification feed by the sweep."""
    pid = open_for_tolvan(world).id
    hsv, ward = world.actor("hemsjukvard"), world.actor("avdelning")
    world.clock.at = local(22, 13, 59).astimezone(UTC)
    with world.db.transaction() as s:
        [item] = service.worklist(s, hsv, world.clock)
        assert not item.escalated
        assert service.sweep_escalations(s, world.clock) == 0
    world.clock.at = local(22, 14).astimezone(UTC)
    with world.db.transaction() as s:
        [item] = service.worklist(s, hsv, world.clock)
        view = service.read_process(s, ward, world.clock, pid)
    assert item.escalated and item.unacknowledged_mine == 1
    assert view.escalated and all(r.escalated for r in view.messages[0].receipts)
    outbox = Outbox()
    with world.db.transaction() as s:
        sent = service.sweep_escalations(s, world.clock, outlets=Outlets(notifier=outbox))
    assert sent == 8  # each of the 4 receivers and the ward, per unacknowledged receipt
    assert {n.recipient_unit_id for n in outbox.sent} == {world.ward, world.vc, world.hsv, world.htj, world.bist}
    with world.db.transaction() as s:
        assert service.sweep_escalations(s, world.clock, outlets=Outlets(notifier=outbox)) == 0  # once
    # a missed deadline escalates too: the inskrivningsmeddelande was sent, but the information transfer is due by
    # 24:00 on the estimated day (Fri 27 Nov); on Sat 28 Nov 00:01 it is overdue and the ward is told once.
    world.clock.at = local(28, 0, 1).astimezone(UTC)
    with world.db.transaction() as s:
        [ward_item] = service.worklist(s, ward, world.clock)
        overdue = service.sweep_escalations(s, world.clock, outlets=Outlets(notifier=outbox))
    # the ward's own overdue steps come first on its list (the fast vårdkontakt is the vårdcentral's step)
    assert ward_item.overdue == 3 and ward_item.next_due.step is Step.INFORMATION_TRANSFER and ward_item.next_due.mine
    assert {s.step for s in ward_item.due if s.state is StepState.OVERDUE} == {
        Step.CARE_CONTACT, Step.INFORMATION_TRANSFER, Step.PATIENT_INFORMED}
    late = [n.recipient_unit_id for n in outbox.sent if "försenad" in n.text]
    assert overdue == 3 and sorted(late) == sorted([world.ward, world.ward, world.vc])


def test_a_revised_estimate_moves_the_provisional_due_times(world):
    """Estimated Fri 27 Nov, revised to Tue 1 Dec: the information transfer is due by 24:00 on 1 Dec instead."""
    pid = open_for_tolvan(world).id
    ward = world.actor("avdelning")
    with world.db.transaction() as s:
        view = service.revise_estimate(s, ward, world.clock, pid,
                                       estimated_discharge=date(2026, 12, 1))
    info = step(view, Step.INFORMATION_TRANSFER)
    assert (info.due_at, info.provisional) == (local(2, month=12), True)
    assert view.estimates == [date(2026, 11, 27), date(2026, 12, 1)]
    assert view.messages[-1].kind == "discharge_estimate" and len(view.messages[-1].receipts) == 4


def test_cancelled_and_interrupted_processes_stop_and_close_when_acknowledged(world):
    ward = world.actor("avdelning")
    first = open_for_tolvan(world).id
    with world.db.transaction() as s:
        view = service.cancel(s, ward, world.clock, first, note="Registrerad av misstag")
    assert view.phase is ProcessPhase.CANCELLED and view.messages[-1].kind == "cancellation"
    assert all(s.state in (StepState.DONE, StepState.STOPPED, StepState.NOT_REQUIRED) for s in view.steps)
    with pytest.raises(InvalidTransition), world.db.transaction() as s:
        service.mark_ready(s, ward, world.clock, first)
    # a process without receivers (no inskrivningsmeddelande yet) closes at once when interrupted
    with world.db.transaction() as s:
        second = service.open_process(s, ward, world.clock, person_id=world.tolvan).id
        view = service.interrupt(s, ward, world.clock, second, reason="transferred")
    assert view.phase is ProcessPhase.INTERRUPTED and view.closed_at is not None and view.messages == []
    assert [r.unit_id for r in relationships(world, second)] == [world.ward]
    assert relationships(world, second)[0].valid_to is not None


def test_announcements_reach_the_parties_topics_only_when_the_change_commits(world):
    # A broker with an engine of its own: its LISTEN connection is put in autocommit mode and would otherwise go
    # back to the shared test database's pool that way when the broker closes (see the report on nara.live).
    own = Database(world.db.url)
    broker = Broker(own)
    pid = open_for_tolvan(world).id
    ward = world.actor("avdelning")

    async def scenario():
        subs = {name: broker.subscribe([f"unit:{unit}"]) for name, unit in (
            ("vc", world.vc), ("hsv", world.hsv), ("ward", world.ward), ("other", world.orebro_hsv))}
        person = broker.subscribe([f"person:{world.tolvan}"])
        assert await asyncio.to_thread(broker.wait_until_listening)

        def failed():
            with pytest.raises(RuntimeError), world.db.transaction() as s:
                service.mark_ready(s, ward, world.clock, pid, outlets=Outlets(broker=broker))
                raise RuntimeError("the unit of work fails after the change")

        def committed():
            with world.db.transaction() as s:
                service.mark_ready(s, ward, world.clock, pid, outlets=Outlets(broker=broker))

        await asyncio.to_thread(failed)
        await asyncio.to_thread(committed)
        got = {name: await asyncio.wait_for(sub.queue.get(), timeout=5) for name, sub in subs.items()
               if name != "other"}
        got["person"] = await asyncio.wait_for(person.queue.get(), timeout=5)
        await asyncio.sleep(0.2)
        left = {name: sub.queue.qsize() for name, sub in subs.items()} | {"person": person.queue.qsize()}
        return got, left

    try:
        got, left = run_loop(scenario())
    finally:
        broker.close()
        own.dispose()
    assert {e.ref for e in got.values()} == {f"discharge:{pid}"} and {e.kind for e in got.values()} == {"utskrivning"}
    assert set(got["vc"].topics) == {f"unit:{u}" for u in (world.ward, world.vc, world.hsv, world.htj, world.bist)}
    assert got["person"].topics == (f"person:{world.tolvan}",)  # never on a unit's stream
    assert left == {"vc": 0, "hsv": 0, "ward": 0, "other": 0, "person": 0}  # the failed change was not announced


# --- over the API ---------------------------------------------------------------------------------------------------


def test_the_process_runs_end_to_end_over_the_api(world):
    client, h = world.client, world.headers
    created = client.post("/api/discharge/processes", headers=h("avdelning"),
                          json={"person_id": world.tolvan, "estimated_discharge": "2026-11-27"})
    assert created.status_code == 201, created.text
    pid = created.json()["id"]
    assert created.headers["location"] == f"/api/discharge/processes/{pid}"
    for user in ("distriktsskoterska", "hemsjukvard", "bistand"):
        worklist = client.get("/api/discharge/worklist", headers=h(user)).json()
        assert [i["process_id"] for i in worklist] == [pid] and worklist[0]["person_name"] == "Tolvan Tolvansson"
        ack = client.post(f"/api/discharge/processes/{pid}/messages/m2/acknowledge", headers=h(user))
        assert ack.status_code == 200, ack.text
    path = f"/api/discharge/processes/{pid}"
    assert client.post(f"{path}/care-contact", headers=h("distriktsskoterska"),
                       json={"staff_id": world.maja}).status_code == 200
    ready = client.post(f"{path}/ready", headers=h("avdelning"))
    assert ready.status_code == 200 and ready.json()["phase"] == "ready"
    twice = client.post(f"{path}/ready", headers=h("avdelning"))
    assert twice.status_code == 409 and twice.headers["content-type"] == "application/problem+json"
    wrong = client.post(f"{path}/ready", headers=h("hemsjukvard"))
    assert wrong.status_code == 403 and "vårdavdelningen" in wrong.json()["detail"]
    sip = client.post(f"{path}/sip-invitation", headers=h("distriktsskoterska"),
                      json={"sip_at": "2026-12-02T13:00:00+01:00", "place": "Vårdcentralen Kumla"})
    assert sip.status_code == 200, sip.text
    for action in ("information-transfer", "discharge", "patient-informed"):
        response = client.post(f"{path}/{action}", headers=h("avdelning"))
        assert response.status_code == 200, (action, response.text)
    assert response.json()["phase"] == "completed"
    denied = client.get(path, headers=h("orebro_hsv"))
    assert denied.status_code == 403 and denied.json()["reason"] == "no_care_relationship"
    assert client.get("/api/discharge/processes/999999", headers=h("avdelning")).status_code == 404
    mine = client.get("/api/discharge/mine", headers=h("tolvan"))
    assert mine.status_code == 200
    [own] = mine.json()
    assert own["care_contact"]["name"] == "Maja Demoberg" and own["sip_at"] == "2026-12-02T12:00:00Z"
    assert own["sip_plan_id"] == sip.json()["sip_plan_id"]
    with world.db.transaction() as s:
        feed = s.scalars(select(NotificationRow).where(NotificationRow.kind == "discharge_informed")).all()
    assert len(feed) == 1
    listed = client.get(f"/api/discharge/persons/{world.tolvan}/processes", headers=h("distriktsskoterska"))
    assert [p["id"] for p in listed.json()] == [pid]
    agreement = client.get("/api/discharge/agreement?region=18&on=2026-11-22", headers=h("avdelning")).json()
    assert agreement["key"] == "orebro-visam-2018" and agreement["escalate_unacknowledged_after_hours"] == 4


def test_the_time_order_and_the_backdating_limit_are_kept(world):
    ward = world.actor("avdelning")
    with pytest.raises(Exception) as too_early, world.db.transaction() as s:
        service.open_process(s, ward, world.clock, person_id=world.tolvan,
                             admitted_at=world.clock.now() - timedelta(days=31))
    assert getattr(too_early.value, "status", None) == 422
    with world.db.transaction() as s:
        pid = service.open_process(s, ward, world.clock, person_id=world.tolvan,
                                   admitted_at=world.clock.now() - timedelta(hours=30)).id
        view = service.read_process(s, ward, world.clock, pid)
    notice = step(view, Step.ADMISSION_NOTICE)
    assert notice.state is StepState.OVERDUE and notice.due_at == local(22, 4)  # admitted Sat 04:00 + 24 h
