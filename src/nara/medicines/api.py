"""The medication list over JSON (DOMAIN §5): HTTP in, a call to nara.medicines.service, JSON out. Every route
asks the access policy through the service and leaves audit entries; a denial is a 403 problem that says why."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from nara.core.actor import Role
from nara.core.errors import Forbidden
from nara.core.ids import ID_MAX
from nara.medicines import service
from nara.medicines.model import ChangeKind, Performer
from nara.medicines.service import MedicineList, MedicineOut, ReviewOut, SelfCareList, SelfCareOut
from nara.web.deps import Clk, CurrentActor, Db, IdPath
from nara.web.problems import ERRORS

router = APIRouter(prefix="/medicines", tags=["läkemedel"], responses=ERRORS)

Short = Annotated[str, Field(max_length=200)]
Long = Annotated[str, Field(max_length=4000)]


class NewMedicineIn(BaseModel):
    substance: Short
    atc_code: Short = Field(description="ATC-kod på substansnivå, t.ex. C09AA05")
    strength: Short
    dose: Short = Field(description="Dosering i ord, t.ex. 1 tablett morgon")
    reason: Long = Field(description="Varför läkemedlet sätts in")
    started_on: date | None = None


class ChangeIn(BaseModel):
    strength: Short | None = None
    dose: Short | None = None
    reason: Long


class StopIn(BaseModel):
    reason: Long
    stopped_on: date | None = None


class ReviewIn(BaseModel):
    reviewed_on: date
    findings: Long


class DischargeChangeIn(BaseModel):
    kind: ChangeKind
    reason: Long
    medication_id: int | None = Field(default=None, ge=1, le=ID_MAX)
    substance: Short = ""
    atc_code: Short = ""
    strength: Short = ""
    dose: Short = ""


@router.get("/mine", response_model=MedicineList, summary="Mina läkemedel")
def my_medicines(actor: CurrentActor, db: Db, clock: Clk) -> MedicineList:
    if actor.role is not Role.RESIDENT or actor.person_id is None:
        raise Forbidden("auth.forbidden")
    with db.transaction() as s:
        return service.read_medicines(s, actor, clock, actor.person_id)


@router.get("/persons/{person_id}", response_model=MedicineList, summary="En persons läkemedel")
def person_medicines(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> MedicineList:
    with db.transaction() as s:
        return service.read_medicines(s, actor, clock, person_id)


@router.post("/persons/{person_id}", response_model=MedicineOut, status_code=201, summary="Sätt in ett läkemedel")
def add_medicine(person_id: IdPath, body: NewMedicineIn, actor: CurrentActor, db: Db, clock: Clk) -> MedicineOut:
    with db.transaction() as s:
        return service.add_medicine(s, actor, clock, person_id, substance=body.substance, atc=body.atc_code,
                                    strength=body.strength, dose=body.dose, reason=body.reason,
                                    started_on=body.started_on)


@router.post("/{medication_id}/change", response_model=MedicineOut, summary="Ändra styrka eller dosering")
def change_medicine(medication_id: IdPath, body: ChangeIn, actor: CurrentActor, db: Db, clock: Clk) -> MedicineOut:
    with db.transaction() as s:
        return service.change_medicine(s, actor, clock, medication_id, strength=body.strength, dose=body.dose,
                                       reason=body.reason)


@router.post("/{medication_id}/stop", response_model=MedicineOut, summary="Sätt ut ett läkemedel")
def stop_medicine(medication_id: IdPath, body: StopIn, actor: CurrentActor, db: Db, clock: Clk) -> MedicineOut:
    with db.transaction() as s:
        return service.stop_medicine(s, actor, clock, medication_id, reason=body.reason, stopped_on=body.stopped_on)


@router.post("/persons/{person_id}/reviews", response_model=ReviewOut, status_code=201,
             summary="Registrera en läkemedelsgenomgång")
def record_review(person_id: IdPath, body: ReviewIn, actor: CurrentActor, db: Db, clock: Clk) -> ReviewOut:
    with db.transaction() as s:
        return service.record_review(s, actor, clock, person_id, reviewed_on=body.reviewed_on,
                                     findings=body.findings)


@router.post("/discharge/{process_id}", response_model=MedicineOut, status_code=201,
             summary="En ändring i läkemedelsberättelsen vid utskrivning")
def discharge_change(process_id: IdPath, body: DischargeChangeIn, request: Request, actor: CurrentActor, db: Db,
                     clock: Clk) -> MedicineOut:
    notifier = getattr(request.app.state, "notifier", None)
    with db.transaction() as s:
        return service.record_discharge_change(
            s, actor, clock, process_id, kind=body.kind, reason=body.reason, medication_id=body.medication_id,
            substance=body.substance, atc=body.atc_code, strength=body.strength, dose=body.dose, notifier=notifier)


class SelfCareIn(BaseModel):
    measure: Short = Field(description="Hälso- och sjukvårdsåtgärden, t.ex. insulininjektion")
    what_is_done: Long
    performer: Performer
    responsible_if_not_working: Long
    follow_up_on: date


@router.get("/self-care/mine", response_model=SelfCareList, summary="Min egenvård")
def my_self_care(actor: CurrentActor, db: Db, clock: Clk) -> SelfCareList:
    if actor.role is not Role.RESIDENT or actor.person_id is None:
        raise Forbidden("auth.forbidden")
    with db.transaction() as s:
        return service.read_self_care(s, actor, clock, actor.person_id)


@router.get("/self-care/persons/{person_id}", response_model=SelfCareList, summary="En persons egenvårdsbedömningar")
def person_self_care(person_id: IdPath, actor: CurrentActor, db: Db, clock: Clk) -> SelfCareList:
    with db.transaction() as s:
        return service.read_self_care(s, actor, clock, person_id)


@router.post("/self-care/persons/{person_id}", response_model=SelfCareOut, status_code=201,
             summary="Registrera en egenvårdsbedömning (lag 2022:1250)")
def record_self_care(person_id: IdPath, body: SelfCareIn, actor: CurrentActor, db: Db, clock: Clk) -> SelfCareOut:
    with db.transaction() as s:
        return service.record_self_care(s, actor, clock, person_id, measure=body.measure,
                                        what_is_done=body.what_is_done, performer=body.performer.value,
                                        responsible=body.responsible_if_not_working, follow_up_on=body.follow_up_on)
