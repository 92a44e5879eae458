"""Changes to a plan as values (DOMAIN §2–3): each :data:`Operation` is one change; a request carries a list of them
that together make one new version."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from nara.core.values import Phone, ShortText, Text, VideoLink
from nara.plans.model.document import (
    MAX_PARTICIPANTS,
    ActivityStatus,
    ConsentGivenBy,
    Day,
    ElementId,
    Id,
    MeetingMode,
    Participant,
    PlanStatus,
    Recorded,
    Responsible,
    SelfCareKind,
    TeamRole,
    TimeRequestKind,
    TimeStatus,
    When,
)


class OperationBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddGoal(OperationBase):
    op: Literal["add_goal"]
    text: Text
    own_words: bool = False
    follow_up: Text | None = None


class UpdateGoal(OperationBase):
    op: Literal["update_goal"]
    id: ElementId
    text: Text | None = None
    own_words: bool | None = None
    follow_up: Text | None = None
    achieved: bool | None = None


class AddActivity(OperationBase):
    op: Literal["add_activity"]
    text: Text
    responsible: Responsible
    status: ActivityStatus = ActivityStatus.PLANERAD
    due: Day | None = None
    recurrence: ShortText | None = None


class UpdateActivity(OperationBase):
    op: Literal["update_activity"]
    id: ElementId
    text: Text | None = None
    responsible: Responsible | None = None
    due: Day | None = None
    recurrence: ShortText | None = None


class SetActivityStatus(OperationBase):
    """The status of an activity; the unit responsible for it documents this in its own record."""

    op: Literal["set_activity_status"]
    id: ElementId
    status: ActivityStatus
    note: Text | None = None


class AddSelfCare(OperationBase):
    op: Literal["add_self_care"]
    kind: SelfCareKind
    text: Text


class UpdateSelfCare(OperationBase):
    op: Literal["update_self_care"]
    id: ElementId
    kind: SelfCareKind | None = None
    text: Text | None = None


class MarkSelfCareDone(OperationBase):
    op: Literal["mark_self_care_done"]
    id: ElementId


class AddTeamMember(OperationBase):
    op: Literal["add_team_member"]
    role: TeamRole
    staff_id: Id | None = None
    name: ShortText | None = None
    unit_id: Id | None = None
    phone: Phone | None = None
    reach: Text | None = None

    @model_validator(mode="after")
    def _named(self) -> AddTeamMember:
        if self.staff_id is None and not self.name:
            raise ValueError("name the member or give staff_id")
        return self


class UpdateTeamMember(OperationBase):
    op: Literal["update_team_member"]
    id: ElementId
    role: TeamRole | None = None
    staff_id: Id | None = None
    name: ShortText | None = None
    unit_id: Id | None = None
    phone: Phone | None = None
    reach: Text | None = None


class AddTime(OperationBase):
    op: Literal["add_time"]
    start: When
    with_whom: ShortText
    mode: MeetingMode
    place: ShortText | None = None
    video_link: VideoLink | None = None
    purpose: Text


class UpdateTime(OperationBase):
    """Change an agreed time; a new ``start`` moves it and answers the person's pending request."""

    op: Literal["update_time"]
    id: ElementId
    start: When | None = None
    with_whom: ShortText | None = None
    mode: MeetingMode | None = None
    place: ShortText | None = None
    video_link: VideoLink | None = None
    purpose: Text | None = None
    status: TimeStatus | None = None


class RequestTimeChange(OperationBase):
    """The person asks to move or cancel an agreed time."""

    op: Literal["request_time_change"]
    id: ElementId
    kind: TimeRequestKind
    text: Text | None = None


class AddNote(OperationBase):
    """The person's note: "det här vill jag ta upp"."""

    op: Literal["add_note"]
    text: Text


class AcknowledgeNote(OperationBase):
    op: Literal["acknowledge_note"]
    id: ElementId


class Section(StrEnum):
    GOALS = "goals"
    ACTIVITIES = "activities"
    SELF_CARE = "self_care"
    TEAM = "team"
    TIMES = "times"
    NOTES = "notes"
    INVITATIONS = "invitations"
    INTERVENTIONS = "interventions"
    OTHER_MEASURES = "other_measures"
    FOLLOW_UPS = "follow_ups"


SIP_SECTIONS = frozenset({Section.INVITATIONS, Section.INTERVENTIONS, Section.OTHER_MEASURES, Section.FOLLOW_UPS})


class Remove(OperationBase):
    op: Literal["remove"]
    section: Section
    id: ElementId


