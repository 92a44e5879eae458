"""Person data over JSON (DOMAIN §5): grunduppgifter, the information a care provider recorded, nödåtkomst,
consents, spärrar and care relationships (/persons); and the person's own consents and spärrar (/me).

Every route asks the one policy first — nara.access.service.authorize, directly or through one of its use
cases — and reads nothing about the person before it has answered. Each request is one access and leaves exactly
one audit entry, allowed or denied. A denial is a 403 problem whose extra members (set by AccessDenied) say why
(``reason``), whether nödåtkomst would open it (``emergency_possible``) and which spärrar exist (``blocked``:
blocked content is never shown, that it exists and who set it always is).

The reads (``read_person``, ``read_information``, ``read_access_settings``) are shared with the pages and live
in nara.access.service.person.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from nara.access import service
from nara.access.model import (
    BLOCKABLE,
    MAX_BLOCK_LIFT_DURATION,
    MAX_EMERGENCY_DURATION,
    MAX_EMERGENCY_REASON_LENGTH,
    PROVIDER_RECORDED,
    BlockKind,
    InformationCategory,
)
from nara.access.service import grants
from nara.access.service.person import (
    BlockedProvidersOut,
    BlockOut,
    ConsentOut,
    EmergencyOut,
    InformationOut,
    PersonOut,
    RelationshipOut,
    block_out,
    consent_out,
    day_end,
    emergency_out,
    read_access_settings,
    read_information,
    read_person,
    relationship_out,
    reveal_providers,
)
from nara.access.store import BlockLiftRow, BlockRow, CareRelationshipRow, ConsentRow
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import local_today
from nara.core.errors import NotFound
from nara.core.ids import ID_MAX
from nara.directory import service as directory
from nara.directory.model import IdentifierKind, parse_identifier
from nara.directory.service import LOOKUP_NOT_FOUND
from nara.web.deps import Clk, CurrentActor, Db, IdPath, StaffActor, require_role
from nara.web.problems import ERRORS, FORBIDDEN, INVALID, UNAUTHENTICATED, problem_doc

router = APIRouter(prefix="/persons", tags=["personer"], responses=ERRORS)

BoundedId = Annotated[int, Field(ge=1, le=ID_MAX)]
# Dates from a request stay within what datetime arithmetic and both databases handle.
BoundedDate = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2199, 12, 31))]
Ref = Annotated[str, Field(min_length=1, max_length=64)]


# --- grunduppgifter ------------------------------------------------------------------------------------------


@router.get("/{person_id}", response_model=PersonOut)
def get_person(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> PersonOut:
    """Grunduppgifter om personen: namn, identitet, kön, födelsedatum, kommun, listning med fast läkarkontakt,
    särskilt boende och närstående. Adress och telefon bara när reglerna tillåter det, aldrig för skyddad
    identitet. Spärrad information visas aldrig, men att den finns och vem som spärrade den visas alltid."""
    with db.transaction() as s:
        return read_person(s, actor, clock, person_id)


# --- information a care provider recorded --------------------------------------------------------------------

RecordedCategory = Literal[tuple(c.value for c in InformationCategory if c in PROVIDER_RECORDED)]  # type: ignore[valid-type]
BlockableCategory = Literal[tuple(c.value for c in InformationCategory if c in BLOCKABLE)]  # type: ignore[valid-type]


@router.get("/{person_id}/information/{category}/{provider_id}", response_model=InformationOut)
def get_information(
    person_id: IdPath, category: RecordedCategory, provider_id: IdPath, actor: CurrentActor, db: Db, clock: Clk,
    unit: Annotated[int | None, Query(ge=1, le=ID_MAX, description="Enheten som dokumenterade")] = None,
) -> InformationOut:
    """En informationsmängd som en vårdgivare (och enhet) har dokumenterat om personen. Andra vårdgivares
    information kräver samtycke (sammanhållen vård- och omsorgsdokumentation); yrkesrollens behörighet gäller; en
    inre spärr gäller det enheten dokumenterade; en yttre spärr bryts bara i två steg vid nödåtkomst."""
    with db.transaction() as s:
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
    with db.transaction() as s:
        row = grants.start_emergency_access(s, actor, clock, person_id=person_id, reason=body.reason,
                                            duration=duration)
        return emergency_out(row)



class StepIn(BaseModel):
    reason: str = Field(max_length=MAX_EMERGENCY_REASON_LENGTH, description="Skälet för just det här steget")



@router.post("/{person_id}/emergency-access/blocked-providers", response_model=BlockedProvidersOut,
             status_code=201)
def reveal_blocked_providers(person_id: IdPath, body: StepIn, actor: CurrentActor, db: Db,
                             clock: Clk) -> BlockedProvidersOut:
    """Nödåtkomst genom en yttre spärr, första steget: vilka vårdgivare som har spärrade uppgifter om personen.
    Kräver en pågående patientrelation; skäl krävs; loggas och granskas."""
    with db.transaction() as s:
        return reveal_providers(s, actor, clock, person_id, body.reason)


@router.post("/{person_id}/emergency-access/blocked-providers/{provider_id}", response_model=EmergencyOut,
             status_code=201)
def open_blocked_provider(person_id: IdPath, provider_id: IdPath, body: StepIn, actor: CurrentActor, db: Db,
                          clock: Clk) -> EmergencyOut:
    """Nödåtkomst genom en yttre spärr, andra steget: innehållet hos en av vårdgivarna, med eget skäl. Kräver
    det första steget; gäller lika länge som nödåtkomsten; loggas och granskas."""
    with db.transaction() as s:
        row = grants.open_blocked_provider(s, actor, clock, person_id=person_id, provider_id=provider_id,
                                           reason=body.reason)
        return emergency_out(row)


# --- samtycke, spärr, vårdrelation: reading ------------------------------------------------------------------


@router.get("/{person_id}/consents", response_model=list[ConsentOut])
def list_consents(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> list[ConsentOut]:
    """Personens samtycken, även återkallade."""
    with db.transaction() as s:
        return read_access_settings(s, actor, clock, person_id).consents


@router.get("/{person_id}/blocks", response_model=list[BlockOut])
def list_blocks(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> list[BlockOut]:
    """Personens spärrar, även hävda, med vem som satte dem."""
    with db.transaction() as s:
        return read_access_settings(s, actor, clock, person_id).blocks


@router.get("/{person_id}/care-relationships", response_model=list[RelationshipOut])
def list_care_relationships(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> list[RelationshipOut]:
    """Registrerade vårdrelationer (listning och boende finns i grunduppgifterna)."""
    with db.transaction() as s:
        return read_access_settings(s, actor, clock, person_id).relationships


# --- samtycke, spärr, vårdrelation: changing -----------------------------------------------------------------


class ConsentIn(BaseModel):
    care_provider_id: BoundedId | None = Field(None, description="Standard: den egna vårdgivaren")
    plan_ref: Ref | None = Field(None, description="Bara för en plan; utelämnat: all information")
    valid_to: BoundedDate | None = Field(None, description="Sista dagen samtycket gäller")


@router.post("/{person_id}/consents", response_model=ConsentOut, status_code=201)
def give_consent(person_id: IdPath, body: ConsentIn, actor: CurrentActor, db: Db, clock: Clk) -> ConsentOut:
    """Registrera personens samtycke för en vårdgivare (lag 2022:913). Personal registrerar för sin egen
    vårdgivare, som personen sa; personen själv för vilken vårdgivare som helst."""
    provider_id = body.care_provider_id or actor.provider_id
    with db.transaction() as s:
        if provider_id is None:
            raise NotFound("unit.not_found")
        row = grants.give_consent(s, actor, clock, person_id=person_id, care_provider_id=provider_id,
                                  plan_ref=body.plan_ref,
                                  valid_to=day_end(body.valid_to) if body.valid_to else None)
        return consent_out(s, row, clock.now())


@router.post("/{person_id}/consents/{consent_id}/revoke", response_model=ConsentOut)
def revoke_consent(person_id: IdPath, consent_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> ConsentOut:
    """Återkalla ett samtycke, med verkan från nästa begäran."""
    with db.transaction() as s:
        grants.belongs_to(s, ConsentRow, consent_id, person_id, "access.consent.not_found")
        row = grants.revoke_consent(s, actor, clock, consent_id)
        return consent_out(s, row, clock.now())


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
    with db.transaction() as s:
        row = grants.set_block(s, actor, clock, person_id=person_id, kind=body.kind, category=body.category,
                               plan_ref=body.plan_ref, unit_id=body.unit_id, provider_id=body.provider_id,
                               reason=body.reason)
        return block_out(s, row, clock.now())


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
    with db.transaction() as s:
        grants.belongs_to(s, BlockRow, block_id, person_id, "access.sparr.not_found")
        row = grants.lift_block_temporarily(s, actor, clock, block_id, reason=body.reason, unit_id=body.unit_id,
                                            account_id=body.account_id, duration=timedelta(days=body.days))
        return _lift_out(row)


@router.post("/{person_id}/temporary-lifts/{lift_id}/end", response_model=LiftOut)
def end_block_lift(person_id: IdPath, lift_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> LiftOut:
    """Avsluta ett tillfälligt hävande i förtid: spärren gäller igen från nästa begäran."""
    with db.transaction() as s:
        grants.belongs_to(s, BlockLiftRow, lift_id, person_id, "access.lift.not_found")
        return _lift_out(grants.end_block_lift(s, actor, clock, lift_id))


@router.post("/{person_id}/blocks/{block_id}/lift", response_model=BlockOut)
def lift_block(person_id: IdPath, block_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> BlockOut:
    """Häv en spärr på personens begäran. Bara vårdgivaren som satte spärren kan häva den."""
    with db.transaction() as s:
        grants.belongs_to(s, BlockRow, block_id, person_id, "access.sparr.not_found")
        row = grants.lift_block(s, actor, clock, block_id)
        return block_out(s, row, clock.now())


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
    with db.transaction() as s:
        row = grants.start_care_relationship(
            s, actor, clock, person_id=person_id, kind=body.kind, unit_id=body.unit_id,
            valid_to=day_end(body.valid_to) if body.valid_to else None, source_ref=body.source_ref,
        )
        return relationship_out(s, row, clock.now())


@router.post("/{person_id}/care-relationships/{relationship_id}/end", response_model=RelationshipOut)
def end_care_relationship(person_id: IdPath, relationship_id: IdPath, actor: CurrentActor, db: Db,
                          clock: Clk) -> RelationshipOut:
    """Avsluta en vårdrelation nu: från nästa begäran ger den ingen åtkomst."""
    with db.transaction() as s:
        grants.belongs_to(s, CareRelationshipRow, relationship_id, person_id, "access.relationship.not_found")
        row = grants.end_care_relationship(s, actor, clock, relationship_id)
        return relationship_out(s, row, clock.now())


# --- the person's own consents and spärrar (/me) --------------------------------------------------------------

me_router = APIRouter(prefix="/me", tags=["min sida"])
Resident = Annotated[Actor, Depends(require_role(Role.RESIDENT))]
NOT_FOUND = {404: problem_doc("Finns inte")}
CONFLICT = {409: problem_doc("Krockar med det som redan finns")}


class MyConsentOut(BaseModel):
    id: int
    care_provider_id: int
    care_provider: str
    plan_ref: str | None
    valid_from: datetime
    valid_to: datetime | None
    revoked_at: datetime | None
    given_by: str
    status: str = Field(description="active, revoked, ended eller future")


class MyProviderOut(BaseModel):
    id: int
    name: str


class ConsentsOut(BaseModel):
    consents: list[MyConsentOut]
    my_providers: list[MyProviderOut] = Field(description="Vårdgivare du har eller har haft vårdrelation med")
    all_providers: list[MyProviderOut]


def _my_consent(c: service.ConsentLine) -> MyConsentOut:
    return MyConsentOut(id=c.id, care_provider_id=c.provider_id, care_provider=c.provider_name, plan_ref=c.plan_ref,
                        valid_from=c.valid_from, valid_to=c.valid_to, revoked_at=c.revoked_at, given_by=c.given_by,
                        status=c.status)


@me_router.get("/consents", response_model=ConsentsOut,
               responses={**UNAUTHENTICATED, **FORBIDDEN}, summary="Mina samtycken")
def list_my_consents(actor: Resident, db: Db, clock: Clk) -> ConsentsOut:
    mine = service.my_consents(db, actor, clock)
    return ConsentsOut(consents=[_my_consent(c) for c in mine.consents],
                       my_providers=[MyProviderOut(id=p.id, name=p.name) for p in mine.my_providers],
                       all_providers=[MyProviderOut(id=p.id, name=p.name) for p in mine.all_providers])


class MyConsentIn(BaseModel):
    care_provider_id: int = Field(ge=1, le=ID_MAX)


@me_router.post("/consents", response_model=MyConsentOut, status_code=201,
                responses={**UNAUTHENTICATED, **FORBIDDEN, **INVALID, **NOT_FOUND, **CONFLICT},
                summary="Ge samtycke till en vårdgivare")
def give_my_consent(body: MyConsentIn, actor: Resident, db: Db, clock: Clk) -> MyConsentOut:
    """Vårdgivaren får ta del av det andra vårdgivare har dokumenterat om dig, från nu tills du återkallar."""
    return _my_consent(service.give_my_consent(db, actor, clock, body.care_provider_id))


@me_router.post("/consents/{consent_id}/revoke", response_model=MyConsentOut,
                responses={**UNAUTHENTICATED, **FORBIDDEN, **NOT_FOUND, **CONFLICT}, summary="Återkalla samtycke")
def revoke_my_consent(consent_id: IdPath, actor: Resident, db: Db, clock: Clk) -> MyConsentOut:
    """Gäller från nästa begäran."""
    return _my_consent(service.revoke_my_consent(db, actor, clock, consent_id))


class MyBlockOut(BaseModel):
    id: int
    kind: str
    information_category: str | None
    plan_ref: str | None
    set_by_unit: str | None
    set_by_care_provider: str
    set_at: datetime
    lifted_at: datetime | None


class BlocksOut(BaseModel):
    blocks: list[MyBlockOut]


@me_router.get("/blocks", response_model=BlocksOut,
               responses={**UNAUTHENTICATED, **FORBIDDEN}, summary="Mina spärrar")
def list_my_blocks(actor: Resident, db: Db, clock: Clk) -> BlocksOut:
    mine = service.my_blocks(db, actor, clock)
    return BlocksOut(blocks=[MyBlockOut(id=b.id, kind=b.kind.value, information_category=b.category,
                                        plan_ref=b.plan_ref, set_by_unit=b.unit_name,
                                        set_by_care_provider=b.provider_name, set_at=b.set_at, lifted_at=b.lifted_at)
                             for b in mine.blocks])


# --- looking a person up by number (/api/directory/persons/lookup) ----------------------------------------------
# A number nobody has and a person the caller may not see get the same answer (LOOKUP_NOT_FOUND), so the look-up
# cannot be used to learn who exists in the directory; every attempt is logged, a protected address never sent.

lookup_router = APIRouter(prefix="/directory", tags=["katalog"])


class LookupListingOut(BaseModel):
    unit_id: int
    unit_name: str
    fast_lakare_id: int | None
    fast_lakare_name: str | None


class PersonLookupOut(BaseModel):
    id: int
    identifier: str
    identifier_kind: IdentifierKind
    given_name: str
    family_name: str
    sex: str | None
    birth_date: date | None
    death_date: date | None
    kommun_code: str | None
    address: str | None = Field(description="Utelämnas alltid för person med skyddad identitet")
    protected_identity: bool
    synthetic: bool
    listing: LookupListingOut | None
    sabo_unit_id: int | None


class PersonLookup(BaseModel):
    identifier: str = Field(max_length=40, description="Personnummer, samordningsnummer eller reservnummer")


@lookup_router.post("/persons/lookup", response_model=PersonLookupOut,
                     responses=UNAUTHENTICATED | FORBIDDEN | {404: problem_doc("Finns inte")} | INVALID)
def lookup_person(
    body: PersonLookup, actor: StaffActor, db: Db, clock: Clk
) -> PersonLookupOut:
    """Slå upp en person på identitetsnummer. POST, så att numret aldrig hamnar i en URL eller serverlogg.
    Går genom åtkomstreglerna (DOMAIN §5): kräver vårdrelation eller nödåtkomst, och varje försök loggas. En
    person du inte har åtkomst till ger samma svar (404) som ett nummer som ingen har."""
    today = local_today(clock)
    ident = parse_identifier(body.identifier, today)
    with db.transaction() as s:
        person = directory.person_with_identifier(s, ident)
        if person is None:
            raise NotFound(LOOKUP_NOT_FOUND)
        try:
            decision = service.authorize(s, actor, person.id, InformationCategory.GRUNDUPPGIFTER, AuditAction.SEARCH,
                                 purpose_of(actor), clock)
        except service.AccessDenied:
            # The denial is logged (with its reason) when this transaction ends; the caller learns nothing more
            # than from an unknown number: no reason, no nödåtkomst offer that would name the person.
            raise NotFound(LOOKUP_NOT_FOUND) from None
        listing = directory.current_listing(s, person.id, today)
        sabo = directory.current_sabo(s, person.id, today)
        return PersonLookupOut(
            id=person.id, identifier=person.identifier, identifier_kind=IdentifierKind(person.identifier_kind),
            given_name=person.given_name, family_name=person.family_name, sex=person.sex,
            birth_date=person.birth_date, death_date=person.death_date, kommun_code=person.kommun_code,
            # Protected identity (DOMAIN §9): the address is never sent.
            address=None if decision.hide_address or person.protected_identity else person.address,
            protected_identity=person.protected_identity, synthetic=person.synthetic,
            listing=LookupListingOut(
                unit_id=listing.unit_id, unit_name=listing.unit.name, fast_lakare_id=listing.fast_lakare_id,
                fast_lakare_name=listing.fast_lakare.full_name if listing.fast_lakare else None,
            ) if listing else None,
            sabo_unit_id=sabo.unit_id if sabo else None,
        )
