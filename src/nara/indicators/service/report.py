"""Writing computed indicator rows: JSON, CSV, XLSX and a standalone accessible HTML report (docs/indicators.md).

Suppressed cells carry no numbers in any format: numerator, denominator and values are empty / null and the
``suppressed`` flag is set (DOMAIN.md §7).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from nara.core.i18n import t
from nara.indicators.model import (
    IndicatorError,
    ResultRow,
    catalogue_document,
    load_catalogue,
    standard_population,
    suppression_threshold,
    valueset,
)

FORMATS = ("json", "csv", "xlsx", "html")
COLUMNS = (
    "indicator", "grouping", "group", "group_label", "period_kind", "period", "period_start", "period_end",
    "numerator", "denominator", "value", "value_age_standardised", "unit", "suppressed", "comparable", "note",
)


@dataclass
class ReportMeta:
    """What a report says about itself: the window, groupings, engine and whether the data are synthetic."""

    start: date
    end: date
    period: str
    by: Sequence[str]
    backend: str
    synthetic: bool = False
    data: dict[str, Any] = field(default_factory=dict)

    @staticmethod
    def for_data(data_dir: Path, start: date, end: date, period: str, by: Sequence[str], backend: str) -> ReportMeta:
        manifest = Path(data_dir) / "manifest.json"
        info: dict[str, Any] = {}
        if manifest.is_file():
            doc = json.loads(manifest.read_text(encoding="utf-8"))
            info = {k: doc.get(k) for k in ("region", "scale", "seed", "year", "generator_version")}
            return ReportMeta(start, end, period, list(by), backend, bool(doc.get("synthetic")), info)
        return ReportMeta(start, end, period, list(by), backend)

    def to_dict(self) -> dict[str, Any]:
        sp = standard_population()
        return {
            "window": {"from": self.start.isoformat(), "to": self.end.isoformat()},
            "period_kind": self.period,
            "groupings": list(self.by),
            "backend": self.backend,
            "synthetic": self.synthetic,
            "data": self.data,
            "catalogue_version": catalogue_document()["version"],
            "suppression_threshold": suppression_threshold(),
            "standard_population": {"name": sp["name"], "version": sp["version"], "source": sp["source"]},
            "valuesets": {
                name: {"version": valueset(name)["version"], "source": valueset(name)["source"]}
                for name in ("avoidable_chronic", "fall_injury")
            },
            "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        }


def write_report(rows: Sequence[ResultRow], out: Path | str, fmt: str, meta: ReportMeta | None = None) -> None:
    out = Path(out)
    if fmt not in FORMATS:
        raise IndicatorError(f"okänt format: {fmt} (välj bland {', '.join(FORMATS)})")
    out.parent.mkdir(parents=True, exist_ok=True)
    {"json": _json, "csv": _csv, "xlsx": _xlsx, "html": _html}[fmt](rows, out, meta)


def _json(rows: Sequence[ResultRow], out: Path, meta: ReportMeta | None) -> None:
    doc = {
        "meta": meta.to_dict() if meta else None,
        "indicators": [i.to_dict() for i in load_catalogue()],
        "rows": [r.to_dict() for r in rows],
    }
    out.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def _csv(rows: Sequence[ResultRow], out: Path, meta: ReportMeta | None) -> None:
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        for r in rows:
            d = r.to_dict()
            w.writerow(["" if d[c] is None else ("true" if d[c] is True else "false" if d[c] is False else d[c])
                        for c in COLUMNS])


def _xlsx(rows: Sequence[ResultRow], out: Path, meta: ReportMeta | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Indikatorer"
    ws.append(list(COLUMNS))
    for r in rows:
        d = r.to_dict()
        ws.append([d[c] for c in COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    defs = wb.create_sheet("Definitioner")
    fields = ("id", "dimension", "name", "kind", "unit", "numerator", "denominator", "source", "target", "reference")
    defs.append(list(fields))
    for ind in load_catalogue():
        defs.append([getattr(ind, f) for f in fields])
    about = wb.create_sheet("Om rapporten")
    if meta is not None:
        if meta.synthetic:
            about.append([t("indicators.report.synthetic")])
        for k, v in meta.to_dict().items():
            about.append([k, json.dumps(v, ensure_ascii=False) if isinstance(v, dict | list) else v])
    about.append([t("indicators.report.suppression", n=suppression_threshold())])
    wb.save(out)


def _fmt(x: float | None) -> str:
    if x is None:
        return "–"
    if isinstance(x, int) or float(x).is_integer():
        return f"{int(x):,}".replace(",", "\u00a0")
    text = f"{x:,.4f}".rstrip("0").rstrip(".") if abs(x) < 10 else f"{x:,.1f}"
    return text.replace(",", "\u00a0").replace(".", ",")


def _html(rows: Sequence[ResultRow], out: Path, meta: ReportMeta | None) -> None:
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(loader=PackageLoader("nara.indicators", "templates"), autoescape=select_autoescape(["html"]))
    by_ind: dict[str, list[ResultRow]] = {}
    for r in rows:
        by_ind.setdefault(r.indicator, []).append(r)
    sections = []
    for ind in load_catalogue():
        if ind.id not in by_ind:
            continue
        groupings: dict[str, list[ResultRow]] = {}
        for r in by_ind[ind.id]:
            groupings.setdefault(r.grouping, []).append(r)
        sections.append({"ind": ind, "groupings": groupings})
    html = env.get_template("report.html").render(
        t=t,
        incomplete={r.indicator for r in rows if r.comparable is False},
        fmt=_fmt,
        meta=meta.to_dict() if meta else None,
        sections=sections,
        threshold=suppression_threshold(),
        standard=standard_population(),
        valuesets={n: valueset(n) for n in ("avoidable_chronic", "fall_injury")},
    )
    out.write_text(html, encoding="utf-8")
