"""Who may read and write a person's data: the access policy under patientdatalagen (PDL) and lag (2022:913)
(DOMAIN §5). Plain Python: no database, no web.

One function, :func:`decide`, answers every question of the form "may this actor, acting for this unit, do
this with this kind of information about this person, for this purpose, now?". It denies by default: a request
is allowed only by one of the rules written out in it, and every denial carries a :class:`Reason` code that goes
into the audit entry and names a Swedish message (nara.access.messages).

nara.access.service loads the facts (care relationships, consents, spärrar, nödåtkomst, protected identity)
and calls :func:`decide`; nothing else should read person data without going through it.

Decisions made here, beyond the letter of DOMAIN §5 (kept strict, because deny by default):

- Every piece of information is decided by the care provider *and unit* that documented it (a shared plan holds
  pieces from several): a request names both (``owner_provider_id``, ``owner_unit_id``).
- An inre spärr set at a vårdenhet hides what was documented *at that unit* from the provider's other units
  (PDL 4 kap. 4 §); nödåtkomst opens it, and so does a temporary lift the person consented to (a unit or a user,
  with a reason, at most 7 days). What a provider may not show its own units it shares with no other provider
  either, so another provider meets it like a yttre spärr.
- A yttre spärr hides a provider's information from other providers. That blocked information exists is always
  shown; *which* providers hold it only in an emergency: nödåtkomst breaks it in two active steps, each with its
  reason — first which providers hold blocked information, then the content of one (lag 2022:913, DOMAIN §5).
- Nödåtkomst needs a current patient relationship between the user's unit and the person; it lifts a missing
  consent, never a missing relationship, and only roles whose profile allows it may use it.
- What a role may reach at all comes from its profile (nara.access.model.roles, HSLF-FS 2016:40 4 kap. 2 §), before any
  relationship, consent or nödåtkomst is looked at.
- Protected identity: address and location are shown only to the person themself. Staff never see them through
  this path, not even with a care relationship or nödåtkomst.
- A provider writes only in its own information; another provider's information is read-only (each provider
  documents in its own records), also under nödåtkomst.
- A "cannot consent" assessment replaces consent only for the provider that recorded it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from nara.access.model.proxies import ProxyFacts
from nara.access.model.roles import KINDS, Level, RoleProfile, RoleTable, default_table
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose, Role

# Nödåtkomst is time-limited (DOMAIN §5: "e.g. at most 7 days"). The default is one working shift; a caller
# (or later a setting) may choose a shorter or longer time, never longer than the maximum.
DEFAULT_EMERGENCY_DURATION = timedelta(hours=8)
MAX_EMERGENCY_DURATION = timedelta(days=7)
MAX_EMERGENCY_REASON_LENGTH = 2000  # as the audit log stores it
MIN_REASON_LETTERS = 3  # a stated reason is words, not whitespace, invisible characters or punctuation
# A temporary lift of an inre spärr, with the person's consent (DOMAIN §5: "at most 7 days", as Inera's service).
MAX_BLOCK_LIFT_DURATION = timedelta(days=7)
# Self-registered relationships (a unit's own uppdrag, care-team membership) always end (DOMAIN §5).
MAX_SELF_REGISTERED_RELATIONSHIP = timedelta(days=365)


class InformationCategory(StrEnum):
    """Informationsmängd: what a request touches, and what a spärr can cover. Add members as parts grow."""

    GRUNDUPPGIFTER = "grunduppgifter"  # namn, personnummer, kön, ålder: from the directory, not from a provider
    ADRESS = "adress"  # adress, telefon, vistelseort, boende (SäBo): hidden for protected identity
    PLAN = "plan"  # Patientkontrakt, SIP, vårdplan
    VARDKONTAKTER = "vardkontakter"  # bokade och genomförda kontakter
    ANTECKNINGAR = "anteckningar"  # hälso- och sjukvårdens journalanteckningar
    SOCIAL_DOKUMENTATION = "social_dokumentation"  # socialtjänstens dokumentation (SoL)
    UTSKRIVNING = "utskrivning"  # utskrivningsprocessen, lag (2017:612)
    LAKEMEDEL = "lakemedel"  # läkemedel
    MATVARDEN = "matvarden"  # mätvärden
    ATKOMST = "atkomst"  # the person's consents, spärrar, care relationships and nödåtkomster
    LOGG = "logg"  # loggutdrag: the person's own log extract
    MEDDELANDEN = "meddelanden"  # säkra meddelanden between the person (or their proxy) and care


# Information recorded by a care provider: a request for it must name its owner, so the policy can tell own
# information from another provider's (sammanhållen vård- och omsorgsdokumentation, DOMAIN §5).
PROVIDER_RECORDED = frozenset({
    InformationCategory.PLAN, InformationCategory.VARDKONTAKTER, InformationCategory.ANTECKNINGAR,
    InformationCategory.SOCIAL_DOKUMENTATION, InformationCategory.UTSKRIVNING, InformationCategory.LAKEMEDEL,
    InformationCategory.MATVARDEN, InformationCategory.MEDDELANDEN,
})
# What the role profiles govern (nara.access.model.roles); the others follow the care relationship alone.
ROLE_GOVERNED = frozenset(InformationCategory(kind) for kind in KINDS)
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


class EmergencyScope(StrEnum):
    """What one nödåtkomst opens (DOMAIN §5): the person's information past a missing consent and inre spärrar;
    then, as two further active steps, which providers hold information behind a yttre spärr, and the content of
    one of them."""

    PERSON = "person"
    SPARR_PROVIDERS = "sparr_providers"
    SPARR_OPEN = "sparr_open"


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
    OWN_UNIT = "own_unit"  # a unit starts a care relationship of its own (nara.access.service.grants)
    TEMPORARY_LIFT = "temporary_lift"  # an inre spärr lifted for this unit or user, with the person's consent
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
    ROLE_NOT_PERMITTED = "role_not_permitted"
    ROLE_READ_ONLY = "role_read_only"
    EMERGENCY_NOT_FOR_ROLE = "emergency_not_for_role"
    EMERGENCY_STEP_ONE_FIRST = "emergency_step_one_first"
    NO_BLOCKED_INFORMATION = "no_blocked_information"
    # denied by a rule of a use case in nara.access.service.grants
    STAFF_ONLY = "staff_only"
    CONSENT_FOR_OTHER_PROVIDER = "consent_for_other_provider"
    SPARR_OUTSIDE_OWN_UNIT = "sparr_outside_own_unit"
    SPARR_SET_BY_OTHER_PROVIDER = "sparr_set_by_other_provider"
    SPARR_LIFTED_BY_PROVIDER = "sparr_lifted_by_provider"
    RELATIONSHIP_HELD_BY_OTHER_UNIT = "relationship_held_by_other_unit"
    LIFT_ONLY_INRE = "lift_only_inre"
    # a närstående, ombud or vårdnadshavare acting for the person (nara.access.model.proxies)
    PROXY_GRANT = "proxy_grant"
    GUARDIAN = "guardian"
    PROXY_NO_GRANT = "proxy_no_grant"
    PROXY_GRANT_ENDED = "proxy_grant_ended"
    PROXY_SCOPE_MISSING = "proxy_scope_missing"
    PROXY_READ_ONLY = "proxy_read_only"
    GUARDIAN_CHILD_13 = "guardian_child_13"

    @property
    def allows(self) -> bool:
        return self in _ALLOWING


_ALLOWING = frozenset({Reason.OWN_DATA, Reason.CARE_RELATIONSHIP, Reason.CONSENT,
                       Reason.CANNOT_CONSENT_ASSESSMENT, Reason.EMERGENCY_ACCESS, Reason.OWN_UNIT,
                       Reason.TEMPORARY_LIFT, Reason.PROXY_GRANT, Reason.GUARDIAN})


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

    def covers(self, category: InformationCategory, plan_ref: str | None, owner_unit_id: int | None = None) -> bool:
        """Whether the spärr covers this information. An inre spärr covers only what was documented at the unit
        that set it (PDL 4 kap. 4 §); information whose unit is not known is taken to be covered."""
        if self.kind is BlockKind.INRE and owner_unit_id is not None and owner_unit_id != self.unit_id:
            return False
        if self.plan_ref is not None:
            return plan_ref == self.plan_ref
        return self.category == category

    def anonymous(self) -> Block:
        """The spärr as shown before an emergency's first step: that it exists, not who holds the information."""
        return Block(id=self.id, kind=self.kind, provider_id=0, unit_id=None, set_at=self.set_at,
                     category=self.category, plan_ref=self.plan_ref, lifted_at=self.lifted_at)


