"""Reads of the directory's rows by id, and the directory's own pages of units, staff and municipalities."""


from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import (
    Select,
    func,
    select,
)
from sqlalchemy.orm import Session

from nara.core.errors import NotFound
from nara.directory import store
from nara.directory.model import (
    PersonIdentifier,
    Profession,
    UnitKind,
)
from nara.directory.store import (
    CareProviderRow,
    ListingRow,
    MunicipalityRow,
    PersonRow,
    RelativeRow,
    SaboResidenceRow,
    StaffAssignmentRow,
    StaffRow,
    UnitRow,
)

_R = TypeVar("_R")

LOOKUP_NOT_FOUND = "person.lookup.not_found"


# --- reads other parts make: the directory's rows, read-only ----------------------------------------------------


def _by_id(session: Session, row_type: type[_R], ids: Iterable[int]) -> dict[int, _R]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {r.id: r for r in session.scalars(select(row_type).where(row_type.id.in_(wanted)))}  # type: ignore[attr-defined]


def _get(session: Session, row_type: type[_R], row_id: int | None) -> _R | None:
    return session.get(row_type, row_id) if row_id is not None else None


def unit(session: Session, unit_id: int | None) -> UnitRow | None:
    return _get(session, UnitRow, unit_id)


def units(session: Session, unit_ids: Iterable[int]) -> dict[int, UnitRow]:
    return _by_id(session, UnitRow, unit_ids)


def provider(session: Session, provider_id: int | None) -> CareProviderRow | None:
    return _get(session, CareProviderRow, provider_id)


def providers(session: Session, provider_ids: Iterable[int]) -> dict[int, CareProviderRow]:
    return _by_id(session, CareProviderRow, provider_ids)


def person(session: Session, person_id: int | None) -> PersonRow | None:
    return _get(session, PersonRow, person_id)


def persons(session: Session, person_ids: Iterable[int]) -> dict[int, PersonRow]:
    return _by_id(session, PersonRow, person_ids)


def staff_member(session: Session, staff_id: int | None) -> StaffRow | None:
    return _get(session, StaffRow, staff_id)


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
