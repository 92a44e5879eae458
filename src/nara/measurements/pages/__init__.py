"""Measurement pages: the person's own under /min-sida/matvarden (phone first: one kind per page, its form on top,
then the chart and the table) and the team's under /personer/{id}/matvarden (the same, with the target range, the
values to handle and a form to record a value). HTTP in, a call to nara.measurements.service, a page out."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from nara.core.actor import Actor, Role, subject_of
from nara.core.errors import NaraError, NotFound
from nara.core.i18n import t
from nara.measurements import service
from nara.measurements.model import BY_SLUG, SPECS, Kind, format_number, parse_number
from nara.measurements.pages.chart import line_chart
from nara.measurements.service import ImplausibleValue, MeasurementOut, Series
from nara.plans.service import DEFAULT_NOTIFIER, Notifier
from nara.web.deps import IdPath, page_actor
from nara.web.forms import Posted
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
Staff = Annotated[Actor, Depends(page_actor(Role.STAFF))]
MINE = "/min-sida/matvarden"


def _notifier(request: Request) -> Notifier:
    return getattr(request.app.state, "notifier", None) or DEFAULT_NOTIFIER


def _kind(slug: str) -> Kind:
    if slug not in BY_SLUG:
        raise NotFound("measurements.kind.unknown")
    return BY_SLUG[slug]


# --- what the templates show ------------------------------------------------------------------------------------


def value_text(kind: Kind, values: dict[str, float]) -> str:
    """A value as written on a page: "150/95 mm Hg", "72 slag per minut", "5,4 mmol/l"."""
    spec = SPECS[kind]
    numbers = "/".join(format_number(values[c.code], c.decimals) for c in spec.components if c.code in values)
    return f"{numbers} {t(f'measurements.unit.{spec.components[0].ucum}')}"


def _fields(kind: Kind) -> list[dict[str, str]]:
    return [{"name": c.code, "label": t(f"measurements.component.{kind.value}.{c.code}"),
             "short": t(f"measurements.short.{kind.value}.{c.code}"), "unit": t(f"measurements.unit.{c.ucum}"),
             "decimals": str(c.decimals),
             "hint": t("measurements.unit_hint", unit=t(f"measurements.unit.{c.ucum}"),
                       low=format_number(c.low, c.decimals), high=format_number(c.high, c.decimals))}
            for c in SPECS[kind].components]


def _target_lines(series: Series) -> list[str]:
    if series.target is None:
        return []
    spec = SPECS[series.kind]
    return [t("measurements.target.current", component=t(f"measurements.short.{series.kind.value}.{c.code}"),
              low=format_number(band.low, c.decimals), high=format_number(band.high, c.decimals),
              unit=t(f"measurements.unit.{c.ucum}"))
            for c in spec.components if (band := series.target.bands.get(c.code)) is not None]


def _cells(kind: Kind, row: MeasurementOut) -> list[str]:
    return [format_number(row.values[c.code], c.decimals) if c.code in row.values else ""
            for c in SPECS[kind].components]


def _view(series: Series) -> dict[str, Any]:
    points = [(r.measured_at, r.values, r.outside_target) for r in reversed(series.values)]
    bands = series.target.bands if series.target else None
    return {"series": series, "kind": series.kind, "kind_name": t(f"measurements.kind.{series.kind.value}"),
            "fields": _fields(series.kind),
            "chart": line_chart(series.kind, points, bands, f"chart-{SPECS[series.kind].slug}"),
            "target_lines": _target_lines(series), "cells": lambda row: _cells(series.kind, row),
            "value_text": lambda row: value_text(series.kind, row.values),
            "open": [r for r in series.values if r.outside_target and r.handled_at is None]}


def _overview(all_series: list[Series]) -> list[dict[str, Any]]:
    return [{"kind": s.kind, "slug": SPECS[s.kind].slug, "name": t(f"measurements.kind.{s.kind.value}"),
             "latest": (value_text(s.kind, s.values[0].values), s.values[0].measured_at) if s.values else None,
             "open": sum(1 for r in s.values if r.outside_target and r.handled_at is None)}
            for s in all_series]


def _read_values(kind: Kind, form: dict[str, str]) -> tuple[dict[str, float], dict[str, str]]:
    """The posted numbers, and one Swedish message per field that is not a number."""
    values: dict[str, float] = {}
    errors: dict[str, str] = {}
    for c in SPECS[kind].components:
        number = parse_number(form.get(c.code, ""))
        if number is None:
            errors[c.code] = t("measurements.value.required")
        else:
            values[c.code] = number
    return values, errors


# --- the person's own pages -------------------------------------------------------------------------------------


def _person(actor: Actor) -> int:
    person_id = subject_of(actor)
    if person_id is None:
        raise NotFound("measurements.not_person")
    return person_id


@router.get(MINE)
def my_overview(request: Request, actor: Resident) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        all_series = service.read_all(s, actor, state.clock, _person(actor))
    return render(request, "measurements_overview.html", title=t("measurements.mine.title"),
                  heading=t("measurements.mine.title"), intro=t("measurements.mine.intro"),
                  kinds=_overview(all_series), base=MINE, staff=False, withheld=False)


def _my_kind_page(request: Request, actor: Actor, kind: Kind, *, values: dict[str, str] | None = None,
                  errors: dict[str, str] | None = None, notice: str | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        series = service.read_series(s, actor, state.clock, _person(actor), kind)
    return render(request, "measurements_kind.html", title=f"{t('measurements.kind.' + kind.value)} – "
                  f"{t('measurements.mine.title')}", staff=False, base=MINE, action=f"{MINE}/{SPECS[kind].slug}",
                  values=values or {}, errors=errors or {}, notice=notice, status_code=status_code, **_view(series))


@router.get(MINE + "/{slug}")
def my_kind(request: Request, actor: Resident, slug: str, klart: str = "") -> Response:
    notice = {"ja": t("measurements.reported"), "utanfor": t("measurements.reported_outside")}.get(klart)
    return _my_kind_page(request, actor, _kind(slug), notice=notice)


@router.post(MINE + "/{slug}")
def my_report(request: Request, actor: Resident, slug: str, form: Posted) -> Response:
    kind = _kind(slug)
    values, errors = _read_values(kind, form)
    kept = {c.code: form.get(c.code, "")[:20] for c in SPECS[kind].components}
    if errors:
        return _my_kind_page(request, actor, kind, values=kept, errors=errors, status_code=422)
    state = request.app.state
    try:
        with state.db.transaction() as s:
            done = service.report(s, actor, state.clock, _person(actor), kind, values, notifier=_notifier(request))
    except ImplausibleValue as exc:
        return _my_kind_page(request, actor, kind, values=kept, errors={exc.field: exc.message}, status_code=422)
    except NaraError as exc:
        if exc.status >= 500 or exc.status == 403:
            raise
        return _my_kind_page(request, actor, kind, values=kept, errors={"form": exc.message},
                             status_code=exc.status)
    return RedirectResponse(f"{MINE}/{slug}?klart={'utanfor' if done.outside_target else 'ja'}", status_code=303)


# --- the team's pages -------------------------------------------------------------------------------------------


def _base(person_id: int) -> str:
    return f"/personer/{person_id}/matvarden"


@router.get("/personer/{person_id}/matvarden")
def person_overview(request: Request, actor: Staff, person_id: IdPath) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        all_series = service.read_all(s, actor, state.clock, person_id)
    name = all_series[0].person_name
    return render(request, "measurements_overview.html", title=t("measurements.person.title", name=name),
                  heading=t("measurements.person.title", name=name), intro=t("measurements.person.intro"),
                  kinds=_overview(all_series), base=_base(person_id), staff=True,
                  withheld=any(s.withheld for s in all_series))


def _staff_kind_page(request: Request, actor: Actor, person_id: int, kind: Kind, *,
                     values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
                     target_values: dict[str, str] | None = None, target_errors: dict[str, str] | None = None,
                     notice: str | None = None, status_code: int = 200) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        series = service.read_series(s, actor, state.clock, person_id, kind)
    base = _base(person_id)
    view = _view(series)
    if target_values is None and series.target is not None:
        target_values = {f"{code}_{edge}": format_number(getattr(band, edge), SPECS[kind].component(code).decimals)
                         for code, band in series.target.bands.items() for edge in ("low", "high")}
    return render(request, "measurements_kind.html",
                  title=f"{view['kind_name']} – {t('measurements.person.title', name=series.person_name)}",
                  staff=True, base=base, action=f"{base}/{SPECS[kind].slug}", values=values or {},
                  errors=errors or {}, target_values=target_values or {}, target_errors=target_errors or {},
                  notice=notice, status_code=status_code, **view)


@router.get("/personer/{person_id}/matvarden/{slug}")
def person_kind(request: Request, actor: Staff, person_id: IdPath, slug: str, klart: str = "") -> Response:
    notice = {"ja": t("measurements.recorded"), "mal": t("measurements.target.saved"),
              "hanterat": t("measurements.handled")}.get(klart)
    return _staff_kind_page(request, actor, person_id, _kind(slug), notice=notice)


@router.post("/personer/{person_id}/matvarden/{slug}")
def person_record(request: Request, actor: Staff, person_id: IdPath, slug: str, form: Posted) -> Response:
    kind = _kind(slug)
    values, errors = _read_values(kind, form)
    kept = {c.code: form.get(c.code, "")[:20] for c in SPECS[kind].components}
    if errors:
        return _staff_kind_page(request, actor, person_id, kind, values=kept, errors=errors, status_code=422)
    state = request.app.state
    try:
        with state.db.transaction() as s:
            service.report(s, actor, state.clock, person_id, kind, values, notifier=_notifier(request))
    except ImplausibleValue as exc:
        return _staff_kind_page(request, actor, person_id, kind, values=kept, errors={exc.field: exc.message},
                                status_code=422)
    return RedirectResponse(f"{_base(person_id)}/{slug}?klart=ja", status_code=303)


@router.post("/personer/{person_id}/matvarden/{slug}/mal")
def person_target(request: Request, actor: Staff, person_id: IdPath, slug: str, form: Posted) -> Response:
    kind = _kind(slug)
    kept = {f"{c.code}_{edge}": form.get(f"{c.code}_{edge}", "")[:20] for c in SPECS[kind].components
            for edge in ("low", "high")}
    bands = {c.code: (parse_number(kept[f"{c.code}_low"]), parse_number(kept[f"{c.code}_high"]))
             for c in SPECS[kind].components}
    state = request.app.state
    try:
        with state.db.transaction() as s:
            service.set_target(s, actor, state.clock, person_id, kind, bands)
    except ImplausibleValue as exc:
        return _staff_kind_page(request, actor, person_id, kind, target_values=kept,
                                target_errors={exc.field: exc.message}, status_code=422)
    return RedirectResponse(f"{_base(person_id)}/{slug}?klart=mal", status_code=303)


@router.post("/personer/{person_id}/matvarden/varde/{measurement_id}/hanterat")
def person_handled(request: Request, actor: Staff, person_id: IdPath, measurement_id: IdPath) -> Response:
    state = request.app.state
    with state.db.transaction() as s:
        done = service.mark_handled(s, actor, state.clock, measurement_id)
    target = _base(person_id) + "/" + SPECS[done.kind].slug + "?" + urlencode({"klart": "hanterat"})
    return RedirectResponse(target, status_code=303)