@dataclass(frozen=True, slots=True)
class BlockLift:
    """A temporary lift of one inre spärr for one unit or one user, with the person's consent and a reason, for at
    most MAX_BLOCK_LIFT_DURATION; it ends by itself (DOMAIN §5)."""

    block_id: int
    unit_id: int | None
    account_id: int | None
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None = None

    def applies_to(self, actor: Actor, at: datetime) -> bool:
        end = self.ends_at if self.revoked_at is None else min(self.ends_at, self.revoked_at)
        return _within(at, self.starts_at, end) and (
            (self.unit_id is not None and self.unit_id == actor.unit_id)
            or (self.account_id is not None and self.account_id == actor.account_id))


@dataclass(frozen=True, slots=True)
class EmergencyAccess:
    """Nödåtkomst opened by one account acting for one unit, with a stated reason, until it expires."""

    id: int
    account_id: int
    unit_id: int
    reason: str
    started_at: datetime
    expires_at: datetime
    scope: EmergencyScope = EmergencyScope.PERSON
    opened_provider_id: int | None = None  # SPARR_OPEN: the provider whose blocked information it opens

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
    owner_unit_id: int | None = None  # the vårdenhet that documented it (an inre spärr is per unit)
    social_scope: bool = False  # it concerns, or is addressed to, social services (roles at level "social")

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
    lifts: tuple[BlockLift, ...] = ()
    proxy: ProxyFacts | None = None  # for an actor acting for the person: their grants and guardianships


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
    providers_revealed: bool = False  # the emergency's first step was taken: ``blocked`` names the providers

    @property
    def review_required(self) -> bool:
        """Every nödåtkomst is followed up (DOMAIN §5)."""
        return self.via_emergency

    @property
    def blocked_categories(self) -> frozenset[InformationCategory]:
        return frozenset(b.category for b in self.blocked if b.category is not None)

    @property
    def blocked_providers(self) -> tuple[tuple[int, str], ...]:
        """Which providers hold information blocked from the actor (id, name): only after the first step of an
        emergency (DOMAIN §5); empty otherwise."""
        if not self.providers_revealed:
            return ()
        seen: dict[int, str] = {}
        for b in self.blocked:
            seen.setdefault(b.provider_id, b.provider_name or "")
        return tuple(seen.items())

    def refused(self, reason: Reason, blocking: Block | None = None) -> Decision:
        """This decision turned into a denial by a further rule (of a use case)."""
        return Decision(False, reason, blocked=self.blocked, blocking=blocking, hide_address=self.hide_address,
                        providers_revealed=self.providers_revealed)


