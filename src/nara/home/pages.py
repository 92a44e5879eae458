"""The start pages: where each role lands after log-in — the resident's Min sida and the staff member's
Arbetsyta. HTTP in, a service call, a page out."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from nara.core.actor import Actor, Role
from nara.core.i18n import t
from nara.home import service as pages
from nara.measurements.model import SPECS as MEASUREMENT_KINDS
from nara.web.deps import page_actor
from nara.web.navigation import start_page
from nara.web.problems import LOGIN_PATH
from nara.web.render import render
from nara.web.sessions import optional_actor

router = APIRouter(include_in_schema=False)


@router.get("/")
def home(request: Request) -> Response:
    actor = optional_actor(request)
    return RedirectResponse(start_page(actor.role) if actor else LOGIN_PATH, status_code=303)


# --- start pages per role --------------------------------------------------------------------------------


@router.get("/min-sida")
def resident_home(request: Request, actor: Annotated[Actor, Depends(page_actor(Role.RESIDENT))]) -> Response:
    state = request.app.state
    overview = pages.resident_overview(state.db, state.clock, actor)
    return render(request, "resident_home.html", title=t("web.resident.title"), overview=overview)


@router.get("/arbetsyta")
def staff_home(
    request: Request, actor: Annotated[Actor, Depends(page_actor(Role.STAFF))], bytt: str = ""
) -> Response:
    state = request.app.state
    overview = pages.staff_overview(state.db, state.clock, actor)
    today = pages.staff_today(state.db, state.clock, actor)
    notice = t("web.staff.switched", unit=overview.unit_name) if bytt and overview.unit_name else None
    coming_key = f"web.staff.coming.{overview.unit_kind}"
    return render(
        request, "staff_home.html", title=t("web.staff.title"), overview=overview, notice=notice, today=today,
        span=_span, measurement_slug=lambda kind: MEASUREMENT_KINDS[kind].slug,
        coming_key=coming_key if overview.unit_kind in _COMING_KINDS else "web.staff.coming.other",
    )


_COMING_KINDS = frozenset({"vardcentral", "vardavdelning", "hemsjukvard", "socialtjanst"})


def _span(left: timedelta | None) -> str:
    """How long until (or since) a deadline, in words: "2 d 3 tim", "3 tim 20 min", "15 min"."""
    if left is None:
        return ""
    minutes = int(abs(left.total_seconds()) // 60)
    days, hours, mins = minutes // 1440, minutes % 1440 // 60, minutes % 60
    if days:
        return t("home.today.days", days=days, hours=hours)
    if hours:
        return t("home.today.hours", hours=hours, minutes=mins)
    return t("home.today.minutes", minutes=mins)
