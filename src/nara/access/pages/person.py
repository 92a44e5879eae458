"""Person pages (DOMAIN §5): search by personnummer, the person's grunduppgifter, the information a care provider
recorded, and the person's consents, spärrar and care relationships — each through the one policy, one audit
entry per request. A denial says why in Swedish and, where nödåtkomst would open it, offers it.

A personnummer never goes into a URL: the search is a form post. Every page is open to every logged-in role on
purpose: the policy (not the page) decides, so that every attempt, a resident's or a leader's too, is logged.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from nara.access.api import (
    day_end,
    read_access_settings,
    read_information,
    read_person,
    reveal_providers,
)
from nara.access.model import (
    BLOCKABLE,
    MAX_BLOCK_LIFT_DURATION,
    MAX_EMERGENCY_REASON_LENGTH,
    PROVIDER_RECORDED,
    InformationCategory,
    meaningful_reason,
)
from nara.access.service import AccessDenied, denial_page, grants, search_persons
from nara.access.service.person import InformationLink, information_links
from nara.access.store import BlockRow, CareRelationshipRow, ConsentRow
from nara.core.actor import Actor, Role
from nara.core.clock import Clock
from nara.core.errors import NaraError, NotFound, ValidationFailed
from nara.core.i18n import t
from nara.core.ids import ID_MAX
from nara.directory import service as directory
from nara.web.deps import IdPath, page_actor
from nara.web.render import render

LOOKUP_NOT_FOUND = "person.lookup.not_found"  # the directory look-up's one answer for "not found or not yours"

router = APIRouter(include_in_schema=False)

AnyActor = Annotated[Actor, Depends(page_actor(*Role))]
StaffActor = Annotated[Actor, Depends(page_actor(Role.STAFF))]
_RECORDED = [c.value for c in InformationCategory if c in PROVIDER_RECORDED]
_BLOCKABLE = [c.value for c in InformationCategory if c in BLOCKABLE]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _page(request: Request, template: str, **ctx: Any) -> Response:
    return render(request, template, **ctx)  # the kit's ``local`` formats times (nara.core.clock.local_minute)


def _denied(request: Request, actor: Actor, exc: AccessDenied, person_id: int, back_to: str) -> Response:
    """The denial page: why, the spärrar that exist, and a nödåtkomst form where it would open the data."""
    return _page(request, "person_denied.html", status_code=403, title=t("person.denied.title"), back_to=back_to,
                 **denial_page(exc, actor, person_id))


def _back_to(raw: str, person_id: int) -> str:
    """Where nödåtkomst leads: a page of the same person, nothing else (no open redirect)."""
    home = f"/personer/{person_id}"
    if raw == home or (raw.startswith(home + "/") and re.fullmatch(r"[a-z0-9/_]+", raw) and len(raw) < 120):
        return raw
    return home


# --- search ----------------------------------------------------------------------------------------------------


@router.get("/personer")
def search_form(request: Request, actor: StaffActor) -> Response:
    return _page(request, "person_search.html", title=t("person.search.title"), identifier="", error=None,
                 answer=None)


@router.post("/personer")
def search(request: Request, actor: StaffActor,
           identifier: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Find a person by name, date of birth or number (a form post: what was typed stays out of URLs and logs),
    answered only with the persons the policy lets the user see (access.service.search_persons, which logs each
    search). A number typed in full leads to the person; a person the user may not see gets the same page as a
    number nobody has: the denial is logged, but the page tells nothing that would show the person exists."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            answer = search_persons(s, actor, state.clock, identifier)
    except NaraError as exc:
        return _page(request, "person_search.html", status_code=exc.status, title=t("person.search.title"),
                     identifier=identifier, error=exc.message, answer=None)
    if answer.kind == "identifier":
        if not answer.persons:
            return _page(request, "person_search.html", status_code=404, title=t("person.search.title"),
                         identifier=identifier, error=t(LOOKUP_NOT_FOUND), answer=None)
        return RedirectResponse(f"/personer/{answer.persons[0].person_id}", status_code=303)
    return _page(request, "person_search.html", title=t("person.search.title"), identifier=identifier,
                 error=None, answer=answer)


# --- the person ------------------------------------------------------------------------------------------------


@router.get("/personer/{person_id}")
def person_page(request: Request, person_id: IdPath, actor: AnyActor) -> Response:
    state = request.app.state
    try:
        with state.db.transaction() as s:
            person = read_person(s, actor, state.clock, person_id)
            providers = _information_providers(s, actor, state.clock, person_id, [u for u in (
                person.listing.unit_id if person.listing else None, person.sabo.unit_id if person.sabo else None,
            ) if u is not None])
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, f"/personer/{person_id}")
    return _page(request, "person_view.html", title=f"{person.given_name} {person.family_name}", person=person,
                 providers=providers)


def _information_providers(s: Session, actor: Actor, clock: Clock, person_id: int,
                           unit_ids: list[int]) -> list[tuple[int, str, list[InformationLink]]]:
    """Whose records to offer: the actor's own provider and those of the person's listing and SäBo — each with
    the kinds of information the policy would open to the actor, or open through nödåtkomst (no dead ends)."""
    ids = {u.provider_id for u in directory.units(s, unit_ids).values()}
    if actor.provider_id is not None:
        ids.add(actor.provider_id)
    out = []
    for p in sorted(directory.providers(s, ids).values(), key=lambda p: p.name):
        links = information_links(s, actor, clock, person_id, p.id, _RECORDED)
        if links:
            out.append((p.id, p.name, links))
    return out


@router.get("/personer/{person_id}/uppgifter/{category}/{provider_id}")
def information_page(request: Request, person_id: IdPath, category: str, provider_id: IdPath,
                     actor: AnyActor, enhet: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None) -> Response:
    if category not in _RECORDED:
        raise NotFound("error.not_found")
    state = request.app.state
    path = f"/personer/{person_id}/uppgifter/{category}/{provider_id}"
    try:
        with state.db.transaction() as s:
            info = read_information(s, actor, state.clock, person_id, category, provider_id, enhet)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, path)
    title = t("person.information_from", category=t(f"access.category.{category}").capitalize(),
              provider=info.provider_name)
    return _page(request, "person_information.html", title=title, info=info)


# --- nödåtkomst ------------------------------------------------------------------------------------------------


def _step_error(reason: str, confirm: str) -> str | None:
    """Every nödåtkomst step needs a reason in words and an explicit confirmation (DOMAIN §5)."""
    if meaningful_reason(reason) is None:
        return t("access.emergency.reason_required")
    if confirm != "ja":
        return t("person.emergency.confirm_required")
    return None


def _form_again(request: Request, person_id: int, target: str, error: str, reason: str, **offer: bool) -> Response:
    """The nödåtkomst form again, with what was typed and why it was not enough."""
    return _page(request, "person_denied.html", status_code=422, title=t("person.emergency.title"), message=None,
                 notices=[], person_id=person_id, back_to=target, error=error, reason=reason, **offer)


@router.post("/personer/{person_id}/nodatkomst")
def emergency_access(
    request: Request, person_id: IdPath, actor: AnyActor,
    reason: Annotated[str, Form(max_length=MAX_EMERGENCY_REASON_LENGTH)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
    back_to: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Open the person with nödåtkomst: a stated reason and an explicit confirmation; time-limited, logged and
    reviewed, never through a yttre spärr (DOMAIN §5). Then on to the page that was denied."""
    target = _back_to(back_to, person_id)
    error = _step_error(reason, confirm)
    if error is not None:
        return _form_again(request, person_id, target, error, reason, offer_emergency=True)
    state = request.app.state
    try:
        with state.db.transaction() as s:
            grants.start_emergency_access(s, actor, state.clock, person_id=person_id, reason=reason)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, target)
    return RedirectResponse(target, status_code=303)


