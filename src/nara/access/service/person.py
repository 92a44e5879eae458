"""Reading a person's data for the API and the pages (DOMAIN.md §5): grunduppgifter, what a care provider
recorded, the first step of nödåtkomst through a yttre spärr, and the person's consents, spärrar and care
relationships. Each read asks the policy first (one audit entry); directory data comes through
nara.directory.service."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access.model import BlockKind, InformationCategory, RelationshipKind
from nara.access.service import grants
from nara.access.service.guard import authorize, blocked_notices, emergency_offers, evaluate
from nara.access.store import (
    BlockRow,
    CareRelationshipRow,
    ConsentRow,
    EmergencyAccessRow,
    blocks_of,
    consents_of,
    relationships_of,
)
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import STOCKHOLM, Clock, local_today
from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.directory import service as directory
from nara.directory.model import IdentifierKind, PersonIdentifier


class ListingOut(BaseModel):
    unit_id: int
    unit_name: str
    fast_lakare_name: str | None


class SaboOut(BaseModel):
    unit_id: int
    unit_name: str


class RelativeOut(BaseModel):
    name: str
    kind: str
    phone: str | None = Field(description="Utelämnas för person med skyddad identitet")


class EmergencyOut(BaseModel):
    id: int
    reason: str
    started_at: datetime
    expires_at: datetime
    review_required: bool = Field(True, description="Varje nödåtkomst granskas i efterhand")


class PersonOut(BaseModel):
    id: int
    identifier: str = Field(description="12 tecken")
    identifier_display: str
    identifier_kind: IdentifierKind
    given_name: str
    family_name: str
    sex: str | None
    birth_date: date | None
    death_date: date | None
    kommun_code: str | None
    kommun_name: str | None
    address: str | None = Field(description="Utelämnas alltid för person med skyddad identitet")
    phone: str | None = Field(description="Utelämnas alltid för person med skyddad identitet")
    address_hidden: bool
    protected_identity: bool
    synthetic: bool
    listing: ListingOut | None
    sabo: SaboOut | None
    relatives: list[RelativeOut]
    blocked: list[str] = Field(description="Det finns spärrad information … spärrad av …")
    emergency: EmergencyOut | None = Field(description="Aktiv nödåtkomst som öppnade uppgifterna")


def read_person(
    s: Session, actor: Actor, clock: Clock, person_id: int, *, action: AuditAction = AuditAction.READ,
) -> PersonOut:
    """Grunduppgifter, listing, SäBo and närstående — after the policy allowed it (one audit entry). Address and
    phone are left out for protected identity (DOMAIN §9) and whenever the policy says so."""
    decision = authorize(s, actor, person_id, InformationCategory.GRUNDUPPGIFTER, action, purpose_of(actor), clock)
    person = directory.person(s, person_id)
    if person is None:  # the policy knows the person exists; a race with a merge at most
        raise NotFound("person.not_found")
    hide = decision.hide_address or (person.protected_identity and actor.person_id != person.id)
    today = local_today(clock)
    listing = directory.current_listing(s, person.id, today)
    sabo = directory.current_sabo(s, person.id, today)
    kommun = directory.municipality_name(s, person.kommun_code)
    relatives = directory.relatives(s, person.id)
    return PersonOut(
        id=person.id, identifier=person.identifier,
        identifier_display=PersonIdentifier(IdentifierKind(person.identifier_kind), person.identifier).display(),
        identifier_kind=IdentifierKind(person.identifier_kind), given_name=person.given_name,
        family_name=person.family_name, sex=person.sex, birth_date=person.birth_date,
        death_date=person.death_date, kommun_code=person.kommun_code, kommun_name=kommun,
        address=None if hide else person.address, phone=None if hide else person.phone, address_hidden=hide,
        protected_identity=person.protected_identity, synthetic=person.synthetic,
        listing=ListingOut(
            unit_id=listing.unit_id, unit_name=listing.unit.name,
            fast_lakare_name=listing.fast_lakare.full_name if listing.fast_lakare else None,
        ) if listing else None,
        sabo=SaboOut(unit_id=sabo.unit_id, unit_name=sabo.unit.name) if sabo else None,
        relatives=[RelativeOut(name=r.name, kind=r.kind, phone=None if hide else r.phone) for r in relatives],
        blocked=blocked_notices(decision),
        emergency=_active_emergency(s, actor, clock, person.id) if decision.via_emergency else None,
    )


def _active_emergency(s: Session, actor: Actor, clock: Clock, person_id: int) -> EmergencyOut | None:
    now = clock.now()
    row = s.scalar(
        select(EmergencyAccessRow)
        .where(EmergencyAccessRow.person_id == person_id, EmergencyAccessRow.account_id == actor.account_id,
               EmergencyAccessRow.unit_id == actor.unit_id, EmergencyAccessRow.started_at <= now,
               EmergencyAccessRow.expires_at > now)
        .order_by(EmergencyAccessRow.expires_at.desc()).limit(1)
    )
    return _emergency_out(row) if row is not None else None


def _emergency_out(row: EmergencyAccessRow) -> EmergencyOut:
    return EmergencyOut(id=row.id, reason=row.reason, started_at=row.started_at, expires_at=row.expires_at)


class InformationOut(BaseModel):
    person_id: int
    category: str
    provider_id: int
    provider_name: str
    items: list[dict[str, Any]] = Field(
        description="Innehållet; fylls av planer, vårdkontakter, anteckningar och utskrivning när de delarna finns")
    blocked: list[str]
    emergency: EmergencyOut | None


def read_information(
    s: Session, actor: Actor, clock: Clock, person_id: int, category: str, provider_id: int,
    unit_id: int | None = None,
) -> InformationOut:
    """What ``provider_id`` (at ``unit_id``, when given) recorded about the person in ``category``, when the policy
    allows: another provider's information needs consent on top of the relationship, the role must reach that kind
    of information, and spärrar hold — an inre spärr for what its unit documented (DOMAIN §5)."""
    provider = directory.provider(s, provider_id)
    if provider is None:
        raise NotFound("unit.not_found")
    unit = directory.unit(s, unit_id) if unit_id is not None else None
    if unit_id is not None and (unit is None or unit.provider_id != provider_id):
        raise NotFound("unit.not_found")
    decision = authorize(s, actor, person_id, InformationCategory(category), AuditAction.READ, purpose_of(actor),
                         clock, owner_provider_id=provider_id, owner_unit_id=unit_id, resource=(category, unit_id))
    return InformationOut(
        person_id=person_id, category=category, provider_id=provider.id, provider_name=provider.name, items=[],
        blocked=blocked_notices(decision),
        emergency=_active_emergency(s, actor, clock, person_id) if decision.via_emergency else None,
    )


class InformationLink(BaseModel):
    category: str
    needs_emergency: bool = Field(description="Öppnas bara med nödåtkomst, som sidan dit erbjuder")


def information_links(s: Session, actor: Actor, clock: Clock, person_id: int, provider_id: int,
                      categories: list[str]) -> list[InformationLink]:
    """Which of ``provider_id``'s records about the person to offer the actor: those the policy would open, and
    those it would open only through nödåtkomst (the page offers it, DOMAIN §5) — not those no way leads into (the
    role never reaches them, or no care relationship). Only asks: deciding what to offer reads nothing and writes
    no audit entry; opening one is the read, asked and logged then (:func:`read_information`)."""
    links = []
    for category in categories:
        decision, _attempt = evaluate(s, actor, person_id, InformationCategory(category), AuditAction.READ,
                                      purpose_of(actor), clock, owner_provider_id=provider_id,
                                      resource=(category, None))
        if decision.allowed:
            links.append(InformationLink(category=category, needs_emergency=False))
        elif any(emergency_offers(decision, actor).values()):
            links.append(InformationLink(category=category, needs_emergency=True))
    return links


class BlockedProviderOut(BaseModel):
    id: int
    name: str


class BlockedProvidersOut(BaseModel):
    providers: list[BlockedProviderOut] = Field(description="Vårdgivare som har spärrade uppgifter om personen")
    emergency: EmergencyOut


def reveal_providers(s: Session, actor: Actor, clock: Clock, person_id: int, reason: str) -> BlockedProvidersOut:
    row, decision = grants.reveal_blocked_providers(s, actor, clock, person_id=person_id, reason=reason)
    return BlockedProvidersOut(
        providers=[BlockedProviderOut(id=i, name=n) for i, n in decision.blocked_providers],
        emergency=_emergency_out(row))


class ConsentOut(BaseModel):
    id: int
    care_provider_id: int
    care_provider_name: str
    plan_ref: str | None
    valid_from: datetime
    valid_to: datetime | None
    given_by: str
    recorded_at: datetime
    revoked_at: datetime | None
    active: bool


class BlockOut(BaseModel):
    id: int
    kind: BlockKind
    category: str | None
    plan_ref: str | None
    unit_id: int | None
    unit_name: str | None
    provider_id: int | None = Field(description="Utelämnas för en annan vårdgivares spärr, utom vid nödåtkomst")
    provider_name: str
    set_at: datetime
    lifted_at: datetime | None
    active: bool


class RelationshipOut(BaseModel):
    id: int
    unit_id: int
    unit_name: str
    kind: RelationshipKind
    valid_from: datetime
    valid_to: datetime | None
    active: bool


class AccessSettingsOut(BaseModel):
    consents: list[ConsentOut]
    blocks: list[BlockOut]
    relationships: list[RelationshipOut]
    emergency: EmergencyOut | None = None


def _current(start: datetime, end: datetime | None, now: datetime) -> bool:
    return start <= now and (end is None or now < end)


def read_access_settings(s: Session, actor: Actor, clock: Clock, person_id: int) -> AccessSettingsOut:
    """The person's consents, spärrar and recorded care relationships, history included (one audit entry)."""
    decision = authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.READ, purpose_of(actor),
                         clock, resource=("access_settings", None))
    now = clock.now()
    consents, blocks, relationships = consents_of(s, person_id), blocks_of(s, person_id), relationships_of(
        s, person_id)
    providers = {i: p.name for i, p in directory.providers(
        s, {c.care_provider_id for c in consents} | {b.provider_id for b in blocks}).items()}
    units = {i: u.name for i, u in directory.units(
        s, {b.unit_id for b in blocks if b.unit_id} | {r.unit_id for r in relationships}).items()}
    # Which other providers hold blocked information is shown to staff only after the first step of a nödåtkomst
    # (DOMAIN §5); the person sees all of their own spärrar.
    anonymous = actor.role is Role.STAFF and not decision.providers_revealed
    return AccessSettingsOut(
        consents=[_consent_out(c, providers, now) for c in consents],
        blocks=[_block_out(b, units, providers, now, anonymous=anonymous and b.provider_id != actor.provider_id)
                for b in blocks],
        relationships=[_relationship_out(r, units, now) for r in relationships],
        emergency=_active_emergency(s, actor, clock, person_id) if decision.via_emergency else None,
    )


