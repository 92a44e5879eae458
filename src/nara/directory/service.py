"""Directory use cases: build a region's directory, add units, staff and persons, look them up."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from nara.core.errors import NotFound
from nara.directory import store
from nara.directory.identifiers import IdentifierKind, parse_identifier
from nara.directory.model import ProviderKind, RegionFacts, UnitKind, parse_hsa_id
from nara.directory.store import (
    CareProviderRow,
    ListingRow,
    MunicipalityRow,
    PersonRow,
    RegionRow,
    RelativeRow,
    SaboResidenceRow,
    StaffAssignmentRow,
    StaffRow,
    UnitRow,
)

_R = TypeVar("_R")


def seed_region(session: Session, facts: RegionFacts) -> RegionRow:
    """Create (or find) the region, its municipalities and their care providers: the region itself and
    one provider per municipality (each kommun is its own huvudman and care provider, DOMAIN §5)."""
    region = session.scalar(select(RegionRow).where(RegionRow.code == facts.code))
    if region is None:
        region = RegionRow(code=facts.code, name=facts.name)
        session.add(region)
        session.flush()
    _provider(session, region.id, facts.name, ProviderKind.REGION, None)
    for m in facts.municipalities:
        row = session.scalar(select(MunicipalityRow).where(MunicipalityRow.kommun_code == m.kommun_code))
        if row is None:
            row = MunicipalityRow(
                kommun_code=m.kommun_code, name=m.name, region_id=region.id, lansdel=m.lansdel,
                population=m.population, share_65_plus=m.share_65_plus,
            )
            session.add(row)
            session.flush()
        _provider(session, region.id, f"{m.name} kommun", ProviderKind.KOMMUN, row.id)
    return region


def _provider(
    session: Session, region_id: int, name: str, kind: ProviderKind, municipality_id: int | None
) -> CareProviderRow:
    row = session.scalar(
        select(CareProviderRow).where(CareProviderRow.name == name, CareProviderRow.kind == kind.value)
    )
    if row is None:
        row = CareProviderRow(name=name, kind=kind.value, region_id=region_id, municipality_id=municipality_id)
        session.add(row)
        session.flush()
    return row


def provider_for(session: Session, kommun_code: str, principal: ProviderKind, name: str | None = None):
    """The care provider a new unit belongs to: the region of the municipality, the municipality itself,
    or a private provider (created on first use, named ``name``)."""
    municipality = session.scalar(select(MunicipalityRow).where(MunicipalityRow.kommun_code == kommun_code))
    if municipality is None:
        raise NotFound("unit.not_found")
    if principal is ProviderKind.REGION:
        region = session.get(RegionRow, municipality.region_id)
        assert region is not None
        return _provider(session, region.id, region.name, ProviderKind.REGION, None)
    if principal is ProviderKind.KOMMUN:
        return _provider(session, municipality.region_id, f"{municipality.name} kommun", ProviderKind.KOMMUN,
                         municipality.id)
    return _provider(session, municipality.region_id, name or "Privat vårdgivare", ProviderKind.PRIVAT, None)


def add_unit(
    session: Session, *, hsa_id: str, name: str, kind: UnitKind, kommun_code: str, principal: ProviderKind,
    provider_name: str | None = None, parent_name: str | None = None, phone: str | None = None,
    address: str | None = None,
) -> UnitRow:
    provider = provider_for(session, kommun_code, principal, provider_name)
    unit = UnitRow(
        hsa_id=parse_hsa_id(hsa_id), name=name, kind=kind.value, provider_id=provider.id,
        kommun_code=kommun_code, parent_name=parent_name, phone=phone, address=address,
    )
    session.add(unit)
    session.flush()
    return unit


def add_staff(
    session: Session, *, hsa_id: str, given_name: str, family_name: str, profession: str, unit_id: int,
    valid_from: date, title: str | None = None,
) -> StaffRow:
    staff = StaffRow(hsa_id=parse_hsa_id(hsa_id), given_name=given_name, family_name=family_name,
                     profession=profession)
    session.add(staff)
    session.flush()
    session.add(StaffAssignmentRow(staff_id=staff.id, unit_id=unit_id, valid_from=valid_from, title=title))
    session.flush()
    return staff


def add_person(
    session: Session, *, identifier: str, given_name: str, family_name: str, today: date,
    kommun_code: str | None = None, synthetic: bool = True, protected_identity: bool = False,
    address: str | None = None, phone: str | None = None, kind: IdentifierKind | None = None,
) -> PersonRow:
    """Add a person after validating the identifier strictly (DOMAIN §9)."""
    ident = parse_identifier(identifier, today, kind)
    person = PersonRow(
        identifier=ident.value, identifier_kind=ident.kind.value, given_name=given_name,
        family_name=family_name, sex=ident.sex, birth_date=ident.birth_date, kommun_code=kommun_code,
        synthetic=synthetic, protected_identity=protected_identity, address=address, phone=phone,
    )
    session.add(person)
    session.flush()
    return person


def add_listing(
    session: Session, *, person_id: int, unit_id: int, fast_lakare_id: int | None, valid_from: date
) -> ListingRow:
    """List a person at a vårdcentral; an earlier listing ends the day before (one at a time, DOMAIN §6)."""
    for old in session.scalars(
        select(ListingRow).where(ListingRow.person_id == person_id, ListingRow.valid_to.is_(None))
    ):
        old.valid_to = valid_from
    row = ListingRow(person_id=person_id, unit_id=unit_id, fast_lakare_id=fast_lakare_id, valid_from=valid_from)
    session.add(row)
    session.flush()
    return row


def add_sabo_residence(session: Session, *, person_id: int, unit_id: int, valid_from: date) -> SaboResidenceRow:
    row = SaboResidenceRow(person_id=person_id, unit_id=unit_id, valid_from=valid_from)
    session.add(row)
    session.flush()
    return row


def find_units(session: Session, kind: UnitKind, kommun_code: str | None = None) -> list[UnitRow]:
    query = select(UnitRow).where(UnitRow.kind == kind.value).order_by(UnitRow.name, UnitRow.id)
    if kommun_code is not None:
        query = query.where(UnitRow.kommun_code == kommun_code)
    return list(session.scalars(query))


def person_by_identifier(session: Session, raw: str, today: date) -> PersonRow:
    """Look a person up by any accepted form of their identifier; a malformed one is a 422, not a 404."""
    ident = parse_identifier(raw, today)
    person = session.scalar(select(PersonRow).where(PersonRow.identifier == ident.value))
    if person is None:
        raise NotFound("person.not_found")
    return person


# --- reads other parts make: the directory's rows, read-only ----------------------------------------------------


def _by_id(session: Session, row_type: type[_R], ids: Iterable[int]) -> dict[int, _R]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: r for r in session.scalars(select(row_type).where(row_type.id.in_(wanted)))}  # type: ignore[attr-defined]


def unit(session: Session, unit_id: int | None) -> UnitRow | None:
    return session.get(UnitRow, unit_id) if unit_id is not None else None


def units(session: Session, unit_ids: Iterable[int]) -> dict[int, UnitRow]:
    return _by_id(session, UnitRow, unit_ids)


def provider(session: Session, provider_id: int | None) -> CareProviderRow | None:
    return session.get(CareProviderRow, provider_id) if provider_id is not None else None


def providers(session: Session, provider_ids: Iterable[int]) -> dict[int, CareProviderRow]:
    return _by_id(session, CareProviderRow, provider_ids)


def person(session: Session, person_id: int | None) -> PersonRow | None:
    return session.get(PersonRow, person_id) if person_id is not None else None


def persons(session: Session, person_ids: Iterable[int]) -> dict[int, PersonRow]:
    return _by_id(session, PersonRow, person_ids)


def staff_member(session: Session, staff_id: int | None) -> StaffRow | None:
    return session.get(StaffRow, staff_id) if staff_id is not None else None


def staff_members(session: Session, staff_ids: Iterable[int]) -> dict[int, StaffRow]:
    return _by_id(session, StaffRow, staff_ids)


def municipality(session: Session, kommun_code: str | None) -> MunicipalityRow | None:
    if not kommun_code:
        return None
    return session.scalar(select(MunicipalityRow).where(MunicipalityRow.kommun_code == kommun_code))


def municipality_name(session: Session, kommun_code: str | None) -> str | None:
    found = municipality(session, kommun_code)
    return found.name if found is not None else None


def relatives(session: Session, person_id: int) -> list[RelativeRow]:
    """The person's närstående as the directory knows them, in the order they were added."""
    return list(session.scalars(select(RelativeRow).where(RelativeRow.person_id == person_id)
                                .order_by(RelativeRow.id)))


