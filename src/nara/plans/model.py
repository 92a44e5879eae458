"""The Patientkontrakt and SIP as one versioned document (DOMAIN §2–3). Plain Python and pydantic: no database,
no web.

A plan is a document the person and everyone in their care share: goals (the person's own words and agreed goals),
activities (insatser) with a responsible actor, self-care (egenvård), the care team with roles and how to reach
them, agreed times (överenskommen tid), the person's own notes ("det här vill jag ta upp"), and for a SIP its phase,
invitations, the person's consent, närstående participation, the meeting and the four statutory parts (DOMAIN §3).

Changes are :data:`Operation` values applied by :func:`apply_operation`, which returns a new document (the old one
is never changed: every stored version stays as it was). Every element records who recorded it
(:class:`Recorded`): each care provider documents in its own record and the plan shows them together (PDL,
DOMAIN §5). :func:`write_owner` says whose record an operation writes, which is what the access policy is asked
about: adding an element or changing one's own provider's element writes one's own record; the unit responsible for
an activity documents its status in its own record; changing another provider's element is another provider's
record, which the policy refuses (OTHER_PROVIDER_WRITE).

Also here: the next step and overdue activities (:func:`next_step`, :func:`overdue_activities`), what a SIP still
lacks before it can be fastställd (:func:`missing_for_finalising`), the SIP lifecycle (:func:`check_transition`),
and a readable difference between two versions (:func:`diff_documents`, :func:`describe`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from nara.access.model import InformationCategory
from nara.core.clock import STOCKHOLM
from nara.core.errors import Conflict, NotFound, ValidationFailed
from nara.core.i18n import SV, t
from nara.core.values import Phone, ShortText, Text, VideoLink
from nara.plans import messages as _messages  # noqa: F401  (registers the texts)

ID_MAX = 2**63 - 1  # as nara.core.db.ID_MAX: the largest id either database holds (the model imports no database)
MAX_ELEMENTS = 200  # per section of one plan: a plan is read by a person, not a register
MAX_DONE_MARKS = 400  # self-care "done" marks kept per item (about a year of daily marks)


# --- value types -------------------------------------------------------------------------------------------------


def _bounded_time(value: datetime) -> datetime:
    # Checked before any arithmetic: a year-1 time with an offset would overflow when converted.
    if not 1900 <= value.year <= 2199:
        raise ValueError("time out of range")
    if value.tzinfo is None:
        raise ValueError("time needs a time zone")
    return value.astimezone(UTC)


Id = Annotated[int, Field(ge=1, le=ID_MAX)]
When = Annotated[datetime, AfterValidator(_bounded_time)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
ElementId = Annotated[str, StringConstraints(pattern=r"^[a-z]{1,2}[0-9]{1,9}$")]


class PlanKind(StrEnum):
    PATIENTKONTRAKT = "patientkontrakt"  # sammanhållen planering (DOMAIN §2)
    SIP = "sip"  # samordnad individuell plan (DOMAIN §3)


class PlanStatus(StrEnum):
    """A Patientkontrakt's status; a SIP's status is its :class:`SipPhase`."""

    AKTIV = "aktiv"
    AVSLUTAD = "avslutad"


class SipPhase(StrEnum):
    """The SIP lifecycle seen in the regions' systems (DOMAIN §3), in order."""

    KALLELSE = "kallelse"
    KARTLAGGNING = "kartlaggning"
    PLAN = "plan"
    UPPFOLJNING = "uppfoljning"
    UTVARDERING = "utvardering"
    AVSLUTAD = "avslutad"


SIP_ORDER: tuple[SipPhase, ...] = tuple(SipPhase)


class ResponsibleKind(StrEnum):
    """Who carries out an activity (DOMAIN §2, §9: performer per actor)."""

    PERSON = "person"
    NARSTAENDE = "narstaende"
    REGION_UNIT = "region_unit"
    MUNICIPAL_UNIT = "municipal_unit"
    OTHER = "other"  # e.g. an association (förening), Försäkringskassan, school


UNIT_RESPONSIBLE = frozenset({ResponsibleKind.REGION_UNIT, ResponsibleKind.MUNICIPAL_UNIT})


class ActivityStatus(StrEnum):
    PLANERAD = "planerad"
    PAGAENDE = "pagaende"
    KLAR = "klar"
    INSTALLD = "installd"


OPEN_ACTIVITY = frozenset({ActivityStatus.PLANERAD, ActivityStatus.PAGAENDE})


class SelfCareKind(StrEnum):
    """Egenvård, as the person should be able to say it at home (DOMAIN §2)."""

    GOR_SJALV = "gor_sjalv"  # what I do myself
    HALLER_KOLL = "haller_koll"  # what I keep an eye on
    SOKA_VARD = "soka_vard"  # when to seek care
    VANDA_MIG_TILL = "vanda_mig_till"  # whom to turn to


class TeamRole(StrEnum):
    FAST_VARDKONTAKT = "fast_vardkontakt"  # patientlagen 6 kap. 2 § (DOMAIN §6)
    FAST_LAKARKONTAKT = "fast_lakarkontakt"  # HSL 7 kap. 3 § (DOMAIN §6)
    OMVARDNADSANSVARIG_SJUKSKOTERSKA = "omvardnadsansvarig_sjukskoterska"
    VARDSAMORDNARE = "vardsamordnare"
    BISTANDSHANDLAGGARE = "bistandshandlaggare"
    NARSTAENDE = "narstaende"
    ANNAN = "annan"


class MeetingMode(StrEnum):
    BESOK = "besok"
    TELEFON = "telefon"
    VIDEO = "video"


class TimeStatus(StrEnum):
    BOKAD = "bokad"
    GENOMFORD = "genomford"
    INSTALLD = "installd"


class TimeRequestKind(StrEnum):
    """What the person asks about an agreed time."""

    FLYTTA = "flytta"
    AVBOKA = "avboka"


