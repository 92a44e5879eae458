"""Person data over JSON (DOMAIN §5): grunduppgifter, the information a care provider recorded, nödåtkomst,
consents, spärrar and care relationships.

Every route asks the one policy first — :func:`nara.access.guard.authorize`, directly or through a use case of
:mod:`nara.access.grants` — and reads nothing about the person before it has answered. Each request is one
access and leaves exactly one audit entry, allowed or denied. A denial is a 403 problem whose extra members say
why (``reason``), whether nödåtkomst would open it (``emergency_possible``) and which spärrar exist
(``blocked``: blocked content is never shown, that it exists and who set it always is).

The read functions here (``read_person``, ``read_information``, ``read_access_settings``) are shared with the
pages (nara.access.views).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access import grants
from nara.access import person_messages as _person_messages  # noqa: F401  (registers the texts)
from nara.access.audit import AuditAction
from nara.access.grants_store import (
    BlockLiftRow,
    BlockRow,
    CareRelationshipRow,
    ConsentRow,
    EmergencyAccessRow,
    blocks_of,
    consents_of,
    relationships_of,
)
from nara.access.guard import AccessDenied, authorize, blocked_notices
from nara.access.model import (
    BLOCKABLE,
    MAX_BLOCK_LIFT_DURATION,
    MAX_EMERGENCY_DURATION,
    MAX_EMERGENCY_REASON_LENGTH,
    PROVIDER_RECORDED,
    BlockKind,
    Decision,
    InformationCategory,
    Purpose,
    RelationshipKind,
)
from nara.auth.model import Actor, Role
from nara.core.clock import STOCKHOLM, Clock, local_today
from nara.core.db import ID_MAX, Database
from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.directory.identifiers import IdentifierKind, PersonIdentifier
from nara.directory.store import (
    CareProviderRow,
    MunicipalityRow,
    PersonRow,
    RelativeRow,
    UnitRow,
    current_listing,
    current_sabo,
)
from nara.web.deps import IdPath, current_actor, get_clock, get_db

_PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "RFC 9457 problem details",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
    },
    "required": ["type", "title", "status"],
}
_DENIAL_SCHEMA: dict[str, Any] = {
    **_PROBLEM_SCHEMA,
    "properties": {
        **_PROBLEM_SCHEMA["properties"],
        "reason": {"type": "string", "description": "Varför åtkomsten nekades (kod)"},
        "emergency_possible": {"type": "boolean", "description": "Nödåtkomst kan öppna uppgifterna"},
        "blocked": {"type": "array", "items": {"type": "string"},
                    "description": "Att spärrad information finns och vem som spärrade den"},
    },
}


def _problem(description: str, schema: dict[str, Any] = _PROBLEM_SCHEMA) -> dict[str, Any]:
    return {"description": description, "content": {"application/problem+json": {"schema": schema}}}


ERRORS: dict[int | str, dict[str, Any]] = {
    401: _problem("Inte inloggad, eller sessionen har gått ut"),
    403: _problem("Åtkomst nekad av åtkomstreglerna (loggat)", _DENIAL_SCHEMA),
    404: _problem("Finns inte"),
    409: _problem("Redan gjort (t.ex. redan återkallat eller hävt)"),
    422: _problem("Ogiltiga uppgifter"),
}

router = APIRouter(prefix="/persons", tags=["personer"], responses=ERRORS)

Db = Annotated[Database, Depends(get_db)]
Clk = Annotated[Clock, Depends(get_clock)]
CurrentActor = Annotated[Actor, Depends(current_actor)]
BoundedId = Annotated[int, Field(ge=1, le=ID_MAX)]
# Dates from a request stay within what datetime arithmetic and both databases handle.
BoundedDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
Ref = Annotated[str, Field(min_length=1, max_length=64)]


# --- denials as problem details ------------------------------------------------------------------------------


def denial_members(decision: Decision) -> dict[str, Any]:
    """What a 403 problem (and the denial page) says besides the message."""
    return {"reason": decision.reason.value, "emergency_possible": decision.emergency_possible,
            "blocked": blocked_notices(decision)}


@contextmanager
def explained_denials() -> Iterator[None]:
    """Give an :class:`AccessDenied` the members of its problem (nara.app merges ``extra`` into the body)."""
    try:
        yield
    except AccessDenied as exc:
        exc.extra = denial_members(exc.decision)  # type: ignore[attr-defined]
        raise


def purpose_of(actor: Actor) -> Purpose:
    """The resident sees their own data (egen insyn); everyone else asks for vård och behandling."""
    return Purpose.EGEN_INSYN if actor.role is Role.RESIDENT else Purpose.VARD


# --- grunduppgifter ------------------------------------------------------------------------------------------


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
    person = s.get(PersonRow, person_id)
    if person is None:  # the policy knows the person exists; a race with a merge at most
        raise NotFound("person.not_found")
    hide = decision.hide_address or (person.protected_identity and actor.person_id != person.id)
    today = local_today(clock)
    listing = current_listing(s, person.id, today)
    sabo = current_sabo(s, person.id, today)
    kommun = None
    if person.kommun_code:
        kommun = s.scalar(select(MunicipalityRow.name).where(MunicipalityRow.kommun_code == person.kommun_code))
    relatives = s.scalars(select(RelativeRow).where(RelativeRow.person_id == person.id).order_by(RelativeRow.id))
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


@router.get("/{person_id}", response_model=PersonOut)
def get_person(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> PersonOut:
    """Grunduppgifter om personen: namn, identitet, kön, födelsedatum, kommun, listning med fast läkarkontakt,
    särskilt boende och närstående. Adress och telefon bara när reglerna tillåter det, aldrig för skyddad
    identitet. Spärrad information visas aldrig, men att den finns och vem som spärrade den visas alltid."""
    with explained_denials(), db.transaction() as s:
        return read_person(s, actor, clock, person_id)


# --- information a care provider recorded --------------------------------------------------------------------

RecordedCategory = Literal[tuple(c.value for c in InformationCategory if c in PROVIDER_RECORDED)]  # type: ignore[valid-type]
BlockableCategory = Literal[tuple(c.value for c in InformationCategory if c in BLOCKABLE)]  # type: ignore[valid-type]


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
    provider = s.get(CareProviderRow, provider_id)
    if provider is None:
        raise NotFound("unit.not_found")
    if unit_id is not None and s.scalar(select(UnitRow.provider_id).where(UnitRow.id == unit_id)) != provider_id:
        raise NotFound("unit.not_found")
    decision = authorize(s, actor, person_id, InformationCategory(category), AuditAction.READ, purpose_of(actor),
                         clock, owner_provider_id=provider_id, owner_unit_id=unit_id, resource=(category, unit_id))
    return InformationOut(
        person_id=person_id, category=category, provider_id=provider.id, provider_name=provider.name, items=[],
        blocked=blocked_notices(decision),
        emergency=_active_emergency(s, actor, clock, person_id) if decision.via_emergency else None,
    )


@router.get("/{person_id}/information/{category}/{provider_id}", response_model=InformationOut)
def get_information(
    person_id: IdPath, category: RecordedCategory, provider_id: IdPath, actor: CurrentActor, db: Db, clock: Clk,
    unit: Annotated[int | None, Query(ge=1, le=ID_MAX, description="Enheten som dokumenterade")] = None,
) -> InformationOut:
    """En informationsmängd som en vårdgivare (och enhet) har dokumenterat om personen. Andra vårdgivares
    information kräver samtycke (sammanhållen vård- och omsorgsdokumentation); yrkesrollens behörighet gäller; en
    inre spärr gäller det enheten dokumenterade; en yttre spärr bryts bara i två steg vid nödåtkomst."""
    with explained_denials(), db.transaction() as s:
        return read_information(s, actor, clock, person_id, category, provider_id, unit)


# --- nödåtkomst ----------------------------------------------------------------------------------------------


class EmergencyIn(BaseModel):
    reason: str = Field(max_length=MAX_EMERGENCY_REASON_LENGTH, description="Skälet, obligatoriskt")
    duration_hours: int | None = Field(None, ge=1, le=int(MAX_EMERGENCY_DURATION.total_seconds() // 3600),
                                       description="Hur länge nödåtkomsten gäller (standard 8 timmar)")


@router.post("/{person_id}/emergency-access", response_model=EmergencyOut, status_code=201)
def open_emergency_access(person_id: IdPath, body: EmergencyIn, actor: CurrentActor, db: Db,
                          clock: Clk) -> EmergencyOut:
    """Nödåtkomst: öppnar personens uppgifter utan vårdrelation eller samtycke och genom inre spärr hos den egna
    vårdgivaren – aldrig genom en yttre spärr. Skäl krävs; tidsbegränsad, loggas och granskas, och personen
    får veta om den."""
    duration = timedelta(hours=body.duration_hours) if body.duration_hours else None
    with explained_denials(), db.transaction() as s:
        row = grants.start_emergency_access(s, actor, clock, person_id=person_id, reason=body.reason,
                                            duration=duration)
        return _emergency_out(row)


class BlockedProviderOut(BaseModel):
    id: int
    name: str


class BlockedProvidersOut(BaseModel):
    providers: list[BlockedProviderOut] = Field(description="Vårdgivare som har spärrade uppgifter om personen")
    emergency: EmergencyOut


class StepIn(BaseModel):
    reason: str = Field(max_length=MAX_EMERGENCY_REASON_LENGTH, description="Skälet för just det här steget")


def reveal_providers(s: Session, actor: Actor, clock: Clock, person_id: int, reason: str) -> BlockedProvidersOut:
    row, decision = grants.reveal_blocked_providers(s, actor, clock, person_id=person_id, reason=reason)
    return BlockedProvidersOut(
        providers=[BlockedProviderOut(id=i, name=n) for i, n in decision.blocked_providers],
        emergency=_emergency_out(row))


@router.post("/{person_id}/emergency-access/blocked-providers", response_model=BlockedProvidersOut,
             status_code=201)
def reveal_blocked_providers(person_id: IdPath, body: StepIn, actor: CurrentActor, db: Db,
                             clock: Clk) -> BlockedProvidersOut:
    """Nödåtkomst genom en yttre spärr, första steget: vilka vårdgivare som har spärrade uppgifter om personen.
    Kräver en pågående patientrelation; skäl krävs; loggas och granskas."""
    with explained_denials(), db.transaction() as s:
        return reveal_providers(s, actor, clock, person_id, body.reason)


@router.post("/{person_id}/emergency-access/blocked-providers/{provider_id}", response_model=EmergencyOut,
             status_code=201)
def open_blocked_provider(person_id: IdPath, provider_id: IdPath, body: StepIn, actor: CurrentActor, db: Db,
                          clock: Clk) -> EmergencyOut:
    """Nödåtkomst genom en yttre spärr, andra steget: innehållet hos en av vårdgivarna, med eget skäl. Kräver
    det första steget; gäller lika länge som nödåtkomsten; loggas och granskas."""
    with explained_denials(), db.transaction() as s:
        row = grants.open_blocked_provider(s, actor, clock, person_id=person_id, provider_id=provider_id,
                                           reason=body.reason)
        return _emergency_out(row)


# --- samtycke, spärr, vårdrelation: reading ------------------------------------------------------------------


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


def _names(s: Session, model: type[UnitRow] | type[CareProviderRow], ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {row_id: name for row_id, name in s.execute(select(model.id, model.name).where(model.id.in_(ids)))}


def _current(start: datetime, end: datetime | None, now: datetime) -> bool:
    return start <= now and (end is None or now < end)


def read_access_settings(s: Session, actor: Actor, clock: Clock, person_id: int) -> AccessSettingsOut:
    """The person's consents, spärrar and recorded care relationships, history included (one audit entry)."""
    decision = authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.READ, purpose_of(actor),
                         clock, resource=("access_settings", None))
    now = clock.now()
    consents, blocks, relationships = consents_of(s, person_id), blocks_of(s, person_id), relationships_of(
        s, person_id)
    providers = _names(s, CareProviderRow, {c.care_provider_id for c in consents} | {b.provider_id for b in blocks})
    units = _names(s, UnitRow, {b.unit_id for b in blocks if b.unit_id} | {r.unit_id for r in relationships})
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


