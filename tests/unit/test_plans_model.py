"""The plan document's rules without a database (DOMAIN §2–3, §5): whose record an operation writes, what the person
may change, the next step and overdue activities, the SIP's statutory parts and lifecycle, the readable diff."""

from datetime import UTC, date, datetime

import pytest
from pydantic import TypeAdapter, ValidationError

from nara.core.errors import Conflict, NotFound, ValidationFailed
from nara.plans import model
from nara.plans.model import Author, SipIncomplete, StatutoryPart

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)  # Sunday 10:00 in Stockholm
REGION, KOMMUN = 1, 2
VC, HSV = 10, 20
GP = Author(provider_id=REGION, unit_id=VC, by_person=False, at=NOW)
NURSE = Author(provider_id=KOMMUN, unit_id=HSV, by_person=False, at=NOW)
PERSON = Author(provider_id=None, unit_id=None, by_person=True, at=NOW)
OPS = TypeAdapter(list[model.Operation])


def ops(*raw: dict) -> list:
    return OPS.validate_python(list(raw))


def plan(kind: str = "patientkontrakt", *raw: dict, author: Author = GP) -> model.PlanDocument:
    return model.apply_operations(model.new_document(kind), ops(*raw), author)


WOUND = {"op": "add_activity", "text": "Såromläggning", "due": "2026-11-25",
         "responsible": {"kind": "municipal_unit", "unit_id": HSV}}
WALK = {"op": "add_activity", "text": "Promenad", "responsible": {"kind": "person"}, "recurrence": "varje dag"}
VISIT = {"op": "add_time", "start": "2026-11-24T08:00:00+01:00", "with_whom": "Erik", "mode": "besok",
         "place": "Vårdcentralen", "purpose": "Återbesök"}


def test_the_responsible_unit_documents_an_activitys_status_in_its_own_record():
    doc = plan("patientkontrakt", WOUND)
    status, = ops({"op": "set_activity_status", "id": "a1", "status": "klar"})
    text, = ops({"op": "update_activity", "id": "a1", "text": "Såromläggning varannan dag"})
    assert model.write_owner(status, doc, NURSE, REGION) == KOMMUN
    assert model.write_owner(text, doc, NURSE, REGION) == REGION  # the region's record: the policy refuses
    assert model.write_owner(text, doc, GP, REGION) == REGION
    added, = ops({"op": "add_goal", "text": "Läka såren"})
    assert model.write_owner(added, doc, NURSE, REGION) == KOMMUN  # a new element is the author's own


def test_the_person_may_add_own_activities_and_notes_but_not_care_decisions():
    doc = plan("patientkontrakt", WOUND, VISIT)
    allowed = ops(WALK, {"op": "add_note", "text": "Sömnen"},
                  {"op": "request_time_change", "id": "o2", "kind": "flytta"},
                  {"op": "mark_self_care_done", "id": "e9"})
    assert all(model.resident_may(op, doc) for op in allowed)
    refused = ops({"op": "add_goal", "text": "x"}, {**WOUND}, {"op": "set_activity_status", "id": "a1",
                                                                "status": "klar"},
                  {"op": "remove", "section": "activities", "id": "a1"})
    assert not any(model.resident_may(op, doc) for op in refused)
    mine = model.apply_operations(doc, ops(WALK), PERSON)
    assert model.resident_may(ops({"op": "remove", "section": "activities", "id": "a3"})[0], mine)


def test_next_step_is_the_earliest_dated_thing_and_overdue_counts_swedish_days():
    doc = plan("patientkontrakt", WALK, WOUND, VISIT)
    step = model.next_step(doc, NOW)
    assert (step.kind, step.element_id, step.on) == ("time", "o3", date(2026, 11, 24))
    later = datetime(2026, 11, 25, 22, 30, tzinfo=UTC)  # 23:30 on the 25th in Stockholm: still due today
    assert model.overdue_activities(doc, later) == []
    after = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 00:30 on the 26th
    assert [a.id for a in model.overdue_activities(doc, after)] == ["a2"]
    step = model.next_step(doc, after)
    assert (step.kind, step.element_id, step.on) == ("activity", "a1", None)  # only the undated walk remains


def test_a_time_needs_a_place_or_a_link_and_moving_it_answers_the_request():
    with pytest.raises(ValidationFailed):
        plan("patientkontrakt", {**VISIT, "mode": "video", "place": None})
    with pytest.raises(ValidationError):
        ops({**VISIT, "mode": "video", "video_link": "http://insecure.invalid/x"})
    doc = plan("patientkontrakt", VISIT)
    doc = model.apply_operations(doc, ops({"op": "request_time_change", "id": "o1", "kind": "flytta"}), PERSON)
    assert model.open_requests(doc) == 1
    doc = model.apply_operations(doc, ops({"op": "update_time", "id": "o1", "start": "2026-11-26T08:00:00Z"}), GP)
    assert model.open_requests(doc) == 0 and doc.times[0].moved_from == datetime(2026, 11, 24, 7, tzinfo=UTC)