def _deny(reason: Reason, **details: object) -> Decision:
    return Decision(False, reason, **details)  # type: ignore[arg-type]


# --- the policy ----------------------------------------------------------------------------------------------


def decide(request: AccessRequest, facts: AccessFacts, roles: RoleTable | None = None) -> Decision:
    """Allow or deny one read or write of person data. Deny by default (DOMAIN §5). ``roles``: the role profiles
    (nara.access.model.roles; the shipped table by default)."""
    actor = request.actor
    if request.category is InformationCategory.LOGG and request.action is Action.WRITE:
        return _deny(Reason.READ_ONLY_CATEGORY)  # the log is append-only; entries are written by the guard
    if actor.role is Role.RESIDENT:
        return _decide_resident(request, facts)
    if actor.role is not Role.STAFF:
        # Leaders, reviewers and administrators see aggregates and do log review elsewhere, never a person's
        # data through this path (DOMAIN §5: access follows the needs of the role).
        return _deny(Reason.ROLE_WITHOUT_PERSON_ACCESS)
    return _decide_staff(request, facts, roles or default_table())


def _decide_resident(request: AccessRequest, facts: AccessFacts) -> Decision:
    """The resident sees and manages their own data, all of it, including the log extract (DOMAIN §5); for the
    person they act for, what a grant or a guardianship covers (nara.access.model.proxies)."""
    actor = request.actor
    if actor.acting_for is not None and actor.acting_for == request.person_id != actor.person_id:
        if not facts.person_exists:
            return _deny(Reason.UNKNOWN_PERSON)
        proxy = facts.proxy or ProxyFacts()
        reason = Reason(proxy.verdict(request.category.value, request.action is Action.WRITE, request.at))
        return Decision(reason.allows, reason)
    if request.actor.person_id is None or request.actor.person_id != request.person_id:
        return _deny(Reason.NOT_OWN_DATA)
    if not facts.person_exists:
        return _deny(Reason.UNKNOWN_PERSON)
    return Decision(True, Reason.OWN_DATA)


