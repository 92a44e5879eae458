"""What every plan page shares (staff and resident): the actor dependencies, the denial page, the saved notices,
one write use case run in its own unit of work, and what a stale write shows."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.access.service import AccessDenied, denial_page
from nara.core.actor import Actor, Role
from nara.core.clock import STOCKHOLM
from nara.core.errors import NaraError, NotFound
from nara.core.i18n import t
from nara.core.ids import parse_id
from nara.plans import service
from nara.plans.pages.names import Change, element_values, names_for, readable
from nara.plans.pages.plan_page import PlanPage
from nara.plans.service import Notifier
from nara.web.deps import page_actor
from nara.web.forms import FormReader
from nara.web.outcome import Outcome, attempt
from nara.web.render import render

Staff = Annotated[Actor, Depends(page_actor(Role.STAFF))]
Reader = Annotated[Actor, Depends(page_actor(Role.STAFF, Role.RESIDENT))]
WORKLIST_PATH = "/planer"
NOTIFICATIONS_PATH = "/meddelanden"
VERSION_MAX = 2**31 - 1  # plan versions are INTEGER
_ELEMENT_ID = re.compile(r"[a-z]{1,2}[0-9]{1,9}")


def notifier_of(request: Request) -> Notifier:
    return getattr(request.app.state, "notifier", None) or service.DEFAULT_NOTIFIER


def denied(request: Request, actor: Actor, exc: AccessDenied, person_id: int | None) -> Response:
    """The access pages' denial page: why, the spärrar that exist, and nödåtkomst where it would open the
    data (it leads back to the person's plans)."""
    return render(request, "person_denied.html", status_code=403, title=t("person.denied.title"),
                  back_to=f"/personer/{person_id}/planer" if person_id else WORKLIST_PATH,
                  **denial_page(exc, actor, person_id))


def denied_plan(request: Request, actor: Actor, exc: AccessDenied, plan_id: int) -> Response:
    with request.app.state.db.transaction() as s:
        person_id = service.plan_person(s, plan_id)
    return denied(request, actor, exc, person_id)


_SAVED = frozenset({"skapad", "mal", "aktivitet", "status", "egenvard", "team", "tid", "borttagen", "sedd",
                    "avslutad", "aktiv", "sip", "fas", "faststalld", "svar-ja", "svar-nej", "sip-finns",
                    "godkand", "andring-godkand", "andring-avbojd"})


def saved_notice(code: str) -> str | None:
    return t(f"planpage.saved.{code}") if code in _SAVED else None


@dataclass(frozen=True, slots=True)
class ConflictInfo:
    """What the stale-write page shows: the version the form was based on, the current one, what changed in
    between, and the element as it is saved now (empty when it was removed)."""

    base_version: int
    current_version: int
    changes: list[Change]
    current_values: list[tuple[str, str]]
    removed: bool = False


def conflict_info(s: Session, actor: Actor, request: Request, plan: PlanPage, base: int | None,
                  element: Any = None, element_id: str | None = None) -> ConflictInfo | None:
    """What changed since ``base``, the version a stale form was made from (none when the form was not stale)."""
    if base is None:
        return None
    view = plan.view
    changes: list[Change] = []
    if 1 <= base < view.version:
        difference = service.diff(s, actor, request.app.state.clock, view.id, base, view.version)
        changes = readable(difference.changes, names_for(s, difference.changes))
    return ConflictInfo(base, view.version, changes, element_values(element, plan),
                        removed=element_id is not None and element is None)


def write(request: Request, actor: Actor, plan_id: int, base: int, ops: Sequence[Any],
          call: Callable[..., Any] | None = None) -> tuple[Outcome, NaraError | None, Any]:
    """Run one write use case in a unit of work: (outcome, the error, what the service returned)."""
    if call is None:
        def call(s: Any, clock: Any) -> Any:
            return service.change_plan(s, actor, clock, plan_id, base, ops, notifier_of(request))
    return attempt(request, call, denied=AccessDenied, not_found="plans.not_found")


def saved_or_again(request: Request, actor: Actor, plan_id: int, base: int, ops: Sequence[Any], *,
                   again: Callable[..., Response], to: str, denial_page: bool = True) -> Response:
    """Change the plan and answer as a plan form does: the denial page (or, with ``denial_page`` off, the error
    page), the form ``again`` — 409 with what changed since ``base``, or the refusal's status and message — or on
    to ``to`` when saved."""
    outcome, error, _ = write(request, actor, plan_id, base, ops)
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        if not denial_page:
            raise error
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return again(base=base, status_code=409)
    if error is not None:
        return again(error=error.message, status_code=error.status)
    return RedirectResponse(to, status_code=303)


def checked_ops(form: FormReader, build: Callable[[], list[Any]]) -> list[Any]:
    """Operations built from already checked values; a value the model still refuses is a form error."""
    if not form.ok:
        return []
    try:
        return build()
    except (ValidationError, ValueError):
        form.fail("form", "planform.invalid")
        return []


def version_of(raw: str) -> int:
    """The plan version a form says it was based on; 0 (never current: the service answers 412) when missing."""
    raw = raw.strip()
    return (parse_id(raw) or 0) if len(raw) <= 10 else 0


def element_id_of(raw: str) -> str:
    """An element id from a URL or a form, as the model writes them ("g1", "a12"): anything else is not found."""
    if not _ELEMENT_ID.fullmatch(raw):
        raise NotFound("plans.element_not_found", id=raw[:20])
    return raw


def day_and_clock(at: datetime) -> tuple[str, str]:
    """A stored time as a form's two fields, in Swedish time: ``("2026-12-03", "10:30")``."""
    local = at.astimezone(STOCKHOLM)
    return local.date().isoformat(), f"{local:%H:%M}"
