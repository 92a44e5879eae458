"""Directory use cases: build a region's directory, add units, staff and persons, look them up; and the reads
other parts make of units, staff, persons and their links (DOMAIN.md §8–9)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    BigInteger,
    Connection,
    Select,
    String,
    and_,
    bindparam,
    exists,
    func,
    insert,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from nara.core.errors import NotFound
from nara.directory import store
from nara.directory.model import (
    IdentifierKind,
    PersonIdentifier,
    Profession,
    ProviderKind,
    RegionFacts,
    UnitKind,
    parse_hsa_id,
    parse_identifier,
)
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

LOOKUP_NOT_FOUND = "person.lookup.not_found"
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


def current_listing(session: Session, person_id: int, on: date) -> ListingRow | None:
    """The person's listning on the day ``on`` (one vårdcentral at a time, DOMAIN.md §6)."""
    return store.current_listing(session, person_id, on)


def current_sabo(session: Session, person_id: int, on: date) -> SaboResidenceRow | None:
    """The SäBo the person lives at on the day ``on``, if any."""
    return store.current_sabo(session, person_id, on)


def active_assignments(session: Session, staff_id: int, on: date) -> list[StaffAssignmentRow]:
    """The staff member's medarbetaruppdrag in force on ``on``, each with its unit loaded."""
    return store.active_assignments(session, staff_id, on)


# --- the directory's own API: pages of units and staff, municipalities, a person by identifier -----------------


def _page(session: Session, query: Select[Any], order: Sequence[Any], limit: int, offset: int
          ) -> tuple[int, list[Any]]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    return total, list(session.execute(query.order_by(*order).limit(limit).offset(offset)).all())


def units_page(
    session: Session, *, kind: UnitKind | None, kommun_code: str | None, name_part: str | None, limit: int,
    offset: int,
) -> tuple[int, list[tuple[UnitRow, CareProviderRow]]]:
    """Units with their care provider, by name; how many match in all and the page asked for."""
    query = select(UnitRow, CareProviderRow).join(CareProviderRow, UnitRow.provider_id == CareProviderRow.id)
    if kind is not None:
        query = query.where(UnitRow.kind == kind.value)
    if kommun_code is not None:
        query = query.where(UnitRow.kommun_code == kommun_code)
    if name_part:
        query = query.where(func.lower(UnitRow.name).contains(name_part.lower()))
    total, rows = _page(session, query, (UnitRow.name, UnitRow.id), limit, offset)
    return total, [(u, p) for u, p in rows]


def unit_with_provider(session: Session, unit_id: int) -> tuple[UnitRow, CareProviderRow]:
    """One unit and its care provider; :class:`NotFound` when there is no such unit."""
    found = unit(session, unit_id)
    if found is None:
        raise NotFound("unit.not_found")
    return found, found.provider


def staff_page(
    session: Session, *, on: date, unit_id: int | None, profession: Profession | None, limit: int, offset: int,
) -> tuple[int, list[tuple[StaffRow, list[int]]]]:
    """Staff by family name, each with the units they work for on ``on``; how many match in all and the page."""
    active = store.assignment_active_on(on)
    query = select(StaffRow)
    if unit_id is not None:
        query = query.where(StaffRow.id.in_(
            select(StaffAssignmentRow.staff_id).where(StaffAssignmentRow.unit_id == unit_id, active)))
    if profession is not None:
        query = query.where(StaffRow.profession == profession.value)
    total, rows = _page(session, query, (StaffRow.family_name, StaffRow.id), limit, offset)
    unit_ids: dict[int, list[int]] = {row.id: [] for (row,) in rows}
    if unit_ids:
        for staff_id, unit_id_ in session.execute(
            select(StaffAssignmentRow.staff_id, StaffAssignmentRow.unit_id)
            .where(StaffAssignmentRow.staff_id.in_(unit_ids), active)
        ):
            unit_ids[staff_id].append(unit_id_)
    return total, [(row, sorted(unit_ids[row.id])) for (row,) in rows]


def all_municipalities(session: Session) -> list[MunicipalityRow]:
    """Every kommun in the directory, by name."""
    return list(session.scalars(select(MunicipalityRow).order_by(MunicipalityRow.name)))


def person_with_identifier(session: Session, ident: PersonIdentifier) -> PersonRow | None:
    """The person holding a validated identifier, if the directory has them."""
    return session.scalar(select(PersonRow).where(PersonRow.identifier == ident.value))


# --- read by the auth part ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DutyUnit:
    """A unit a staff member has an assignment at today, as a session needs it."""

    assignment_id: int
    valid_from: date
    unit_id: int
    unit_name: str
    unit_kind: str
    provider_id: int


@dataclass(frozen=True, slots=True)
class OnDuty:
    """A staff member and the units of their assignments in force on a day (none: an empty tuple)."""

    full_name: str
    hsa_id: str
    profession: str
    units: tuple[DutyUnit, ...]