@router.post("/personer/{person_id}/nodatkomst/sparrade-vardgivare")
def emergency_step_one(
    request: Request, person_id: IdPath, actor: AnyActor,
    reason: Annotated[str, Form(max_length=MAX_EMERGENCY_REASON_LENGTH)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
    back_to: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Nödåtkomst through a yttre spärr, step one: which providers hold blocked information, with a reason and a
    confirmation; logged and reviewed (DOMAIN §5). The page offers step two for each of them."""
    target = _back_to(back_to, person_id)
    error = _step_error(reason, confirm)
    if error is not None:
        return _form_again(request, person_id, target, error, reason, offer_step_one=True)
    state = request.app.state
    try:
        with state.db.transaction() as s:
            found = reveal_providers(s, actor, state.clock, person_id, reason)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, target)
    return _page(request, "person_emergency_steps.html", title=t("person.emergency.steps_title"),
                 person_id=person_id, providers=found.providers, back_to=target, error=None)


@router.post("/personer/{person_id}/nodatkomst/sparrade-vardgivare/{provider_id}")
def emergency_step_two(
    request: Request, person_id: IdPath, provider_id: IdPath, actor: AnyActor,
    reason: Annotated[str, Form(max_length=MAX_EMERGENCY_REASON_LENGTH)] = "",
    confirm: Annotated[str, Form(max_length=10)] = "",
    back_to: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Step two: the content one provider blocked, with its own reason; then on to the page that was denied."""
    target = _back_to(back_to, person_id)
    error = _step_error(reason, confirm)
    state = request.app.state
    if error is not None:
        return _page(request, "person_emergency_steps.html", status_code=422, title=t("person.emergency.steps_title"),
                     person_id=person_id, providers=[], back_to=target, error=error)
    try:
        with state.db.transaction() as s:
            grants.open_blocked_provider(s, actor, state.clock, person_id=person_id, provider_id=provider_id,
                                         reason=reason)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, target)
    return RedirectResponse(target, status_code=303)


# --- consents, spärrar, care relationships ----------------------------------------------------------------------


@router.get("/personer/{person_id}/atkomst")
def access_page(request: Request, person_id: IdPath, actor: AnyActor, klart: str = "") -> Response:
    state = request.app.state
    path = f"/personer/{person_id}/atkomst"
    try:
        with state.db.transaction() as s:
            settings = read_access_settings(s, actor, state.clock, person_id)
            provider = directory.provider(s, actor.provider_id)
            provider_name = provider.name if provider is not None else None
            provider_units = [(u.id, u.name) for u in directory.provider_units(s, actor.provider_id)] \
                if actor.provider_id is not None and actor.role is Role.STAFF else []
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, path)
    return _page(request, "person_access.html", title=t("person.access.title"), person_id=person_id,
                 settings=settings, staff=actor.role is Role.STAFF and actor.unit_id is not None,
                 provider_name=provider_name, blockable=_BLOCKABLE, done=bool(klart), provider_units=provider_units)


