"""Measurement tables:

- ``measurement_target``: målområden, one row per setting (a new one replaces the earlier for that person and kind;
  the earlier stay, so who set what and when remains to be seen);
- ``measurement``: every value, with whose record it is in (``owner_provider_id``/``owner_unit_id``), who reported
  it, the target it was checked against and, when outside, when and by whom the task was handled.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, String, and_, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime


class TargetRow(Base):
    __tablename__ = "measurement_target"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(24))
    low: Mapped[float] = mapped_column(Float)
    high: Mapped[float] = mapped_column(Float)
    second_low: Mapped[float | None] = mapped_column(Float)  # the second component's (diastolic)
    second_high: Mapped[float | None] = mapped_column(Float)
    owner_provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    set_by_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    set_by_name: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    __table_args__ = (Index("ix_measurement_target_person_kind", "person_id", "kind"),)


class MeasurementRow(Base):
    __tablename__ = "measurement"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    kind: Mapped[str] = mapped_column(String(24))
    value: Mapped[float] = mapped_column(Float)
    second_value: Mapped[float | None] = mapped_column(Float)  # the second component's (diastolic)
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    by_person: Mapped[bool] = mapped_column(Boolean)
    reported_by_account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    reported_by_name: Mapped[str] = mapped_column(String(200))
    owner_provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    owner_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    target_id: Mapped[int | None] = mapped_column(ForeignKey("measurement_target.id"))
    outside_target: Mapped[bool] = mapped_column(Boolean, default=False)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (
        Index("ix_measurement_person_kind", "person_id", "kind", "measured_at"),
        Index("ix_measurement_open", "target_id", "outside_target", "handled_at"),
    )


def current_target(s: Session, person_id: int, kind: str) -> TargetRow | None:
    return s.scalar(select(TargetRow).where(TargetRow.person_id == person_id, TargetRow.kind == kind)
                    .order_by(TargetRow.set_at.desc(), TargetRow.id.desc()).limit(1))


def current_targets(s: Session, person_id: int) -> dict[str, TargetRow]:
    rows = s.scalars(select(TargetRow).where(TargetRow.person_id == person_id)
                     .order_by(TargetRow.set_at, TargetRow.id))
    return {row.kind: row for row in rows}  # the latest of each kind wins


def series(s: Session, person_id: int, kind: str | None = None, limit: int = 500) -> list[MeasurementRow]:
    """The person's values (of one kind), newest first."""
    query = select(MeasurementRow).where(MeasurementRow.person_id == person_id)
    if kind is not None:
        query = query.where(MeasurementRow.kind == kind)
    return list(s.scalars(query.order_by(MeasurementRow.measured_at.desc(), MeasurementRow.id.desc()).limit(limit)))


def open_for_unit(s: Session, unit_id: int, limit: int = 200) -> list[tuple[int, str, int, datetime]]:
    """(person, kind, count, oldest) of the values outside their target and not yet handled, whose target the unit
    set: the task is the unit's."""
    rows = s.execute(
        select(MeasurementRow.person_id, MeasurementRow.kind, func.count(), func.min(MeasurementRow.measured_at))
        .join(TargetRow, TargetRow.id == MeasurementRow.target_id)
        .where(and_(TargetRow.owner_unit_id == unit_id, MeasurementRow.outside_target.is_(True),
                    MeasurementRow.handled_at.is_(None)))
        .group_by(MeasurementRow.person_id, MeasurementRow.kind)
        .order_by(func.min(MeasurementRow.measured_at)).limit(limit)).all()
    return [(p, k, c, at) for p, k, c, at in rows]
