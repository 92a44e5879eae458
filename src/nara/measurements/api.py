"""Measurements over JSON: HTTP in, a call to nara.measurements.service, JSON out. Units are UCUM codes (as FHIR
Observation.valueQuantity writes them). Every route asks the access policy first and leaves audit entries; a
denial is a 403 problem that says why; an implausible value a 422 problem naming the field and the allowed range."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from nara.measurements import service
from nara.measurements.model import SPECS, Kind
from nara.measurements.service import MeasurementOut, Series, TargetOut
from nara.plans.service import DEFAULT_NOTIFIER, Notifier
from nara.web.deps import Clk, CurrentActor, Db, IdPath
from nara.web.problems import ERRORS

router = APIRouter(tags=["Mätvärden"], responses=ERRORS)


async def get_notifier(request: Request) -> Notifier:
    return getattr(request.app.state, "notifier", None) or DEFAULT_NOTIFIER


Notify = Annotated[Notifier, Depends(get_notifier)]


class Quantity(BaseModel):
    value: float
    unit: str = Field(description="UCUM-kod")


class MeasurementJson(BaseModel):
    id: int
    kind: Kind
    measured_at: datetime
    values: dict[str, Quantity]
    by_person: bool
    reported_by: str
    outside_target: bool
    handled_at: datetime | None


class BandJson(BaseModel):
    low: float
    high: float
    unit: str = Field(description="UCUM-kod")


class TargetJson(BaseModel):
    kind: Kind
    bands: dict[str, BandJson]
    set_by: str
    unit_name: str
    set_at: datetime


class SeriesJson(BaseModel):
    kind: Kind
    values: list[MeasurementJson]
    target: TargetJson | None
    withheld: bool = Field(description="Några värden finns i en journal som läsaren inte har åtkomst till nu")


class ReportIn(BaseModel):
    kind: Kind
    values: dict[str, float] = Field(max_length=4, description="t.ex. {\"systolic\": 135, \"diastolic\": 85}")
    measured_at: datetime | None = None


class ReportedJson(BaseModel):
    id: int
    kind: Kind
    values: dict[str, Quantity]
    outside_target: bool


class BandIn(BaseModel):
    low: float
    high: float


class TargetIn(BaseModel):
    bands: dict[str, BandIn] = Field(max_length=4)


def _quantities(kind: Kind, values: dict[str, float]) -> dict[str, Quantity]:
    spec = SPECS[kind]
    return {c.code: Quantity(value=values[c.code], unit=c.ucum) for c in spec.components if c.code in values}


def _measurement(row: MeasurementOut) -> MeasurementJson:
    return MeasurementJson(id=row.id, kind=row.kind, measured_at=row.measured_at,
                           values=_quantities(row.kind, row.values), by_person=row.by_person,
                           reported_by=row.reported_by, outside_target=row.outside_target,
                           handled_at=row.handled_at)


def _target(target: TargetOut | None) -> TargetJson | None:
    if target is None:
        return None
    spec = SPECS[target.kind]
    return TargetJson(kind=target.kind, set_by=target.set_by, unit_name=target.unit_name, set_at=target.set_at,
                      bands={code: BandJson(low=b.low, high=b.high, unit=spec.component(code).ucum)
                             for code, b in target.bands.items()})


def _series(series: Series) -> SeriesJson:
    return SeriesJson(kind=series.kind, values=[_measurement(r) for r in series.values],
                      target=_target(series.target), withheld=series.withheld)


@router.get("/persons/{person_id}/measurements", summary="Personens mätvärden och målområden")
def read(actor: CurrentActor, db: Db, clock: Clk, person_id: IdPath,
         kind: Annotated[Kind | None, Query()] = None) -> list[SeriesJson]:
    with db.transaction() as s:
        if kind is not None:
            return [_series(service.read_series(s, actor, clock, person_id, kind))]
        return [_series(x) for x in service.read_all(s, actor, clock, person_id)]


@router.post("/persons/{person_id}/measurements", status_code=201, summary="Rapportera eller registrera ett värde")
def report(actor: CurrentActor, db: Db, clock: Clk, notifier: Notify, person_id: IdPath,
           body: ReportIn) -> ReportedJson:
    with db.transaction() as s:
        done = service.report(s, actor, clock, person_id, body.kind, body.values, notifier=notifier,
                              measured_at=body.measured_at if body.measured_at and body.measured_at.tzinfo
                              and body.measured_at <= clock.now() else None)
    return ReportedJson(id=done.id, kind=done.kind, values=_quantities(done.kind, done.values),
                        outside_target=done.outside_target)


@router.put("/persons/{person_id}/measurement-targets/{kind}", summary="Sätt personens målområde")
def set_target(actor: CurrentActor, db: Db, clock: Clk, person_id: IdPath, kind: Kind,
               body: TargetIn) -> TargetJson:
    bands = {code: (b.low, b.high) for code, b in body.bands.items()}
    with db.transaction() as s:
        target = service.set_target(s, actor, clock, person_id, kind, bands)
    out = _target(target)
    assert out is not None
    return out


@router.post("/measurements/{measurement_id}/handled", summary="Markera ett värde utanför målområdet som hanterat")
def handled(actor: CurrentActor, db: Db, clock: Clk, measurement_id: IdPath) -> MeasurementJson:
    with db.transaction() as s:
        return _measurement(service.mark_handled(s, actor, clock, measurement_id))
