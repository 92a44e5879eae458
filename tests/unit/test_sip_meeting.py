"""The SIP meeting as pure rules (DOMAIN §3): who is invited by name (the person, närstående, others; the units by
their invitations), who took part and the minutes — recorded after the meeting, kept when a change leaves them
out, stamped with who recorded them — and none of it reopens the parties' approvals."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from pydantic import ValidationError

from nara.core.errors import ValidationFailed
from nara.plans import model
from nara.plans.model import ParticipantKind

from .test_plans_model import GP, HSV, NOW, NURSE, VC, ops, plan, sip_in_plan_phase
from .test_sip_approvals import APPROVE, TWO_PRINCIPALS

TOMORROW = (NOW + timedelta(days=1)).isoformat()
YESTERDAY = (NOW - timedelta(days=1)).isoformat()
INVITED = [{"kind": "personen"}, {"kind": "narstaende", "name": "Dottern Eva"}, {"kind": "annan", "name": "God man"}]


def test_a_meeting_names_who_is_invited_and_a_change_without_them_keeps_them():
    doc = plan("sip", {"op": "set_meeting", "start": TOMORROW, "place": "Vårdcentralen", "participants": INVITED})
    meeting = doc.sip.meeting
    assert [(p.kind, p.name, p.attended) for p in meeting.participants] == [
        (ParticipantKind.PERSONEN, None, None), (ParticipantKind.NARSTAENDE, "Dottern Eva", None),
        (ParticipantKind.ANNAN, "God man", None)]
    assert meeting.person_invited and meeting.held is None
    moved = model.apply_operations(doc, ops({"op": "set_meeting", "start": TOMORROW, "video_link":
                                             "https://video.example.invalid/sip"}), GP)
    assert moved.sip.meeting.participants == meeting.participants and moved.sip.meeting.place is None


def test_attendance_and_minutes_come_after_the_meeting_and_say_who_recorded_them():
    doc = plan("sip", {"op": "set_meeting", "start": TOMORROW, "place": "Hemmet", "participants": INVITED})
    early = ops({"op": "set_meeting", "start": TOMORROW, "place": "Hemmet", "minutes": "Vi kom överens."})
    with pytest.raises(ValidationFailed) as refused:
        model.apply_operations(doc, early, GP)
    assert refused.value.key == "plans.sip.meeting_not_held"
    held = plan("sip", {"op": "set_meeting", "start": YESTERDAY, "place": "Hemmet", "participants": INVITED})
    after = replace(NURSE, at=NOW + timedelta(hours=1))
    attended = [{**p, "attended": True} for p in INVITED[:2]] + [INVITED[2]]
    done = model.apply_operations(held, ops({
        "op": "set_meeting", "start": YESTERDAY, "place": "Hemmet", "participants": attended,
        "attended_units": [VC, HSV, VC], "minutes": "Hemsjukvården lägger om såret."}), after)
    meeting = done.sip.meeting
    assert [p.attended for p in meeting.participants] == [True, True, None]
    assert meeting.attended_units == (VC, HSV)  # each unit once
    assert meeting.minutes == "Hemsjukvården lägger om såret."
    assert meeting.held == after.recorded() and meeting.recorded == held.sip.meeting.recorded  # time set by the GP
    again = model.apply_operations(done, ops({"op": "set_meeting", "start": YESTERDAY, "place": "Hemmet"}), GP)
    assert again.sip.meeting.held == after.recorded() and again.sip.meeting.minutes == meeting.minutes


def test_the_person_is_invited_once_and_others_by_name():
    with pytest.raises(ValidationFailed):
        plan("sip", {"op": "set_meeting", "start": TOMORROW, "participants": [{"kind": "personen"}] * 2})
    with pytest.raises(ValidationError):
        ops({"op": "set_meeting", "start": TOMORROW, "participants": [{"kind": "narstaende"}]})
    with pytest.raises(ValidationError):
        ops({"op": "set_meeting", "start": TOMORROW, "participants": [{"kind": "annan", "name": "x"}] * 31})
    with pytest.raises(ValidationFailed):  # a kallelse adds a meeting not yet held
        plan("sip", {"op": "add_meeting", "start": TOMORROW, "participants": [{"kind": "personen", "attended": True}]})


def test_recording_the_meeting_does_not_reopen_the_approvals():
    doc = sip_in_plan_phase(*TWO_PRINCIPALS, {"op": "set_meeting", "start": YESTERDAY, "place": "Hemmet"})
    doc = model.apply_operations(doc, APPROVE, GP)
    assert len(doc.sip.approvals) == 1
    doc = model.apply_operations(doc, ops({"op": "set_meeting", "start": YESTERDAY, "place": "Hemmet",
                                           "minutes": "Planen gicks igenom.", "attended_units": [VC]}), GP)
    assert len(doc.sip.approvals) == 1 and doc.sip.approvals_reopened is None


def test_the_units_that_took_part_are_checked_like_every_unit_the_plan_names():
    doc = plan("sip", {"op": "set_meeting", "start": YESTERDAY, "attended_units": [99]})
    units, _, _ = model.referenced_ids(doc)
    assert 99 in units