class InvitationStatus(StrEnum):
    INBJUDEN = "inbjuden"
    ACCEPTERAD = "accepterad"
    AVBOJD = "avbojd"


class ConsentGivenBy(StrEnum):
    PERSONEN = "personen"
    FORETRADARE = "foretradare"  # god man, förvaltare or other legal representative


class StatutoryPart(StrEnum):
    """What a SIP must state (SoL 2 kap. 7 §, HSL 16 kap. 4 §, DOMAIN §3), and the consent it needs."""

    INTERVENTIONS = "insatser"  # (1) the interventions needed
    RESPONSIBLE_PRINCIPAL = "ansvarig_huvudman"  # (2) which principal is responsible for each
    OTHER_MEASURES = "andras_insatser"  # (3) measures by others than region/municipality, possibly "none"
    OVERALL_RESPONSIBILITY = "overgripande_ansvar"  # (4) the principal with the overall responsibility
    CONSENT = "samtycke"  # a SIP is made only with the person's consent


# --- the document ------------------------------------------------------------------------------------------------


class _Stored(BaseModel):
    """Elements as stored: unknown members of older documents are ignored, nothing is changed in place."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class Recorded(_Stored):
    """Who recorded an element and when: a care provider's unit, or the person themself (``provider_id`` None)."""

    provider_id: Id | None = None
    unit_id: Id | None = None
    by_person: bool = False
    at: When


class Responsible(_Stored):
    """Who carries out an activity: the person, a närstående, a named region or municipal unit, or another actor."""

    kind: ResponsibleKind
    unit_id: Id | None = None
    name: ShortText | None = None

    @model_validator(mode="after")
    def _complete(self) -> Responsible:
        if self.kind in UNIT_RESPONSIBLE and self.unit_id is None:
            raise ValueError("a unit is responsible: unit_id is required")
        if self.kind not in UNIT_RESPONSIBLE and self.unit_id is not None:
            raise ValueError("unit_id is only for a region or municipal unit")
        if self.kind in (ResponsibleKind.NARSTAENDE, ResponsibleKind.OTHER) and not self.name:
            raise ValueError("name the närstående or other actor")
        return self


class Goal(_Stored):
    """A goal: in the person's own words ("det här är viktigt för mig") or agreed between person and care."""

    id: str
    text: Text
    own_words: bool
    follow_up: Text | None = None  # how progress is followed
    achieved: bool = False
    recorded: Recorded


class Activity(_Stored):
    """An activity (insats) with a responsible actor, a status and a due date or a recurrence."""

    id: str
    text: Text
    responsible: Responsible
    status: ActivityStatus = ActivityStatus.PLANERAD
    due: Day | None = None
    recurrence: ShortText | None = None  # e.g. "varje vardag", "en gång i veckan"
    note: Text | None = None  # the latest status note
    status_recorded: Recorded | None = None  # who documented the latest status (may be the responsible unit)
    recorded: Recorded


class SelfCareItem(_Stored):
    """Egenvård: what I do, what I watch, when to seek care, whom to turn to; ``done`` marks what was done when."""

    id: str
    kind: SelfCareKind
    text: Text
    done: tuple[When, ...] = ()
    recorded: Recorded


class TeamMember(_Stored):
    """A member of the care team, with a role and how to reach them."""

    id: str
    role: TeamRole
    staff_id: Id | None = None
    name: ShortText | None = None
    unit_id: Id | None = None
    phone: Phone | None = None
    reach: Text | None = None  # how and when to reach: "ring vardagar 8–10", "1177 meddelande"
    recorded: Recorded


class TimeRequest(_Stored):
    """The person asks to move or cancel an agreed time; staff handle it."""

    kind: TimeRequestKind
    text: Text | None = None
    at: When
    handled_at: When | None = None


class AgreedTime(_Stored):
    """Överenskommen tid, booked together with the person (DOMAIN §2)."""

    id: str
    start: When
    with_whom: ShortText
    mode: MeetingMode
    place: ShortText | None = None
    video_link: VideoLink | None = None
    purpose: Text
    status: TimeStatus = TimeStatus.BOKAD
    moved_from: When | None = None
    request: TimeRequest | None = None
    recorded: Recorded


class Note(_Stored):
    """The person's own note, "det här vill jag ta upp"; the team acknowledges it."""

    id: str
    text: Text
    acknowledged: Recorded | None = None
    recorded: Recorded


class Invitation(_Stored):
    """A SIP invitation (kallelse) to a unit of another principal, which accepts or declines."""

    id: str
    unit_id: Id
    status: InvitationStatus = InvitationStatus.INBJUDEN
    answered: Recorded | None = None
    recorded: Recorded


class SipConsent(_Stored):
    """The person's consent to the SIP (DOMAIN §3); also covers sharing the plan among its participants."""

    given: bool
    given_by: ConsentGivenBy = ConsentGivenBy.PERSONEN
    representative: ShortText | None = None
    recorded: Recorded


class Meeting(_Stored):
    start: When
    place: ShortText | None = None
    video_link: VideoLink | None = None
    recorded: Recorded


class Intervention(_Stored):
    """Statutory parts (1) and (2): an intervention and the principal (huvudman, a care provider) responsible."""

    id: str
    text: Text
    principal_provider_id: Id | None = None
    unit_id: Id | None = None
    recorded: Recorded


class OtherMeasure(_Stored):
    """Statutory part (3): a measure by someone other than the region or the municipality."""

    id: str
    text: Text
    by_whom: ShortText
    recorded: Recorded


class FollowUp(_Stored):
    """A recorded follow-up, so follow-ups can be counted (DOMAIN §3)."""

    id: str
    on: Day
    outcome: Text
    recorded: Recorded


