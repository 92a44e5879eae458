"""The notifications page, /meddelanden (staff and residents; DOMAIN §2, §5): the reader's notifications and, for
staff, their unit's, grouped by person, newest first. Each names the person — name and personnummer — when the
policy lets the reader see them, says what happened and links to the page it is about that the reader may open
(nara.plans.service.notify.shown decides and logs); those about persons the reader may not see are one neutral group
with no name and no link. Each notification, each person's group and all of them at once can be marked read.

The links to a discharge process are asked of the discharge part through ``app.state.process_check`` (wired by
nara.app), since this part does not know that part."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nara.core.actor import Role
from nara.core.i18n import t
from nara.core.ids import parse_id
from nara.plans import service
from nara.plans.pages.common import NOTIFICATIONS_PATH, Reader
from nara.plans.service import ProcessCheck
from nara.web.deps import IdPath
from nara.web.forms import Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)

_MAX_IDS = 200  # a group holds at most what one page lists (nara.plans.service.notify.MAX_LISTED)
_DONE = {"1": "planpage.notifications.done", "alla": "planpage.notifications.all_done"}


def process_check_of(request: Request) -> ProcessCheck | None:
    """The application's check of a link to a discharge process (None: such links are not given)."""
    return getattr(request.app.state, "process_check", None)


@router.get(NOTIFICATIONS_PATH)
def notifications_page(request: Request, actor: Reader, klart: str = "") -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        # one access (and audit entry) per person listed, and per plan and process linked to
        rows = service.shown_notifications(s, actor, state.clock, process_check=process_check_of(request))
        unread = service.unread_count(s, actor)
    notice = t(_DONE[klart]) if klart in _DONE else None
    return render(request, "plan_notifications.html", title=t("planpage.notifications.title"),
                  groups=service.grouped(rows), unread=unread, notice=notice,
                  resident=actor.role is Role.RESIDENT)


@router.post(NOTIFICATIONS_PATH + "/{notification_id}/last")
def mark_read(request: Request, notification_id: IdPath, actor: Reader) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        service.mark_read(s, actor, state.clock, notification_id)
    return RedirectResponse(NOTIFICATIONS_PATH + "?klart=1", status_code=303)


@router.post(NOTIFICATIONS_PATH + "/grupp")
def mark_group_read(request: Request, actor: Reader, data: Posted) -> Response:
    """One person's group (or the group of persons the reader may not see): the notifications the page listed
    in it, by id — no person id in the form. Ids that are not the reader's are left alone."""
    ids = _ids(data.get("ids", ""))
    state = request.app.state
    with state.db.transaction() as s:
        service.mark_many_read(s, actor, state.clock, ids)
    return RedirectResponse(NOTIFICATIONS_PATH + "?klart=1", status_code=303)


@router.post(NOTIFICATIONS_PATH + "/lasta")
def mark_all_read(request: Request, actor: Reader) -> Response:
    """Every unread notification of the reader and their unit — also those beyond what the page lists."""
    state = request.app.state
    with state.db.transaction() as s:
        service.mark_all_read(s, actor, state.clock)
    return RedirectResponse(NOTIFICATIONS_PATH + "?klart=alla", status_code=303)


def _ids(text: str) -> list[int]:
    """The ids of a group's form (its notifications, comma separated); anything else is left out."""
    return [i for i in (parse_id(part.strip()) for part in text.split(",")[:_MAX_IDS]) if i is not None]
