"""The person's notice preferences (/min-sida/aviseringar) and the calendar files: the person's
(/min-sida/kalender.ics) and a staff member's (/kalender.ics). HTTP in, a call to nara.outreach.service, a page or
a file out; reading the address and the times is decided and logged by the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from nara.core.actor import Actor, Role
from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.outreach import model, service
from nara.outreach.model import Event, Preferences
from nara.web.deps import page_actor
from nara.web.forms import FormReader, Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
Staff = Annotated[Actor, Depends(page_actor(Role.STAFF))]
PATH = "/min-sida/aviseringar"
EVENT_FIELDS = {event: f"event_{event.value}" for event in Event}


def _person(actor: Actor) -> int:
    if actor.person_id is None:
        raise NotFound("minplan.no_person")
    return actor.person_id


def _values(preferences: Preferences) -> dict[str, str]:
    values = {"email": preferences.email or "", "sms": preferences.sms or ""}
    values.update({field: "ja" for event, field in EVENT_FIELDS.items() if preferences.wants(event)})
    return values


def _page(request: Request, values: dict[str, str], errors: dict[str, str], *, notice: str | None = None,
          status_code: int = 200) -> Response:
    events = [(field, t(f"outreach.event.{event.value}")) for event, field in EVENT_FIELDS.items()]
    return render(request, "outreach_preferences.html", title=t("outreach.page.title"), values=values,
                  errors=errors, events=events, notice=notice, status_code=status_code)


@router.get(PATH)
def preferences_page(request: Request, actor: Resident, sparat: str = "") -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        preferences = service.read_preferences(s, actor, state.clock, _person(actor))
    return _page(request, _values(preferences), {}, notice=t("outreach.page.saved") if sparat else None)


@router.post(PATH)
def save_preferences(request: Request, actor: Resident, data: Posted) -> Response:
    """A rejected form comes back with what was typed and, per field, what to fix."""
    form = FormReader(data)
    email = form.raw("email")
    if email and model.valid_email(email) is None:
        form.fail("email", "outreach.error.email_invalid")
    sms = form.raw("sms")
    if sms and model.valid_mobile(sms) is None:
        form.fail("sms", "outreach.error.sms_invalid")
    events = [event for event, field in EVENT_FIELDS.items() if form.flag(field)]
    if form.ok and events and not email and not sms:
        form.fail("email", "outreach.error.events_without_address")
    if not form.ok:
        values = {"email": email, "sms": sms, **{f: "ja" for e, f in EVENT_FIELDS.items() if e in events}}
        return _page(request, values, form.errors, status_code=422)
    state = request.app.state
    with state.db.transaction() as s:
        service.save_preferences(s, actor, state.clock, _person(actor), service.checked(email, sms, events))
    return RedirectResponse(f"{PATH}?sparat=1", status_code=303)


def _ics(content: bytes, name: str) -> Response:
    return Response(content, media_type=service.MEDIA_TYPE,
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@router.get("/min-sida/kalender.ics")
def person_calendar(request: Request, actor: Resident) -> Response:
    """My agreed times and SIP meetings, for my own calendar."""
    state = request.app.state
    with state.db.transaction() as s:
        content = service.person_calendar(s, actor, state.clock, _person(actor), state.settings.public_url)
    return _ics(content, "nara-tider.ics")


@router.get("/kalender.ics")
def staff_calendar(request: Request, actor: Staff) -> Response:
    """The agreed times and SIP meetings of the plans the unit I act for takes part in."""
    state = request.app.state
    with state.db.transaction() as s:
        content = service.staff_calendar(s, actor, state.clock, state.settings.public_url)
    return _ics(content, "nara-enhetens-tider.ics")