class Sip(_Stored):
    phase: SipPhase = SipPhase.KALLELSE
    established: Recorded | None = None  # when the plan was fastställd (left the plan phase complete)
    invitations: tuple[Invitation, ...] = ()
    consent: SipConsent | None = None
    relatives_participate: bool | None = None
    relatives_note: Text | None = None
    meeting: Meeting | None = None
    interventions: tuple[Intervention, ...] = ()
    other_measures: tuple[OtherMeasure, ...] = ()
    no_other_measures: Recorded | None = None  # "no measures by others", stated explicitly
    overall_principal_provider_id: Id | None = None
    overall_recorded: Recorded | None = None
    follow_ups: tuple[FollowUp, ...] = ()


class PlanDocument(_Stored):
    """One version of a plan. ``seq`` numbers the elements (ids are never reused within a plan)."""

    kind: PlanKind
    status: PlanStatus = PlanStatus.AKTIV
    seq: int = 0
    goals: tuple[Goal, ...] = ()
    activities: tuple[Activity, ...] = ()
    self_care: tuple[SelfCareItem, ...] = ()
    team: tuple[TeamMember, ...] = ()
    times: tuple[AgreedTime, ...] = ()
    notes: tuple[Note, ...] = ()
    sip: Sip | None = None


def new_document(kind: PlanKind | str) -> PlanDocument:
    kind = PlanKind(kind)
    return PlanDocument(kind=kind, sip=Sip() if kind is PlanKind.SIP else None)


def state_of(doc: PlanDocument) -> str:
    """The plan's status as listed: a SIP's phase, otherwise aktiv/avslutad."""
    return doc.sip.phase.value if doc.sip is not None else doc.status.value


# --- operations ----------------------------------------------------------------------------------------------------


