"""The resident's own access pages under /min-sida (DOMAIN §5): my consents and my spärrar (who has read about me is
the log follow-up's page, nara.review.pages). HTTP in, a call to nara.access.service, a page out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from nara.access import service as access
from nara.core.actor import Actor, Role
from nara.core.errors import NaraError
from nara.core.i18n import t
from nara.core.ids import parse_id
from nara.web.deps import IdPath, page_actor
from nara.web.render import COMPACT_TIMES, render

router = APIRouter(include_in_schema=False)

Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
CONSENTS_PATH = "/min-sida/samtycken"
BLOCKS_PATH = "/min-sida/sparrar"


def _consents_page(request: Request, actor: Actor, *, notice: str | None = None, error: str | None = None,
                   status_code: int = 200) -> Response:
    state = request.app.state
    mine = access.my_consents(state.db, actor, state.clock)
    return render(request, "resident_consents.html", **COMPACT_TIMES, title=t("resident.consents.title"),
                  mine=mine,
                  notice=notice, error=error, status_code=status_code)


@router.get(CONSENTS_PATH)
def consents_page(request: Request, actor: Resident, klart: str = "", vardgivare: str = "") -> Response:
    notice = None
    if klart in ("givet", "aterkallat") and vardgivare:
        key = "resident.consents.given" if klart == "givet" else "resident.consents.revoked"
        notice = t(key, provider=vardgivare[:200])
    return _consents_page(request, actor, notice=notice)


@router.post(CONSENTS_PATH)
def give_consent(request: Request, actor: Resident,
                 care_provider_id: Annotated[str, Form(max_length=20)] = "") -> Response:
    provider_id = parse_id(care_provider_id)
    if provider_id is None:
        return _consents_page(request, actor, error=t("resident.consent.provider_missing"), status_code=422)
    state = request.app.state
    try:
        consent = access.give_my_consent(state.db, actor, state.clock, provider_id)
    except NaraError as exc:
        return _consents_page(request, actor, error=exc.message, status_code=exc.status)
    return _back(CONSENTS_PATH, "givet", consent.provider_name)


@router.post(CONSENTS_PATH + "/{consent_id}/aterkalla")
def revoke_consent(request: Request, actor: Resident, consent_id: IdPath) -> Response:
    state = request.app.state
    try:
        consent = access.revoke_my_consent(state.db, actor, state.clock, consent_id)
    except NaraError as exc:
        return _consents_page(request, actor, error=exc.message, status_code=exc.status)
    return _back(CONSENTS_PATH, "aterkallat", consent.provider_name)


def _back(path: str, done: str, provider: str) -> RedirectResponse:
    from urllib.parse import urlencode

    return RedirectResponse(f"{path}?{urlencode({'klart': done, 'vardgivare': provider})}", status_code=303)


def _blocks_page(request: Request, actor: Actor, *, notice: str | None = None, error: str | None = None,
                 status_code: int = 200) -> Response:
    state = request.app.state
    mine = access.my_blocks(state.db, actor, state.clock)
    return render(request, "resident_blocks.html", **COMPACT_TIMES, title=t("resident.blocks.title"), mine=mine,
                  notice=notice,
                  error=error, status_code=status_code)


@router.get(BLOCKS_PATH)
def blocks_page(request: Request, actor: Resident, klart: str = "") -> Response:
    return _blocks_page(request, actor, notice=t("resident.blocks.set") if klart == "spärrat" else None)


@router.post(BLOCKS_PATH)
def set_block(request: Request, actor: Resident, unit_id: Annotated[str, Form(max_length=20)] = "",
              kind: Annotated[str, Form(max_length=10)] = "",
              category: Annotated[str, Form(max_length=40)] = "") -> Response:
    unit = parse_id(unit_id)
    if unit is None or not kind or not category:
        return _blocks_page(request, actor, error=t("resident.block.fields_missing"), status_code=422)
    state = request.app.state
    try:
        access.set_my_block(state.db, actor, state.clock, unit_id=unit, kind=kind, category=category)
    except NaraError as exc:
        return _blocks_page(request, actor, error=exc.message, status_code=exc.status)
    return RedirectResponse(BLOCKS_PATH + "?klart=sp%C3%A4rrat", status_code=303)
