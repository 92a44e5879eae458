"""The leaders' dashboard pages under /uppfoljning (roles LEADER and ADMIN; others get 403).

HTTP in, a call to nara.dashboard.service over the cached results, a page out. Everything works without
JavaScript: the choice of municipality is a GET form, charts are server-rendered SVG, exports are links.
Only aggregated, suppressed-where-small numbers are shown (DOMAIN.md §7), never a person, so no person
data is read here and no access check on a person applies.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from nara.core.actor import Actor, Role
from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.dashboard import service
from nara.dashboard.model import month_label, suppressed_text, window_label
from nara.dashboard.service import GROUPINGS, PERIOD_KINDS, DashboardResults, State, dashboard_data_dir, store_for
from nara.indicators.service import (
    ReportMeta,
    catalogue_document,
    standard_population,
    suppression_threshold,
    write_report,
)
from nara.web.deps import page_actor
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Leader = Annotated[Actor, Depends(page_actor(Role.LEADER, Role.ADMIN))]
Kommun = Annotated[str, Query(max_length=8)]
BASE = "/uppfoljning"
EXPORT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}
_INDICATOR_ID = re.compile(r"^[A-Z][0-9A-Za-z-]{0,30}$")


def data_dir_of(request: Request) -> Path:
    """The dashboard's input: ``app.state.dashboard_data_dir`` if set, else ``<NARA_DATA_DIR>/indikatordata``."""
    override = getattr(request.app.state, "dashboard_data_dir", None)
    return Path(override) if override else dashboard_data_dir(request.app.state.settings.data_dir)


def _results_or_state_page(request: Request) -> DashboardResults | Response:
    data_dir = data_dir_of(request)
    snap = store_for(data_dir).snapshot()
    if snap.state is State.READY and snap.results is not None:
        return snap.results
    reload_url = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return render(request, "dashboard_state.html", title=t("dashboard.title"), state=snap.state.value,
                  data_dir=str(data_dir), reload_url=reload_url)


def _common(results: DashboardResults, area: service.Area) -> dict[str, object]:
    info = results.info
    region = results.region()
    if info.get("synthetic"):
        what = t("dashboard.data_synthetic", region=region[1] if region else info.get("region") or "",
                 seed=info.get("seed"), scale=str(info.get("scale")).replace(".", ","))
    else:
        what = t("dashboard.data_imported")
    return {
        "area": area,
        "areas": service.area_options(results, area),
        "synthetic": bool(info.get("synthetic")),
        "data_about": t("dashboard.data_about", what=what, period=window_label(results.start, results.end),
                        catalogue=catalogue_document()["version"], computed=results.computed_at[:10]),
        "suppression_note": t("dashboard.suppression_note", n=suppression_threshold()),
        "suppressed_text": suppressed_text(),
        "whole_label": window_label(results.start, results.end),
        "standard": standard_population(),
    }


@router.get(BASE)
def overview(request: Request, actor: Leader, kommun: Kommun = "") -> Response:
    found = _results_or_state_page(request)
    if isinstance(found, Response):
        return found
    area = service.choose_area(found, kommun)
    dims = service.overview(found, area)
    latest = next((s.latest_label for d in dims for s in d.summaries if s.latest_label), "")
    return render(request, "dashboard_overview.html", title=t("dashboard.title"), dimensions=dims,
                  latest_label=latest, export_formats=list(EXPORT_TYPES), **_common(found, area))


@router.get(BASE + "/indikator/{indicator_id}")
def indicator(request: Request, actor: Leader, indicator_id: str, kommun: Kommun = "") -> Response:
    if not _INDICATOR_ID.match(indicator_id):
        raise NotFound("dashboard.unknown_indicator")
    found = _results_or_state_page(request)
    if isinstance(found, Response):
        return found
    area = service.choose_area(found, kommun)
    page = service.indicator_page(found, indicator_id, area)
    return render(request, "dashboard_indicator.html",
                  title=t("dashboard.indicator_title", id=page.ind.id, name=page.ind.name) + f" – {area.name}",
                  page=page, export_formats=list(EXPORT_TYPES), month_label=month_label, **_common(found, area))


def _export(request: Request, fmt: str, indicator_id: str | None) -> Response:
    if fmt not in EXPORT_TYPES:
        raise NotFound("error.not_found")
    found = _results_or_state_page(request)
    if isinstance(found, Response):
        return found
    if indicator_id is not None and (not _INDICATOR_ID.match(indicator_id)
                                     or indicator_id not in found.indicator_ids()):
        raise NotFound("dashboard.unknown_indicator")
    rows = found.rows_for(indicator_id) if indicator_id else found.rows
    meta = ReportMeta.for_data(data_dir_of(request), found.start, found.end, ",".join(PERIOD_KINDS),
                               list(GROUPINGS), "duckdb")
    with tempfile.TemporaryDirectory(prefix="nara-export-") as tmp:
        path = Path(tmp) / f"export.{fmt}"
        write_report(rows, path, fmt, meta)
        body = path.read_bytes()
    name = f"uppfoljning-{indicator_id or 'alla'}-{found.start.year}.{fmt}"
    return Response(body, media_type=EXPORT_TYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get(BASE + "/export.{fmt}")
def export_all(request: Request, actor: Leader, fmt: str) -> Response:
    return _export(request, fmt, None)


@router.get(BASE + "/indikator/{indicator_id}/export.{fmt}")
def export_indicator(request: Request, actor: Leader, indicator_id: str, fmt: str) -> Response:
    return _export(request, fmt, indicator_id)
