"""The directory's side of finding a person by name or date of birth, and of a unit's lists (listed patients,
SäBo residents). Candidates only: what the user may see of them is the access policy's answer (access.service)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from nara.directory.store import ListingRow, PersonRow, SaboResidenceRow

CANDIDATE_LIMIT = 50


def _current(row: type[ListingRow] | type[SaboResidenceRow], on: date) -> Any:
    return and_(row.valid_from <= on, or_(row.valid_to.is_(None), row.valid_to >= on))


def persons_named(session: Session, words: list[str], *, limit: int = CANDIDATE_LIMIT) -> list[PersonRow]:
    """Persons whose given or family name begins with every word (case-insensitive), by family name."""
    query = select(PersonRow)
    for word in words:
        pattern = word.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(or_(func.lower(PersonRow.given_name).like(pattern),
                                func.lower(PersonRow.family_name).like(pattern),
                                func.lower(PersonRow.given_name).like("% " + pattern),
                                func.lower(PersonRow.family_name).like("% " + pattern),
                                func.lower(PersonRow.family_name).like("%-" + pattern)))
    query = query.order_by(PersonRow.family_name, PersonRow.given_name, PersonRow.id).limit(limit)
    return list(session.scalars(query))


def persons_born(session: Session, born: date, *, limit: int = CANDIDATE_LIMIT) -> list[PersonRow]:
    """Persons born on ``born``, by family name."""
    query = (select(PersonRow).where(PersonRow.birth_date == born)
             .order_by(PersonRow.family_name, PersonRow.given_name, PersonRow.id).limit(limit))
    return list(session.scalars(query))


def listed_person_ids(session: Session, unit_id: int, on: date, *, among: Iterable[int] | None = None,
                      limit: int = CANDIDATE_LIMIT) -> list[int]:
    """The persons listed at a vårdcentral on ``on`` (DOMAIN §6), by id; only those ``among`` when given."""
    query = (select(ListingRow.person_id).where(ListingRow.unit_id == unit_id, _current(ListingRow, on))
             .order_by(ListingRow.person_id).limit(limit))
    if among is not None:
        wanted = sorted(set(among))
        if not wanted:
            return []
        query = query.where(ListingRow.person_id.in_(wanted))
    return list(session.scalars(query))


def sabo_resident_ids(session: Session, unit_id: int, on: date, *, limit: int = CANDIDATE_LIMIT) -> list[int]:
    """The persons living at a SäBo unit on ``on``, by id."""
    query = (select(SaboResidenceRow.person_id)
             .where(SaboResidenceRow.unit_id == unit_id, _current(SaboResidenceRow, on))
             .order_by(SaboResidenceRow.person_id).limit(limit))
    return list(session.scalars(query))