COMPLETE_SIP = [
    {"op": "set_sip_consent", "given": True},
    {"op": "add_intervention", "text": "Hemtjänst", "principal_provider_id": KOMMUN},
    {"op": "set_no_other_measures", "none": True},
    {"op": "set_overall_responsibility", "principal_provider_id": KOMMUN},
]


def sip_in_plan_phase(*raw: dict) -> model.PlanDocument:
    doc = plan("sip", *raw)
    for phase in ("kartlaggning", "plan"):
        doc = model.transition(doc, phase, GP)
    return doc


def test_explicitly_no_measures_by_others_is_a_stated_part_and_finalising_records_who():
    doc = sip_in_plan_phase(*COMPLETE_SIP)
    assert model.missing_for_finalising(doc) == []
    done = model.transition(doc, model.FINALISE_TO, GP)
    assert done.sip.phase is model.SipPhase.UPPFOLJNING and done.sip.established.provider_id == REGION
    back = model.transition(done, "plan", GP)
    assert back.sip.established is None  # revising the plan means fastställa it again


def test_every_missing_part_is_named_at_once():
    doc = sip_in_plan_phase({"op": "add_intervention", "text": "Hemtjänst"})
    with pytest.raises(SipIncomplete) as raised:
        model.transition(doc, "uppfoljning", GP)
    assert [m.part for m in raised.value.missing] == [
        StatutoryPart.RESPONSIBLE_PRINCIPAL, StatutoryPart.OTHER_MEASURES, StatutoryPart.OVERALL_RESPONSIBILITY,
        StatutoryPart.CONSENT]
    assert raised.value.missing[0].element_ids == ("s1",)
    assert "insats s1" in raised.value.extra["missing"][0]["detail"]


def test_the_sip_lifecycle_moves_one_step_or_closes():
    doc = plan("sip", *COMPLETE_SIP)
    with pytest.raises(Conflict):
        model.transition(doc, "plan", GP)  # kallelse → plan skips kartläggning
    closed = model.transition(doc, "avslutad", GP)  # a SIP may end early
    with pytest.raises(Conflict):
        model.apply_operations(closed, ops({"op": "add_intervention", "text": "x"}), GP)
    with pytest.raises(ValidationFailed):
        plan("patientkontrakt", {"op": "set_sip_consent", "given": True})


def test_element_ids_are_never_reused_and_unknown_ones_are_not_found():
    doc = plan("patientkontrakt", {"op": "add_goal", "text": "A"}, {"op": "add_goal", "text": "B"})
    doc = model.apply_operations(doc, ops({"op": "remove", "section": "goals", "id": "g2"},
                                          {"op": "add_goal", "text": "C"}), GP)
    assert [g.id for g in doc.goals] == ["g1", "g3"]
    with pytest.raises(NotFound):
        model.apply_operations(doc, ops({"op": "update_goal", "id": "g2", "text": "x"}), GP)


def test_the_difference_reads_as_swedish_sentences():
    old = plan("patientkontrakt", WOUND, {"op": "add_team_member", "role": "fast_vardkontakt", "name": "Maja"})
    new = model.apply_operations(old, ops({"op": "set_activity_status", "id": "a1", "status": "pagaende"},
                                          {"op": "remove", "section": "team", "id": "t2"},
                                          {"op": "add_goal", "text": "Läka", "own_words": True}), NURSE)
    assert [model.describe(e) for e in model.diff_documents(old, new)] == [
        "Mål tillagt: Läka",
        "Aktivitet ändrad: Såromläggning – status: planerad → pågående",
        "Medlem i vårdteamet borttagen: Maja",
    ]
    assert model.summary(model.diff_documents(new, new)) == "Inga ändringar"


def test_units_in_the_plan_and_the_agenda_for_worklists():
    doc = plan("sip", WOUND, {"op": "invite_unit", "unit_id": 30},
               {"op": "add_team_member", "role": "fast_lakarkontakt", "name": "Erik", "unit_id": VC})
    roles = model.involved_units(doc)
    assert roles == {HSV: {model.UnitRole.ACTIVITY}, 30: {model.UnitRole.INVITED}, VC: {model.UnitRole.TEAM}}
    assert model.care_units(doc) == {HSV, VC}
    assert [(i.kind, i.unit_id, i.on) for i in model.agenda(doc)] == [("activity", HSV, date(2026, 11, 25))]


def test_requests_are_bounded_before_they_reach_a_database():
    with pytest.raises(ValidationError):
        ops({"op": "add_time", **{k: v for k, v in VISIT.items() if k != "op"}, "start": "0001-01-01T00:00:00+23:59"})
    with pytest.raises(ValidationError):
        ops({"op": "add_goal", "text": "x" * 2001})
    with pytest.raises(ValidationError):
        ops({"op": "invite_unit", "unit_id": 2**63})
    with pytest.raises(ValidationError):
        ops({"op": "add_goal", "text": "x", "unknown": 1})
