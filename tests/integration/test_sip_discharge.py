"""The discharge kallelse and the person's one SIP (DOMAIN §3, §4): a kallelse for a person who already has an
open SIP uses it — the other receiving units are invited to it and the kallelse adds its meeting, the earlier
meeting stays — and a second kallelse adds a meeting to the same SIP. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from nara.discharge import service
from nara.discharge.service import Outlets
from nara.plans import service as plans_service
from nara.plans.model import AddMeeting
from nara.plans.service import InAppNotifier
from nara.plans.store import PlanRow

from .discharge_fixtures import build_world
from .test_discharge import local


@pytest.fixture
def world(database, clock, tmp_data_dir):
    w = build_world(database, clock, tmp_data_dir)
    yield w
    w.client.close()
    w.broker.close()


def _document(world, plan_id):
    with world.db.transaction() as s:
        plan = s.get(PlanRow, plan_id)
        return plan, json.loads(plan.document)


def test_the_kallelse_uses_the_persons_open_sip_and_a_second_adds_a_meeting(world):
    vc, ward = world.actor("distriktsskoterska"), world.actor("avdelning")
    with world.db.transaction() as s:
        existing = plans_service.create_plan(s, vc, world.clock, person_id=world.tolvan, kind="sip", operations=[
            AddMeeting(op="add_meeting", start=local(26, 9), place="Hemmet")])
    with world.db.transaction() as s:
        pid = service.open_process(s, ward, world.clock, person_id=world.tolvan,
                                   estimated_discharge=date(2026, 11, 27), outlets=Outlets(notifier=InAppNotifier())).id
    with world.db.transaction() as s:
        service.appoint_care_contact(s, vc, world.clock, pid, staff_id=world.maja)
    world.clock.at = local(24, 10).astimezone(UTC)
    with world.db.transaction() as s:
        service.mark_ready(s, ward, world.clock, pid)
    world.clock.at = local(25, 11).astimezone(UTC)
    with world.db.transaction() as s:
        view = service.send_sip_invitation(s, vc, world.clock, pid, sip_at=local(2, 13, month=12),
                                           place="Vårdcentralen Kumla")
    assert view.sip_plan_id == existing.id  # no second SIP beside the open one
    _, doc = _document(world, existing.id)
    with world.db.transaction() as s:
        assert s.query(PlanRow).filter(PlanRow.person_id == world.tolvan, PlanRow.kind == "sip").count() == 1
    assert {i["unit_id"] for i in doc["sip"]["invitations"]} == {world.hsv, world.htj, world.bist}
    assert [m["place"] for m in doc["sip"]["earlier_meetings"]] == ["Hemmet"]
    assert doc["sip"]["meeting"]["place"] == "Vårdcentralen Kumla"

    with world.db.transaction() as s:
        again = service.send_sip_invitation(s, vc, world.clock, pid, sip_at=local(9, 13, month=12),
                                            video_link="https://video.example.invalid/sip")
    assert again.sip_plan_id == existing.id
    _, doc = _document(world, existing.id)
    starts = [datetime.fromisoformat(m["start"]) for m in [*doc["sip"]["earlier_meetings"], doc["sip"]["meeting"]]]
    assert starts == [local(26, 9), local(2, 13, month=12), local(9, 13, month=12)]
    assert len(doc["sip"]["invitations"]) == 3  # nobody is invited twice
