"""The medication pages (DOMAIN §2 medication, §5 access): the staff page of a person's medicines with the forms
to put in, change or stop a medicine and to record a läkemedelsgenomgång (/personer/N/lakemedel, linked from the
person's page); the ward's läkemedelsberättelse at discharge (/utskrivning/N/lakemedel, linked from the discharge
process page); the resident's "Mina läkemedel" (/min-sida/lakemedel, read only, phone first).

HTTP in, a call to nara.medicines.service in its own unit of work, a page out. A rejected form comes back with
what was typed and a Swedish message per field (422); a denial shows the kit's denial page (403)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nara.access.service import AccessDenied, denial_page
from nara.core.actor import Actor, Role
from nara.core.clock import Clock
from nara.core.errors import NaraError, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.medicines import service
from nara.medicines.model import ChangeKind, Performer, may_assess_self_care
from nara.web.deps import IdPath, page_actor
from nara.web.forms import FormReader, Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Staff = Annotated[Actor, Depends(page_actor(Role.STAFF))]
Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
MINE_PATH = "/min-sida/lakemedel"
_SAVED = frozenset({"insatt", "andrat", "utsatt", "genomgang"})
# Which field a service message belongs to, so a rejected form marks the field to fix.
_FIELD_OF = {"atc": "atc_code", "substance": "substance", "strength": "strength", "dose": "dose",
             "reason": "reason", "findings": "findings", "change": "medication_id", "stop": "medication_id",
             "medicine": "medication_id", "review": "reviewed_on"}


def _denied(request: Request, actor: Actor, exc: AccessDenied, person_id: int, back_to: str) -> Response:
    return render(request, "person_denied.html", status_code=403, title=t("person.denied.title"), back_to=back_to,
                  **denial_page(exc, actor, person_id))


def _field_error(form: FormReader, exc: NaraError, prefix: str = "") -> None:
    part = exc.key.split(".")[1] if exc.key.startswith("medicines.") else ""
    field = _FIELD_OF.get(part, "form")
    form.errors[f"{prefix}{field}" if field == "reason" else field] = exc.message


def _choices(medicines: service.MedicineList) -> list[tuple[str, str]]:
    return [(str(m.id), f"{m.substance} {m.strength}") for m in medicines.current]


def _name(s: Session, person_id: int) -> str:
    """The person's name for the heading: call only after the policy let the reader see their medicines."""
    return directory.person_full_name(s, person_id) or ""


# --- the staff page ------------------------------------------------------------------------------------------------


@router.get("/personer/{person_id}/lakemedel")
def person_medicines(request: Request, person_id: IdPath, actor: Staff, sparat: str = "") -> Response:
    return _person_page(request, actor, person_id, notice=t(f"medicines.saved.{sparat}") if sparat in _SAVED else None)


def _person_page(request: Request, actor: Actor, person_id: int, *, form: FormReader | None = None,
                 which: str = "", status_code: int = 200, notice: str | None = None) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            medicines = service.read_medicines(s, actor, state.clock, person_id)
            name = _name(s, person_id)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, f"/personer/{person_id}")
    return render(request, "medicines_person.html", title=t("medicines.page.title", name=name), name=name,
                  person_id=person_id, medicines=medicines, choices=_choices(medicines), which=which, notice=notice,
                  values=form.values if form else {}, errors=form.errors if form else {}, status_code=status_code)


def _write(request: Request, actor: Actor, person_id: int, form: FormReader, which: str, saved: str,
           use_case: Callable[[Session, Clock], Any]) -> Response:
    """Run one write; on success back to the page with a notice, else the form again with what was typed."""
    state = request.app.state
    if form.ok:
        try:
            with state.db.transaction() as s:
                use_case(s, state.clock)
        except AccessDenied as exc:
            return _denied(request, actor, exc, person_id, f"/personer/{person_id}")
        except NaraError as exc:
            if exc.status != 422 and exc.status != 404:
                raise
            _field_error(form, exc, "change_" if which == "change" else "")
        else:
            return RedirectResponse(f"/personer/{person_id}/lakemedel?sparat={saved}", status_code=303)
    return _person_page(request, actor, person_id, form=form, which=which, status_code=422)


