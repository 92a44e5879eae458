"""Who a staff member is and where they work today, as every browser request asks it; and the look-ups the
demo personas are built with."""


from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import (
    Connection,
    and_,
    bindparam,
    select,
)
from sqlalchemy.orm import Session

from nara.directory import store
from nara.directory.store import (
    MunicipalityRow,
    PersonRow,
    StaffAssignmentRow,
    StaffRow,
    UnitRow,
)

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


def person_birth(conn: Connection | Session, person_id: int) -> tuple[bool, date | None]:
    """Whether the person exists, and their birth date when known."""
    row = conn.execute(select(PersonRow.birth_date).where(PersonRow.id == person_id)).first()
    return (row is not None, row.birth_date if row is not None else None)


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
