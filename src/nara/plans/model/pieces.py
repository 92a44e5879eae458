"""Who documented each piece of a plan, as the access policy decides it (DOMAIN §5)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from nara.access.model import InformationCategory
from nara.plans.model.diff import DiffEntry
from nara.plans.model.document import Intervention, PlanDocument, Recorded
from nara.plans.model.operations import (
    SIP_OPERATIONS,
    SIP_SECTIONS,
    AcknowledgeNote,
    AddGoal,
    AddIntervention,
    AnswerInvitation,
    Author,
    OperationBase,
    Section,
    SetActivityStatus,
    SetPlanStatus,
    UpdateGoal,
    UpdateIntervention,
)
from nara.plans.model.writing import SECTIONS, find_element, target_of, write_owner

SOCIAL_UNIT_KINDS = frozenset({"socialtjanst", "hemtjanst", "sabo"})
"""Units of the municipality's social services (socialtjänstlagen): socialtjänst/biståndshandläggning, hemtjänst and
särskilt boende. Hemsjukvård is the municipality's health care, not social services."""

Key = tuple[str, str | None, str]
"""Where a piece sits in a document: (section, element id, part). Parts: ``element`` for an element of a section,
``note`` for an activity's status and note (documented by whoever set the status), and for a SIP's plan-wide
facts the section ``sip`` with no id and the part ``consent``, ``meeting``, ``no_other_measures``, ``overall`` or
``established``."""

FRAME: Key = ("plan", None, "frame")


@dataclass(frozen=True, slots=True)
class Piece:
    """A piece of a plan as the access policy is asked about it: its kind of information, the care provider and
    unit that documented it, and whether it concerns or is addressed to social services (DOMAIN §5: "decide per
    piece of information by the provider and unit that documented it — a shared plan holds pieces from several")."""

    category: InformationCategory
    provider_id: int
    unit_id: int | None
    social_scope: bool


@dataclass(frozen=True, slots=True)
class PlanContext:
    """What deciding a plan's pieces needs besides the document: the plan's owner (who the person's own entries and
    the plan's frame belong to), the kind of each unit the document names (nara.directory: UnitRow.kind) and which
    care providers are municipalities."""

    owner_provider_id: int
    owner_unit_id: int
    unit_kinds: Mapping[int, str]
    municipal_providers: frozenset[int] = frozenset()

    def social(self, unit_id: int | None) -> bool:
        return unit_id is not None and self.unit_kinds.get(unit_id) in SOCIAL_UNIT_KINDS


def piece_of(recorded: Recorded | None, ctx: PlanContext, *, note: bool = False,
             concerns: Iterable[int | None] = (), social: bool = False) -> Piece:
    """The piece documented by ``recorded``. What the person wrote themself belongs to the plan's owner (as
    :func:`write_owner` has it). A note written by a health-care unit is a journal note (ANTECKNINGAR: a
    biståndshandläggare never reads it), one written by a social-services unit is social documentation, anything
    else in a plan is PLAN. It concerns social services when its author or a unit it ``concerns`` (the responsible
    unit) is a social-services unit, or when ``social`` says so."""
    if recorded is None or recorded.by_person or recorded.provider_id is None:
        provider, unit = ctx.owner_provider_id, ctx.owner_unit_id
    else:
        provider, unit = recorded.provider_id, recorded.unit_id
    if note:
        category = (InformationCategory.SOCIAL_DOKUMENTATION if ctx.social(unit)
                    else InformationCategory.ANTECKNINGAR)
    else:
        category = InformationCategory.PLAN
    scope = social or ctx.social(unit) or any(ctx.social(u) for u in concerns)
    return Piece(category, provider, unit, scope)


def _social_intervention(intervention: Intervention, ctx: PlanContext) -> bool:
    """An intervention (or measure) whose principal is the municipality's social services: a municipality, at a
    social-services unit or with no unit named (DOMAIN §3)."""
    return intervention.principal_provider_id in ctx.municipal_providers and (
        intervention.unit_id is None or ctx.social(intervention.unit_id))


