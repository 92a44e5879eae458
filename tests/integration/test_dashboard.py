"""The leaders' dashboard over HTTP (SQLite and PostgreSQL for the accounts; the numbers come from a small
synthetic region, SYNTETISKA DATA): who may see it, that its tables are the engine's rows, that a suppressed
cell's number is nowhere — not in the page, not in an export — and that the exports download."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from nara.app import create_app
from nara.auth import service as auth_service
from nara.auth.demo import DEMO_PASSWORD
from nara.core.actor import Role
from nara.dashboard.model import format_count, format_value, suppressed_text
from nara.dashboard.service.results import ResultsStore
from nara.indicators.service import COLUMNS, CSV_HEADERS, ResultRow, catalogue, compute
from tests.dashboard_data import shared_dashboard_data
from tests.integration.test_web_shell import csrf_of

KARLSKOGA = "1883"
IND = {i.id: i for i in catalogue()}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return shared_dashboard_data(tmp_path_factory)


@pytest.fixture(scope="module")
def results(data_dir: Path):
    return ResultsStore(data_dir).ensure()


@pytest.fixture
def app(db, demo, clock, data_dir):
    application = create_app(demo, database=db, clock=clock)
    application.state.dashboard_data_dir = data_dir
    return application


def client_as(app, username: str | None) -> TestClient:
    c = TestClient(app, follow_redirects=False)
    if username is not None:
        page = c.get("/logga-in")
        answer = c.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_of(page.text)})
        assert answer.status_code == 303, answer.text
    return c


@pytest.fixture
def leader(app) -> TestClient:
    with client_as(app, "ledning") as c:
        yield c


# --- a small table reader --------------------------------------------------------------------------------


class Tables(HTMLParser):
    """Every <table>: its caption and its rows as lists of cell texts (th and td alike)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[dict] = []
        self._in: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append({"caption": "", "rows": []})
        elif tag == "tr" and self.tables:
            self.tables[-1]["rows"].append([])
        elif tag in ("td", "th", "caption"):
            self._in, self._text = tag, []

    def handle_endtag(self, tag):
        if tag in ("td", "th", "caption") and self._in == tag:
            text = " ".join("".join(self._text).split())
            if tag == "caption":
                self.tables[-1]["caption"] = text
            else:
                self.tables[-1]["rows"][-1].append(text)
            self._in = None

    def handle_data(self, data):
        if self._in:
            self._text.append(data)


