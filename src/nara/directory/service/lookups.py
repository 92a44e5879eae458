"""Searches and choices other parts make of the directory: form choices, names to show, units of a provider,
placements, staff and units matching a search, demo candidates."""


from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import (
    BigInteger,
    Connection,
    String,
    exists,
    literal,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from nara.directory import store
from nara.directory.store import (
    CareProviderRow,
    ListingRow,
    MunicipalityRow,
    PersonRow,
    RegionRow,
    SaboResidenceRow,
    StaffAssignmentRow,
    StaffRow,
    UnitRow,
)

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