def plan_pieces(doc: PlanDocument, ctx: PlanContext) -> dict[Key, Piece]:
    """Every piece of the document with who documented it, for the access policy. The SIP's statutory frame —
    participants, measures by others, overall responsibility, follow-up, consent, meeting, goals — concerns social
    services (a biståndshandläggare reads the SIP, DOMAIN §3, §5)."""
    sip = doc.sip is not None
    pieces: dict[Key, Piece] = {}
    for goal in doc.goals:
        pieces[(Section.GOALS.value, goal.id, "element")] = piece_of(goal.recorded, ctx, social=sip)
    for activity in doc.activities:
        concerns = (activity.responsible.unit_id,)
        pieces[(Section.ACTIVITIES.value, activity.id, "element")] = piece_of(activity.recorded, ctx,
                                                                              concerns=concerns)
        if activity.status_recorded is not None:
            pieces[(Section.ACTIVITIES.value, activity.id, "note")] = piece_of(
                activity.status_recorded, ctx, note=activity.note is not None, concerns=concerns)
    for item in doc.self_care:
        pieces[(Section.SELF_CARE.value, item.id, "element")] = piece_of(item.recorded, ctx)
    for member in doc.team:
        pieces[(Section.TEAM.value, member.id, "element")] = piece_of(member.recorded, ctx,
                                                                      concerns=(member.unit_id,))
    for booked in doc.times:
        pieces[(Section.TIMES.value, booked.id, "element")] = piece_of(booked.recorded, ctx)
    for note in doc.notes:
        pieces[(Section.NOTES.value, note.id, "element")] = piece_of(note.recorded, ctx)
    for approval in doc.commitment_approvals:  # the change asked about is its author's; the answer the approver's
        pieces[("commitment_approvals", approval.id, "element")] = piece_of(approval.requested, ctx,
                                                                            concerns=(approval.unit_id,))
        if approval.answered is not None:
            pieces[("commitment_approvals", approval.id, "note")] = piece_of(approval.answered, ctx,
                                                                             concerns=(approval.unit_id,))
    if doc.sip is not None:
        s = doc.sip
        for invitation in s.invitations:
            pieces[(Section.INVITATIONS.value, invitation.id, "element")] = piece_of(
                invitation.recorded, ctx, social=True)
        for intervention in s.interventions:
            pieces[(Section.INTERVENTIONS.value, intervention.id, "element")] = piece_of(
                intervention.recorded, ctx, concerns=(intervention.unit_id,),
                social=_social_intervention(intervention, ctx))
        for measure in s.other_measures:
            pieces[(Section.OTHER_MEASURES.value, measure.id, "element")] = piece_of(measure.recorded, ctx,
                                                                                     social=True)
        for follow_up in s.follow_ups:
            pieces[(Section.FOLLOW_UPS.value, follow_up.id, "element")] = piece_of(follow_up.recorded, ctx,
                                                                                   social=True)
        for part, stamp in (("consent", s.consent.recorded if s.consent else None),
                            ("meeting", s.meeting.recorded if s.meeting else None),
                            ("no_other_measures", s.no_other_measures), ("overall", s.overall_recorded),
                            ("established", s.established)):
            if stamp is not None:
                pieces[("sip", None, part)] = piece_of(stamp, ctx, social=True)
    return pieces


def frame_piece(doc: PlanDocument, ctx: PlanContext, pieces: Mapping[Key, Piece] | None = None) -> Piece:
    """The plan itself — what it is, its owner, status or phase, the person's participation — as its owner
    documented it. A SIP concerns social services, and so does a plan with any part that does (a
    biståndshandläggare may open it and sees those parts, DOMAIN §5)."""
    pieces = plan_pieces(doc, ctx) if pieces is None else pieces
    social = doc.sip is not None or ctx.social(ctx.owner_unit_id) or any(p.social_scope for p in pieces.values())
    return Piece(InformationCategory.PLAN, ctx.owner_provider_id, ctx.owner_unit_id, social)


def author_piece(provider_id: int | None, unit_id: int | None, by_person: bool, ctx: PlanContext,
                 frame: Piece) -> Piece:
    """Who wrote a version, as a piece: the author's care provider and unit are shown only to whom their plan
    entries may be shown (a version's author under a yttre spärr is not named, DOMAIN §5)."""
    if by_person or provider_id is None:
        return frame
    return Piece(InformationCategory.PLAN, provider_id, unit_id, frame.social_scope)


