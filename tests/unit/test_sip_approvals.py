"""The SIP decided together (DOMAIN §3), as pure rules: who the parties are, that the last approval makes the SIP
fastställd, that a change to what the plan states reopens approval while a meeting or a status does not, and that
a kallelse adds a meeting rather than moving the one there."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from nara.core.errors import Conflict, ValidationFailed
from nara.plans import model
from nara.plans.model import SipIncomplete, SipPhase

from .test_plans_model import GP, KOMMUN, NOW, NURSE, PERSON, REGION, ops, plan, sip_in_plan_phase

TWO_PRINCIPALS = [
    {"op": "set_sip_consent", "given": True},
    {"op": "add_intervention", "text": "Hemtjänst", "principal_provider_id": KOMMUN},
    {"op": "add_intervention", "text": "Läkemedelsgenomgång", "principal_provider_id": REGION},
    {"op": "set_no_other_measures", "none": True},
    {"op": "set_overall_responsibility", "principal_provider_id": KOMMUN},
]
APPROVE = ops({"op": "approve_sip"})


def test_the_parties_are_each_principal_and_the_person():
    doc = sip_in_plan_phase(*TWO_PRINCIPALS)
    assert model.parties(doc) == (REGION, KOMMUN, None)
    assert model.missing_approvals(doc) == (REGION, KOMMUN, None)


def test_the_last_approval_makes_the_sip_fastställd_and_no_party_alone_does():
    doc = sip_in_plan_phase(*TWO_PRINCIPALS)
    named = replace(GP, name="Erik Testlund", role="Läkare, Vårdcentralen Kumla")
    doc = model.apply_operations(doc, APPROVE, named)
    assert doc.sip.phase is SipPhase.PLAN and doc.sip.established is None
    [approval] = doc.sip.approvals
    assert (approval.provider_id, approval.name, approval.role, approval.recorded.at) == (
        REGION, "Erik Testlund", "Läkare, Vårdcentralen Kumla", NOW)
    doc = model.apply_operations(doc, APPROVE, replace(PERSON, name="Tolvan Tolvansson"))
    assert model.missing_approvals(doc) == (KOMMUN,)
    last = replace(NURSE, at=NOW + timedelta(hours=1), name="Hanna Hemlund")
    doc = model.apply_operations(doc, APPROVE, last)
    assert doc.sip.phase is SipPhase.UPPFOLJNING and doc.sip.established == last.recorded()


def test_a_change_to_what_the_plan_states_reopens_approval_a_meeting_does_not():
    doc = model.apply_operations(sip_in_plan_phase(*TWO_PRINCIPALS), APPROVE, GP)
    met = model.apply_operations(doc, ops({"op": "add_meeting", "start": "2026-12-01T13:00:00+01:00",
                                           "place": "Vårdcentralen"}), GP)
    assert [a.provider_id for a in met.sip.approvals] == [REGION]
    changed = model.apply_operations(met, ops({"op": "update_intervention", "id": "s2", "text": "Ny text"}), NURSE)
    assert changed.sip.approvals == () and changed.sip.approvals_reopened == NURSE.recorded()
    assert model.missing_approvals(changed) == (REGION, KOMMUN, None)


def test_approval_needs_a_party_a_complete_plan_and_the_plan_phase():
    other = replace(GP, provider_id=99)
    with pytest.raises(ValidationFailed):
        model.apply_operations(sip_in_plan_phase(*TWO_PRINCIPALS), APPROVE, other)
    with pytest.raises(SipIncomplete):
        model.apply_operations(sip_in_plan_phase(*TWO_PRINCIPALS[1:]), APPROVE, GP)
    with pytest.raises(Conflict):
        model.apply_operations(plan("sip", *TWO_PRINCIPALS), APPROVE, GP)  # still in the kallelse phase
    ombud = model.apply_operations(sip_in_plan_phase(*TWO_PRINCIPALS),
                                   ops({"op": "approve_sip", "representative": "Anna Ombudsdotter"}), GP)
    assert [(a.provider_id, a.representative) for a in ombud.sip.approvals] == [(None, "Anna Ombudsdotter")]
    assert model.resident_may(APPROVE[0], ombud) and not model.resident_may(
        ops({"op": "approve_sip", "representative": "X"})[0], ombud)


def test_a_kallelse_adds_a_meeting_and_the_earlier_ones_stay_in_the_agenda():
    doc = plan("sip", {"op": "add_meeting", "start": "2026-12-01T13:00:00+01:00", "place": "Vårdcentralen"},
               {"op": "add_meeting", "start": "2026-12-08T13:00:00+01:00", "place": "Hemmet"})
    assert [m.place for m in doc.sip.meetings] == ["Vårdcentralen", "Hemmet"]
    assert [(i.kind, i.element_id) for i in model.agenda(doc)] == [("sip_meeting", "meeting1"),
                                                                  ("sip_meeting", "meeting")]
    assert model.next_step(doc, NOW).at == doc.sip.earlier_meetings[0].start
