"""What the dashboard's pages show, built from the cached results (nara.dashboard.service.results) and the catalogue.

The region and each municipality (``area``: None for the region, else a kommun_code) at a glance per
dimension; per indicator its trend over months, the municipalities compared, the drill-down and its
definition. Every number goes through ``model.cell``, so a suppressed cell is text only (DOMAIN.md §7).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup

from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.dashboard.model import (
    SYMBOL,
    Cell,
    Direction,
    Judgement,
    TargetStatus,
    cell,
    charts,
    format_count,
    format_number,
    format_value,
    judge,
    month_label,
    suppressed_text,
    target_status,
    target_text,
    trend,
    trend_text,
    window_label,
)
from nara.dashboard.service.results import (
    GROUPINGS,
    PERIOD_KINDS,
    DashboardResults,
    State,
    dashboard_data_dir,
    iter_rows,
    prepare_demo,
    store_for,
)
from nara.indicators.service import Indicator, ResultRow, catalogue, standard_population, valueset

__all__ = [
    "DIMENSIONS",
    "GROUPINGS",
    "PERIOD_KINDS",
    "Area",
    "DashboardResults",
    "Dimension",
    "IndicatorPage",
    "Section",
    "State",
    "Summary",
    "TableRow",
    "area_options",
    "choose_area",
    "dashboard_data_dir",
    "definition",
    "indicator_page",
    "indicators_by_id",
    "iter_rows",
    "overview",
    "prepare_demo",
    "store_for",
    "summary",
]

DIMENSIONS = (("tillgänglighet", "T"), ("kontinuitet", "K"), ("samordning", "S"), ("proaktivitet", "P"))


def indicators_by_id() -> dict[str, Indicator]:
    return {i.id: i for i in catalogue()}


@dataclass(frozen=True)
class Area:
    """The region (code None) or one municipality."""

    code: str | None
    name: str
    grouping: str

    @property
    def query(self) -> str:
        return f"?kommun={self.code}" if self.code else ""


def choose_area(results: DashboardResults, kommun: str) -> Area:
    """The area asked for in ``?kommun=``; the region when empty. An unknown code is a 404."""
    region = results.region()
    if not kommun:
        return Area(None, region[1] if region else t("dashboard.region"), "region")
    name = results.municipality_name(kommun)
    if name is None:
        raise NotFound("dashboard.unknown_area")
    return Area(kommun, name, "kommun")


def _group(results: DashboardResults, area: Area) -> str | None:
    if area.code is not None:
        return area.code
    region = results.region()
    return region[0] if region else None


def area_options(results: DashboardResults, area: Area) -> list[dict[str, Any]]:
    region = results.region()
    options = [{"value": "", "label": region[1] if region else t("dashboard.region"), "selected": area.code is None}]
    options += [{"value": code, "label": name, "selected": code == area.code}
                for code, name in results.municipalities()]
    return options


# --- At a glance -------------------------------------------------------------------------------------------


@dataclass
class Summary:
    ind: Indicator
    latest: Cell
    latest_label: str
    whole: Cell
    direction: Direction
    direction_text: str  # says whether the change is better or worse (the arrow alone does not)
    judgement: Judgement
    symbol: str
    status: TargetStatus
    status_text: str
    target: str


@dataclass
class Dimension:
    key: str
    letter: str
    title: str
    summaries: list[Summary] = field(default_factory=list)
    missing: list[Indicator] = field(default_factory=list)  # not computed: the data lack its source


def _status_text(status: TargetStatus) -> str:
    return "" if status is TargetStatus.NONE else t(f"dashboard.target.{status.value}")


def summary(results: DashboardResults, ind: Indicator, area: Area) -> Summary:
    group = _group(results, area)
    months = results.series(ind.id, area.grouping, group)
    latest_row = months[-1] if months else None
    whole = cell(ind, results.whole(ind.id, area.grouping, group), long=True)
    direction = trend([None if r.suppressed else r.value for r in months])
    status = target_status(ind, whole.value)
    return Summary(
        ind=ind,
        latest=cell(ind, latest_row, long=True),
        latest_label=month_label(latest_row.period_start, long=True) if latest_row else "",
        whole=whole,
        direction=direction,
        direction_text=trend_text(ind, direction),
        judgement=judge(ind, direction),
        symbol=SYMBOL[direction],
        status=status,
        status_text=_status_text(status),
        target=target_text(ind),
    )


def overview(results: DashboardResults, area: Area) -> list[Dimension]:
    present = results.indicator_ids()
    out = []
    for key, letter in DIMENSIONS:
        dim = Dimension(key, letter, t(f"dashboard.dimension.{key}"))
        for ind in catalogue():
            if ind.dimension == key and ind.parent is None:
                if ind.id in present:
                    dim.summaries.append(summary(results, ind, area))
                else:
                    dim.missing.append(ind)
        out.append(dim)
    return out


# --- One indicator -----------------------------------------------------------------------------------------


@dataclass
class TableRow:
    label: str
    cell: Cell
    comparison: Cell | None = None
    status_text: str = ""
    href: str = ""
    selected: bool = False


@dataclass
class Section:
    """A drill-down table."""

    id: str
    title: str
    caption: str
    head: str
    rows: list[TableRow]


@dataclass
class IndicatorPage:
    ind: Indicator
    area: Area
    parent: Indicator | None
    children: list[Indicator]
    definition: list[tuple[str, str]]
    whole_label: str
    trend_chart: Markup
    trend_caption: str
    trend_rows: list[TableRow]
    comparison_label: str
    compare_chart: Markup
    compare_caption: str
    compare_rows: list[TableRow]
    compares_std: bool
    sections: list[Section]
    summary: Summary


def _standard_note(ind: Indicator) -> str:
    sp = standard_population()
    return t("dashboard.def.standardised_text", name=sp["name"], source=sp["source"])


def definition(ind: Indicator, not_comparable: str | None = None) -> list[tuple[str, str]]:
    """(term, text) pairs shown next to the numbers: numerator, denominator, source and the rest.
    ``not_comparable``: why the numbers shown may not be set against the national reference (K3–K5 when the
    18-month window is incomplete, DOMAIN §7); said beside the reference."""
    items = [
        (t("dashboard.def.numerator"), ind.numerator),
        (t("dashboard.def.denominator"), ind.denominator),
        (t("dashboard.def.source"), ind.source),
        (t("dashboard.def.unit"), ind.unit),
    ]
    if ind.target is not None:
        items.append((t("dashboard.def.target"), target_text(ind)))
    if ind.reference:
        items.append((t("dashboard.def.reference"),
                      ind.reference if not not_comparable else f"{ind.reference} – {not_comparable}"))
    if ind.valueset:
        vs = valueset(ind.valueset)
        items.append((t("dashboard.def.valueset"),
                      t("dashboard.def.valueset_text", name=vs.get("name", ""), version=vs.get("version", ""),
                        source=vs.get("source", ""))))
    if ind.age_standardised:
        items.append((t("dashboard.def.standardised"), _standard_note(ind)))
    items.append((t("dashboard.def.suppression"), t("dashboard.def.suppression_text")))
    return items


def _axis_fmt(ind: Indicator):  # type: ignore[no-untyped-def]
    def fmt(v: float) -> str:
        if float(v).is_integer():
            text = format_count(v)
        elif ind.unit.startswith("index"):
            text = f"{v:.2f}".replace(".", ",")
        else:
            text = format_number(ind, v)
        return text + ("\u00a0%" if ind.unit == "%" else "")

    return fmt


def _value_range(cells: list[Cell]) -> tuple[Cell | None, Cell | None]:
    shown = [c for c in cells if c.shown]
    if not shown:
        return None, None
    return min(shown, key=lambda c: c.value or 0.0), max(shown, key=lambda c: c.value or 0.0)


def indicator_page(results: DashboardResults, indicator_id: str, area: Area) -> IndicatorPage:
    by_id = indicators_by_id()
    ind = by_id.get(indicator_id)
    if ind is None or indicator_id not in results.indicator_ids():
        raise NotFound("dashboard.unknown_indicator")
    group = _group(results, area)
    region = results.region()
    region_code, region_name = region if region else (None, t("dashboard.region"))
    fmt = _axis_fmt(ind)
    whole_label = window_label(results.start, results.end)

    # Trend over months: the area, and the region beside a municipality.
    months = results.series(ind.id, area.grouping, group)
    labels = [month_label(r.period_start) for r in months]
    cells = [cell(ind, r) for r in months]
    region_cells: list[Cell | None] = [None] * len(months)
    series = [charts.Series(area.name, [c.value for c in cells])]
    if area.code is not None:
        by_period = {r.period: r for r in results.series(ind.id, "region", region_code)}
        region_cells = [cell(ind, by_period.get(r.period)) for r in months]
        series.append(charts.Series(region_name, [c.value if c else None for c in region_cells], comparison=True))
    low, high = _value_range(cells)
    trend_desc = t(
        "dashboard.chart.trend_desc", name=ind.name, area=area.name,
        first=labels[0] if labels else "", last=labels[-1] if labels else "",
        range=(t("dashboard.chart.range", low=low.text, high=high.text) if low and high
               else t("dashboard.chart.no_values")),
        target=(t("dashboard.chart.target_line", target=target_text(ind)) if ind.target is not None else ""),
        suppressed=(t("dashboard.chart.some_suppressed", text=suppressed_text())
                    if any(c.suppressed for c in cells) else ""),
    )
    trend_title = t("dashboard.chart.trend_title", name=ind.name, area=area.name)
    trend_chart = charts.line_chart(
        "chart-trend", trend_title, trend_desc, [lbl.split()[0] for lbl in labels], series, fmt,
        target=ind.target, target_label=target_text(ind), ceiling=100.0 if ind.unit == "%" else None,
    )
    trend_rows = [TableRow(month_label(r.period_start, long=True), c, rc)
                  for r, c, rc in zip(months, cells, region_cells, strict=True)]

    # The municipalities compared over the whole window (age-standardised where the engine gives it).
    compares_std = ind.age_standardised
    region_whole = cell(ind, results.whole(ind.id, "region", region_code))
    compare_rows: list[TableRow] = []
    bars: list[charts.Bar] = []
    for code, name in results.municipalities():
        c = cell(ind, results.whole(ind.id, "kommun", code))
        shown_value = c.std if compares_std else c.value
        status = target_status(ind, c.value)
        compare_rows.append(TableRow(name, c, status_text=_status_text(status),
                                     href=f"/uppfoljning/indikator/{ind.id}?kommun={code}", selected=code == area.code))
        bars.append(charts.Bar(name, shown_value, format_value(ind, shown_value), note=c.text,
                               selected=code == area.code))
    reference = region_whole.std if compares_std else region_whole.value
    compare_title = t("dashboard.chart.compare_title", name=ind.name, period=whole_label)
    compare_desc = t(
        "dashboard.chart.compare_desc", name=ind.name, period=whole_label,
        what=t("dashboard.chart.std_values") if compares_std else t("dashboard.chart.crude_values"),
        region=region_name, region_value=(format_value(ind, reference) if reference is not None
                                          else region_whole.text),
        target=(t("dashboard.chart.target_line", target=target_text(ind)) if ind.target is not None else ""),
        suppressed=(t("dashboard.chart.some_suppressed_bars", text=suppressed_text())
                    if any(r.cell.suppressed for r in compare_rows) else ""),
    )
    compare_chart = charts.bar_chart(
        "chart-compare", compare_title, compare_desc, bars, fmt, target=ind.target, target_label=target_text(ind),
        reference=reference,
        reference_label=t("dashboard.chart.reference", region=region_name,
                          value=format_value(ind, reference) if reference is not None else ""),
        selected_suffix=t("dashboard.chart.selected"),
    )

    return IndicatorPage(
        ind=ind, area=area, parent=by_id.get(ind.parent) if ind.parent else None,
        children=[i for i in catalogue() if i.parent == ind.id and i.id in results.indicator_ids()],
        definition=definition(ind, _not_comparable(results.whole(ind.id, "region", region_code))),
        whole_label=whole_label,
        trend_chart=trend_chart,
        trend_caption=t("dashboard.table.trend_caption", name=ind.name, area=area.name, unit=ind.unit),
        trend_rows=trend_rows,
        comparison_label=region_name if area.code is not None else "",
        compare_chart=compare_chart,
        compare_caption=t("dashboard.table.compare_caption", name=ind.name, period=whole_label, unit=ind.unit),
        compare_rows=compare_rows, compares_std=compares_std,
        sections=_drill_down(results, ind, area, whole_label),
        summary=summary(results, ind, area),
    )


def _not_comparable(row: ResultRow | None) -> str | None:
    return row.note if row is not None and row.comparable is False else None


def _drill_down(results: DashboardResults, ind: Indicator, area: Area, period: str) -> list[Section]:
    """Region: by sex and by age group. Municipality: by vårdcentral (the engine groups by one attribute at a
    time, so sex and age are region-wide)."""
    def rows(grouping: str, groups: list[tuple[str | None, str]]) -> list[TableRow]:
        out = []
        for code, label in groups:
            c = cell(ind, results.whole(ind.id, grouping, code))
            out.append(TableRow(label, c, status_text=_status_text(target_status(ind, c.value))))
        return out

    if area.code is None:
        return [
            Section("kon", t("dashboard.drill.sex"), t("dashboard.drill.caption", name=ind.name,
                    by=t("dashboard.drill.by_sex"), area=area.name, period=period, unit=ind.unit),
                    t("dashboard.drill.head_sex"), rows("kon", results.groups("kon"))),
            Section("alder", t("dashboard.drill.age"), t("dashboard.drill.caption", name=ind.name,
                    by=t("dashboard.drill.by_age"), area=area.name, period=period, unit=ind.unit),
                    t("dashboard.drill.head_age"), rows("aldersgrupp", results.groups("aldersgrupp"))),
        ]
    return [
        Section("vardcentral", t("dashboard.drill.units", area=area.name),
                t("dashboard.drill.caption", name=ind.name, by=t("dashboard.drill.by_unit"), area=area.name,
                  period=period, unit=ind.unit),
                t("dashboard.drill.head_unit"), rows("vardcentral", results.units_of(area.code))),
    ]