@router.get("/{person_id}/consents", response_model=list[ConsentOut])
def list_consents(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> list[ConsentOut]:
    """Personens samtycken, även återkallade."""
    with explained_denials(), db.transaction() as s:
        return read_access_settings(s, actor, clock, person_id).consents


@router.get("/{person_id}/blocks", response_model=list[BlockOut])
def list_blocks(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> list[BlockOut]:
    """Personens spärrar, även hävda, med vem som satte dem."""
    with explained_denials(), db.transaction() as s:
        return read_access_settings(s, actor, clock, person_id).blocks


@router.get("/{person_id}/care-relationships", response_model=list[RelationshipOut])
def list_care_relationships(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> list[RelationshipOut]:
    """Registrerade vårdrelationer (listning och boende finns i grunduppgifterna)."""
    with explained_denials(), db.transaction() as s:
        return read_access_settings(s, actor, clock, person_id).relationships


# --- samtycke, spärr, vårdrelation: changing -----------------------------------------------------------------


def day_end(day: date) -> datetime:
    """The end of a Swedish calendar day (exclusive), in UTC: "till och med ``day``"."""
    return datetime.combine(day + timedelta(days=1), time(), STOCKHOLM).astimezone(UTC)


def _owned(s: Session, model: type[ConsentRow] | type[BlockRow] | type[CareRelationshipRow], row_id: int,
           person_id: int, key: str) -> None:
    """A consent, spärr or relationship named in a URL must belong to the person in it."""
    if s.scalar(select(model.person_id).where(model.id == row_id)) != person_id:
        raise NotFound(key)


class ConsentIn(BaseModel):
    care_provider_id: BoundedId | None = Field(None, description="Standard: den egna vårdgivaren")
    plan_ref: Ref | None = Field(None, description="Bara för en plan; utelämnat: all information")
    valid_to: BoundedDate | None = Field(None, description="Sista dagen samtycket gäller")


@router.post("/{person_id}/consents", response_model=ConsentOut, status_code=201)
def give_consent(person_id: IdPath, body: ConsentIn, actor: CurrentActor, db: Db, clock: Clk) -> ConsentOut:
    """Registrera personens samtycke för en vårdgivare (lag 2022:913). Personal registrerar för sin egen
    vårdgivare, som personen sa; personen själv för vilken vårdgivare som helst."""
    provider_id = body.care_provider_id or actor.provider_id
    with explained_denials(), db.transaction() as s:
        if provider_id is None:
            raise NotFound("unit.not_found")
        row = grants.give_consent(s, actor, clock, person_id=person_id, care_provider_id=provider_id,
                                  plan_ref=body.plan_ref,
                                  valid_to=day_end(body.valid_to) if body.valid_to else None)
        return _consent_out(row, _names(s, CareProviderRow, {row.care_provider_id}), clock.now())


@router.post("/{person_id}/consents/{consent_id}/revoke", response_model=ConsentOut)
def revoke_consent(person_id: IdPath, consent_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> ConsentOut:
    """Återkalla ett samtycke, med verkan från nästa begäran."""
    with explained_denials(), db.transaction() as s:
        _owned(s, ConsentRow, consent_id, person_id, "access.consent.not_found")
        row = grants.revoke_consent(s, actor, clock, consent_id)
        return _consent_out(row, _names(s, CareProviderRow, {row.care_provider_id}), clock.now())


class BlockIn(BaseModel):
    kind: BlockKind
    category: BlockableCategory | None = None  # type: ignore[valid-type]
    plan_ref: Ref | None = None
    unit_id: BoundedId | None = Field(None, description="Enheten som sätter en inre spärr (personal: den egna)")
    provider_id: BoundedId | None = Field(None, description="Vårdgivaren som sätter spärren (personal: den egna)")
    reason: str | None = Field(None, max_length=2000)


@router.post("/{person_id}/blocks", response_model=BlockOut, status_code=201)
def set_block(person_id: IdPath, body: BlockIn, actor: CurrentActor, db: Db, clock: Clk) -> BlockOut:
    """Spärra information på personens begäran: inre spärr (andra enheter hos vårdgivaren) eller yttre spärr
    (andra vårdgivare), på en informationsmängd eller en plan."""
    with explained_denials(), db.transaction() as s:
        row = grants.set_block(s, actor, clock, person_id=person_id, kind=body.kind, category=body.category,
                               plan_ref=body.plan_ref, unit_id=body.unit_id, provider_id=body.provider_id,
                               reason=body.reason)
        return _block_out(row, _names(s, UnitRow, {row.unit_id} if row.unit_id else set()),
                          _names(s, CareProviderRow, {row.provider_id}), clock.now())


class LiftIn(BaseModel):
    reason: str = Field(min_length=1, max_length=2000, description="Skälet, och att personen har samtyckt")
    unit_id: BoundedId | None = Field(None, description="Enheten spärren hävs för")
    account_id: BoundedId | None = Field(None, description="Eller: användaren spärren hävs för")
    days: int = Field(7, ge=1, le=MAX_BLOCK_LIFT_DURATION.days, description="Högst 7 dagar")


class LiftOut(BaseModel):
    id: int
    block_id: int
    unit_id: int | None
    account_id: int | None
    reason: str
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None


def _lift_out(row: BlockLiftRow) -> LiftOut:
    return LiftOut(id=row.id, block_id=row.block_id, unit_id=row.unit_id, account_id=row.account_id,
                   reason=row.reason, starts_at=row.starts_at, ends_at=row.ends_at, revoked_at=row.revoked_at)


@router.post("/{person_id}/blocks/{block_id}/temporary-lifts", response_model=LiftOut, status_code=201)
def lift_block_temporarily(person_id: IdPath, block_id: IdPath, body: LiftIn, actor: CurrentActor, db: Db,
                           clock: Clk) -> LiftOut:
    """Häv en inre spärr tillfälligt för en enhet eller en användare, med personens samtycke och skäl, i högst
    7 dagar; hävandet upphör av sig självt."""
    with explained_denials(), db.transaction() as s:
        _owned(s, BlockRow, block_id, person_id, "access.sparr.not_found")
        row = grants.lift_block_temporarily(s, actor, clock, block_id, reason=body.reason, unit_id=body.unit_id,
                                            account_id=body.account_id, duration=timedelta(days=body.days))
        return _lift_out(row)


@router.post("/{person_id}/temporary-lifts/{lift_id}/end", response_model=LiftOut)
def end_block_lift(person_id: IdPath, lift_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> LiftOut:
    """Avsluta ett tillfälligt hävande i förtid: spärren gäller igen från nästa begäran."""
    with explained_denials(), db.transaction() as s:
        if s.scalar(select(BlockLiftRow.person_id).where(BlockLiftRow.id == lift_id)) != person_id:
            raise NotFound("access.lift.not_found")
        return _lift_out(grants.end_block_lift(s, actor, clock, lift_id))


@router.post("/{person_id}/blocks/{block_id}/lift", response_model=BlockOut)
def lift_block(person_id: IdPath, block_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> BlockOut:
    """Häv en spärr på personens begäran. Bara vårdgivaren som satte spärren kan häva den."""
    with explained_denials(), db.transaction() as s:
        _owned(s, BlockRow, block_id, person_id, "access.sparr.not_found")
        row = grants.lift_block(s, actor, clock, block_id)
        return _block_out(row, _names(s, UnitRow, {row.unit_id} if row.unit_id else set()),
                          _names(s, CareProviderRow, {row.provider_id}), clock.now())


class RelationshipIn(BaseModel):
    kind: Literal["assignment", "admission", "care_team", "sip"] = "assignment"
    unit_id: BoundedId | None = Field(None, description="Standard: den egna enheten")
    valid_to: BoundedDate | None = Field(None, description="Sista dagen; krävs för ett uppdrag")
    source_ref: Ref | None = None


@router.post("/{person_id}/care-relationships", response_model=RelationshipOut, status_code=201)
def start_care_relationship(person_id: IdPath, body: RelationshipIn, actor: CurrentActor, db: Db,
                            clock: Clk) -> RelationshipOut:
    """Starta en vårdrelation, t.ex. ett uppdrag med slutdatum. En enhet kan starta en för sig själv; att ta
    in en annan enhet kräver en egen vårdrelation."""
    with explained_denials(), db.transaction() as s:
        row = grants.start_care_relationship(
            s, actor, clock, person_id=person_id, kind=body.kind, unit_id=body.unit_id,
            valid_to=day_end(body.valid_to) if body.valid_to else None, source_ref=body.source_ref,
        )
        return _relationship_out(row, _names(s, UnitRow, {row.unit_id}), clock.now())


@router.post("/{person_id}/care-relationships/{relationship_id}/end", response_model=RelationshipOut)
def end_care_relationship(person_id: IdPath, relationship_id: IdPath, actor: CurrentActor, db: Db,
                          clock: Clk) -> RelationshipOut:
    """Avsluta en vårdrelation nu: från nästa begäran ger den ingen åtkomst."""
    with explained_denials(), db.transaction() as s:
        _owned(s, CareRelationshipRow, relationship_id, person_id, "access.relationship.not_found")
        row = grants.end_care_relationship(s, actor, clock, relationship_id)
        return _relationship_out(row, _names(s, UnitRow, {row.unit_id}), clock.now())