class _Op(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AddGoal(_Op):
    op: Literal["add_goal"]
    text: Text
    own_words: bool = False
    follow_up: Text | None = None


class UpdateGoal(_Op):
    op: Literal["update_goal"]
    id: ElementId
    text: Text | None = None
    own_words: bool | None = None
    follow_up: Text | None = None
    achieved: bool | None = None


class AddActivity(_Op):
    op: Literal["add_activity"]
    text: Text
    responsible: Responsible
    status: ActivityStatus = ActivityStatus.PLANERAD
    due: Day | None = None
    recurrence: ShortText | None = None


class UpdateActivity(_Op):
    op: Literal["update_activity"]
    id: ElementId
    text: Text | None = None
    responsible: Responsible | None = None
    due: Day | None = None
    recurrence: ShortText | None = None


class SetActivityStatus(_Op):
    """The status of an activity; the unit responsible for it documents this in its own record."""

    op: Literal["set_activity_status"]
    id: ElementId
    status: ActivityStatus
    note: Text | None = None


class AddSelfCare(_Op):
    op: Literal["add_self_care"]
    kind: SelfCareKind
    text: Text


class UpdateSelfCare(_Op):
    op: Literal["update_self_care"]
    id: ElementId
    kind: SelfCareKind | None = None
    text: Text | None = None


class MarkSelfCareDone(_Op):
    op: Literal["mark_self_care_done"]
    id: ElementId


class AddTeamMember(_Op):
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


class UpdateTeamMember(_Op):
    op: Literal["update_team_member"]
    id: ElementId
    role: TeamRole | None = None
    staff_id: Id | None = None
    name: ShortText | None = None
    unit_id: Id | None = None
    phone: Phone | None = None
    reach: Text | None = None


class AddTime(_Op):
    op: Literal["add_time"]
    start: When
    with_whom: ShortText
    mode: MeetingMode
    place: ShortText | None = None
    video_link: VideoLink | None = None
    purpose: Text


class UpdateTime(_Op):
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


class RequestTimeChange(_Op):
    """The person asks to move or cancel an agreed time."""

    op: Literal["request_time_change"]
    id: ElementId
    kind: TimeRequestKind
    text: Text | None = None


class AddNote(_Op):
    """The person's note: "det här vill jag ta upp"."""

    op: Literal["add_note"]
    text: Text


class AcknowledgeNote(_Op):
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


class Remove(_Op):
    op: Literal["remove"]
    section: Section
    id: ElementId


class SetPlanStatus(_Op):
    """End (or reopen) a Patientkontrakt; a SIP moves through its phases instead."""

    op: Literal["set_plan_status"]
    status: PlanStatus


class InviteUnit(_Op):
    op: Literal["invite_unit"]
    unit_id: Id


class AnswerInvitation(_Op):
    """The invited unit accepts or declines (only that unit may)."""

    op: Literal["answer_invitation"]
    id: ElementId
    accept: bool


class SetSipConsent(_Op):
    op: Literal["set_sip_consent"]
    given: bool
    given_by: ConsentGivenBy = ConsentGivenBy.PERSONEN
    representative: ShortText | None = None


class SetRelatives(_Op):
    op: Literal["set_relatives"]
    participate: bool | None
    note: Text | None = None


class SetMeeting(_Op):
    op: Literal["set_meeting"]
    start: When
    place: ShortText | None = None
    video_link: VideoLink | None = None


class AddIntervention(_Op):
    op: Literal["add_intervention"]
    text: Text
    principal_provider_id: Id | None = None
    unit_id: Id | None = None


class UpdateIntervention(_Op):
    op: Literal["update_intervention"]
    id: ElementId
    text: Text | None = None
    principal_provider_id: Id | None = None
    unit_id: Id | None = None


class AddOtherMeasure(_Op):
    op: Literal["add_other_measure"]
    text: Text
    by_whom: ShortText


class SetNoOtherMeasures(_Op):
    """State explicitly that no one other than the region and the municipality takes measures (part 3)."""

    op: Literal["set_no_other_measures"]
    none: bool


class SetOverallResponsibility(_Op):
    op: Literal["set_overall_responsibility"]
    principal_provider_id: Id | None


class AddFollowUp(_Op):
    op: Literal["add_follow_up"]
    on: Day
    outcome: Text


Operation = Annotated[
    AddGoal | UpdateGoal | AddActivity | UpdateActivity | SetActivityStatus | AddSelfCare | UpdateSelfCare
    | MarkSelfCareDone | AddTeamMember | UpdateTeamMember | AddTime | UpdateTime | RequestTimeChange | AddNote
    | AcknowledgeNote | Remove | SetPlanStatus | InviteUnit | AnswerInvitation | SetSipConsent | SetRelatives
    | SetMeeting | AddIntervention | UpdateIntervention | AddOtherMeasure | SetNoOtherMeasures
    | SetOverallResponsibility | AddFollowUp,
    Field(discriminator="op"),
]
"""One change to a plan. A request carries a list of them; together they make one new version."""

SIP_OPERATIONS: tuple[type[_Op], ...] = (InviteUnit, AnswerInvitation, SetSipConsent, SetRelatives, SetMeeting,
                                         AddIntervention, UpdateIntervention, AddOtherMeasure, SetNoOtherMeasures,
                                         SetOverallResponsibility, AddFollowUp)
RESIDENT_ONLY: tuple[type[_Op], ...] = (AddNote, RequestTimeChange)


@dataclass(frozen=True, slots=True)
class Author:
    """Who makes a change: staff acting for a unit of a care provider, or the person themself."""

    provider_id: int | None
    unit_id: int | None
    by_person: bool
    at: datetime

    def recorded(self) -> Recorded:
        return Recorded(provider_id=self.provider_id, unit_id=self.unit_id, by_person=self.by_person, at=self.at)


# --- who writes whose record -------------------------------------------------------------------------------------


_SECTIONS: dict[Section, Callable[[PlanDocument], Sequence[Any]]] = {
    Section.GOALS: lambda d: d.goals,
    Section.ACTIVITIES: lambda d: d.activities,
    Section.SELF_CARE: lambda d: d.self_care,
    Section.TEAM: lambda d: d.team,
    Section.TIMES: lambda d: d.times,
    Section.NOTES: lambda d: d.notes,
    Section.INVITATIONS: lambda d: d.sip.invitations if d.sip else (),
    Section.INTERVENTIONS: lambda d: d.sip.interventions if d.sip else (),
    Section.OTHER_MEASURES: lambda d: d.sip.other_measures if d.sip else (),
    Section.FOLLOW_UPS: lambda d: d.sip.follow_ups if d.sip else (),
}
_UPDATE_SECTION: dict[type[_Op], Section] = {
    UpdateGoal: Section.GOALS, UpdateActivity: Section.ACTIVITIES, SetActivityStatus: Section.ACTIVITIES,
    UpdateSelfCare: Section.SELF_CARE, MarkSelfCareDone: Section.SELF_CARE, UpdateTeamMember: Section.TEAM,
    UpdateTime: Section.TIMES, RequestTimeChange: Section.TIMES, AcknowledgeNote: Section.NOTES,
    AnswerInvitation: Section.INVITATIONS, UpdateIntervention: Section.INTERVENTIONS,
}


def _find(doc: PlanDocument, section: Section, element_id: str) -> Any | None:
    return next((e for e in _SECTIONS[section](doc) if e.id == element_id), None)


def _target(op: _Op) -> tuple[Section, str] | None:
    if isinstance(op, Remove):
        return op.section, op.id
    section = _UPDATE_SECTION.get(type(op))
    return (section, op.id) if section is not None else None  # type: ignore[attr-defined]


def resident_may(op: _Op, doc: PlanDocument) -> bool:
    """What the person may do in their own plan (Min plan): add their own activities and notes, mark
    self-care done, ask to move or cancel a time, and change or remove what they added themselves."""
    if isinstance(op, (AddNote, RequestTimeChange, MarkSelfCareDone)):
        return True
    if isinstance(op, AddActivity):
        return op.responsible.kind is ResponsibleKind.PERSON
    if isinstance(op, (UpdateActivity, SetActivityStatus, Remove)):
        target = _target(op)
        element = _find(doc, *target) if target else None
        if element is None:
            return True  # answered with "not found" once the access is logged
        if isinstance(op, UpdateActivity) and op.responsible is not None \
                and op.responsible.kind is not ResponsibleKind.PERSON:
            return False
        own = element.recorded.by_person
        return own or (isinstance(op, SetActivityStatus)
                       and element.responsible.kind is ResponsibleKind.PERSON)
    return False


def write_owner(op: _Op, doc: PlanDocument, author: Author, plan_provider_id: int) -> int:
    """The care provider whose record ``op`` writes, for the access policy (module docstring; DOMAIN §5).

    New elements, answers and acknowledgements are recorded as the author's. Changing an element writes the record
    of the provider that recorded it — what the person recorded belongs to the plan's provider — except that the
    unit responsible for an activity documents its status in its own record."""
    if author.by_person or author.provider_id is None:
        return plan_provider_id
    target = _target(op)
    if target is None or isinstance(op, (AcknowledgeNote, AnswerInvitation)):
        if isinstance(op, (SetNoOtherMeasures, SetOverallResponsibility, SetSipConsent, SetRelatives, SetMeeting,
                           SetPlanStatus)):
            return _singleton_owner(op, doc, author, plan_provider_id)
        return author.provider_id
    element = _find(doc, *target)
    if element is None:
        return author.provider_id  # "not found" is answered after the access is logged
    if isinstance(op, SetActivityStatus) and element.responsible.unit_id is not None \
            and element.responsible.unit_id == author.unit_id:
        return author.provider_id
    return element.recorded.provider_id if element.recorded.provider_id is not None else plan_provider_id


def _singleton_owner(op: _Op, doc: PlanDocument, author: Author, plan_provider_id: int) -> int:
    """Plan-wide facts (status, SIP consent, meeting, parts 3 and 4) are the plan's provider's record, and anyone
    may state them the first time; changing them afterwards writes the record of whoever stated them."""
    assert author.provider_id is not None
    sip = doc.sip
    previous: Recorded | None
    if isinstance(op, SetPlanStatus):
        return plan_provider_id
    if sip is None:
        return author.provider_id
    previous = {
        SetNoOtherMeasures: sip.no_other_measures, SetOverallResponsibility: sip.overall_recorded,
        SetSipConsent: sip.consent.recorded if sip.consent else None,
        SetMeeting: sip.meeting.recorded if sip.meeting else None,
    }.get(type(op))
    if previous is None or previous.provider_id is None:
        return author.provider_id
    return previous.provider_id


# --- applying operations -------------------------------------------------------------------------------------------


def apply_operations(doc: PlanDocument, ops: Iterable[_Op], author: Author) -> PlanDocument:
    for op in ops:
        doc = apply_operation(doc, op, author)
    return doc


def apply_operation(doc: PlanDocument, op: _Op, author: Author) -> PlanDocument:
    """``doc`` changed by ``op``, as a new document. Raises NotFound (no such element), ValidationFailed (the
    change does not fit the plan) or Conflict (e.g. a SIP that is closed)."""
    if isinstance(op, SIP_OPERATIONS):
        if doc.sip is None:
            raise ValidationFailed("plans.sip_only")
        if doc.sip.phase is SipPhase.AVSLUTAD:
            raise Conflict("plans.sip_closed")
    handler = _HANDLERS[type(op)]
    return handler(doc, op, author)


def _next_id(doc: PlanDocument, prefix: str) -> tuple[PlanDocument, str]:
    seq = doc.seq + 1
    return doc.model_copy(update={"seq": seq}), f"{prefix}{seq}"


def _append(doc: PlanDocument, section: Section, element: Any) -> PlanDocument:
    items = _SECTIONS[section](doc)
    if len(items) >= MAX_ELEMENTS:
        raise ValidationFailed("plans.too_many", limit=MAX_ELEMENTS)
    return _replace_section(doc, section, (*items, element))


def _replace_section(doc: PlanDocument, section: Section, items: tuple[Any, ...]) -> PlanDocument:
    if section in SIP_SECTIONS:
        assert doc.sip is not None
        return doc.model_copy(update={"sip": doc.sip.model_copy(update={section.value: items})})
    return doc.model_copy(update={section.value: items})


def _element(doc: PlanDocument, section: Section, element_id: str) -> Any:
    element = _find(doc, section, element_id)
    if element is None:
        raise NotFound("plans.element_not_found", id=element_id)
    return element


def _put(doc: PlanDocument, section: Section, element: Any) -> PlanDocument:
    items = tuple(element if e.id == element.id else e for e in _SECTIONS[section](doc))
    return _replace_section(doc, section, items)


def _changed(element: Any, op: _Op, skip: frozenset[str] = frozenset()) -> Any:
    """``element`` with the fields ``op`` sets (those present in the request), validated again as a whole."""
    changes = {k: getattr(op, k) for k in op.model_fields_set if k not in {"op", "id", *skip}}
    if not changes:
        return element
    data = element.model_dump()
    data.update({k: v.model_dump() if isinstance(v, BaseModel) else v for k, v in changes.items()})
    try:
        return type(element).model_validate(data)
    except ValueError:
        raise ValidationFailed("error.validation") from None


def _sip(doc: PlanDocument, **changes: Any) -> PlanDocument:
    assert doc.sip is not None
    return doc.model_copy(update={"sip": doc.sip.model_copy(update=changes)})


def _add_goal(doc: PlanDocument, op: AddGoal, a: Author) -> PlanDocument:
    doc, gid = _next_id(doc, "g")
    return _append(doc, Section.GOALS, Goal(id=gid, text=op.text, own_words=op.own_words, follow_up=op.follow_up,
                                             recorded=a.recorded()))


def _add_activity(doc: PlanDocument, op: AddActivity, a: Author) -> PlanDocument:
    doc, aid = _next_id(doc, "a")
    return _append(doc, Section.ACTIVITIES, Activity(
        id=aid, text=op.text, responsible=op.responsible, status=op.status, due=op.due, recurrence=op.recurrence,
        recorded=a.recorded()))


def _set_activity_status(doc: PlanDocument, op: SetActivityStatus, a: Author) -> PlanDocument:
    activity = _element(doc, Section.ACTIVITIES, op.id)
    return _put(doc, Section.ACTIVITIES, activity.model_copy(update={
        "status": op.status, "note": op.note if "note" in op.model_fields_set else activity.note,
        "status_recorded": a.recorded()}))


def _add_self_care(doc: PlanDocument, op: AddSelfCare, a: Author) -> PlanDocument:
    doc, sid = _next_id(doc, "e")
    return _append(doc, Section.SELF_CARE, SelfCareItem(id=sid, kind=op.kind, text=op.text, recorded=a.recorded()))


def _mark_done(doc: PlanDocument, op: MarkSelfCareDone, a: Author) -> PlanDocument:
    item = _element(doc, Section.SELF_CARE, op.id)
    done = (*item.done, a.at)[-MAX_DONE_MARKS:]
    return _put(doc, Section.SELF_CARE, item.model_copy(update={"done": done}))


def _add_team_member(doc: PlanDocument, op: AddTeamMember, a: Author) -> PlanDocument:
    doc, tid = _next_id(doc, "t")
    return _append(doc, Section.TEAM, TeamMember(
        id=tid, role=op.role, staff_id=op.staff_id, name=op.name, unit_id=op.unit_id, phone=op.phone,
        reach=op.reach, recorded=a.recorded()))


def _update_team_member(doc: PlanDocument, op: UpdateTeamMember, a: Author) -> PlanDocument:
    member = _changed(_element(doc, Section.TEAM, op.id), op)
    if member.staff_id is None and not member.name:
        raise ValidationFailed("plans.team.name_required")
    return _put(doc, Section.TEAM, member)


def _check_time(mode: MeetingMode, place: str | None, video_link: str | None) -> None:
    if mode is MeetingMode.VIDEO and not video_link:
        raise ValidationFailed("plans.time.video_link_required")
    if mode is MeetingMode.BESOK and not place:
        raise ValidationFailed("plans.time.place_required")


def _add_time(doc: PlanDocument, op: AddTime, a: Author) -> PlanDocument:
    _check_time(op.mode, op.place, op.video_link)
    doc, oid = _next_id(doc, "o")
    return _append(doc, Section.TIMES, AgreedTime(
        id=oid, start=op.start, with_whom=op.with_whom, mode=op.mode, place=op.place, video_link=op.video_link,
        purpose=op.purpose, recorded=a.recorded()))


def _update_time(doc: PlanDocument, op: UpdateTime, a: Author) -> PlanDocument:
    old = _element(doc, Section.TIMES, op.id)
    new = _changed(old, op)
    _check_time(new.mode, new.place, new.video_link)
    updates: dict[str, Any] = {}
    moved = new.start != old.start
    if moved:
        updates["moved_from"] = old.start
    request = new.request
    # Moving answers a request to move; cancelling answers either request.
    if request is not None and request.handled_at is None and (
            (moved and request.kind is TimeRequestKind.FLYTTA) or new.status is TimeStatus.INSTALLD):
        updates["request"] = request.model_copy(update={"handled_at": a.at})
    return _put(doc, Section.TIMES, new.model_copy(update=updates) if updates else new)


def _request_time_change(doc: PlanDocument, op: RequestTimeChange, a: Author) -> PlanDocument:
    booked = _element(doc, Section.TIMES, op.id)
    if booked.status is not TimeStatus.BOKAD:
        raise Conflict("plans.time.not_booked")
    return _put(doc, Section.TIMES, booked.model_copy(update={
        "request": TimeRequest(kind=op.kind, text=op.text, at=a.at)}))


def _add_note(doc: PlanDocument, op: AddNote, a: Author) -> PlanDocument:
    doc, nid = _next_id(doc, "n")
    return _append(doc, Section.NOTES, Note(id=nid, text=op.text, recorded=a.recorded()))


def _acknowledge_note(doc: PlanDocument, op: AcknowledgeNote, a: Author) -> PlanDocument:
    note = _element(doc, Section.NOTES, op.id)
    if note.acknowledged is not None:
        return doc
    return _put(doc, Section.NOTES, note.model_copy(update={"acknowledged": a.recorded()}))


def _update(section: Section) -> Callable[[PlanDocument, Any, Author], PlanDocument]:
    def handler(doc: PlanDocument, op: Any, a: Author) -> PlanDocument:
        return _put(doc, section, _changed(_element(doc, section, op.id), op))

    return handler


def _remove(doc: PlanDocument, op: Remove, a: Author) -> PlanDocument:
    if op.section in SIP_SECTIONS and doc.sip is None:
        raise NotFound("plans.element_not_found", id=op.id)
    _element(doc, op.section, op.id)
    return _replace_section(doc, op.section, tuple(e for e in _SECTIONS[op.section](doc) if e.id != op.id))


def _set_plan_status(doc: PlanDocument, op: SetPlanStatus, a: Author) -> PlanDocument:
    if doc.sip is not None:
        raise ValidationFailed("plans.status_is_phase")
    return doc.model_copy(update={"status": op.status})


def _invite(doc: PlanDocument, op: InviteUnit, a: Author) -> PlanDocument:
    assert doc.sip is not None
    if any(i.unit_id == op.unit_id and i.status is not InvitationStatus.AVBOJD for i in doc.sip.invitations):
        raise Conflict("plans.sip.already_invited")
    doc, iid = _next_id(doc, "i")
    return _append(doc, Section.INVITATIONS, Invitation(id=iid, unit_id=op.unit_id, recorded=a.recorded()))


def _answer(doc: PlanDocument, op: AnswerInvitation, a: Author) -> PlanDocument:
    invitation = _element(doc, Section.INVITATIONS, op.id)
    if invitation.unit_id != a.unit_id:
        raise ValidationFailed("plans.sip.answer_own_unit")
    status = InvitationStatus.ACCEPTERAD if op.accept else InvitationStatus.AVBOJD
    return _put(doc, Section.INVITATIONS, invitation.model_copy(update={"status": status, "answered": a.recorded()}))


def _set_consent(doc: PlanDocument, op: SetSipConsent, a: Author) -> PlanDocument:
    if op.given_by is ConsentGivenBy.FORETRADARE and not op.representative:
        raise ValidationFailed("plans.sip.representative_required")
    return _sip(doc, consent=SipConsent(given=op.given, given_by=op.given_by, representative=op.representative,
                                         recorded=a.recorded()))


def _set_relatives(doc: PlanDocument, op: SetRelatives, a: Author) -> PlanDocument:
    return _sip(doc, relatives_participate=op.participate, relatives_note=op.note)


def _set_meeting(doc: PlanDocument, op: SetMeeting, a: Author) -> PlanDocument:
    return _sip(doc, meeting=Meeting(start=op.start, place=op.place, video_link=op.video_link,
                                     recorded=a.recorded()))


def _add_intervention(doc: PlanDocument, op: AddIntervention, a: Author) -> PlanDocument:
    doc, sid = _next_id(doc, "s")
    return _append(doc, Section.INTERVENTIONS, Intervention(
        id=sid, text=op.text, principal_provider_id=op.principal_provider_id, unit_id=op.unit_id,
        recorded=a.recorded()))


def _add_other_measure(doc: PlanDocument, op: AddOtherMeasure, a: Author) -> PlanDocument:
    doc, mid = _next_id(doc, "m")
    return _append(doc, Section.OTHER_MEASURES, OtherMeasure(id=mid, text=op.text, by_whom=op.by_whom,
                                                             recorded=a.recorded()))


def _set_no_other_measures(doc: PlanDocument, op: SetNoOtherMeasures, a: Author) -> PlanDocument:
    return _sip(doc, no_other_measures=a.recorded() if op.none else None)


def _set_overall(doc: PlanDocument, op: SetOverallResponsibility, a: Author) -> PlanDocument:
    return _sip(doc, overall_principal_provider_id=op.principal_provider_id,
                overall_recorded=a.recorded() if op.principal_provider_id is not None else None)


def _add_follow_up(doc: PlanDocument, op: AddFollowUp, a: Author) -> PlanDocument:
    assert doc.sip is not None
    if doc.sip.established is None:
        raise Conflict("plans.sip.follow_up_before_established")
    doc, fid = _next_id(doc, "f")
    return _append(doc, Section.FOLLOW_UPS, FollowUp(id=fid, on=op.on, outcome=op.outcome, recorded=a.recorded()))


_HANDLERS: dict[type[_Op], Callable[[PlanDocument, Any, Author], PlanDocument]] = {
    AddGoal: _add_goal, UpdateGoal: _update(Section.GOALS), AddActivity: _add_activity,
    UpdateActivity: _update(Section.ACTIVITIES), SetActivityStatus: _set_activity_status,
    AddSelfCare: _add_self_care, UpdateSelfCare: _update(Section.SELF_CARE), MarkSelfCareDone: _mark_done,
    AddTeamMember: _add_team_member, UpdateTeamMember: _update_team_member, AddTime: _add_time,
    UpdateTime: _update_time, RequestTimeChange: _request_time_change, AddNote: _add_note,
    AcknowledgeNote: _acknowledge_note, Remove: _remove, SetPlanStatus: _set_plan_status, InviteUnit: _invite,
    AnswerInvitation: _answer, SetSipConsent: _set_consent, SetRelatives: _set_relatives,
    SetMeeting: _set_meeting, AddIntervention: _add_intervention, UpdateIntervention: _update(Section.INTERVENTIONS),
    AddOtherMeasure: _add_other_measure, SetNoOtherMeasures: _set_no_other_measures,
    SetOverallResponsibility: _set_overall, AddFollowUp: _add_follow_up,
}


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
    return _sip(doc, **changes)


# --- what the person and the team see first ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NextStep:
    """The next thing to happen in the plan (DOMAIN §2: "I don't know my next step")."""

    kind: Literal["time", "activity", "sip_meeting", "follow_up"]
    element_id: str | None
    text: str
    on: date | None
    at: datetime | None = None


def local_day(at: datetime) -> date:
    return at.astimezone(STOCKHOLM).date()


def next_step(doc: PlanDocument, now: datetime) -> NextStep | None:
    """The earliest upcoming agreed time, SIP meeting or open activity due today or later; failing those, the
    first open activity without a date (e.g. a recurring one)."""
    today = local_day(now)
    candidates: list[tuple[date, datetime | None, NextStep]] = []
    for booked in doc.times:
        if booked.status is TimeStatus.BOKAD and booked.start >= now:
            candidates.append((local_day(booked.start), booked.start,
                               NextStep("time", booked.id, booked.purpose, local_day(booked.start), booked.start)))
    for activity in doc.activities:
        if activity.status in OPEN_ACTIVITY and activity.due is not None and activity.due >= today:
            candidates.append((activity.due, None, NextStep("activity", activity.id, activity.text, activity.due)))
    if doc.sip is not None and doc.sip.meeting is not None and doc.sip.meeting.start >= now \
            and doc.sip.phase is not SipPhase.AVSLUTAD:
        start = doc.sip.meeting.start
        candidates.append((local_day(start), start,
                           NextStep("sip_meeting", None, t("plans.next.sip_meeting"), local_day(start), start)))
    if candidates:
        # A timed event on a day comes before an activity due "some time that day".
        return min(candidates, key=lambda c: (c[0], c[1] is None, c[1] or now))[2]
    undated = next((a for a in doc.activities if a.status in OPEN_ACTIVITY and a.due is None), None)
    return NextStep("activity", undated.id, undated.text, None) if undated else None


def overdue_activities(doc: PlanDocument, now: datetime) -> list[Activity]:
    """Open activities whose due date has passed (Swedish calendar days): visible to the team."""
    today = local_day(now)
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
    items += [AgendaItem("time", b.id, None, local_day(b.start), b.start) for b in doc.times
              if b.status is TimeStatus.BOKAD]
    if doc.sip is not None and doc.sip.meeting is not None and doc.sip.phase is not SipPhase.AVSLUTAD:
        items.append(AgendaItem("sip_meeting", "meeting", None, local_day(doc.sip.meeting.start),
                                doc.sip.meeting.start))
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
    staff = {m.staff_id for m in doc.team if m.staff_id is not None}
    providers: set[int] = set()
    if doc.sip is not None:
        providers = {i.principal_provider_id for i in doc.sip.interventions if i.principal_provider_id is not None}
        if doc.sip.overall_principal_provider_id is not None:
            providers.add(doc.sip.overall_principal_provider_id)
    return units, staff, providers


# --- the difference between two versions ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FieldChange:
    field: str
    before: Any
    after: Any


@dataclass(frozen=True, slots=True)
class DiffEntry:
    """One change between two versions: an element added, removed or changed (with its fields)."""

    section: str  # a Section value, "plan" or "sip"
    element_id: str | None
    change: Literal["added", "removed", "changed"]
    title: str
    fields: tuple[FieldChange, ...] = field(default=())


_META = frozenset({"id", "recorded", "status_recorded", "answered", "overall_recorded"})
_STAMP = frozenset({"provider_id", "unit_id", "by_person", "at"})  # a Recorded, as JSON
_TITLE_FIELDS = ("text", "purpose", "name", "by_whom", "outcome")


def _title(element: Any) -> str:
    for name in _TITLE_FIELDS:
        value = getattr(element, name, None)
        if value:
            return str(value)
    if isinstance(element, TeamMember):
        return t(f"plans.value.{element.role.value}")
    if isinstance(element, Invitation):
        return t("plans.diff.unit", id=element.unit_id)
    return element.id


def _fields(before: dict[str, Any], after: dict[str, Any]) -> tuple[FieldChange, ...]:
    return tuple(FieldChange(k, before.get(k), after.get(k)) for k in sorted(set(before) | set(after))
                 if k not in _META and before.get(k) != after.get(k))


def diff_documents(old: PlanDocument, new: PlanDocument) -> list[DiffEntry]:
    """What changed from ``old`` to ``new``, element by element (matched by id), then plan-wide facts."""
    entries: list[DiffEntry] = []
    before_plan = old.model_dump(include={"status"})
    after_plan = new.model_dump(include={"status"})
    if before_plan != after_plan:
        entries.append(DiffEntry("plan", None, "changed", t("plans.diff.plan"), _fields(before_plan, after_plan)))
    for section in Section:
        olds = {e.id: e for e in _SECTIONS[section](old)}
        news = {e.id: e for e in _SECTIONS[section](new)}
        for eid, element in news.items():
            if eid not in olds:
                entries.append(DiffEntry(section.value, eid, "added", _title(element)))
            else:
                changes = _fields(olds[eid].model_dump(mode="json"), element.model_dump(mode="json"))
                if changes:
                    entries.append(DiffEntry(section.value, eid, "changed", _title(element), changes))
        entries += [DiffEntry(section.value, eid, "removed", _title(e)) for eid, e in olds.items() if eid not in news]
    if old.sip is not None or new.sip is not None:
        skip = {s.value for s in SIP_SECTIONS}
        before = old.sip.model_dump(mode="json", exclude=skip) if old.sip else {}
        after = new.sip.model_dump(mode="json", exclude=skip) if new.sip else {}
        flat_before = {k: _plain(v) for k, v in before.items()}
        flat_after = {k: _plain(v) for k, v in after.items()}
        changes = _fields(flat_before, flat_after)
        if changes:
            entries.append(DiffEntry("sip", None, "changed", t("plans.diff.sip"), changes))
    return entries


def _plain(value: Any) -> Any:
    """A plan-wide fact without its "recorded" stamp, so restating the same fact is no change."""
    if isinstance(value, dict):
        if set(value) == _STAMP:
            return True  # e.g. "fastställd", "no measures by others": whether, not by whom
        return {k: v for k, v in value.items() if k != "recorded"} or True
    return value


_ISO_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _value(value: Any) -> str:
    if value is None or value == () or value == []:
        return t("plans.diff.empty")
    if isinstance(value, bool):
        return t("plans.diff.yes") if value else t("plans.diff.no")
    if isinstance(value, list):
        return str(len(value))
    if isinstance(value, dict):
        if "kind" in value and ("unit_id" in value or "name" in value):  # a Responsible
            who = value.get("name") or (t("plans.diff.unit", id=value["unit_id"]) if value.get("unit_id") else "")
            label = _value(value["kind"])
            return f"{label} ({who})" if who else label
        return ", ".join(f"{_label(k)}: {_value(v)}" for k, v in value.items() if k not in _META)
    if isinstance(value, str):
        if f"plans.value.{value}" in SV:
            return t(f"plans.value.{value}")
        if _ISO_TIME.match(value):
            try:
                return datetime.fromisoformat(value).astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M")
            except ValueError:
                return value
    return str(value)


def _label(name: str) -> str:
    key = f"plans.field.{name}"
    return t(key) if key in SV else name


def describe(entry: DiffEntry) -> str:
    """One change in Swedish: "Aktivitet ändrad: Promenad 30 minuter – status: planerad → klar"."""
    what = t(f"plans.section.{entry.section}")
    key = f"plans.diff.{entry.change}.{entry.section}"  # where Swedish grammar needs its own form ("mål tillagt")
    text = t(key if key in SV else f"plans.diff.{entry.change}", what=what, title=entry.title)
    if entry.fields:
        text += " – " + "; ".join(f"{_label(c.field)}: {_value(c.before)} → {_value(c.after)}" for c in entry.fields)
    return text


def summary(entries: Sequence[DiffEntry], limit: int = 2000) -> str:
    """The change summary stored with a version."""
    text = " · ".join(describe(e) for e in entries) or t("plans.diff.nothing")
    return text if len(text) <= limit else text[: limit - 1] + "…"


_LATER_STAMPS = ("status_recorded", "acknowledged", "answered")  # recorded after the element, on some kinds


def recorders(doc: PlanDocument) -> tuple[set[int], set[int]]:
    """(unit ids, care provider ids) of everyone who recorded something in the document, for "recorded by"."""
    stamps: list[Recorded | None] = []
    for section in Section:
        for element in _SECTIONS[section](doc):
            fields = type(element).model_fields  # not getattr(…, None): a miss is an exception inside pydantic
            stamps.append(element.recorded)
            stamps += [getattr(element, name) for name in _LATER_STAMPS if name in fields]
    if doc.sip is not None:
        sip = doc.sip
        stamps += [sip.established, sip.no_other_measures, sip.overall_recorded,
                   sip.consent.recorded if sip.consent else None, sip.meeting.recorded if sip.meeting else None]
    units = {s.unit_id for s in stamps if s is not None and s.unit_id is not None}
    providers = {s.provider_id for s in stamps if s is not None and s.provider_id is not None}
    return units, providers


# --- who documented each piece, as the access policy decides it (DOMAIN §5) ---------------------------------------

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


def write_piece(op: _Op, doc: PlanDocument, author: Author, ctx: PlanContext) -> Piece:
    """The piece ``op`` writes, for the access policy: the record of :func:`write_owner`, at the unit that documents
    it, with its kind of information and whether it concerns social services (so role levels and inre spärr apply
    to writes too)."""
    provider = write_owner(op, doc, author, ctx.owner_provider_id)
    if author.by_person or author.provider_id is None:
        return frame_piece(doc, ctx)
    target = _target(op)
    element = _find(doc, *target) if target is not None else None
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


def _op_units(op: _Op) -> tuple[int | None, ...]:
    responsible = getattr(op, "responsible", None)
    return (responsible.unit_id if responsible is not None else None, getattr(op, "unit_id", None))


def _op_social(op: _Op, doc: PlanDocument, ctx: PlanContext) -> bool:
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
        items = _SECTIONS[section](doc)
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
