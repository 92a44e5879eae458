"""Directory JSON API: units, staff, municipalities and identifier validation (staff only). Looking a person up
reads person data, so it is the access policy's route (nara.access.api, under the same /api/directory path)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Generic, TypeVar

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import text

from nara.core.clock import local_today
from nara.core.i18n import t
from nara.directory import service
from nara.directory.model import IdentifierKind, Profession, UnitKind, parse_identifier
from nara.directory.store import CareProviderRow, UnitRow
from nara.web.deps import Clk, Db, IdPath, IdQuery, StaffActor
from nara.web.problems import FORBIDDEN, INVALID, UNAUTHENTICATED, problem_doc

AUTH_ERRORS = UNAUTHENTICATED | FORBIDDEN
NOT_FOUND = {404: problem_doc("Finns inte")}

T = TypeVar("T")

health_router = APIRouter(tags=["drift"])
router = APIRouter(prefix="/directory", tags=["katalog"])


class Health(BaseModel):
    status: str
    database: str


@health_router.get("/healthz", response_model=Health, responses={503: {"description": "Databasen svarar inte"}})
def healthz(db: Db) -> Health | JSONResponse:
    """Liveness and readiness: answers 200 only when the database answers."""
    try:
        with db.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception:
        return JSONResponse({"status": "fel", "database": t("db.unavailable")}, status_code=503)
    return Health(status="ok", database="ok")


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    hsa_id: str
    name: str
    kind: UnitKind
    kommun_code: str
    parent_name: str | None
    provider_id: int
    provider_name: str
    principal: str


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def _unit_out(unit: UnitRow, provider: CareProviderRow) -> UnitOut:
    return UnitOut(
        id=unit.id, hsa_id=unit.hsa_id, name=unit.name, kind=UnitKind(unit.kind), kommun_code=unit.kommun_code,
        parent_name=unit.parent_name, provider_id=provider.id, provider_name=provider.name, principal=provider.kind,
    )


@router.get("/units", response_model=Page[UnitOut], responses=AUTH_ERRORS)
def list_units(
    actor: StaffActor, db: Db,
    kind: UnitKind | None = None,
    kommun_code: Annotated[str | None, Query(pattern=r"^[0-9]{4}$")] = None,
    q: Annotated[str | None, Query(max_length=100, description="Del av enhetens namn")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[UnitOut]:
    """Vårdenheter och verksamheter i katalogen."""
    with db.transaction() as s:
        total, rows = service.units_page(s, kind=kind, kommun_code=kommun_code, name_part=q, limit=limit,
                                         offset=offset)
        return Page(items=[_unit_out(u, p) for u, p in rows], total=total, limit=limit, offset=offset)


@router.get("/units/{unit_id}", response_model=UnitOut, responses=AUTH_ERRORS | NOT_FOUND)
def get_unit(unit_id: IdPath, actor: StaffActor, db: Db) -> UnitOut:
    with db.transaction() as s:
        return _unit_out(*service.unit_with_provider(s, unit_id))


class StaffOut(BaseModel):
    id: int
    hsa_id: str
    given_name: str
    family_name: str
    profession: Profession
    unit_ids: list[int]


@router.get("/staff", response_model=Page[StaffOut], responses=AUTH_ERRORS)
def list_staff(
    actor: StaffActor, db: Db, clock: Clk,
    unit_id: IdQuery = None,
    profession: Profession | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
) -> Page[StaffOut]:
    """Medarbetare med HSA-id, yrke och de enheter de arbetar för i dag."""
    with db.transaction() as s:
        total, rows = service.staff_page(s, on=local_today(clock), unit_id=unit_id, profession=profession,
                                         limit=limit, offset=offset)
        items = [
            StaffOut(id=m.id, hsa_id=m.hsa_id, given_name=m.given_name, family_name=m.family_name,
                     profession=Profession(m.profession), unit_ids=unit_ids)
            for m, unit_ids in rows
        ]
        return Page(items=items, total=total, limit=limit, offset=offset)


class MunicipalityOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    kommun_code: str
    name: str
    lansdel: str | None
    population: int | None
    share_65_plus: float | None


@router.get("/municipalities", response_model=list[MunicipalityOut], responses=AUTH_ERRORS)
def list_municipalities(actor: StaffActor, db: Db) -> list[MunicipalityOut]:
    """Kommuner (huvudmän) med SCB-kod och länsdel."""
    with db.transaction() as s:
        return [MunicipalityOut.model_validate(r) for r in service.all_municipalities(s)]


class IdentifierIn(BaseModel):
    identifier: str = Field(max_length=40, description="Personnummer, samordningsnummer eller reservnummer")
    kind: IdentifierKind | None = Field(default=None, description="Tvinga en viss sorts nummer")


class IdentifierOut(BaseModel):
    kind: IdentifierKind
    value: str = Field(description="Normaliserat till 12 tecken")
    display: str
    birth_date: date | None
    sex: str | None
    fhir_system: str


@router.post("/identifiers/validate", response_model=IdentifierOut, responses=AUTH_ERRORS | INVALID)
def validate_identifier(body: IdentifierIn, actor: StaffActor, clock: Clk) -> IdentifierOut:
    """Kontrollera format, datum och kontrollsiffra (DOMAIN §9). Fel besvaras med 422 och ett svenskt meddelande."""
    today = local_today(clock)
    ident = parse_identifier(body.identifier, today, body.kind)
    return IdentifierOut(kind=ident.kind, value=ident.value, display=ident.display(),
                         birth_date=ident.birth_date, sex=ident.sex, fhir_system=ident.fhir_system)