def _changed(person_id: int) -> Response:
    return RedirectResponse(f"/personer/{person_id}/atkomst?klart=1", status_code=303)


def _change(request: Request, actor: Actor, person_id: int, use_case: Any, /, **kwargs: Any) -> Response:
    """Run one grants use case in a unit of work; its own check logs the attempt. Denied: the denial page."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            use_case(s, actor, state.clock, **kwargs)
    except AccessDenied as exc:
        return _denied(request, actor, exc, person_id, f"/personer/{person_id}/atkomst")
    return _changed(person_id)


def _owned_by(request: Request, row_type: Any, row_id: int, person_id: int, key: str) -> None:
    with request.app.state.db.transaction() as s:
        grants.belongs_to(s, row_type, row_id, person_id, key)


@router.post("/personer/{person_id}/samtycken")
def give_consent(request: Request, person_id: IdPath, actor: AnyActor) -> Response:
    """Record the person's consent for the staff member's own provider, as the person said (lag 2022:913)."""
    if actor.provider_id is None:
        raise ValidationFailed("access.denied.no_active_unit")
    return _change(request, actor, person_id, grants.give_consent, person_id=person_id,
                   care_provider_id=actor.provider_id)


@router.post("/personer/{person_id}/samtycken/{consent_id}/aterkalla")
def revoke_consent(request: Request, person_id: IdPath, consent_id: IdPath, actor: AnyActor) -> Response:
    _owned_by(request, ConsentRow, consent_id, person_id, "access.consent.not_found")
    return _change(request, actor, person_id, _by_id(grants.revoke_consent), row_id=consent_id)


@router.post("/personer/{person_id}/sparrar")
def set_block(
    request: Request, person_id: IdPath, actor: AnyActor,
    kind: Annotated[str, Form(max_length=10)] = "", category: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Set a spärr at the person's request, for the staff member's own unit (inre) or provider (yttre)."""
    if kind not in ("inre", "yttre") or category not in _BLOCKABLE:
        raise ValidationFailed("access.sparr.target")
    return _change(request, actor, person_id, grants.set_block, person_id=person_id, kind=kind, category=category)


