"""The SIP's statutory parts and lifecycle (DOMAIN §3), and what the person and the team see first: the next step,
overdue activities, the agenda and the units that take part."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from nara.core.clock import local_date
from nara.core.errors import Conflict, ValidationFailed
from nara.core.i18n import t
from nara.plans.model.document import (
    OPEN_ACTIVITY,
    SIP_ORDER,
    Activity,
    InvitationStatus,
    PlanDocument,
    SipPhase,
    StatutoryPart,
    TimeStatus,
    with_sip,
)
from nara.plans.model.operations import Author

# --- SIP: statutory parts and lifecycle --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Missing:
    """A statutory part (or the consent) a SIP lacks; ``element_ids``: e.g. interventions without a principal."""

    part: StatutoryPart
    element_ids: tuple[str, ...] = ()

    @property
    def message(self) -> str:
        return t(f"plans.sip.missing.{self.part.value}", ids=", ".join(self.element_ids))


def missing_for_finalising(doc: PlanDocument) -> list[Missing]:
    """What a SIP still lacks before it can be fastställd: the four statutory parts (SoL 2 kap. 7 §, HSL 16 kap.
    4 §, DOMAIN §3) — interventions, a responsible principal for each, measures by others or an explicit "none",
    the principal with overall responsibility — and the person's consent. Empty when complete."""
    sip = doc.sip
    if sip is None:
        return []
    missing: list[Missing] = []
    if not sip.interventions:
        missing.append(Missing(StatutoryPart.INTERVENTIONS))
    without = tuple(i.id for i in sip.interventions if i.principal_provider_id is None)
    if without:
        missing.append(Missing(StatutoryPart.RESPONSIBLE_PRINCIPAL, without))
    if not sip.other_measures and sip.no_other_measures is None:
        missing.append(Missing(StatutoryPart.OTHER_MEASURES))
    if sip.overall_principal_provider_id is None:
        missing.append(Missing(StatutoryPart.OVERALL_RESPONSIBILITY))
    if sip.consent is None or not sip.consent.given:
        missing.append(Missing(StatutoryPart.CONSENT))
    return missing


class SipIncomplete(ValidationFailed):
    """422: the SIP cannot be fastställd; ``extra`` names each missing part for the problem details."""

    code = "sip-incomplete"

    def __init__(self, missing: Sequence[Missing]) -> None:
        super().__init__("plans.sip.incomplete", parts=", ".join(t(f"plans.part.{m.part.value}") for m in missing))
        self.missing = tuple(missing)
        self.extra = {"missing": [{"part": m.part.value, "element_ids": list(m.element_ids), "detail": m.message}
                                  for m in missing]}


APPROVABLE = frozenset({SipPhase.PLAN, SipPhase.UPPFOLJNING, SipPhase.UTVARDERING})
"""Phases in which the parties approve the plan: the plan phase, and after it was fastställd when a change reopened
approval."""


def parties(doc: PlanDocument) -> tuple[int | None, ...]:
    """Who must approve the SIP before it is fastställd (DOMAIN §3: made together with the person; if one principal
    asks for a SIP the other takes part): each principal (huvudman, a care provider) the plan names — responsible
    for an intervention or with the overall responsibility — and the person (None), themself or through an ombud."""
    sip = doc.sip
    if sip is None:
        return ()
    principals = {i.principal_provider_id for i in sip.interventions if i.principal_provider_id is not None}
    if sip.overall_principal_provider_id is not None:
        principals.add(sip.overall_principal_provider_id)
    return (*sorted(principals), None)


def missing_approvals(doc: PlanDocument) -> tuple[int | None, ...]:
    """The parties (see :func:`parties`) that have not approved the plan as it reads now."""
    if doc.sip is None:
        return ()
    approved = {a.provider_id for a in doc.sip.approvals}
    return tuple(p for p in parties(doc) if p not in approved)


class SipNotApproved(Conflict):
    """409: every statutory part is there, but not every party has approved this version of the plan."""

    code = "sip-not-approved"

    def __init__(self, missing: Sequence[int | None]) -> None:
        super().__init__("plans.sip.not_approved", count=len(missing))
        self.missing = tuple(missing)
        self.extra = {"missing_approvals": [{"principal_provider_id": p, "person": p is None} for p in missing]}