class SetPlanStatus(OperationBase):
    """End (or reopen) a Patientkontrakt; a SIP moves through its phases instead."""

    op: Literal["set_plan_status"]
    status: PlanStatus


class InviteUnit(OperationBase):
    op: Literal["invite_unit"]
    unit_id: Id


class AnswerInvitation(OperationBase):
    """The invited unit accepts or declines (only that unit may)."""

    op: Literal["answer_invitation"]
    id: ElementId
    accept: bool


class SetSipConsent(OperationBase):
    op: Literal["set_sip_consent"]
    given: bool
    given_by: ConsentGivenBy = ConsentGivenBy.PERSONEN
    representative: ShortText | None = None


class SetRelatives(OperationBase):
    op: Literal["set_relatives"]
    participate: bool | None
    note: Text | None = None


class SetMeeting(OperationBase):
    """Set the SIP meeting: its time, place or link and, when given, the people invited by name, who took part
    (``attended`` on each participant, ``attended_units``) and the minutes; those left out stay as they are."""

    op: Literal["set_meeting"]
    start: When
    place: ShortText | None = None
    video_link: VideoLink | None = None
    participants: tuple[Participant, ...] | None = Field(default=None, max_length=MAX_PARTICIPANTS)
    attended_units: tuple[Id, ...] | None = Field(default=None, max_length=MAX_PARTICIPANTS)
    minutes: Text | None = None


class AddMeeting(OperationBase):
    """A kallelse to the SIP adds a meeting to it (the earlier ones stay)."""

    op: Literal["add_meeting"]
    start: When
    place: ShortText | None = None
    video_link: VideoLink | None = None
    participants: tuple[Participant, ...] = Field(default=(), max_length=MAX_PARTICIPANTS)


class ApproveSip(OperationBase):
    """The author's party approves the SIP as it reads now: staff for their care provider (a principal of the
    plan), the person for themself, or staff recording the approval of the person's ombud (``representative``)."""

    op: Literal["approve_sip"]
    representative: ShortText | None = None


class AddIntervention(OperationBase):
    op: Literal["add_intervention"]
    text: Text
    principal_provider_id: Id | None = None
    unit_id: Id | None = None


class UpdateIntervention(OperationBase):
    op: Literal["update_intervention"]
    id: ElementId
    text: Text | None = None
    principal_provider_id: Id | None = None
    unit_id: Id | None = None


class AddOtherMeasure(OperationBase):
    op: Literal["add_other_measure"]
    text: Text
    by_whom: ShortText


class SetNoOtherMeasures(OperationBase):
    """State explicitly that no one other than the region and the municipality takes measures (part 3)."""

    op: Literal["set_no_other_measures"]
    none: bool


class SetOverallResponsibility(OperationBase):
    op: Literal["set_overall_responsibility"]
    principal_provider_id: Id | None


class AddFollowUp(OperationBase):
    op: Literal["add_follow_up"]
    on: Day
    outcome: Text


Operation = Annotated[
    AddGoal | UpdateGoal | AddActivity | UpdateActivity | SetActivityStatus | AddSelfCare | UpdateSelfCare
    | MarkSelfCareDone | AddTeamMember | UpdateTeamMember | AddTime | UpdateTime | RequestTimeChange | AddNote
    | AcknowledgeNote | Remove | SetPlanStatus | InviteUnit | AnswerInvitation | SetSipConsent | SetRelatives
    | SetMeeting | AddIntervention | UpdateIntervention | AddOtherMeasure | SetNoOtherMeasures
    | SetOverallResponsibility | AddFollowUp | AddMeeting | ApproveSip,
    Field(discriminator="op"),
]
"""One change to a plan. A request carries a list of them; together they make one new version."""

SIP_OPERATIONS: tuple[type[OperationBase], ...] = (
    InviteUnit, AnswerInvitation, SetSipConsent, SetRelatives, SetMeeting, AddIntervention, UpdateIntervention,
    AddOtherMeasure, SetNoOtherMeasures, SetOverallResponsibility, AddFollowUp, AddMeeting, ApproveSip)
RESIDENT_ONLY: tuple[type[OperationBase], ...] = (AddNote, RequestTimeChange)


@dataclass(frozen=True, slots=True)
class Author:
    """Who makes a change: staff acting for a unit of a care provider, or the person themself."""

    provider_id: int | None
    unit_id: int | None
    by_person: bool
    at: datetime
    name: str | None = None  # who, as an approval records it
    role: str | None = None  # their profession and unit, as an approval records it

    def recorded(self) -> Recorded:
        return Recorded(provider_id=self.provider_id, unit_id=self.unit_id, by_person=self.by_person, at=self.at)
