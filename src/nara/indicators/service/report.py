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

from nara.core.clock import local_minute
from nara.core.i18n import SV, t
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


# The CSV and XLSX files are read by people in Swedish Excel: Swedish headers and words, and in the CSV a semicolon
# between fields, a decimal comma and UTF-8 with a byte-order mark (without it Excel guesses another encoding).
# The JSON keeps the codes above: it is read by programs.
CSV_HEADERS: dict[str, str] = {
    "indicator": "Indikator", "grouping": "Indelning", "group": "Kod", "group_label": "Grupp",
    "period_kind": "Periodtyp", "period": "Period", "period_start": "Från och med", "period_end": "Till och med",
    "numerator": "Täljare", "denominator": "Nämnare", "value": "Värde",
    "value_age_standardised": "Åldersstandardiserat värde", "unit": "Enhet",
    "suppressed": "Visas inte (för få händelser)", "comparable": "Jämförbar med referensvärdet",
    "note": "Kommentar",
}
NUMBER_COLUMNS = frozenset({"numerator", "denominator", "value", "value_age_standardised"})
DEFINITION_HEADERS: dict[str, str] = {
    "id": "Indikator", "dimension": "Dimension", "name": "Namn", "kind": "Slag", "unit": "Enhet",
    "numerator": "Täljare", "denominator": "Nämnare", "source": "Källa", "target": "Mål",
    "reference": "Nationellt referensvärde",
}


def yes_no(value: bool | None) -> str:
    return "" if value is None else t("indicators.export.yes") if value else t("indicators.export.no")


def decimal_comma(value: float | None) -> str:
    """A number as Swedish Excel reads it: a decimal comma, no thousands separator; nothing for no number."""
    if value is None:
        return ""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", ",")


def _word(prefix: str, code: str | None) -> str:
    """The Swedish word for a code of the report (a grouping, a period kind, a kind of indicator)."""
    key = f"{prefix}.{code}"
    return t(key) if code is not None and key in SV else (code or "")


def _swedish(d: dict[str, Any], column: str) -> Any:
    """One cell of the CSV/XLSX as a person reads it: words in Swedish, numbers left as numbers."""
    value = d[column]
    if column in ("suppressed", "comparable"):
        return yes_no(value)
    if column == "grouping":
        return _word("indicators.grouping", value).capitalize()
    if column == "period_kind":
        return _word("indicators.period_kind", value)
    return value


def _csv(rows: Sequence[ResultRow], out: Path, meta: ReportMeta | None) -> None:
    with out.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow([CSV_HEADERS[c] for c in COLUMNS])
        for r in rows:
            d = r.to_dict()
            w.writerow([decimal_comma(d[c]) if c in NUMBER_COLUMNS else
                        "" if _swedish(d, c) is None else _swedish(d, c) for c in COLUMNS])


def _xlsx(rows: Sequence[ResultRow], out: Path, meta: ReportMeta | None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Indikatorer"
    ws.append([CSV_HEADERS[c] for c in COLUMNS])
    for r in rows:
        d = r.to_dict()
        ws.append([_swedish(d, c) for c in COLUMNS])  # numbers stay numbers (real cells, not text)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    defs = wb.create_sheet("Definitioner")
    defs.append(list(DEFINITION_HEADERS.values()))
    for ind in load_catalogue():
        defs.append([_word("indicators.kind", ind.kind) if f == "kind" else
                     _word("indicators.dimension", ind.dimension) if f == "dimension" else getattr(ind, f)
                     for f in DEFINITION_HEADERS])
    about = wb.create_sheet("Om rapporten")
    if meta is not None:
        if meta.synthetic:
            about.append([t("indicators.report.synthetic")])
        about.append([t("indicators.report.window"), meta.start, meta.end])
        about.append([t("indicators.report.period_kind"),
                      ", ".join(_word("indicators.period_kind", k) for k in meta.period.split(",") if k)])
        about.append([t("indicators.report.groupings"),
                      ", ".join(_word("indicators.grouping", g) for g in meta.by)])
        about.append([t("indicators.report.catalogue_version"), catalogue_document()["version"]])
        about.append([t("indicators.report.standard_population", name=standard_population()["name"])])
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
        generated=local_minute(datetime.now(UTC)),  # Swedish time, as every page writes it
        sections=sections,
        threshold=suppression_threshold(),
        standard=standard_population(),
        valuesets={n: valueset(n) for n in ("avoidable_chronic", "fall_injury")},
    )
    out.write_text(html, encoding="utf-8")