FINALISE_FROM, FINALISE_TO = SipPhase.PLAN, SipPhase.UPPFOLJNING
"""Fastställa a SIP: leave the plan phase with the plan agreed, into follow-up. This is the transition that needs
the four statutory parts and the consent — the plan is what must state them (DOMAIN §3); closing (avslutad) is
possible from any phase, since a SIP may end early, e.g. when the person withdraws their consent."""


def check_transition(doc: PlanDocument, to: SipPhase | str) -> None:
    """Whether a SIP may move to phase ``to``: one step forward, one step back (to revise), or to avslutad from any
    phase. Raises Conflict for a move the lifecycle does not have, :class:`SipIncomplete` for fastställa
    (plan → uppföljning) while a statutory part or the consent is missing."""
    sip = doc.sip
    if sip is None:
        raise ValidationFailed("plans.sip_only")
    to = SipPhase(to)
    at = SIP_ORDER.index(sip.phase)
    if sip.phase is SipPhase.AVSLUTAD or to is sip.phase:
        raise Conflict("plans.sip.transition", from_phase=t(f"plans.value.{sip.phase.value}"),
                       to_phase=t(f"plans.value.{to.value}"))
    step = SIP_ORDER.index(to) - at
    if to is not SipPhase.AVSLUTAD and step not in (1, -1):
        raise Conflict("plans.sip.transition", from_phase=t(f"plans.value.{sip.phase.value}"),
                       to_phase=t(f"plans.value.{to.value}"))
    if sip.phase is FINALISE_FROM and to is FINALISE_TO:
        missing = missing_for_finalising(doc)
        if missing:
            raise SipIncomplete(missing)


def transition(doc: PlanDocument, to: SipPhase | str, author: Author) -> PlanDocument:
    """The SIP moved to phase ``to`` (see :func:`check_transition`); fastställa records who and when, going back
    to the plan phase to revise it clears that."""
    check_transition(doc, to)
    assert doc.sip is not None
    to = SipPhase(to)
    changes: dict[str, Any] = {"phase": to}
    if doc.sip.phase is FINALISE_FROM and to is FINALISE_TO:
        changes["established"] = author.recorded()
    elif to is SipPhase.PLAN:
        changes["established"] = None
        changes["approvals"] = ()
    return with_sip(doc, **changes)


# --- what the person and the team see first ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NextStep:
    """The next thing to happen in the plan (DOMAIN §2: "I don't know my next step")."""

    kind: Literal["time", "activity", "sip_meeting", "follow_up"]
    element_id: str | None
    text: str
    on: date | None
    at: datetime | None = None


def next_step(doc: PlanDocument, now: datetime) -> NextStep | None:
    """The earliest upcoming agreed time, SIP meeting or open activity due today or later; failing those, the
    first open activity without a date (e.g. a recurring one)."""
    today = local_date(now)
    candidates: list[tuple[date, datetime | None, NextStep]] = []
    for booked in doc.times:
        if booked.status is TimeStatus.BOKAD and booked.start >= now:
            candidates.append((local_date(booked.start), booked.start,
                               NextStep("time", booked.id, booked.purpose, local_date(booked.start), booked.start)))
    for activity in doc.activities:
        if activity.status in OPEN_ACTIVITY and activity.due is not None and activity.due >= today:
            candidates.append((activity.due, None, NextStep("activity", activity.id, activity.text, activity.due)))
    if doc.sip is not None and doc.sip.phase is not SipPhase.AVSLUTAD:
        for meeting in doc.sip.meetings:
            if meeting.start >= now:
                start = meeting.start
                candidates.append((local_date(start), start, NextStep(
                    "sip_meeting", None, t("plans.next.sip_meeting"), local_date(start), start)))
    if candidates:
        # A timed event on a day comes before an activity due "some time that day".
        return min(candidates, key=lambda c: (c[0], c[1] is None, c[1] or now))[2]
    undated = next((a for a in doc.activities if a.status in OPEN_ACTIVITY and a.due is None), None)
    return NextStep("activity", undated.id, undated.text, None) if undated else None


def overdue_activities(doc: PlanDocument, now: datetime) -> list[Activity]:
    """Open activities whose due date has passed (Swedish calendar days): visible to the team."""
    today = local_date(now)
    return [a for a in doc.activities if a.status in OPEN_ACTIVITY and a.due is not None and a.due < today]


