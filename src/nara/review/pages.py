"""Log follow-up pages (logguppföljning, DOMAIN §5): the month's queue at /logguppfoljning and one item with its
verdict form; checks on suspicion — the log search at /logguppfoljning/sok and the granskningsärenden at
/logguppfoljning/arenden; and the resident's own log extract at /min-sida/vem-har-last. HTTP in, a call to
nara.review.service, a page out.

The pages of checks on suspicion let any signed-in account reach the use case, which refuses other roles than the
reviewer and logs the attempt (DOMAIN §5)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from nara.core.actor import Actor, Role
from nara.core.errors import NaraError, ValidationFailed
from nara.core.i18n import t
from nara.core.ids import ID_MAX, parse_id
from nara.review import service
from nara.review.model import (
    MAX_CASE_ENTRIES,
    MAX_COMMENT_LENGTH,
    MAX_QUERY_LENGTH,
    MAX_REASON_LENGTH,
    CaseOutcome,
    CaseScope,
    Verdict,
)
from nara.web.deps import IdPath, page_actor
from nara.web.render import COMPACT_TIMES, render

router = APIRouter(include_in_schema=False)

Reviewer = Annotated[Actor, Depends(page_actor(Role.REVIEWER))]
Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
Anyone = Annotated[Actor, Depends(page_actor(*Role))]  # the use case refuses other roles, logged
QUEUE_PATH = "/logguppfoljning"
SEARCH_PATH = QUEUE_PATH + "/sok"
CASES_PATH = QUEUE_PATH + "/arenden"
RESIDENT_LOG_PATH = "/min-sida/vem-har-last"
FORMATS = {**COMPACT_TIMES, "denial_words": service.denial_words}
QueryText = Annotated[str, Query(max_length=MAX_QUERY_LENGTH + 20)]
FormText = Annotated[str, Form(max_length=MAX_QUERY_LENGTH + 20)]


@router.get(QUEUE_PATH)
def queue_page(request: Request, actor: Reviewer, period: str = "") -> Response:
    state = request.app.state
    chosen = service.parse_period(period[:7] or None, state.clock)
    queue = service.review_queue(state.db, actor, state.clock, chosen, service.rules_from(state.settings))
    return render(request, "review_queue.html", **COMPACT_TIMES, title=t("review.title"), queue=queue)


def _item_page(request: Request, actor: Actor, item_id: int, *, notice: str | None = None,
               error: str | None = None, verdict: str = "", comment: str = "", status_code: int = 200) -> Response:
    state = request.app.state
    item = service.open_item(state.db, actor, state.clock, item_id)
    return render(request, "review_item.html", **COMPACT_TIMES, title=t("review.item_title", id=item.id),
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


# --- checks on suspicion ---------------------------------------------------------------------------------------------


def _day(raw: str) -> date | None:
    if not raw.strip():
        return None
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise ValidationFailed("review.search.date_invalid") from None


def _query(user: str, person: str, unit: str, date_from: str, date_to: str) -> service.SearchQuery:
    return service.SearchQuery(user or None, person or None, unit or None, _day(date_from), _day(date_to))


def _search_page(request: Request, actor: Actor, form: dict[str, str], *, older_than: int | None = None,
                 error: str | None = None, reason: str = "", scope: str = "", chosen: frozenset[int] = frozenset(),
                 status_code: int = 200) -> Response:
    """The search form, and the result when something is searched for (each search is logged)."""
    state = request.app.state
    result = None
    if any(form.values()):
        try:
            query = _query(form["anvandare"], form["person"], form["enhet"], form["fran"], form["till"])
            result = service.search_log(state.db, actor, state.clock, query, older_than=older_than)
        except ValidationFailed as exc:
            error, status_code = error or exc.message, 422
    else:
        service.require_reviewer(state.db, actor, state.clock)
    older = f"{SEARCH_PATH}?{urlencode({**form, 'efter': result.older_than})}" if result and result.older_than \
        else None
    first = f"{SEARCH_PATH}?{urlencode(form)}" if older_than else None
    return render(request, "review_search.html", **FORMATS, title=t("review.search.title"), form=form,
                  result=result, error=error, older=older, first=first, reason=reason, scope=scope,
                  chosen=chosen, max_case_entries=MAX_CASE_ENTRIES, status_code=status_code)


@router.get(SEARCH_PATH)
def search_page(request: Request, actor: Anyone, anvandare: QueryText = "", person: QueryText = "",
                enhet: QueryText = "", fran: QueryText = "", till: QueryText = "",
                efter: Annotated[int | None, Query(ge=1, le=ID_MAX)] = None) -> Response:
    form = {"anvandare": anvandare, "person": person, "enhet": enhet, "fran": fran, "till": till}
    return _search_page(request, actor, form, older_than=efter)


@router.post(CASES_PATH)
def open_case(request: Request, actor: Anyone, anvandare: FormText = "", person: FormText = "", enhet: FormText = "",
              fran: FormText = "", till: FormText = "", omfattning: Annotated[str, Form(max_length=20)] = "",
              skal: Annotated[str, Form(max_length=MAX_REASON_LENGTH + 100)] = "",
              poster: Annotated[list[str], Form(max_length=MAX_CASE_ENTRIES)] = []) -> Response:  # noqa: B006
    state = request.app.state
    form = {"anvandare": anvandare, "person": person, "enhet": enhet, "fran": fran, "till": till}
    chosen = frozenset(i for i in map(parse_id, poster) if i is not None)
    try:
        query = _query(anvandare, person, enhet, fran, till)
        entry_ids = None if omfattning == CaseScope.RESULT.value else sorted(chosen)
        case = service.open_case(state.db, actor, state.clock, query, skal, entry_ids)
    except ValidationFailed as exc:
        return _search_page(request, actor, form, error=exc.message, reason=skal, scope=omfattning, chosen=chosen,
                            status_code=422)
    return RedirectResponse(f"{CASES_PATH}/{case.summary.id}?oppnat=1", status_code=303)


@router.get(CASES_PATH)
def cases_page(request: Request, actor: Anyone) -> Response:
    state = request.app.state
    cases = service.list_cases(state.db, actor, state.clock)
    return render(request, "review_cases.html", **FORMATS, title=t("review.cases.title"), cases=cases)


def _case_page(request: Request, actor: Actor, case_id: int, *, notice: str | None = None, error: str | None = None,
               outcome: str = "", note: str = "", status_code: int = 200) -> Response:
    state = request.app.state
    case = service.read_case(state.db, actor, state.clock, case_id)
    return render(request, "review_case.html", **FORMATS, title=t("review.case.title", id=case_id),
                  case=case, notice=notice, error=error, outcomes=list(CaseOutcome), chosen=outcome, note=note,
                  status_code=status_code)


@router.get(CASES_PATH + "/{case_id}")
def case_page(request: Request, actor: Anyone, case_id: IdPath, oppnat: str = "", sparad: str = "") -> Response:
    notice = t("review.case.opened") if oppnat else t("review.case.outcome_saved") if sparad else None
    return _case_page(request, actor, case_id, notice=notice)


@router.post(CASES_PATH + "/{case_id}")
def case_outcome(request: Request, actor: Anyone, case_id: IdPath,
                 utfall: Annotated[str, Form(max_length=20)] = "",
                 anteckning: Annotated[str, Form(max_length=MAX_COMMENT_LENGTH + 100)] = "") -> Response:
    state = request.app.state
    try:
        service.record_outcome(state.db, actor, state.clock, case_id, utfall, anteckning)
    except NaraError as exc:
        if exc.status in (403, 404):
            raise
        return _case_page(request, actor, case_id, error=exc.message, outcome=utfall, note=anteckning,
                          status_code=exc.status)
    return RedirectResponse(f"{CASES_PATH}/{case_id}?sparad=1", status_code=303)


# --- the resident's own log extract ---------------------------------------------------------------------------


@router.get(RESIDENT_LOG_PATH)
def resident_log(request: Request, actor: Resident, fran: Annotated[str, Query(max_length=10)] = "") -> Response:
    """Who has read about me (DOMAIN §5): the log extract in sentences per unit and day
    (nara.review.service.extract); ``fran`` pages to older days."""
    state = request.app.state
    try:
        from_day = date.fromisoformat(fran) if fran else None
    except ValueError:
        from_day = None
    extract = service.log_extract(state.db, actor, state.clock, from_day)
    return render(request, "resident_log.html", **COMPACT_TIMES, title=t("resident.log.title"), extract=extract)