current_listing = store.current_listing
current_sabo = store.current_sabo
active_assignments = store.active_assignments


# --- read by the access part ---


def provider_units(session: Session, provider_id: int | None) -> list[UnitRow]:
    """The care provider's units, by name."""
    if provider_id is None:
        return []
    return list(session.scalars(select(UnitRow).where(UnitRow.provider_id == provider_id)
                                .order_by(UnitRow.name, UnitRow.id)))


def all_providers(session: Session) -> list[CareProviderRow]:
    """Every care provider of the region, by name (whom a person may consent to)."""
    return list(session.scalars(select(CareProviderRow).order_by(CareProviderRow.name, CareProviderRow.id)))


def person_unit_ids(session: Session, person_id: int) -> set[int]:
    """The units the person is or was listed at or lived at (SäBo), any time."""
    ids = set(session.scalars(select(ListingRow.unit_id).where(ListingRow.person_id == person_id)))
    return ids | set(session.scalars(select(SaboResidenceRow.unit_id).where(SaboResidenceRow.person_id == person_id)))


# The directory's half of the access policy's one statement (the guard's hot path, nara.access.store): scalar SQL
# expressions over the directory's tables, combined by the access part with its own tables into one round trip.
# Short aliases keep the statement's text under psycopg's cache limit.
_unit_a, _person_a, _provider_a = UnitRow.__table__.alias("u"), PersonRow.__table__.alias("p"), \
    CareProviderRow.__table__.alias("cp")