_ON_DUTY = (
    select(StaffRow.given_name, StaffRow.family_name, StaffRow.hsa_id, StaffRow.profession,
           StaffAssignmentRow.id.label("assignment_id"), StaffAssignmentRow.valid_from,
           UnitRow.id.label("unit_id"), UnitRow.name.label("unit_name"), UnitRow.kind.label("unit_kind"),
           UnitRow.provider_id)
    .select_from(StaffRow)
    .outerjoin(StaffAssignmentRow, and_(StaffAssignmentRow.staff_id == StaffRow.id,
                                        store.assignment_active_on(bindparam("today"))))
    .outerjoin(UnitRow, UnitRow.id == StaffAssignmentRow.unit_id)
    .where(StaffRow.id == bindparam("staff_id"))
)
"""One indexed statement: the staff member with one row per assignment in force on the day."""


def staff_on_duty(conn: Connection | Session, staff_id: int, today: date) -> OnDuty | None:
    """Who a staff member is and where they work today: every request of a browser session asks this."""
    rows = conn.execute(_ON_DUTY, {"staff_id": staff_id, "today": today}).all()
    if not rows:
        return None
    first = rows[0]
    return OnDuty(
        full_name=f"{first.given_name} {first.family_name}", hsa_id=first.hsa_id, profession=first.profession,
        units=tuple(DutyUnit(r.assignment_id, r.valid_from, r.unit_id, r.unit_name, r.unit_kind, r.provider_id)
                    for r in rows if r.assignment_id is not None and r.unit_id is not None))


def person_full_name(conn: Connection | Session, person_id: int) -> str | None:
    row = conn.execute(select(PersonRow.given_name, PersonRow.family_name).where(PersonRow.id == person_id)).first()
    return f"{row.given_name} {row.family_name}" if row is not None else None


def unit_by_hsa_id(session: Session, hsa_id: str) -> UnitRow | None:
    return session.scalar(select(UnitRow).where(UnitRow.hsa_id == hsa_id))


def staff_by_hsa_id(session: Session, hsa_id: str) -> StaffRow | None:
    return session.scalar(select(StaffRow).where(StaffRow.hsa_id == hsa_id))


def person_by_number(session: Session, identifier: str) -> PersonRow | None:
    """The person with this normalised identifier (12 characters), if any."""
    return session.scalar(select(PersonRow).where(PersonRow.identifier == identifier))


def add_assignment(session: Session, *, staff_id: int, unit_id: int, valid_from: date,
                   title: str | None = None) -> StaffAssignmentRow:
    row = StaffAssignmentRow(staff_id=staff_id, unit_id=unit_id, valid_from=valid_from, title=title)
    session.add(row)
    session.flush()
    return row


def has_municipality(session: Session, kommun_code: str) -> bool:
    return session.scalar(select(MunicipalityRow.id).where(MunicipalityRow.kommun_code == kommun_code)) is not None


# --- read by the discharge part -----------------------------------------------------------------------------------


def unit_staff(session: Session, unit_id: int, on: date, limit: int | None = None) -> list[StaffRow]:
    """The staff assigned to ``unit_id`` on the day ``on``, by family name, given name and id; each once."""
    query = (select(StaffRow).join(StaffAssignmentRow, StaffAssignmentRow.staff_id == StaffRow.id)
             .where(StaffAssignmentRow.unit_id == unit_id, store.assignment_active_on(on))
             .order_by(StaffRow.family_name, StaffRow.given_name, StaffRow.id).limit(limit))
    return list(dict.fromkeys(session.scalars(query)))


def region_municipalities(session: Session, region_id: int) -> list[MunicipalityRow]:
    """The municipalities of a region, by name."""
    return list(session.scalars(select(MunicipalityRow).where(MunicipalityRow.region_id == region_id)
                                .order_by(MunicipalityRow.name)))


def youngest_synthetic_listed(session: Session, unit_id: int, on: date, born_before: date,
                              excluded_identifier: str) -> int | None:
    """The youngest living synthetic person listed at the unit on ``on``, born before ``born_before``, without
    protected identity and other than ``excluded_identifier`` (demo data is made for such a person)."""
    return _synthetic_listed(session, unit_id, on, born_before, excluded_identifier, youngest=True)


def oldest_synthetic_listed(session: Session, unit_id: int, on: date, born_before: date,
                            excluded_identifier: str) -> int | None:
    """The oldest such person (:func:`youngest_synthetic_listed`)."""
    return _synthetic_listed(session, unit_id, on, born_before, excluded_identifier, youngest=False)


def _synthetic_listed(session: Session, unit_id: int, on: date, born_before: date, excluded_identifier: str, *,
                      youngest: bool) -> int | None:
    return session.scalar(
        select(PersonRow.id).join(ListingRow, ListingRow.person_id == PersonRow.id)
        .where(ListingRow.unit_id == unit_id, ListingRow.valid_from <= on,
               (ListingRow.valid_to.is_(None)) | (ListingRow.valid_to >= on),
               PersonRow.synthetic.is_(True), PersonRow.death_date.is_(None),
               PersonRow.protected_identity.is_(False), PersonRow.identifier != excluded_identifier,
               PersonRow.birth_date <= born_before)
        .order_by(PersonRow.birth_date.desc() if youngest else PersonRow.birth_date, PersonRow.id).limit(1))


