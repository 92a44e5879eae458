"""Medication tables (SYNTETISKA DATA in the demo):

- ``medication``: one row per medicine on a person's list, with who prescribed it (staff, unit, care provider —
  the owner the access policy decides by) and when it started and ended, and why it ended;
- ``medication_change``: the läkemedelsberättelse — each change (insatt, ändrat, utsatt) with its reason, by whom,
  and the discharge process it was made at (the discharge part's id; no foreign key: that table is its own);
- ``medication_review``: a recorded läkemedelsgenomgång.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime


class MedicationRow(Base):
    __tablename__ = "medication"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    substance: Mapped[str] = mapped_column(String(200))
    atc_code: Mapped[str] = mapped_column(String(7))
    strength: Mapped[str] = mapped_column(String(100))
    dose: Mapped[str] = mapped_column(String(200))
    prescriber_staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    prescriber_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    started_on: Mapped[date] = mapped_column(Date)
    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_medication_person", "person_id"),)


class MedicationChangeRow(Base):
    __tablename__ = "medication_change"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    medication_id: Mapped[int] = mapped_column(ForeignKey("medication.id"))
    process_id: Mapped[int | None] = mapped_column(IdType)
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_medication_change_person", "person_id"),
                      Index("ix_medication_change_process", "process_id"))


class MedicationReviewRow(Base):
    __tablename__ = "medication_review"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    reviewed_on: Mapped[date] = mapped_column(Date)
    findings: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff_name: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_medication_review_person", "person_id"),)


def medications(session: Session, person_id: int) -> Sequence[MedicationRow]:
    return session.scalars(select(MedicationRow).where(MedicationRow.person_id == person_id)
                           .order_by(MedicationRow.started_on, MedicationRow.id)).all()


def changes(session: Session, person_id: int) -> Sequence[MedicationChangeRow]:
    return session.scalars(select(MedicationChangeRow).where(MedicationChangeRow.person_id == person_id)
                           .order_by(MedicationChangeRow.recorded_at.desc(), MedicationChangeRow.id)).all()


def reviews(session: Session, person_id: int) -> Sequence[MedicationReviewRow]:
    return session.scalars(select(MedicationReviewRow).where(MedicationReviewRow.person_id == person_id)
                           .order_by(MedicationReviewRow.reviewed_on.desc(), MedicationReviewRow.id)).all()


def medication(session: Session, medication_id: int, *, lock: bool = False) -> MedicationRow | None:
    query = select(MedicationRow).where(MedicationRow.id == medication_id)
    return session.scalar(query.with_for_update() if lock else query)


class SelfCareAssessmentRow(Base):
    """An egenvårdsbedömning (lag 2022:1250): by a licensed professional, at a unit of a care provider (the owner)."""

    __tablename__ = "self_care_assessment"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    measure: Mapped[str] = mapped_column(String(200))
    what_is_done: Mapped[str] = mapped_column(Text)
    performer: Mapped[str] = mapped_column(String(16))
    responsible_if_not_working: Mapped[str] = mapped_column(Text)
    follow_up_on: Mapped[date] = mapped_column(Date)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    staff_name: Mapped[str] = mapped_column(String(200))
    profession: Mapped[str] = mapped_column(String(32))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_self_care_assessment_person", "person_id"),)


def self_care(session: Session, person_id: int) -> Sequence[SelfCareAssessmentRow]:
    return session.scalars(select(SelfCareAssessmentRow).where(SelfCareAssessmentRow.person_id == person_id)
                           .order_by(SelfCareAssessmentRow.assessed_at.desc(), SelfCareAssessmentRow.id)).all()
