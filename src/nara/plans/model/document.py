"""The plan document (DOMAIN §2–3): value types, the elements every section holds and who recorded them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from nara.core.ids import ID_MAX
from nara.core.values import Phone, ShortText, Text, VideoLink

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


class ParticipantKind(StrEnum):
    """Who is invited to a SIP meeting by name; the units of the principals are invited by an :class:`Invitation`."""

    PERSONEN = "personen"
    NARSTAENDE = "narstaende"
    ANNAN = "annan"  # e.g. god man, the school, Försäkringskassan


MAX_PARTICIPANTS = 30  # named people at one meeting


class Participant(_Stored):
    """Someone invited to a SIP meeting by name: the person, a närstående or another; ``attended`` is recorded
    after the meeting (None: not recorded)."""

    kind: ParticipantKind
    name: ShortText | None = None
    attended: bool | None = None

    @model_validator(mode="after")
    def _named(self) -> Participant:
        if self.kind is not ParticipantKind.PERSONEN and not self.name:
            raise ValueError("name the närstående or other participant")
        return self


class Meeting(_Stored):
    """A SIP meeting: its time and a place or a digital vårdmöte link, the people invited by name (the units come
    through their invitations), and — after the meeting — who took part and the minutes. Each kallelse to the SIP
    adds one."""

    start: When
    place: ShortText | None = None
    video_link: VideoLink | None = None
    participants: tuple[Participant, ...] = Field(default=(), max_length=MAX_PARTICIPANTS)
    attended_units: tuple[Id, ...] = Field(default=(), max_length=MAX_PARTICIPANTS)  # units that took part
    minutes: Text | None = None  # anteckningar från mötet
    held: Recorded | None = None  # who recorded the attendance and the minutes, and when
    recorded: Recorded

    @property
    def person_invited(self) -> bool:
        return any(p.kind is ParticipantKind.PERSONEN for p in self.participants)


class Approval(_Stored):
    """One party's approval of the SIP as it reads now (DOMAIN §3: made together with the person; each principal
    takes part): a principal (``provider_id``) through its responsible person, or the person (``provider_id``
    None) themself or through their ombud (``representative``). Recorded with name, role and time."""

    provider_id: Id | None = None
    name: ShortText
    role: ShortText | None = None
    representative: ShortText | None = None
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
    meeting: Meeting | None = None  # the latest kallelse's meeting
    earlier_meetings: tuple[Meeting, ...] = ()  # the meetings of earlier kallelser to the same SIP, oldest first
    interventions: tuple[Intervention, ...] = ()
    other_measures: tuple[OtherMeasure, ...] = ()
    no_other_measures: Recorded | None = None  # "no measures by others", stated explicitly
    overall_principal_provider_id: Id | None = None
    overall_recorded: Recorded | None = None
    follow_ups: tuple[FollowUp, ...] = ()
    approvals: tuple[Approval, ...] = ()  # of the plan as it reads now; a change to what it states clears them
    approvals_reopened: Recorded | None = None  # the change that cleared earlier approvals
    merged_into: Id | None = None  # a duplicate SIP of the person, merged into their one SIP (its plan id)

    @property
    def meetings(self) -> tuple[Meeting, ...]:
        """Every meeting of the SIP, oldest first."""
        return (*self.earlier_meetings, self.meeting) if self.meeting is not None else self.earlier_meetings


class CommitmentChange(StrEnum):
    """How a change touched a principal's commitment in a Patientkontrakt (nara.plans.model.approvals)."""

    TILLAGD = "tillagd"  # an activity added for the principal, or re-assigned to it
    ANDRAD = "andrad"  # its text, responsible unit, due date or recurrence changed
    FLYTTAD = "flyttad"  # re-assigned from the principal to someone else
    BORTTAGEN = "borttagen"  # removed from the plan


class ApprovalState(StrEnum):
    VANTAR = "vantar"
    GODKAND = "godkand"
    AVBOJD = "avbojd"


class CommitmentApproval(_Stored):
    """A principal's (huvudman's) approval of a change another made to its commitment — an activity its unit is
    responsible for (nara.plans.model.approvals): what changed, by whom and since which version; then who
    approved or declined it, with name, role (profession, unit), time and, when declined, why."""

    activity_id: str
    provider_id: Id  # the principal whose approval is needed
    unit_id: Id | None = None  # its unit responsible for the activity, which is told about the change
    title: Text  # the activity as it read when the change was made
    change: CommitmentChange
    since_version: Annotated[int, Field(ge=1)]
    requested: Recorded  # who made the change
    reopened: bool = False  # a later change set aside the principal's earlier answer
    state: ApprovalState = ApprovalState.VANTAR
    answered: Recorded | None = None
    name: ShortText | None = None
    role: ShortText | None = None
    reason: Text | None = None

    @property
    def id(self) -> str:
        """One record per activity and principal: ``"<activity id>.<provider id>"``."""
        return f"{self.activity_id}.{self.provider_id}"


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
    commitment_approvals: tuple[CommitmentApproval, ...] = ()  # a Patientkontrakt's (nara.plans.model.approvals)


def new_document(kind: PlanKind | str) -> PlanDocument:
    kind = PlanKind(kind)
    return PlanDocument(kind=kind, sip=Sip() if kind is PlanKind.SIP else None)


def state_of(doc: PlanDocument) -> str:
    """The plan's status as listed: a SIP's phase, otherwise aktiv/avslutad."""
    return doc.sip.phase.value if doc.sip is not None else doc.status.value


def with_sip(doc: PlanDocument, **changes: object) -> PlanDocument:
    assert doc.sip is not None
    return doc.model_copy(update={"sip": doc.sip.model_copy(update=changes)})
