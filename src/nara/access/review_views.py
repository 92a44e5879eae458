"""Log follow-up pages (logguppföljning, DOMAIN §5): the month's queue at /logguppfoljning and one item with its
verdict form. HTTP in, a call to nara.access.review_service, a page out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from nara.access import review_service as service
from nara.access.review import MAX_COMMENT_LENGTH, Verdict
from nara.auth.model import Actor, Role
from nara.core.deps import IdPath
from nara.core.errors import NaraError
from nara.core.i18n import t
from nara.web.render import render
from nara.web.views import page_actor

router = APIRouter(include_in_schema=False)

Reviewer = Annotated[Actor, Depends(page_actor(Role.REVIEWER))]
QUEUE_PATH = "/logguppfoljning"


@router.get(QUEUE_PATH)
def queue_page(request: Request, actor: Reviewer, period: str = "") -> Response:
    state = request.app.state
    chosen = service.parse_period(period[:7] or None, state.clock)
    queue = service.review_queue(state.db, actor, state.clock, chosen, service.rules_from(state.settings))
    return render(request, "review_queue.html", **service.FORMATS, title=t("review.title"), queue=queue)


def _item_page(request: Request, actor: Actor, item_id: int, *, notice: str | None = None,
               error: str | None = None, verdict: str = "", comment: str = "", status_code: int = 200) -> Response:
    state = request.app.state
    item = service.open_item(state.db, actor, state.clock, item_id)
    return render(request, "review_item.html", **service.FORMATS, title=t("review.item_title", id=item.id),
                  item=item, notice=notice,
                  error=error, verdicts=list(Verdict), chosen=verdict, comment=comment, status_code=status_code)


@router.get(QUEUE_PATH + "/poster/{item_id}")
def item_page(request: Request, actor: Reviewer, item_id: IdPath, sparad: str = "") -> Response:
    return _item_page(request, actor, item_id, notice=t("review.saved") if sparad else None)


@router.post(QUEUE_PATH + "/poster/{item_id}")
def item_verdict(request: Request, actor: Reviewer, item_id: IdPath,
                 verdict: Annotated[str, Form(max_length=20)] = "",
                 comment: Annotated[str, Form(max_length=MAX_COMMENT_LENGTH + 100)] = "") -> Response:
    state = request.app.state
    try:
        service.record_verdict(state.db, actor, state.clock, item_id, verdict, comment)
    except NaraError as exc:
        if exc.status == 404:
            raise
        return _item_page(request, actor, item_id, error=exc.message, verdict=verdict, comment=comment,
                          status_code=exc.status)
    return RedirectResponse(f"{QUEUE_PATH}/poster/{item_id}?sparad=1", status_code=303)