def role_refusal(request: AccessRequest, profile: RoleProfile | None) -> Reason | None:
    """What the actor's role profile says about this request (HSLF-FS 2016:40 4 kap. 2 §): None when it may. No
    profile: the profession reaches nothing."""
    if request.category not in ROLE_GOVERNED:
        return None
    level = Level.NONE if profile is None else profile.levels.get(request.category.value, Level.NONE)
    if level is Level.NONE or (level is Level.SOCIAL and not request.social_scope):
        return Reason.ROLE_NOT_PERMITTED
    if request.action is Action.WRITE and level is Level.READ:
        return Reason.ROLE_READ_ONLY
    return None


def may_use_emergency_access(actor: Actor, roles: RoleTable | None = None) -> bool:
    profile = (roles or default_table()).profile(actor.profession, actor.unit_kind)
    return profile is not None and profile.emergency_access


def _decide_staff(request: AccessRequest, facts: AccessFacts, roles: RoleTable) -> Decision:
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

    # A current patient relationship between the acting unit and the person comes first: without one, nothing
    # is opened — not by consent, and not by nödåtkomst either (lag 2022:913, DOMAIN §5).
    if not any(r.unit_id == actor.unit_id and r.is_current(at) for r in facts.relationships):
        return _deny(Reason.NO_CARE_RELATIONSHIP, hide_address=hide_address)
    profile = roles.profile(actor.profession, actor.unit_kind)
    refusal = role_refusal(request, profile)
    if refusal is not None:
        return _deny(refusal, hide_address=hide_address)  # no nödåtkomst past what the role may reach

    own_provider = request.owner_provider_id is None or request.owner_provider_id == actor.provider_id
    if not own_provider and request.action is Action.WRITE:
        return _deny(Reason.OTHER_PROVIDER_WRITE, hide_address=hide_address)

    basis: Reason | None
    if own_provider:
        basis = Reason.CARE_RELATIONSHIP
    elif any(c.care_provider_id == actor.provider_id and c.is_valid(at) and c.covers(request.plan_ref)
             for c in facts.consents):
        # Another provider's information: consent (per provider, optionally per plan) or, for a person who
        # permanently cannot consent, a recorded assessment (lag 2022:913, DOMAIN §5).
        basis = Reason.CONSENT
    elif any(a.care_provider_id == actor.provider_id and a.is_valid(at) for a in facts.assessments):
        basis = Reason.CANNOT_CONSENT_ASSESSMENT
    else:
        basis = None

    may_emergency = profile is not None and profile.emergency_access
    mine = [e for e in facts.emergencies if e.is_active_for(actor, at)] if may_emergency else []
    active = next((e for e in mine if e.scope is EmergencyScope.PERSON), None)
    emergency_reason = (active.reason if active else request.emergency_reason) if may_emergency else None
    revealed = any(e.scope is not EmergencyScope.PERSON for e in mine)
    opened = {e.opened_provider_id: e.reason for e in mine if e.scope is EmergencyScope.SPARR_OPEN}
    if basis is None and emergency_reason is None:
        # Someone without a basis for access learns nothing more about the person, not even that spärrar exist.
        return _deny(Reason.NO_CONSENT, hide_address=hide_address, emergency_possible=may_emergency)

    # Blocked information is never shown, but that it exists always is; who holds it only in an emergency.
    hiding_all = tuple(b for b in facts.blocks if b.is_active(at) and _hides_from(b, actor)
                       and not _lifted_for(b, actor, facts.lifts, at))
    hiding = tuple(b if revealed or b.provider_id == actor.provider_id else b.anonymous() for b in hiding_all)
    details = {"blocked": hiding, "hide_address": hide_address, "providers_revealed": revealed}
    covering = [b for b in hiding_all
                if b.provider_id == request.owner_provider_id
                and b.covers(request.category, request.plan_ref, request.owner_unit_id)]
    hard = next((b for b in covering if b.provider_id != actor.provider_id), None)
    if hard is not None:
        # Another provider's spärr (yttre, or an inre one it shares with no one): only the emergency's second step
        # for that provider opens it (DOMAIN §5).
        if hard.provider_id in opened and active is not None:
            return Decision(True, Reason.EMERGENCY_ACCESS, via_emergency=True,
                            emergency_reason=opened[hard.provider_id], **details)  # type: ignore[arg-type]
        reason = Reason.YTTRE_SPARR if hard.kind is BlockKind.YTTRE else Reason.INRE_SPARR_OTHER_PROVIDER
        shown = hard if revealed else hard.anonymous()
        return _deny(reason, blocking=shown, emergency_reason=request.emergency_reason,
                     emergency_possible=may_emergency, **details)
    soft = next(iter(covering), None)  # an inre spärr of another unit of the own provider
    if basis is not None and soft is None:
        return Decision(True, basis, **details)  # type: ignore[arg-type]
    if emergency_reason is None:
        return _deny(Reason.INRE_SPARR, blocking=soft, emergency_possible=may_emergency, **details)
    # Nödåtkomst: past a missing consent and through an inre spärr of the own provider, for a limited time, with a
    # stated reason, logged and reviewed; the person is told afterwards (DOMAIN §5).
    return Decision(True, Reason.EMERGENCY_ACCESS, via_emergency=True, starts_emergency=active is None,
                    emergency_reason=emergency_reason, **details)  # type: ignore[arg-type]


def _hides_from(block: Block, actor: Actor) -> bool:
    """Whether a spärr hides its provider's information from ``actor``."""
    if block.provider_id != actor.provider_id:
        return True  # yttre: its purpose; inre: what the provider may not show its own units, it shares with none
    return block.kind is BlockKind.INRE and block.unit_id != actor.unit_id


def _lifted_for(block: Block, actor: Actor, lifts: tuple[BlockLift, ...], at: datetime) -> bool:
    """An inre spärr of the actor's own provider, temporarily lifted for the actor's unit or for the actor."""
    return (block.kind is BlockKind.INRE and block.provider_id == actor.provider_id
            and any(lift.block_id == block.id and lift.applies_to(actor, at) for lift in lifts))


def meaningful_reason(text: str | None) -> str | None:
    """A stated reason as words: whitespace and invisible characters (format, control, separators) do not count,
    and at least MIN_REASON_LETTERS letters must remain (DOMAIN §5). The reason as written, trimmed, or None."""
    text = (text or "").strip()
    visible = "".join(ch for ch in text if unicodedata.category(ch)[0] not in "CZ")
    letters = sum(1 for ch in visible if unicodedata.category(ch).startswith("L"))
    return text if letters >= MIN_REASON_LETTERS else None