def tables_of(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return {t["caption"]: t["rows"] for t in parser.tables}


def visible(text: str) -> str:
    """A cell's text as the reader gets it: numbers use a no-break space between thousands."""
    return " ".join(text.split())


# --- who may see it -------------------------------------------------------------------------------------

PAGES = ["/uppfoljning", f"/uppfoljning?kommun={KARLSKOGA}", "/uppfoljning/indikator/K2",
         f"/uppfoljning/indikator/K2?kommun={KARLSKOGA}", "/uppfoljning/export.csv",
         "/uppfoljning/indikator/K2/export.json"]


@pytest.mark.parametrize("username", ["lakare", "distriktsskoterska", "hemsjukvard", "tolvan", "granskare"])
def test_staff_residents_and_reviewers_get_403_on_every_dashboard_page(app, username):
    with client_as(app, username) as c:
        for path in PAGES:
            answer = c.get(path)
            assert answer.status_code == 403, path
            assert "Du har inte behörighet till det här." in answer.text
            assert "Karlskoga" not in answer.text and "Fast läkarkontakt" not in answer.text


def test_nobody_logged_in_is_sent_to_log_in(app):
    with client_as(app, None) as c:
        answer = c.get(f"/uppfoljning/indikator/K2?kommun={KARLSKOGA}")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/logga-in?till=/uppfoljning/indikator/K2"


def test_leaders_and_administrators_see_the_dashboard(app, db, clock):
    with db.transaction() as s:
        auth_service.create_account(s, username="admin", password=DEMO_PASSWORD, role=Role.ADMIN,
                                    display_name="Ada Administratör", now=clock.now())
    for username in ("ledning", "admin"):
        with client_as(app, username) as c:
            for path in PAGES:
                assert c.get(path).status_code == 200, (username, path)


# --- what it shows ----------------------------------------------------------------------------------------


def test_the_overview_shows_four_dimensions_with_latest_value_trend_and_target(leader, results):
    html = leader.get(f"/uppfoljning?kommun={KARLSKOGA}").text
    for heading in ("Tillgänglighet", "Kontinuitet", "Samordning", "Proaktivitet"):
        assert f"</span> {heading}</h2>" in html
    assert '<option value="1883" selected>Karlskoga</option>' in html
    k2 = results.whole("K2", "kommun", KARLSKOGA)
    latest = results.series("K2", "kommun", KARLSKOGA)[-1]
    assert not k2.suppressed and not latest.suppressed
    card = html.split('href="/uppfoljning/indikator/K2?kommun=1883"')[1].split("</li>")[0]
    assert format_value(IND["K2"], k2.value) in card
    assert format_value(IND["K2"], latest.value) in card
    assert "Senaste månaden (december 2025)" in card and "Trend" in card
    # the arrow is hidden from screen readers; the words beside it say whether the change is better or worse
    trend = re.search(r'<span class="trend trend-(\w+) trend-(\w+)"><span aria-hidden="true">(.) </span>([^<]+)</span>',
                      card)
    assert trend, card
    direction, judgement, arrow, words = trend.groups()
    assert arrow == {"up": "↑", "down": "↓", "flat": "→", "unknown": "–"}[direction]
    assert words == {"better": f"{'ökar' if direction == 'up' else 'minskar'} – en förbättring",
                     "worse": f"{'ökar' if direction == 'up' else 'minskar'} – en försämring",
                     "neutral": {"flat": "oförändrad", "unknown": "kan inte bedömas"}.get(direction)}[judgement]
    assert judgement == {"up": "better", "down": "worse"}.get(direction, "neutral")  # K2: more is better
    assert "minst 80\u00a0%" in card
    assert ("målet nås" if k2.value >= 80 else "målet nås inte") in card
    # every headline indicator of the catalogue that was computed has its card, with its definition
    for ind in catalogue():
        if ind.parent is None and ind.id in results.indicator_ids():
            assert f'href="/uppfoljning/indikator/{ind.id}?kommun=1883"' in html
            assert ind.numerator in html.replace("&#39;", "'")


def test_an_unknown_municipality_or_indicator_is_404(leader):
    assert leader.get("/uppfoljning?kommun=9999").status_code == 404
    assert leader.get("/uppfoljning/indikator/X9").status_code == 404
    assert leader.get("/uppfoljning/indikator/K2/export.pdf").status_code == 404


def test_the_indicator_page_has_chart_table_and_definition_and_the_tables_are_the_engines_rows(
    leader, data_dir, results
):
    """The tables are checked against a fresh run of the engine for K2, not against the dashboard's cache."""
    start, end = results.start, results.end
    engine = {(r.grouping, r.group, r.period_kind, r.period): r
              for kind in ("month", "window")
              for r in compute(data_dir, start, end, by=["region", "kommun", "vardcentral"], period=kind,
                               indicators=["K2"])}
    html = leader.get(f"/uppfoljning/indikator/K2?kommun={KARLSKOGA}").text
    ind = IND["K2"]
    # chart: an SVG image with a title and description, the target line labelled
    assert '<svg class="chart-svg"' in html and 'role="img"' in html
    assert '<title id="chart-trend-title">Fast läkarkontakt i särskilt boende, Karlskoga, per månad</title>' in html
    assert 'class="chart-target"' in html and "minst 80\u00a0%" in html
    assert "style=" not in html  # the CSP forbids inline styles
    # definition next to the numbers: numerator, denominator, source from the catalogue
    for text in (ind.numerator, ind.denominator, ind.source):
        assert text in html

    tables = tables_of(html)
    trend = tables["Fast läkarkontakt i särskilt boende, Karlskoga, per månad (%)"]
    assert trend[0] == ["Månad", "Värde", "Täljare", "Nämnare", "Region Örebro län"]
    months = [r for k, r in engine.items() if k[:3] == ("kommun", KARLSKOGA, "month")]
    assert len(trend) - 1 == len(months) == 12
    for row, r in zip(trend[1:], sorted(months, key=lambda r: r.period_start), strict=True):
        _assert_row(row[1:4], r)
        region = engine[("region", "Region Örebro län", "month", r.period)]
        assert row[4] == visible(format_value(ind, region.value))

    compare = tables["Fast läkarkontakt i särskilt boende per kommun, helåret 2025 (%)"]
    assert compare[0] == ["Kommun", "Värde", "Täljare", "Nämnare", "Mål"]
    kommuner = {r.group_label: r for k, r in engine.items() if k[0] == "kommun" and k[2] == "window"}
    assert len(compare) - 1 == len(kommuner) == 12
    for row in compare[1:]:
        label = row[0].replace(" (vald)", "")
        _assert_row(row[1:4], kommuner[label])

    units = tables["Fast läkarkontakt i särskilt boende per vårdcentral, Karlskoga, helåret 2025 (%)"]
    assert len(units) > 2  # Karlskoga has several vårdcentraler (drill-down municipality → vårdcentral)
    by_label = {r.group_label: r for k, r in engine.items() if k[0] == "vardcentral" and k[2] == "window"}
    for row in units[1:]:
        _assert_row(row[1:4], by_label[row[0]])


def _assert_row(cells: list[str], r: ResultRow) -> None:
    ind = IND[r.indicator]
    if r.suppressed:
        assert cells[0] == suppressed_text()
        assert not any(ch.isdigit() for ch in "".join(cells[1:])), cells
    else:
        assert cells == [visible(format_value(ind, r.value)), visible(format_count(r.numerator)),
                         visible(format_count(r.denominator))]


def test_rates_show_crude_and_age_standardised_values_and_name_the_standard_population(leader, results):
    html = leader.get("/uppfoljning/indikator/T3").text
    assert "Europeisk standardbefolkning 2013 (ESP 2013)" in html
    tables = tables_of(html)
    compare = tables["Kontakter i primärvården per 1 000 invånare per kommun, helåret 2025 "
                     "(per 1 000 invånare och år)"]
    assert compare[0] == ["Kommun", "Ojusterat", "Åldersstandardiserat", "Täljare", "Nämnare"]
    for row in compare[1:]:
        code = next(c for c, name in results.municipalities() if name == row[0])
        r = results.whole("T3", "kommun", code)
        assert row[1:3] == [visible(format_value(IND["T3"], r.value)),
                            visible(format_value(IND["T3"], r.value_age_standardised))]
    # region view: drill-down by sex and age group
    assert "Kontakter i primärvården per 1 000 invånare efter kön, Region Örebro län, helåret 2025 " \
           "(per 1 000 invånare och år)" in tables
    assert any(caption.startswith("Kontakter i primärvården per 1 000 invånare efter åldersgrupp")
               for caption in tables)


# --- suppression ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def unsuppressed(data_dir, results):
    """The true values of S1 (readmissions, small counts per municipality), computed with the suppression
    threshold lifted — what the dashboard must never show."""
    mp = pytest.MonkeyPatch()
    mp.setattr("nara.indicators.service.engine.suppression_threshold", lambda: 0)
    try:
        rows = [r for kind in ("month", "window")
                for r in compute(data_dir, results.start, results.end, by=["region", "kommun", "vardcentral"],
                                 period=kind, indicators=["S1"])]
    finally:
        mp.undo()
    return {(r.grouping, r.group, r.period_kind, r.period): r for r in rows}


def test_a_suppressed_cells_number_appears_nowhere_in_the_page_or_the_exports(leader, results, unsuppressed):
    ind = IND["S1"]
    hidden = [r for r in results.rows_for("S1") if r.suppressed and r.grouping in ("region", "kommun",
                                                                                  "vardcentral")]
    shown = {format_value(ind, r.value) for r in results.rows_for("S1") if not r.suppressed}
    shown_raw = {str(r.value) for r in results.rows_for("S1") if not r.suppressed}
    secrets = []
    for r in hidden:
        true = unsuppressed[(r.grouping, r.group, r.period_kind, r.period)]
        if true.value is not None and true.numerator:
            secrets.append(true)
    assert len(secrets) >= 20, "the data set must have suppressed cells that hold a number"

    overview = leader.get(f"/uppfoljning?kommun={KARLSKOGA}").text
    s1_card = overview.split('href="/uppfoljning/indikator/S1?kommun=1883"')[1].split("</li>")[0]
    pages = leader.get(f"/uppfoljning/indikator/S1?kommun={KARLSKOGA}").text + \
        leader.get("/uppfoljning/indikator/S1").text + s1_card
    assert suppressed_text() in pages
    # An axis tick (e.g. "7,5 %") is the chart's scale, not a cell's value: leave the ticks out of the search.
    pages = re.sub(r'<text class="chart-tick"[^>]*>[^<]*</text>', "", pages)
    checked = 0
    for true in secrets:
        text = format_value(ind, true.value)
        if text not in shown:  # the same figure may belong to a cell that is shown
            assert not re.search(r"(?<![\d,])" + re.escape(text), pages), (true.group_label, true.period, text)
            checked += 1
    assert checked >= 10

    exports = {fmt: leader.get(f"/uppfoljning/indikator/S1/export.{fmt}") for fmt in ("csv", "json", "xlsx")}
    reader = read_csv(exports["csv"])
    doc = json.loads(exports["json"].text)
    sheet = load_workbook(io.BytesIO(exports["xlsx"].content))["Indikatorer"]
    xlsx = [dict(zip(COLUMNS, row, strict=True)) for row in sheet.iter_rows(min_row=2, values_only=True)]
    for rows, empty in ((reader, ""), (doc["rows"], None), (xlsx, None)):
        suppressed = [r for r in rows if r["suppressed"] in (True, "ja")]
        assert len(suppressed) == sum(r.suppressed for r in results.rows_for("S1"))
        for r in suppressed:
            assert [r[c] for c in ("numerator", "denominator", "value", "value_age_standardised")] == [empty] * 4
    text = exports["csv"].text + exports["json"].text
    for true in secrets:
        if str(true.value) not in shown_raw:
            comma = str(true.value).replace(".", ",")
            assert f";{comma};" not in text and f'"value": {true.value},' not in text


def read_csv(answer) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    """The Swedish CSV export read back, keyed by the report's column codes."""
    by_header = {v: k for k, v in CSV_HEADERS.items()}
    reader = csv.DictReader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";")
    return [{by_header[k]: v for k, v in row.items()} for row in reader]