@router.post("/personer/{person_id}/lakemedel")
def add_medicine(request: Request, person_id: IdPath, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    v = form.raw
    return _write(request, actor, person_id, form, "add", "insatt", lambda s, clock: service.add_medicine(
        s, actor, clock, person_id, substance=v("substance"), atc=v("atc_code"), strength=v("strength"),
        dose=v("dose"), reason=v("reason")))


@router.post("/personer/{person_id}/lakemedel/andra")
def change_medicine(request: Request, person_id: IdPath, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    medication_id = form.id("medication_id")
    if medication_id is None:
        form.fail("medication_id", "medicines.medicine.required")
    kind = form.choice("kind", [ChangeKind.CHANGED.value, ChangeKind.STOPPED.value],
                       required="medicines.kind.required")
    v = form.raw

    def use_case(s: Session, clock: Clock) -> Any:
        assert medication_id is not None
        if kind == ChangeKind.STOPPED.value:
            return service.stop_medicine(s, actor, clock, medication_id, reason=v("change_reason"))
        return service.change_medicine(s, actor, clock, medication_id, strength=v("new_strength") or None,
                                       dose=v("new_dose") or None, reason=v("change_reason"))

    return _write(request, actor, person_id, form, "change", kind or "", use_case)


@router.post("/personer/{person_id}/lakemedel/genomgang")
def record_review(request: Request, person_id: IdPath, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    day = form.day("reviewed_on", required="medicines.review.day_required")
    v = form.raw

    def use_case(s: Session, clock: Clock) -> Any:
        assert day is not None
        return service.record_review(s, actor, clock, person_id, reviewed_on=day, findings=v("findings"))

    return _write(request, actor, person_id, form, "review", "genomgang", use_case)


# --- the läkemedelsberättelse at discharge -------------------------------------------------------------------------


def _discharge_path(process_id: int) -> str:
    return f"/utskrivning/{process_id}/lakemedel"


@router.get("/utskrivning/{process_id}/lakemedel")
def discharge_medicines(request: Request, process_id: IdPath, actor: Staff, sparat: str = "") -> Response:
    notice = t(f"medicines.saved.{sparat}") if sparat in _SAVED else None
    return _discharge_page(request, actor, process_id, notice=notice)


def _discharge_page(request: Request, actor: Actor, process_id: int, *, form: FormReader | None = None,
                    status_code: int = 200, notice: str | None = None) -> Response:
    state = request.app.state
    person_id, is_ward = 0, False
    try:
        with state.db.transaction() as s:
            person_id, is_ward = service.discharge_person(s, actor, state.clock, process_id)
            medicines = service.read_medicines(s, actor, state.clock, person_id)
            name = _name(s, person_id)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, f"/utskrivning/{process_id}")
    values = form.values if form else {"kind": ChangeKind.ADDED.value}
    return render(request, "medicines_discharge.html", title=t("medicines.discharge.title", name=name), name=name,
                  process_id=process_id, person_id=person_id, medicines=medicines, choices=_choices(medicines),
                  is_ward=is_ward, notice=notice, values=values,
                  errors=form.errors if form else {}, status_code=status_code)


@router.post("/utskrivning/{process_id}/lakemedel/andring")  # beside the discharge part's /{id}/{step}
def record_discharge_change(request: Request, process_id: IdPath, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    kind = form.choice("kind", [k.value for k in ChangeKind], required="medicines.kind.required")
    medication_id = form.id("medication_id")
    if kind in (ChangeKind.CHANGED.value, ChangeKind.STOPPED.value) and medication_id is None:
        form.fail("medication_id", "medicines.medicine.required")
    v = form.raw
    state = request.app.state
    if form.ok:
        assert kind is not None
        try:
            with state.db.transaction() as s:
                service.record_discharge_change(
                    s, actor, state.clock, process_id, kind=kind, reason=v("reason"), medication_id=medication_id,
                    substance=v("substance"), atc=v("atc_code"), strength=v("strength"), dose=v("dose"),
                    notifier=getattr(state, "notifier", None))
        except AccessDenied as exc:
            return _denied(request, actor, exc, 0, f"/utskrivning/{process_id}")
        except ValidationFailed as exc:
            _field_error(form, exc)
        else:
            return RedirectResponse(f"{_discharge_path(process_id)}?sparat={kind}", status_code=303)
    return _discharge_page(request, actor, process_id, form=form, status_code=422)


# --- Mina läkemedel ------------------------------------------------------------------------------------------------


@router.get(MINE_PATH)
def my_medicines(request: Request, actor: Resident) -> Response:
    state = request.app.state
    assert actor.person_id is not None
    with state.db.transaction() as s:
        medicines = service.read_medicines(s, actor, state.clock, actor.person_id)
    return render(request, "medicines_mine.html", title=t("medicines.mine.title"), medicines=medicines)


# --- egenvårdsbedömning (lag 2022:1250) ----------------------------------------------------------------------------

_SELF_CARE_FIELDS = {"measure": "measure", "what": "what_is_done", "responsible": "responsible",
                     "performer": "performer", "follow_up": "follow_up_on"}


@router.get("/personer/{person_id}/egenvard")
def person_self_care(request: Request, person_id: IdPath, actor: Staff, sparat: str = "") -> Response:
    return _self_care_page(request, actor, person_id, notice=t("selfcare.saved") if sparat == "ja" else None)


def _self_care_page(request: Request, actor: Actor, person_id: int, *, form: FormReader | None = None,
                    status_code: int = 200, notice: str | None = None) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            assessments = service.read_self_care(s, actor, state.clock, person_id)
            name = _name(s, person_id)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, f"/personer/{person_id}")
    performers = [(p.value, t(f"selfcare.performer.{p.value}")) for p in Performer]
    return render(request, "selfcare_person.html", title=t("selfcare.page.title", name=name), name=name,
                  person_id=person_id, assessments=assessments, performers=performers, notice=notice,
                  licensed=may_assess_self_care(actor.profession), values=form.values if form else {},
                  errors=form.errors if form else {}, status_code=status_code)


@router.post("/personer/{person_id}/egenvard")
def record_self_care(request: Request, person_id: IdPath, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    follow_up = form.day("follow_up_on", required="selfcare.follow_up.required")
    v = form.raw
    state = request.app.state
    if form.ok:
        try:
            with state.db.transaction() as s:
                service.record_self_care(s, actor, state.clock, person_id, measure=v("measure"),
                                         what_is_done=v("what_is_done"), performer=v("performer"),
                                         responsible=v("responsible"), follow_up_on=follow_up)
        except AccessDenied as exc:
            return _denied(request, actor, exc, person_id, f"/personer/{person_id}")
        except ValidationFailed as exc:
            part = exc.key.split(".")[1] if exc.key.startswith("selfcare.") else ""
            form.errors[_SELF_CARE_FIELDS.get(part, "form")] = exc.message
        else:
            return RedirectResponse(f"/personer/{person_id}/egenvard?sparat=ja", status_code=303)
    return _self_care_page(request, actor, person_id, form=form, status_code=422)


@router.get("/min-sida/egenvard")
def my_self_care(request: Request, actor: Resident) -> Response:
    state = request.app.state
    assert actor.person_id is not None
    with state.db.transaction() as s:
        assessments = service.read_self_care(s, actor, state.clock, actor.person_id)
    return render(request, "selfcare_mine.html", title=t("selfcare.mine.title"), assessments=assessments)
