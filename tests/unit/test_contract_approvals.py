"""A Patientkontrakt change that alters another principal's commitments waits for that principal's approval
(DOMAIN §2–3), as pure rules: what asks whom, what asks nothing, approving and declining with name, role, time and
reason, a later change reopening, and what cannot be answered."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nara.core.errors import Conflict, ValidationFailed
from nara.plans import model
from nara.plans.model.approvals import (
    AnswerCommitments,
    NothingToApprove,
    answer_commitments,
    approval_of,
    request_approvals,
    touched_commitments,
    waiting,
)
from nara.plans.model.document import ApprovalState, CommitmentChange

from .test_plans_model import GP, HSV, KOMMUN, NOW, NURSE, PERSON, REGION, VC, ops

OTHER_KOMMUN, HEMTJANST = 3, 30
PROVIDERS = {VC: REGION, HSV: KOMMUN, HEMTJANST: OTHER_KOMMUN}
WOUND = {"op": "add_activity", "text": "Såromläggning", "due": "2026-11-25",
         "responsible": {"kind": "municipal_unit", "unit_id": HSV}}
REVIEW = {"op": "add_activity", "text": "Läkemedelsgenomgång", "responsible": {"kind": "region_unit", "unit_id": VC}}
WALK = {"op": "add_activity", "text": "Promenad", "responsible": {"kind": "person"}}
NAMED_NURSE = replace(NURSE, name="Sara Provsson", role="Sjuksköterska, Hemsjukvården Kumla")


def change(doc: model.PlanDocument, author, *raw: dict, version: int = 2) -> model.PlanDocument:
    """``doc`` changed by ``raw`` as the service does it: applied, then the approvals it asks for."""
    new = model.apply_operations(doc, ops(*raw), author)
    return request_approvals(doc, new, author, PROVIDERS, version)


def created(*raw: dict, author=GP) -> model.PlanDocument:
    return change(model.new_document("patientkontrakt"), author, *raw, version=1)


def test_the_region_adding_an_activity_for_the_municipality_waits_for_the_municipality():
    doc = created(WOUND, REVIEW, WALK)
    [record] = doc.commitment_approvals
    assert (record.activity_id, record.provider_id, record.unit_id, record.change, record.since_version) == (
        "a1", KOMMUN, HSV, CommitmentChange.TILLAGD, 1)
    assert (record.state, record.title, record.requested.provider_id, record.requested.unit_id) == (
        ApprovalState.VANTAR, "Såromläggning", REGION, VC)
    assert waiting(doc, KOMMUN) == (record,) and waiting(doc, REGION) == ()


def test_a_principal_changing_its_own_commitments_and_statuses_asks_nothing():
    doc = created(REVIEW, WALK)
    assert doc.commitment_approvals == ()
    own = created(WOUND, author=NURSE)
    assert own.commitment_approvals == ()
    doc = change(answer(created(WOUND), NAMED_NURSE, True), NURSE,
                 {"op": "set_activity_status", "id": "a1", "status": "pagaende", "note": "Första omläggningen"})
    assert waiting(doc) == ()  # the responsible unit documents what it did: not a change to the agreement


def test_editing_reassigning_and_removing_ask_each_principal_concerned():
    doc = answer(created(WOUND), NAMED_NURSE, True)
    edited = change(doc, GP, {"op": "update_activity", "id": "a1", "due": "2026-11-27"})
    assert [(r.provider_id, r.change, r.reopened, r.since_version) for r in waiting(edited)] == [
        (KOMMUN, CommitmentChange.ANDRAD, True, 2)]  # the earlier approval no longer holds: whose is missing
    moved = change(doc, GP, {"op": "update_activity", "id": "a1",
                             "responsible": {"kind": "municipal_unit", "unit_id": HEMTJANST}})
    assert {(r.provider_id, r.unit_id, r.change) for r in waiting(moved)} == {
        (KOMMUN, HSV, CommitmentChange.FLYTTAD), (OTHER_KOMMUN, HEMTJANST, CommitmentChange.TILLAGD)}
    to_own = change(doc, GP, {"op": "update_activity", "id": "a1",
                              "responsible": {"kind": "region_unit", "unit_id": VC}})
    assert [(r.provider_id, r.change) for r in waiting(to_own)] == [(KOMMUN, CommitmentChange.FLYTTAD)]
    removed = change(doc, GP, {"op": "remove", "section": "activities", "id": "a1"})
    [record] = waiting(removed)
    assert (record.change, record.title) == (CommitmentChange.BORTTAGEN, "Såromläggning")  # said after it is gone


def test_a_change_never_approved_and_then_withdrawn_leaves_nothing_to_approve():
    doc = created(WOUND)
    edited = change(doc, GP, {"op": "update_activity", "id": "a1", "text": "Såromläggning varannan dag"})
    [record] = waiting(edited)
    assert (record.change, record.title, record.reopened) == (CommitmentChange.TILLAGD, "Såromläggning varannan dag",
                                                              False)
    assert change(edited, GP, {"op": "remove", "section": "activities", "id": "a1"}, version=3) \
        .commitment_approvals == ()


def answer(doc: model.PlanDocument, author, accept: bool, reason: str | None = None) -> model.PlanDocument:
    return answer_commitments(doc, AnswerCommitments(op="answer_commitments", accept=accept, reason=reason), author)


def test_approving_and_declining_are_recorded_with_name_role_time_and_reason():
    doc = created(WOUND, {**WOUND, "text": "Insulin kvällstid"})
    approved = answer(doc, NAMED_NURSE, True)
    assert {(r.activity_id, r.state, r.name, r.role, r.answered.at, r.answered.provider_id) for r in
            approved.commitment_approvals} == {
        (a, ApprovalState.GODKAND, "Sara Provsson", "Sjuksköterska, Hemsjukvården Kumla", NOW, KOMMUN)
        for a in ("a1", "a2")}
    declined = answer(doc, NAMED_NURSE, False, "Vi har inte kvällsbemanning i hemsjukvården")
    assert {r.state for r in declined.commitment_approvals} == {ApprovalState.AVBOJD}
    assert approval_of(declined, "a2")[0].reason == "Vi har inte kvällsbemanning i hemsjukvården"
    assert [a.text for a in declined.activities] == ["Såromläggning", "Insulin kvällstid"]  # nothing reverted


def test_what_cannot_be_answered():
    doc = created(WOUND)
    with pytest.raises(ValidationFailed) as refused:
        answer(doc, NAMED_NURSE, False)
    assert refused.value.key == "plans.approval.reason_required"
    with pytest.raises(NothingToApprove):
        answer(doc, GP, True)  # nothing waits for the region
    with pytest.raises(NothingToApprove):
        answer(answer(doc, NAMED_NURSE, True), NAMED_NURSE, True)  # answered already
    with pytest.raises(ValidationFailed):
        answer(doc, PERSON, True)  # the person does not answer for a principal
    ended = model.apply_operations(doc, ops({"op": "set_plan_status", "status": "avslutad"}), GP)
    with pytest.raises(Conflict):
        answer(ended, NAMED_NURSE, True)
    with pytest.raises(ValidationFailed):
        answer(model.new_document("sip"), NAMED_NURSE, True)


def test_a_sip_asks_no_commitment_approvals_it_is_approved_as_a_whole():
    sip = model.new_document("sip")
    assert touched_commitments(sip, model.apply_operations(sip, ops(WOUND), GP), GP, PROVIDERS) == []


def test_the_readable_difference_says_an_approval_was_asked_and_answered():
    doc = created(WOUND)
    entries = model.diff_documents(model.new_document("patientkontrakt"), doc)
    assert [(e.section, e.element_id) for e in entries][-1] == ("commitment_approvals", f"a1.{KOMMUN}")
    answered = answer(doc, NAMED_NURSE, True)
    [entry] = model.diff_documents(doc, answered)
    assert model.describe(entry) == ("Godkännande av ändrad aktivitet: Såromläggning – godkännande: "
                                     "väntar på godkännande → godkänd")