def open_requests(doc: PlanDocument) -> int:
    """What the person asked for that the team has not yet handled: time requests and unacknowledged notes."""
    pending = sum(1 for b in doc.times if b.request is not None and b.request.handled_at is None
                  and b.status is TimeStatus.BOKAD)
    return pending + sum(1 for n in doc.notes if n.acknowledged is None)


@dataclass(frozen=True, slots=True)
class AgendaItem:
    """A dated open item, for worklists: indexed rows let "overdue" and "next" be asked of today, not of the day
    the plan was last written."""

    kind: Literal["activity", "time", "sip_meeting"]
    element_id: str
    unit_id: int | None
    on: date
    at: datetime | None = None


def agenda(doc: PlanDocument) -> list[AgendaItem]:
    items = [AgendaItem("activity", a.id, a.responsible.unit_id, a.due) for a in doc.activities
             if a.status in OPEN_ACTIVITY and a.due is not None]
    items += [AgendaItem("time", b.id, None, local_date(b.start), b.start) for b in doc.times
              if b.status is TimeStatus.BOKAD]
    if doc.sip is not None and doc.sip.phase is not SipPhase.AVSLUTAD:
        earlier = doc.sip.earlier_meetings
        for n, meeting in enumerate(doc.sip.meetings, start=1):
            items.append(AgendaItem("sip_meeting", "meeting" if n > len(earlier) else f"meeting{n}", None,
                                    local_date(meeting.start), meeting.start))
    return items


class UnitRole(StrEnum):
    """How a unit takes part in a plan (for worklists and care relationships)."""

    OWNER = "owner"
    TEAM = "team"
    ACTIVITY = "activity"
    SIP = "sip"  # accepted the SIP invitation, or responsible for an intervention
    INVITED = "invited"  # invited to the SIP, not yet answered


CARE_ROLES = frozenset({UnitRole.TEAM, UnitRole.ACTIVITY, UnitRole.SIP})
"""Roles that start a care relationship for the unit (DOMAIN §5: care-team-based access)."""


def involved_units(doc: PlanDocument) -> dict[int, set[UnitRole]]:
    """The units in the plan and how: team members' units, units responsible for an activity, units that
    accepted a SIP invitation or are responsible for an intervention, and units invited but not yet answered."""
    roles: dict[int, set[UnitRole]] = {}
    for member in doc.team:
        if member.unit_id is not None:
            roles.setdefault(member.unit_id, set()).add(UnitRole.TEAM)
    for activity in doc.activities:
        if activity.responsible.unit_id is not None:
            roles.setdefault(activity.responsible.unit_id, set()).add(UnitRole.ACTIVITY)
    if doc.sip is not None:
        for invitation in doc.sip.invitations:
            if invitation.status is InvitationStatus.ACCEPTERAD:
                roles.setdefault(invitation.unit_id, set()).add(UnitRole.SIP)
            elif invitation.status is InvitationStatus.INBJUDEN:
                roles.setdefault(invitation.unit_id, set()).add(UnitRole.INVITED)
        for intervention in doc.sip.interventions:
            if intervention.unit_id is not None:
                roles.setdefault(intervention.unit_id, set()).add(UnitRole.SIP)
    return roles


def care_units(doc: PlanDocument) -> set[int]:
    """Units whose part in the plan gives them a care relationship with the person."""
    return {unit for unit, roles in involved_units(doc).items() if roles & CARE_ROLES}


def referenced_ids(doc: PlanDocument) -> tuple[set[int], set[int], set[int]]:
    """(unit ids, staff ids, care provider ids) the document names, so the service can check they exist."""
    units = set(involved_units(doc))
    if doc.sip is not None:
        units |= {u for meeting in doc.sip.meetings for u in meeting.attended_units}
    staff = {m.staff_id for m in doc.team if m.staff_id is not None}
    providers: set[int] = set()
    if doc.sip is not None:
        providers = {i.principal_provider_id for i in doc.sip.interventions if i.principal_provider_id is not None}
        if doc.sip.overall_principal_provider_id is not None:
            providers.add(doc.sip.overall_principal_provider_id)
    return units, staff, providers
