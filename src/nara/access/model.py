"""Who may read and write a person's data: the access policy under patientdatalagen (PDL) and lag (2022:913)
(DOMAIN §5). Plain Python: no database, no web.

One function, :func:`decide`, answers every question of the form "may this actor, acting for this unit, do
this with this kind of information about this person, for this purpose, now?". It denies by default: a request
is allowed only by one of the rules written out in it, and every denial carries a :class:`Reason` code that goes
into the audit entry and names a Swedish message (nara.access.policy_messages).

:mod:`nara.access.guard` loads the facts (care relationships, consents, spärrar, nödåtkomst, protected identity)
and calls :func:`decide`; nothing else should read person data without going through it.

Decisions made here, beyond the letter of DOMAIN §5 (kept strict, because deny by default):

- A spärr protects the information *recorded by the provider that set it*. An inre spärr hides it from the other
  units of that provider (nödåtkomst opens it) and, since only what the provider may show at all is shared, from
  every other provider too (nödåtkomst does not open that). A yttre spärr hides it from other providers, always.
- Protected identity: address and location are shown only to the person themself. Staff never see them through
  this path, not even with a care relationship or nödåtkomst.
- A provider writes only in its own information; another provider's information is read-only (each provider
  documents in its own records), also under nödåtkomst.
- A "cannot consent" assessment replaces consent only for the provider that recorded it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from nara.access.audit import AuditAction
from nara.auth.model import Actor, Role

# Nödåtkomst is time-limited (DOMAIN §5: "e.g. at most 7 days"). The default is one working shift; a caller
# (or later a setting) may choose a shorter or longer time, never longer than the maximum.
DEFAULT_EMERGENCY_DURATION = timedelta(hours=8)
MAX_EMERGENCY_DURATION = timedelta(days=7)
MAX_EMERGENCY_REASON_LENGTH = 2000  # as the audit log stores it


class InformationCategory(StrEnum):
    """Informationsmängd: what a request touches, and what a spärr can cover. Add members as parts grow."""

    GRUNDUPPGIFTER = "grunduppgifter"  # namn, personnummer, kön, ålder: from the directory, not from a provider
    ADRESS = "adress"  # adress, telefon, vistelseort, boende (SäBo): hidden for protected identity
    PLAN = "plan"  # Patientkontrakt, SIP, vårdplan
    VARDKONTAKTER = "vardkontakter"  # bokade och genomförda kontakter
    ANTECKNINGAR = "anteckningar"  # journalanteckningar
    UTSKRIVNING = "utskrivning"  # utskrivningsprocessen, lag (2017:612)
    ATKOMST = "atkomst"  # the person's consents, spärrar, care relationships and nödåtkomster
    LOGG = "logg"  # loggutdrag: the person's own log extract


# Information recorded by a care provider: a request for it must name its owner, so the policy can tell own
# information from another provider's (sammanhållen vård- och omsorgsdokumentation, DOMAIN §5).
PROVIDER_RECORDED = frozenset({
    InformationCategory.PLAN, InformationCategory.VARDKONTAKTER, InformationCategory.ANTECKNINGAR,
    InformationCategory.UTSKRIVNING,
})
# What a spärr can cover: a person's identity, the access settings themselves and the log cannot be blocked.
BLOCKABLE = PROVIDER_RECORDED


class Action(StrEnum):
    READ = "read"
    WRITE = "write"


_WRITES = frozenset({AuditAction.CREATE, AuditAction.WRITE, AuditAction.DELETE})
_READS = frozenset({AuditAction.READ, AuditAction.SEARCH, AuditAction.EXPORT, AuditAction.PRINT})


def action_of(audit_action: AuditAction | str) -> Action:
    """Whether what is logged (read, export, create, ...) reads or writes, for the policy."""
    audit_action = AuditAction(audit_action)
    if audit_action in _WRITES:
        return Action.WRITE
    if audit_action in _READS:
        return Action.READ
    raise ValueError(f"{audit_action} is not an access to information")


class Purpose(StrEnum):
    """Ändamål: why the information is processed. Staff open a person's data for care only; follow-up and log
    review are other paths with their own rules (DOMAIN §5, §7)."""

    VARD = "vard"  # vård och behandling (incl. documentation and care coordination)
    EGEN_INSYN = "egen_insyn"  # the resident's own view of their data
    UPPFOLJNING = "uppfoljning"  # aggregated follow-up: not through this path
    LOGGUPPFOLJNING = "logguppfoljning"  # log review: not through this path


class RelationshipKind(StrEnum):
    """What a vårdrelation rests on (DOMAIN §5: staff take part in the person's care)."""

    LISTING = "listing"  # listning at the vårdcentral (derived from the directory's listing)
    SABO = "sabo"  # resident of the unit's särskilt boende (derived from the directory)
    ADMISSION = "admission"  # open inskrivning / utskrivningsprocess (lag 2017:612)
    CARE_TEAM = "care_team"  # member of the person's care team
    SIP = "sip"  # accepted SIP invitation
    ASSIGNMENT = "assignment"  # explicit uppdrag, always with an end date


DERIVED_RELATIONSHIPS = frozenset({RelationshipKind.LISTING, RelationshipKind.SABO})


class BlockKind(StrEnum):
    """Spärr (DOMAIN §5)."""

    INRE = "inre"  # hides a unit's information from the other units of the same provider
    YTTRE = "yttre"  # hides a provider's information from all other providers


class ConsentGivenBy(StrEnum):
    """How a consent was recorded."""

    INVANARE = "invanare"  # by the resident in the portal
    PERSONAL = "personal"  # by staff, as the resident said


class Reason(StrEnum):
    """Why a request was allowed or denied. Denial codes go into the audit entry (``denial_reason``)."""

    # allowed
    OWN_DATA = "own_data"
    CARE_RELATIONSHIP = "care_relationship"
    CONSENT = "consent"
    CANNOT_CONSENT_ASSESSMENT = "cannot_consent_assessment"
    EMERGENCY_ACCESS = "emergency_access"
    OWN_UNIT = "own_unit"  # a unit starts a care relationship of its own (nara.access.grants)
    # denied by the policy
    UNKNOWN_PERSON = "unknown_person"
    NOT_OWN_DATA = "not_own_data"
    ROLE_WITHOUT_PERSON_ACCESS = "role_without_person_access"
    NOT_STAFF_MEMBER = "not_staff_member"
    NO_ACTIVE_UNIT = "no_active_unit"
    PURPOSE_NOT_ALLOWED = "purpose_not_allowed"
    LOG_IS_PERSONAL = "log_is_personal"
    READ_ONLY_CATEGORY = "read_only_category"
    PROTECTED_IDENTITY = "protected_identity"
    NO_CARE_RELATIONSHIP = "no_care_relationship"
    NO_CONSENT = "no_consent"
    OTHER_PROVIDER_WRITE = "other_provider_write"
    INRE_SPARR = "inre_sparr"
    INRE_SPARR_OTHER_PROVIDER = "inre_sparr_other_provider"
    YTTRE_SPARR = "yttre_sparr"
    # denied by a rule of a use case in nara.access.grants
    STAFF_ONLY = "staff_only"
    CONSENT_FOR_OTHER_PROVIDER = "consent_for_other_provider"
    SPARR_OUTSIDE_OWN_UNIT = "sparr_outside_own_unit"
    SPARR_SET_BY_OTHER_PROVIDER = "sparr_set_by_other_provider"
    SPARR_LIFTED_BY_PROVIDER = "sparr_lifted_by_provider"

    @property
    def allows(self) -> bool:
        return self in _ALLOWING


_ALLOWING = frozenset({Reason.OWN_DATA, Reason.CARE_RELATIONSHIP, Reason.CONSENT,
                       Reason.CANNOT_CONSENT_ASSESSMENT, Reason.EMERGENCY_ACCESS, Reason.OWN_UNIT})


# --- facts ---------------------------------------------------------------------------------------------------


def _within(at: datetime, start: datetime, end: datetime | None) -> bool:
    """Half-open: from ``start`` inclusive to ``end`` exclusive."""
    return start <= at and (end is None or at < end)


@dataclass(frozen=True, slots=True)
class CareRelationship:
    """Vårdrelation between a unit and the person, for a period."""

    unit_id: int
    kind: RelationshipKind
    valid_from: datetime
    valid_to: datetime | None = None  # exclusive; None while it lasts

    def is_current(self, at: datetime) -> bool:
        return _within(at, self.valid_from, self.valid_to)


@dataclass(frozen=True, slots=True)
class Consent:
    """Samtycke: the person lets ``care_provider_id`` read other providers' information about them, for a period,
    for all of it or for one plan (lag 2022:913, DOMAIN §5). A revocation takes effect at once."""

    care_provider_id: int
    valid_from: datetime
    valid_to: datetime | None = None
    revoked_at: datetime | None = None
    plan_ref: str | None = None  # None: all information; else only the information of this plan

    def is_valid(self, at: datetime) -> bool:
        return _within(at, self.valid_from, self.valid_to) and (self.revoked_at is None or at < self.revoked_at)

    def covers(self, plan_ref: str | None) -> bool:
        return self.plan_ref is None or self.plan_ref == plan_ref


@dataclass(frozen=True, slots=True)
class CannotConsentAssessment:
    """A recorded assessment that the person permanently cannot consent; their attitude is clarified as far as
    possible (DOMAIN §5). Replaces consent for the provider that recorded it."""

    care_provider_id: int
    assessed_at: datetime
    withdrawn_at: datetime | None = None

    def is_valid(self, at: datetime) -> bool:
        return _within(at, self.assessed_at, self.withdrawn_at)


@dataclass(frozen=True, slots=True)
class Block:
    """Spärr on an information category or on one plan, set at the person's request by a unit of a provider.
    Who set it is always shown (DOMAIN §5), so it carries the names."""

    id: int
    kind: BlockKind
    provider_id: int
    unit_id: int | None  # the unit that set it; always present for an inre spärr
    set_at: datetime
    category: InformationCategory | None = None
    plan_ref: str | None = None
    lifted_at: datetime | None = None
    unit_name: str | None = None
    provider_name: str | None = None

    def is_active(self, at: datetime) -> bool:
        return _within(at, self.set_at, self.lifted_at)

    def covers(self, category: InformationCategory, plan_ref: str | None) -> bool:
        if self.plan_ref is not None:
            return plan_ref == self.plan_ref
        return self.category == category


@dataclass(frozen=True, slots=True)
class EmergencyAccess:
    """Nödåtkomst opened by one account acting for one unit, with a stated reason, until it expires."""

    id: int
    account_id: int
    unit_id: int
    reason: str
    started_at: datetime
    expires_at: datetime

    def is_active_for(self, actor: Actor, at: datetime) -> bool:
        return (self.account_id == actor.account_id and self.unit_id == actor.unit_id
                and _within(at, self.started_at, self.expires_at))


@dataclass(frozen=True, slots=True)
class AccessRequest:
    """One question to the policy. ``owner_provider_id`` is the care provider that recorded the information
    (required for PROVIDER_RECORDED categories); ``plan_ref`` the plan it belongs to, if any;
    ``emergency_reason`` is given when the actor asks for nödåtkomst now."""

    actor: Actor
    person_id: int
    category: InformationCategory
    action: Action
    purpose: Purpose
    at: datetime
    owner_provider_id: int | None = None
    plan_ref: str | None = None
    emergency_reason: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None:
            raise ValueError("AccessRequest.at must be timezone-aware")
        object.__setattr__(self, "category", InformationCategory(self.category))
        object.__setattr__(self, "action", Action(self.action))
        object.__setattr__(self, "purpose", Purpose(self.purpose))
        if self.category in PROVIDER_RECORDED and self.owner_provider_id is None:
            raise ValueError(f"a request for {self.category} must name the care provider that recorded it")
        if self.plan_ref is not None:
            object.__setattr__(self, "plan_ref", str(self.plan_ref))
        reason = (self.emergency_reason or "").strip()
        object.__setattr__(self, "emergency_reason", reason or None)


@dataclass(frozen=True, slots=True)
class AccessFacts:
    """What is true about the person, as seen from the actor's unit and provider, at the time of the request.
    The loader may leave out what cannot matter (e.g. consents for a request about own information)."""

    person_exists: bool = True
    protected_identity: bool = False  # sekretessmarkering / skyddad folkbokföring (DOMAIN §9)
    relationships: tuple[CareRelationship, ...] = ()
    consents: tuple[Consent, ...] = ()
    assessments: tuple[CannotConsentAssessment, ...] = ()
    blocks: tuple[Block, ...] = ()
    emergencies: tuple[EmergencyAccess, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's answer.

    ``blocked``: the spärrar that hide something from this actor (whether or not they touch this request), so
    the UI can say "det finns spärrad information, spärrad av …" without showing it. ``blocking``: the spärr that
    decided a denial. ``hide_address``: strip address, phone and location from whatever is shown.
    ``via_emergency``: allowed only through nödåtkomst (log it with ``emergency_reason``, review it);
    ``starts_emergency``: the request's reason opens a new nödåtkomst. ``emergency_possible``: denied for want of
    relationship, consent or because of an inre spärr, so the UI may offer nödåtkomst (a yttre spärr, which the
    actor may not yet know of, still holds then)."""

    allowed: bool
    reason: Reason
    blocked: tuple[Block, ...] = ()
    blocking: Block | None = None
    hide_address: bool = False
    via_emergency: bool = False
    starts_emergency: bool = False
    emergency_reason: str | None = None
    emergency_possible: bool = False

    @property
    def review_required(self) -> bool:
        """Every nödåtkomst is followed up (DOMAIN §5)."""
        return self.via_emergency

    @property
    def blocked_categories(self) -> frozenset[InformationCategory]:
        return frozenset(b.category for b in self.blocked if b.category is not None)

    def refused(self, reason: Reason, blocking: Block | None = None) -> Decision:
        """This decision turned into a denial by a further rule (of a use case)."""
        return Decision(False, reason, blocked=self.blocked, blocking=blocking, hide_address=self.hide_address)


def _deny(reason: Reason, **details: object) -> Decision:
    return Decision(False, reason, **details)  # type: ignore[arg-type]


# --- the policy ----------------------------------------------------------------------------------------------


def decide(request: AccessRequest, facts: AccessFacts) -> Decision:
    """Allow or deny one read or write of person data. Deny by default (DOMAIN §5)."""
    actor = request.actor
    if request.category is InformationCategory.LOGG and request.action is Action.WRITE:
        return _deny(Reason.READ_ONLY_CATEGORY)  # the log is append-only; entries are written by the guard
    if actor.role is Role.RESIDENT:
        return _decide_resident(request, facts)
    if actor.role is not Role.STAFF:
        # Leaders, reviewers and administrators see aggregates and do log review elsewhere, never a person's
        # data through this path (DOMAIN §5: access follows the needs of the role).
        return _deny(Reason.ROLE_WITHOUT_PERSON_ACCESS)
    return _decide_staff(request, facts)


def _decide_resident(request: AccessRequest, facts: AccessFacts) -> Decision:
    """The resident sees and manages their own data, all of it, including the log extract (DOMAIN §5)."""
    if request.actor.person_id is None or request.actor.person_id != request.person_id:
        return _deny(Reason.NOT_OWN_DATA)
    if not facts.person_exists:
        return _deny(Reason.UNKNOWN_PERSON)
    return Decision(True, Reason.OWN_DATA)


def _decide_staff(request: AccessRequest, facts: AccessFacts) -> Decision:
    actor, at = request.actor, request.at
    if actor.staff_id is None:
        return _deny(Reason.NOT_STAFF_MEMBER)
    if actor.unit_id is None or actor.provider_id is None:
        return _deny(Reason.NO_ACTIVE_UNIT)  # access is through the unit one acts for
    if request.purpose is not Purpose.VARD:
        return _deny(Reason.PURPOSE_NOT_ALLOWED)
    if request.category is InformationCategory.LOGG:
        return _deny(Reason.LOG_IS_PERSONAL)  # the log extract is the person's; reviewers use log follow-up
    if not facts.person_exists:
        return _deny(Reason.UNKNOWN_PERSON)
    hide_address = facts.protected_identity  # only the person themself sees it (module docstring, DOMAIN §9)
    if request.category is InformationCategory.ADRESS and hide_address:
        return _deny(Reason.PROTECTED_IDENTITY, hide_address=True)

    own_provider = request.owner_provider_id is None or request.owner_provider_id == actor.provider_id
    if not own_provider and request.action is Action.WRITE:
        return _deny(Reason.OTHER_PROVIDER_WRITE, hide_address=hide_address)

    relationship = any(r.unit_id == actor.unit_id and r.is_current(at) for r in facts.relationships)
    consent_reason: Reason | None
    if own_provider:
        consent_reason = Reason.CARE_RELATIONSHIP
    else:
        # Another provider's information: consent (per provider, optionally per plan) or, for a person who
        # permanently cannot consent, a recorded assessment (lag 2022:913, DOMAIN §5) — on top of the relationship.
        if any(c.care_provider_id == actor.provider_id and c.is_valid(at) and c.covers(request.plan_ref)
               for c in facts.consents):
            consent_reason = Reason.CONSENT
        elif any(a.care_provider_id == actor.provider_id and a.is_valid(at) for a in facts.assessments):
            consent_reason = Reason.CANNOT_CONSENT_ASSESSMENT
        else:
            consent_reason = None

    active = next((e for e in facts.emergencies if e.is_active_for(actor, at)), None)
    emergency_reason = active.reason if active else request.emergency_reason
    basis = consent_reason if relationship else None  # what allows it without nödåtkomst
    if basis is None and emergency_reason is None:
        # Someone without a basis for access learns nothing more about the person, not even that spärrar exist.
        reason = Reason.NO_CARE_RELATIONSHIP if not relationship else Reason.NO_CONSENT
        return _deny(reason, hide_address=hide_address, emergency_possible=True)

    # Blocked information is never shown, but that it exists and who blocked it is (DOMAIN §5).
    hiding = tuple(b for b in facts.blocks if b.is_active(at) and _hides_from(b, actor))
    covering = [b for b in hiding
                if b.provider_id == request.owner_provider_id and b.covers(request.category, request.plan_ref)]
    hard = next((b for b in covering if not _emergency_lifts(b, actor)), None)
    if hard is not None:
        # A yttre spärr (or another provider's inre spärr) holds even in an emergency (DOMAIN §5).
        reason = Reason.YTTRE_SPARR if hard.kind is BlockKind.YTTRE else Reason.INRE_SPARR_OTHER_PROVIDER
        return _deny(reason, blocked=hiding, blocking=hard, hide_address=hide_address,
                     emergency_reason=request.emergency_reason)
    soft = next(iter(covering), None)  # an inre spärr of another unit of the own provider
    if basis is not None and soft is None:
        return Decision(True, basis, blocked=hiding, hide_address=hide_address)
    if emergency_reason is None:
        return _deny(Reason.INRE_SPARR, blocked=hiding, blocking=soft, hide_address=hide_address,
                     emergency_possible=True)
    # Nödåtkomst: without relationship or consent, and through an inre spärr of the own provider, for a limited
    # time, with a stated reason, logged and reviewed; the person is told afterwards (DOMAIN §5).
    return Decision(True, Reason.EMERGENCY_ACCESS, blocked=hiding, hide_address=hide_address, via_emergency=True,
                    starts_emergency=active is None, emergency_reason=emergency_reason)


def _hides_from(block: Block, actor: Actor) -> bool:
    """Whether a spärr hides its provider's information from ``actor``."""
    if block.provider_id != actor.provider_id:
        return True  # yttre: its purpose; inre: what the provider may not show its own units, it shares with none
    return block.kind is BlockKind.INRE and block.unit_id != actor.unit_id


def _emergency_lifts(block: Block, actor: Actor) -> bool:
    """Only an inre spärr within the actor's own provider yields to nödåtkomst (DOMAIN §5)."""
    return block.kind is BlockKind.INRE and block.provider_id == actor.provider_id


# --- rules of the use cases that change access (nara.access.grants) ---------------------------------------------


def staff_only_refusal(actor: Actor) -> Reason | None:
    """Care relationships and "cannot consent" assessments are recorded by staff, not by the resident."""
    return None if actor.role is Role.STAFF else Reason.STAFF_ONLY


def starting_relationship(decision: Decision, actor: Actor, unit_id: int) -> Decision:
    """A unit may start a care relationship of its own with a person it has none with yet (a new patient,
    logged like every access); bringing in another unit (care team, SIP) needs one's own relationship, which
    ``decision`` already checked."""
    if not decision.allowed and decision.reason is Reason.NO_CARE_RELATIONSHIP and unit_id == actor.unit_id:
        return Decision(True, Reason.OWN_UNIT, hide_address=decision.hide_address)
    return decision


def consent_refusal(actor: Actor, care_provider_id: int) -> Reason | None:
    """Who may record or revoke a consent: the resident for any provider; staff only for their own provider, as
    the resident said (they cannot let their provider read more on someone else's behalf)."""
    if actor.role is Role.STAFF and care_provider_id != actor.provider_id:
        return Reason.CONSENT_FOR_OTHER_PROVIDER
    return None


def set_block_refusal(actor: Actor, kind: BlockKind, unit_id: int | None, provider_id: int) -> Reason | None:
    """Who may set a spärr: the resident, at any unit or provider; staff at their own unit (inre) or their own
    provider (yttre), at the resident's request."""
    if actor.role is not Role.STAFF:
        return None
    if provider_id != actor.provider_id or (kind is BlockKind.INRE and unit_id != actor.unit_id):
        return Reason.SPARR_OUTSIDE_OWN_UNIT
    return None


def lift_block_refusal(actor: Actor, block: Block) -> Reason | None:
    """Only the provider that set a spärr can lift it, at the person's request (DOMAIN §5); the resident asks
    the provider rather than lifting it in the portal."""
    if actor.role is Role.RESIDENT:
        return Reason.SPARR_LIFTED_BY_PROVIDER
    if block.provider_id != actor.provider_id:
        return Reason.SPARR_SET_BY_OTHER_PROVIDER
    return None


def emergency_expiry(started_at: datetime, duration: timedelta | None = None) -> datetime:
    """When a nödåtkomst opened at ``started_at`` ends."""
    duration = DEFAULT_EMERGENCY_DURATION if duration is None else duration
    if duration <= timedelta(0) or duration > MAX_EMERGENCY_DURATION:
        raise ValueError(f"nödåtkomst lasts more than 0 and at most {MAX_EMERGENCY_DURATION}")
    return started_at + duration
