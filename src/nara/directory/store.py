"""Directory tables: regions, municipalities, care providers, units, staff, persons and their links."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ColumnElement,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from nara.core.db import Base, IdType, UTCDateTime


class RegionRow(Base):
    """Region (huvudman för hälso- och sjukvård)."""

    __tablename__ = "region"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)  # SCB länskod, e.g. '18'
    name: Mapped[str] = mapped_column(String(120))
    municipalities: Mapped[list[MunicipalityRow]] = relationship(back_populates="region")


class MunicipalityRow(Base):
    """Kommun (huvudman för socialtjänst och kommunal hälso- och sjukvård)."""

    __tablename__ = "municipality"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    kommun_code: Mapped[str] = mapped_column(String(4), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    lansdel: Mapped[str | None] = mapped_column(String(80))
    population: Mapped[int | None] = mapped_column(Integer)
    share_65_plus: Mapped[float | None] = mapped_column(Float)
    region: Mapped[RegionRow] = relationship(back_populates="municipalities")


class CareProviderRow(Base):
    """Vårdgivare: the region, a municipality, or a private provider — each a separate provider under PDL."""

    __tablename__ = "care_provider"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # ProviderKind
    region_id: Mapped[int] = mapped_column(ForeignKey("region.id"))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipality.id"))
    __table_args__ = (CheckConstraint("kind in ('region','kommun','privat')", name="kind"),)


class UnitRow(Base):
    """Vårdenhet / verksamhet with its HSA-id."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    hsa_id: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(24), index=True)  # UnitKind
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"), index=True)
    kommun_code: Mapped[str] = mapped_column(String(4), index=True)  # where the unit is
    parent_name: Mapped[str | None] = mapped_column(String(200))  # e.g. the hospital of a ward
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(200))
    provider: Mapped[CareProviderRow] = relationship()


class StaffRow(Base):
    """Medarbetare with HSA-id and profession."""

    __tablename__ = "staff"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    hsa_id: Mapped[str] = mapped_column(String(40), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    profession: Mapped[str] = mapped_column(String(32))  # Profession
    assignments: Mapped[list[StaffAssignmentRow]] = relationship(back_populates="staff")

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class StaffAssignmentRow(Base):
    """Medarbetaruppdrag: a staff member works for a unit from a date, possibly to a date."""

    __tablename__ = "staff_assignment"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    title: Mapped[str | None] = mapped_column(String(100))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    staff: Mapped[StaffRow] = relationship(back_populates="assignments")
    unit: Mapped[UnitRow] = relationship()


class PersonRow(Base):
    """Person (invånare/patient/brukare), identified by personnummer, samordningsnummer or reservnummer."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    identifier: Mapped[str] = mapped_column(String(12), unique=True)  # normalised, 12 characters
    identifier_kind: Mapped[str] = mapped_column(String(20))  # IdentifierKind
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    sex: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    death_date: Mapped[date | None] = mapped_column(Date)
    kommun_code: Mapped[str | None] = mapped_column(String(4), index=True)  # folkbokföringskommun
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    # Sekretessmarkering / skyddad folkbokföring: a security label (DOMAIN §9). Address is then never shown
    # to anyone who does not strictly need it.
    protected_identity: Mapped[bool] = mapped_column(Boolean, default=False)
    # Every person created by the synthetic generator or the demo is marked, and the mark is shown.
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


class ListingRow(Base):
    """Listning at one vårdcentral at a time, with a named fast läkare where one is named (DOMAIN §6)."""

    __tablename__ = "listing"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    fast_lakare_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    unit: Mapped[UnitRow] = relationship()
    fast_lakare: Mapped[StaffRow | None] = relationship()
    __table_args__ = (Index("ix_listing_person_current", "person_id", "valid_to"),)


class SaboResidenceRow(Base):
    """Boende på särskilt boende (SäBo)."""

    __tablename__ = "sabo_residence"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    valid_from: Mapped[date] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    unit: Mapped[UnitRow] = relationship()


class RelativeRow(Base):
    """Närstående: a relation from a person to another person in the directory, or to someone outside it."""

    __tablename__ = "relative"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    related_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20))  # RelationKind
    phone: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    __table_args__ = (UniqueConstraint("person_id", "related_person_id", name="person_related"),)


def current_listing(session: Session, person_id: int, on: date) -> ListingRow | None:
    return session.scalars(
        select(ListingRow)
        .where(ListingRow.person_id == person_id, ListingRow.valid_from <= on)
        .where((ListingRow.valid_to.is_(None)) | (ListingRow.valid_to >= on))
        .order_by(ListingRow.valid_from.desc())
        .limit(1)
    ).first()


def current_sabo(session: Session, person_id: int, on: date) -> SaboResidenceRow | None:
    return session.scalars(
        select(SaboResidenceRow)
        .where(SaboResidenceRow.person_id == person_id, SaboResidenceRow.valid_from <= on)
        .where((SaboResidenceRow.valid_to.is_(None)) | (SaboResidenceRow.valid_to >= on))
        .limit(1)
    ).first()


def assignment_active_on(on: Any) -> ColumnElement[bool]:
    """An assignment in force on the day ``on`` (a date, or a bound parameter for one), its last day included."""
    return (StaffAssignmentRow.valid_from <= on) & (
        StaffAssignmentRow.valid_to.is_(None) | (StaffAssignmentRow.valid_to >= on))


def active_assignments(session: Session, staff_id: int, on: date) -> list[StaffAssignmentRow]:
    return list(
        session.scalars(
            select(StaffAssignmentRow)
            .options(joinedload(StaffAssignmentRow.unit))  # every caller wants the unit: one round trip, not N
            .where(StaffAssignmentRow.staff_id == staff_id, assignment_active_on(on))
        )
    )