def region_code(session: Session, kommun_code: str | None) -> str | None:
    """The code of the region a municipality belongs to (e.g. "18" for a municipality in Örebro län)."""
    if not kommun_code:
        return None
    return session.scalar(select(RegionRow.code).join(MunicipalityRow, MunicipalityRow.region_id == RegionRow.id)
                          .where(MunicipalityRow.kommun_code == kommun_code))




# --- read by the plans part ---------------------------------------------------------------------------------------


def names_for_display(session: Session | Connection, unit_ids: Iterable[int], staff_ids: Iterable[int],
                      provider_ids: Iterable[int]) -> list[tuple[str, tuple[Any, ...]]]:
    """Names and kinds to show, in one query (a Connection will do: the plan read path has no ORM session):
    ``("u", (id, name, kind, phone, provider id, provider name))`` per unit, ``("s", (id, name, profession, …))``
    per staff member and ``("p", (id, name, kind, …))`` per care provider, the latter two padded with None."""
    units, staff, providers = sorted(set(unit_ids)), sorted(set(staff_ids)), sorted(set(provider_ids))

    def blanks() -> tuple[Any, Any, Any]:  # distinct labelled columns, or a lone select would fold them into one
        return (null().cast(String).label("phone"), null().cast(BigInteger).label("provider_id"),
                null().cast(String).label("provider_name"))

    parts = []
    if units:
        parts.append(select(literal("u"), UnitRow.id, UnitRow.name, UnitRow.kind, UnitRow.phone, UnitRow.provider_id,
                            CareProviderRow.name)
                     .join(CareProviderRow, CareProviderRow.id == UnitRow.provider_id).where(UnitRow.id.in_(units)))
    if staff:
        parts.append(select(literal("s"), StaffRow.id, StaffRow.given_name + " " + StaffRow.family_name,
                            StaffRow.profession, *blanks()).where(StaffRow.id.in_(staff)))
    if providers:
        parts.append(select(literal("p"), CareProviderRow.id, CareProviderRow.name, CareProviderRow.kind, *blanks())
                     .where(CareProviderRow.id.in_(providers)))
    if not parts:
        return []
    query = parts[0] if len(parts) == 1 else union_all(*parts)
    return [(row[0], tuple(row[1:])) for row in session.execute(query)]


def unit_ids_in_municipality(session: Session, kommun_code: str, limit: int) -> list[int]:
    """The ids of the units in a municipality, by id, at most ``limit``."""
    return list(session.scalars(select(UnitRow.id).where(UnitRow.kommun_code == kommun_code)
                                .order_by(UnitRow.id).limit(limit)))


def units_with_providers(session: Session, unit_ids: Iterable[int]) -> list[tuple[int, str, str, int, str, str]]:
    """(id, name, kind, provider id, provider name, provider kind) of these units, by provider name, unit name."""
    wanted = sorted(set(unit_ids))
    if not wanted:
        return []
    rows = session.execute(
        select(UnitRow.id, UnitRow.name, UnitRow.kind, UnitRow.provider_id, CareProviderRow.name, CareProviderRow.kind)
        .join(CareProviderRow, CareProviderRow.id == UnitRow.provider_id)
        .where(UnitRow.id.in_(wanted)).order_by(CareProviderRow.name, UnitRow.name))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def staff_at_units(session: Session, unit_ids: Iterable[int], on: date,
                   limit: int) -> list[tuple[int, int, str, str, str, str]]:
    """(staff id, unit id, given name, family name, profession, unit name) of those assigned to these units on
    ``on``, by unit name and staff name, at most ``limit``."""
    wanted = sorted(set(unit_ids))
    if not wanted:
        return []
    rows = session.execute(
        select(StaffRow.id, StaffAssignmentRow.unit_id, StaffRow.given_name, StaffRow.family_name,
               StaffRow.profession, UnitRow.name)
        .join(StaffAssignmentRow, StaffAssignmentRow.staff_id == StaffRow.id)
        .join(UnitRow, UnitRow.id == StaffAssignmentRow.unit_id)
        .where(StaffAssignmentRow.unit_id.in_(wanted), StaffAssignmentRow.valid_from <= on,
               (StaffAssignmentRow.valid_to.is_(None)) | (StaffAssignmentRow.valid_to >= on))
        .order_by(UnitRow.name, StaffRow.family_name, StaffRow.given_name).limit(limit))
    return [tuple(row) for row in rows]  # type: ignore[misc]


def principals_in_region(session: Session, region_id: int, limit: int) -> dict[int, str]:
    """The region's and its municipalities' care providers (huvudmän), id → name, at most ``limit``."""
    return dict(session.execute(select(CareProviderRow.id, CareProviderRow.name).where(
        CareProviderRow.region_id == region_id, CareProviderRow.kind.in_(("region", "kommun"))).limit(limit)).all())


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
