"""Building the directory: a region's municipalities and care providers, units, staff, persons and their
listings and SäBo residences (one at a time, or in bulk for the synthetic demo region)."""


from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import (
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from nara.core.errors import NotFound
from nara.directory.model import (
    IdentifierKind,
    ProviderKind,
    RegionFacts,
    UnitKind,
    parse_hsa_id,
    parse_identifier,
)
from nara.directory.service.duty import add_assignment
from nara.directory.service.reads import (
    person_with_identifier,
)
from nara.directory.store import (
    CareProviderRow,
    ListingRow,
    MunicipalityRow,
    PersonRow,
    RegionRow,
    RelativeRow,
    SaboResidenceRow,
    StaffRow,
    UnitRow,
)

"""The one answer to a look-up that finds no one the caller may see: unknown number or access denied alike."""


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
    add_assignment(session, staff_id=staff.id, unit_id=unit_id, valid_from=valid_from, title=title)
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


# --- in bulk, for the synthetic region's demo load (many thousand rows at a time) ------------------------------


def person_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(PersonRow)) or 0


def add_persons_in_bulk(session: Session, persons: Sequence[dict[str, Any]]) -> list[int]:
    """Add persons whose identifiers are already valid (generated, not typed); each mapping holds the person's
    fields (identifier, identifier_kind, names, sex, birth_date, ...). Returns their new ids in order."""
    rows = [PersonRow(**p) for p in persons]
    session.add_all(rows)
    session.flush()
    return [r.id for r in rows]


def add_listings_in_bulk(session: Session, listings: Sequence[dict[str, Any]]) -> None:
    """Listings (person_id, unit_id, fast_lakare_id, valid_from, valid_to) of persons not listed before."""
    if listings:
        session.execute(insert(ListingRow), list(listings))


def add_sabo_residences_in_bulk(session: Session, residences: Sequence[dict[str, Any]]) -> None:
    """SäBo residences (person_id, unit_id, valid_from, valid_to)."""
    if residences:
        session.execute(insert(SaboResidenceRow), list(residences))


def add_relatives_in_bulk(session: Session, relatives: Sequence[dict[str, Any]]) -> None:
    """Närstående (person_id, related_person_id, name, kind, phone, note)."""
    if relatives:
        session.execute(insert(RelativeRow), list(relatives))


def find_units(session: Session, kind: UnitKind, kommun_code: str | None = None) -> list[UnitRow]:
    query = select(UnitRow).where(UnitRow.kind == kind.value).order_by(UnitRow.name, UnitRow.id)
    if kommun_code is not None:
        query = query.where(UnitRow.kommun_code == kommun_code)
    return list(session.scalars(query))


def person_by_identifier(session: Session, raw: str, today: date) -> PersonRow:
    """Look a person up by any accepted form of their identifier; a malformed one is a 422, not a 404."""
    found = person_with_identifier(session, parse_identifier(raw, today))
    if found is None:
        raise NotFound("person.not_found")
    return found