@router.post("/personer/{person_id}/sparrar/{block_id}/hav")
def lift_block(request: Request, person_id: IdPath, block_id: IdPath, actor: AnyActor) -> Response:
    _owned_by(request, BlockRow, block_id, person_id, "access.sparr.not_found")
    return _change(request, actor, person_id, _by_id(grants.lift_block), row_id=block_id)


@router.post("/personer/{person_id}/sparrar/{block_id}/tillfalligt")
def lift_block_temporarily(
    request: Request, person_id: IdPath, block_id: IdPath, actor: AnyActor,
    unit_id: Annotated[int | None, Form(ge=1, le=ID_MAX)] = None,
    reason: Annotated[str, Form(max_length=2000)] = "",
    dagar: Annotated[int, Form(ge=1, le=MAX_BLOCK_LIFT_DURATION.days)] = MAX_BLOCK_LIFT_DURATION.days,
) -> Response:
    """Lift an inre spärr for one unit for at most 7 days, with the person's consent and a reason (DOMAIN §5)."""
    _owned_by(request, BlockRow, block_id, person_id, "access.sparr.not_found")
    if unit_id is None:
        raise ValidationFailed("access.lift.scope")
    return _change(request, actor, person_id, _by_id(grants.lift_block_temporarily), row_id=block_id,
                   reason=reason, unit_id=unit_id, duration=timedelta(days=dagar))


@router.post("/personer/{person_id}/vardrelationer")
def start_relationship(
    request: Request, person_id: IdPath, actor: AnyActor,
    valid_to: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """An explicit assignment (uppdrag) for the staff member's unit, to and including an end date."""
    if not _DATE.match(valid_to):
        raise ValidationFailed("person.date_invalid")
    try:
        end = date.fromisoformat(valid_to)
    except ValueError:
        raise ValidationFailed("person.date_invalid") from None
    if end.year > 2199:
        raise ValidationFailed("person.date_invalid")
    return _change(request, actor, person_id, grants.start_care_relationship, person_id=person_id,
                   kind="assignment", valid_to=day_end(end))


@router.post("/personer/{person_id}/vardrelationer/{relationship_id}/avsluta")
def end_relationship(request: Request, person_id: IdPath, relationship_id: IdPath, actor: AnyActor) -> Response:
    _owned_by(request, CareRelationshipRow, relationship_id, person_id, "access.relationship.not_found")
    return _change(request, actor, person_id, _by_id(grants.end_care_relationship), row_id=relationship_id)


def _by_id(use_case: Any) -> Any:
    """A use case that takes the row's id positionally, called like the keyword ones."""
    def call(s: Any, actor: Actor, clock: Any, *, row_id: int, **kwargs: Any) -> Any:
        return use_case(s, actor, clock, row_id, **kwargs)
    return call