def _consent_out(c: ConsentRow, providers: dict[int, str], now: datetime) -> ConsentOut:
    return ConsentOut(
        id=c.id, care_provider_id=c.care_provider_id, care_provider_name=providers.get(c.care_provider_id, ""),
        plan_ref=c.plan_ref, valid_from=c.valid_from, valid_to=c.valid_to, given_by=c.given_by,
        recorded_at=c.recorded_at, revoked_at=c.revoked_at,
        active=_current(c.valid_from, c.valid_to, now) and (c.revoked_at is None or now < c.revoked_at),
    )


def _block_out(b: BlockRow, units: dict[int, str], providers: dict[int, str], now: datetime, *,
               anonymous: bool = False) -> BlockOut:
    if anonymous:
        return BlockOut(id=b.id, kind=BlockKind(b.kind), category=b.category, plan_ref=b.plan_ref, unit_id=None,
                        unit_name=None, provider_id=None, provider_name=t("access.blocked_notice.some_provider"),
                        set_at=b.set_at, lifted_at=b.lifted_at, active=_current(b.set_at, b.lifted_at, now))
    return BlockOut(
        id=b.id, kind=BlockKind(b.kind), category=b.category, plan_ref=b.plan_ref, unit_id=b.unit_id,
        unit_name=units.get(b.unit_id) if b.unit_id else None, provider_id=b.provider_id,
        provider_name=providers.get(b.provider_id, ""), set_at=b.set_at, lifted_at=b.lifted_at,
        active=_current(b.set_at, b.lifted_at, now),
    )


