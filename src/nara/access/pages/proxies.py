"""Närstående and ombud under /min-sida (DOMAIN.md §5, nara.access.model.proxies): the person lists, gives and
revokes grants; a proxy chooses whom they act for. HTTP in, a call to nara.access.service, a page out; a rejected
form comes back with what was typed and a Swedish message at the field to fix."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from nara.access import service as access
from nara.access.model.proxies import ProxyKind, ProxyScope
from nara.auth import service as auth
from nara.core.actor import Actor, Role
from nara.core.errors import ValidationFailed
from nara.core.i18n import t
from nara.core.ids import parse_id
from nara.web.deps import IdPath, page_actor
from nara.web.render import COMPACT_TIMES, render

router = APIRouter(include_in_schema=False)

Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
PROXIES_PATH = "/min-sida/narstaende"
ACT_PATH = "/min-sida/foretrada"

# Which field a refusal belongs to, so the message stands at that field.
_FIELD_OF = {
    "proxies.kind_required": "kind", "proxies.scopes_required": "scopes", "proxies.end_required": "end_day",
    "proxies.end_past": "end_day", "proxies.end_too_far": "end_day", "proxies.personnummer_invalid": "personnummer",
    "proxies.personnummer_unknown": "personnummer", "proxies.not_yourself": "personnummer",
}


def _page(request: Request, actor: Actor, *, notice: str | None = None, values: dict[str, object] | None = None,
          errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    grants = access.my_grants(state.db, actor, state.clock)
    kinds = [(k.value, t(f"proxies.kind.{k.value}")) for k in (ProxyKind.NARSTAENDE, ProxyKind.OMBUD)]
    scopes = [(s.value, t(f"proxies.scope.{s.value}")) for s in ProxyScope]
    return render(request, "proxies.html", **COMPACT_TIMES, title=t("proxies.title"), grants=grants, kinds=kinds,
                  scopes=scopes, notice=notice, values=values or {}, errors=errors or {}, status_code=status_code)


@router.get(PROXIES_PATH)
def proxies_page(request: Request, actor: Resident, klart: str = "", namn: str = "") -> Response:
    notice = None
    if klart in ("given", "revoked") and namn:
        notice = t(f"proxies.{klart}", name=namn[:200])
    return _page(request, actor, notice=notice)


@router.post(PROXIES_PATH)
async def give_grant(request: Request, actor: Resident) -> Response:
    form = await request.form()
    values = {"personnummer": str(form.get("personnummer", ""))[:20], "kind": str(form.get("kind", ""))[:20],
              "end_day": str(form.get("end_day", ""))[:10],
              "scopes": [str(x)[:20] for x in form.getlist("scopes")][:5]}
    try:
        end_day = date.fromisoformat(str(values["end_day"])) if values["end_day"] else None
    except ValueError:
        return _page(request, actor, values=values, errors={"end_day": t("proxies.end_required")}, status_code=422)
    state = request.app.state
    try:
        line = access.grant_proxy(state.db, actor, state.clock, personnummer=str(values["personnummer"]),
                                  kind=str(values["kind"]), scopes=list(values["scopes"]),  # type: ignore[arg-type]
                                  end_day=end_day)
    except ValidationFailed as exc:
        field = _FIELD_OF.get(exc.key, "form")
        return _page(request, actor, values=values, errors={field: exc.message}, status_code=422)
    return RedirectResponse(f"{PROXIES_PATH}?klart=given&namn={quote(line.proxy_name)}", status_code=303)


@router.post(PROXIES_PATH + "/{grant_id}/aterkalla")
def revoke_grant(request: Request, actor: Resident, grant_id: IdPath) -> Response:
    state = request.app.state
    name = access.revoke_proxy(state.db, actor, state.clock, grant_id)
    return RedirectResponse(f"{PROXIES_PATH}?klart=revoked&namn={quote(name)}", status_code=303)


@router.get(ACT_PATH)
def act_page(request: Request, actor: Resident, klart: str = "") -> Response:
    state = request.app.state
    people = access.represented(state.db, actor, state.clock)
    notice = None
    current = next((p for p in people if p.person_id == actor.acting_for), None)
    if klart == "1":
        notice = t("proxies.act.now", name=current.name) if current else t("proxies.act.self_now")
    return render(request, "proxies_act.html", **COMPACT_TIMES, title=t("proxies.act.title"), people=people,
                  current=current, notice=notice)


@router.post(ACT_PATH)
async def choose(request: Request, actor: Resident) -> Response:
    form = await request.form()
    person_id = parse_id(str(form.get("person_id", ""))[:20])
    state = request.app.state
    target = actor.person_id if person_id is None else person_id
    acting = access.check_act_for(state.db, actor, state.clock, target or 0)
    auth.act_for(state.db, actor, acting.acting_for)
    return RedirectResponse(f"{ACT_PATH}?klart=1", status_code=303)