# --- exports ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "media"), [
    ("csv", "text/csv; charset=utf-8"), ("json", "application/json"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_the_exports_download_the_indicators_rows_with_the_engines_writer(leader, results, fmt, media):
    answer = leader.get(f"/uppfoljning/indikator/K2/export.{fmt}")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == media
    assert answer.headers["content-disposition"] == f'attachment; filename="uppfoljning-K2-2025.{fmt}"'
    expected = [r.to_dict() for r in results.rows_for("K2")]
    if fmt == "csv":  # in Swedish, as Swedish Excel reads it: BOM, semicolons, decimal comma, Swedish headers
        assert answer.content.startswith(b"\xef\xbb\xbf")
        header = next(csv.reader(io.StringIO(answer.content.decode("utf-8-sig")), delimiter=";"))
        assert header == [CSV_HEADERS[c] for c in COLUMNS]
        rows = read_csv(answer)
        assert [(r["group"] or None, r["period"], r["value"]) for r in rows] == \
            [(e["group"], e["period"], "" if e["value"] is None else str(e["value"]).replace(".", ","))
             for e in expected]
    elif fmt == "json":
        doc = json.loads(answer.text)
        assert doc["rows"] == expected
        assert doc["meta"]["synthetic"] is True
        assert doc["meta"]["standard_population"]["name"] == "Europeisk standardbefolkning 2013 (ESP 2013)"
    else:
        book = load_workbook(io.BytesIO(answer.content))
        assert book["Indikatorer"].max_row == len(expected) + 1
        assert [c.value for c in book["Indikatorer"][1]] == [CSV_HEADERS[c] for c in COLUMNS]
        values = [row[COLUMNS.index("value")] for row in book["Indikatorer"].iter_rows(min_row=2, values_only=True)]
        assert values == [e["value"] for e in expected]  # real numbers, not text
        assert "Definitioner" in book.sheetnames
    if fmt != "xlsx":  # the whole catalogue as XLSX takes openpyxl seconds; its writer is the same
        whole = leader.get(f"/uppfoljning/export.{fmt}")
        assert whole.status_code == 200 and len(whole.content) > len(answer.content)


def test_the_json_export_of_everything_holds_every_cached_row(leader, results):
    doc = json.loads(leader.get("/uppfoljning/export.json").text)
    assert len(doc["rows"]) == len(results.rows)
    assert {r["period_kind"] for r in doc["rows"]} == {"month", "window"}
    assert date.fromisoformat(doc["meta"]["window"]["from"]) == results.start


# --- without results --------------------------------------------------------------------------------------


def test_without_data_the_dashboard_says_so_in_swedish(db, demo, clock, tmp_path):
    application = create_app(demo, database=db, clock=clock)
    application.state.dashboard_data_dir = tmp_path / "tom"
    with client_as(application, "ledning") as c:
        page = c.get("/uppfoljning")
        assert page.status_code == 200
        assert "<h1>Uppföljning av nära vård</h1>" in page.text
        assert "Inga indikatordata ännu" in page.text and "Kontinuitet" in page.text
        assert c.get("/uppfoljning/indikator/K2").status_code == 200