def write_piece(op: OperationBase, doc: PlanDocument, author: Author, ctx: PlanContext) -> Piece:
    """The piece ``op`` writes, for the access policy: the record of :func:`write_owner`, at the unit that documents
    it, with its kind of information and whether it concerns social services (so role levels and inre spärr apply
    to writes too)."""
    provider = write_owner(op, doc, author, ctx.owner_provider_id)
    if author.by_person or author.provider_id is None:
        return frame_piece(doc, ctx)
    target = target_of(op)
    element = find_element(doc, *target) if target is not None else None
    own_entry = provider == author.provider_id
    if isinstance(op, SetActivityStatus) and element is not None and own_entry \
            and element.responsible.unit_id == author.unit_id:
        concerns: tuple[int | None, ...] = (element.responsible.unit_id,)
        return piece_of(author.recorded(), ctx, note=op.note is not None, concerns=concerns)
    if element is not None and not isinstance(op, (AcknowledgeNote, AnswerInvitation)):
        section, element_id = target  # type: ignore[misc]
        existing = plan_pieces(doc, ctx).get((section.value, element_id, "element"))
        if existing is not None:
            if isinstance(op, SetActivityStatus) and op.note is not None:
                return Piece(piece_of(element.recorded, ctx, note=True).category, existing.provider_id,
                             existing.unit_id, existing.social_scope)
            return existing
    if isinstance(op, SetPlanStatus) or (provider != author.provider_id and target is None):
        return frame_piece(doc, ctx)
    return piece_of(author.recorded(), ctx, note=isinstance(op, SetActivityStatus) and op.note is not None,
                    concerns=_op_units(op), social=_op_social(op, doc, ctx))


def _op_units(op: OperationBase) -> tuple[int | None, ...]:
    responsible = getattr(op, "responsible", None)
    return (responsible.unit_id if responsible is not None else None, getattr(op, "unit_id", None))


def _op_social(op: OperationBase, doc: PlanDocument, ctx: PlanContext) -> bool:
    if isinstance(op, (AddIntervention, UpdateIntervention)):
        return op.principal_provider_id in ctx.municipal_providers and (
            op.unit_id is None or ctx.social(op.unit_id))
    if isinstance(op, SIP_OPERATIONS):
        return True  # the SIP's statutory frame
    return isinstance(op, (AddGoal, UpdateGoal)) and doc.sip is not None


def redact(doc: PlanDocument, withheld: Iterable[Key]) -> PlanDocument:
    """``doc`` without the withheld pieces: their elements left out, an activity's withheld status note left out
    (its status stays: that the activity is done is part of the activity), a SIP's withheld plan-wide fact
    emptied. What is withheld is never in what is shown (DOMAIN §5); the caller says that it is withheld."""
    withheld = set(withheld)
    if not withheld:
        return doc
    changes: dict[str, Any] = {}
    sip_changes: dict[str, Any] = {}
    for section in Section:
        items = SECTIONS[section](doc)
        kept = []
        for element in items:
            if (section.value, element.id, "element") in withheld:
                continue
            if (section.value, element.id, "note") in withheld:
                element = element.model_copy(update={"note": None, "status_recorded": None})
            kept.append(element)
        if len(kept) != len(items) or any(a is not b for a, b in zip(kept, items, strict=True)):
            (sip_changes if section in SIP_SECTIONS else changes)[section.value] = tuple(kept)
    if doc.sip is not None:
        s = doc.sip
        for part, field_name in (("consent", "consent"), ("meeting", "meeting"),
                                 ("no_other_measures", "no_other_measures"), ("established", "established")):
            if ("sip", None, part) in withheld:
                sip_changes[field_name] = None
        if ("sip", None, "overall") in withheld:
            sip_changes.update(overall_principal_provider_id=None, overall_recorded=None)
        if sip_changes:
            changes["sip"] = s.model_copy(update=sip_changes)
    # A withheld change asked about is left out; a withheld answer leaves only whether it was approved (as an
    # activity's status stays when its note is withheld).
    approvals = tuple(r if ("commitment_approvals", r.id, "note") not in withheld
                      else r.model_copy(update={"answered": None, "name": None, "role": None, "reason": None})
                      for r in doc.commitment_approvals if ("commitment_approvals", r.id, "element") not in withheld)
    if approvals != doc.commitment_approvals:
        changes["commitment_approvals"] = approvals
    return doc.model_copy(update=changes) if changes else doc


_SIP_FIELD_PART = {"consent": "consent", "meeting": "meeting", "no_other_measures": "no_other_measures",
                   "overall_principal_provider_id": "overall", "established": "established"}


def diff_key(entry: DiffEntry, field_name: str | None = None) -> Key:
    """The piece a change belongs to: an element's, an activity's status note (its ``note`` field, and the status
    when set by another unit), a SIP's plan-wide fact, or the plan's frame."""
    if entry.section == "sip":
        part = _SIP_FIELD_PART.get(field_name or "")
        return ("sip", None, part) if part else FRAME
    if entry.section == "plan" or entry.element_id is None:
        return FRAME
    if entry.section == Section.ACTIVITIES.value and field_name in ("note", "status_recorded"):
        return (entry.section, entry.element_id, "note")
    return (entry.section, entry.element_id, "element")