_listing_a, _sabo_a = ListingRow.__table__.alias("li"), SaboResidenceRow.__table__.alias("sa")


@dataclass(frozen=True, slots=True)
class PlacementSql:
    """For one person and unit: the unit's HSA-id (NULL: no such unit), the person's protected identity (NULL: no
    such person), and whether the person is listed at / lives at (SäBo) the unit on the given day."""

    unit_hsa_id: Any
    protected_identity: Any
    listed: Any
    lives_there: Any


def placement_sql(person_id: Any, unit_id: Any, today: Any) -> PlacementSql:
    """:class:`PlacementSql` as scalar expressions over bound parameters (or columns) ``person_id``, ``unit_id``
    and ``today`` (a Swedish calendar day: a period's last day is included)."""

    def current(table: Any) -> Any:
        return exists().where(table.c.person_id == person_id, table.c.unit_id == unit_id,
                              table.c.valid_from <= today, or_(table.c.valid_to.is_(None), table.c.valid_to >= today))

    return PlacementSql(
        unit_hsa_id=select(_unit_a.c.hsa_id).where(_unit_a.c.id == unit_id).scalar_subquery(),
        protected_identity=select(_person_a.c.protected_identity).where(_person_a.c.id == person_id)
        .scalar_subquery(),
        listed=current(_listing_a), lives_there=current(_sabo_a))


def owner_names_sql(provider_id: Any, unit_id: Any) -> tuple[Any, Any]:
    """The names of a care provider and of a unit (NULL when none), as scalar expressions over ``provider_id`` and
    ``unit_id`` (columns of the caller's statement)."""
    return (select(_provider_a.c.name).where(_provider_a.c.id == provider_id).scalar_subquery(),
            select(_unit_a.c.name).where(_unit_a.c.id == unit_id).scalar_subquery())


# --- read by the review part ---


def staff_by_hsa_ids(session: Session, hsa_ids: Iterable[str]) -> dict[str, StaffRow]:
    """Staff members by HSA-id (who made an audit entry)."""
    ids = set(hsa_ids)
    if not ids:
        return {}
    return {s.hsa_id: s for s in session.scalars(select(StaffRow).where(StaffRow.hsa_id.in_(ids)))}


def staff_like(session: Session, text: str, pattern: str, *, limit: int = 1000) -> list[StaffRow]:
    """Staff whose full name matches the LIKE ``pattern`` (escaped with ``\\``) or whose HSA-id is ``text``."""
    return list(session.scalars(
        select(StaffRow).where(or_((StaffRow.given_name + " " + StaffRow.family_name).ilike(pattern, escape="\\"),
                                   StaffRow.hsa_id == text.upper())).limit(limit)))


def units_like(session: Session, text: str, pattern: str, *, limit: int = 1000) -> list[UnitRow]:
    """Units whose HSA-id is ``text`` or whose name matches the LIKE ``pattern`` (escaped with ``\\``), by id."""
    return list(session.scalars(
        select(UnitRow).where(or_(UnitRow.hsa_id == text, UnitRow.hsa_id == text.upper(),
                                  UnitRow.name.ilike(pattern, escape="\\")))
        .order_by(UnitRow.id).limit(limit)))


def person_id_with_identifier(session: Session, identifier: str) -> int | None:
    """The person with exactly this stored identifier (12 characters), if any."""
    return session.scalar(select(PersonRow.id).where(PersonRow.identifier == identifier))


def protected_person_ids(session: Session) -> set[int]:
    """Every person with protected identity (skyddad identitet)."""
    return set(session.scalars(select(PersonRow.id).where(PersonRow.protected_identity.is_(True))))