def _relationship_out(r: CareRelationshipRow, units: dict[int, str], now: datetime) -> RelationshipOut:
    return RelationshipOut(id=r.id, unit_id=r.unit_id, unit_name=units.get(r.unit_id, ""),
                           kind=RelationshipKind(r.kind), valid_from=r.valid_from, valid_to=r.valid_to,
                           active=_current(r.valid_from, r.valid_to, now))


def day_end(day: date) -> datetime:
    """The end of a Swedish calendar day (exclusive), in UTC: "till och med ``day``"."""
    return datetime.combine(day + timedelta(days=1), time(), STOCKHOLM).astimezone(UTC)


# --- one changed row as the API shows it ---------------------------------------------------------------------


def emergency_out(row: EmergencyAccessRow) -> EmergencyOut:
    return _emergency_out(row)


def consent_out(s: Session, row: ConsentRow, now: datetime) -> ConsentOut:
    provider = directory.provider(s, row.care_provider_id)
    return _consent_out(row, {provider.id: provider.name} if provider else {}, now)


def block_out(s: Session, row: BlockRow, now: datetime) -> BlockOut:
    unit = directory.unit(s, row.unit_id) if row.unit_id else None
    provider = directory.provider(s, row.provider_id)
    return _block_out(row, {unit.id: unit.name} if unit else {}, {provider.id: provider.name} if provider else {},
                      now)


def relationship_out(s: Session, row: CareRelationshipRow, now: datetime) -> RelationshipOut:
    unit = directory.unit(s, row.unit_id)
    return _relationship_out(row, {unit.id: unit.name} if unit else {}, now)
