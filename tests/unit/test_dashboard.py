"""The dashboard's rules without a server: Swedish numbers, suppression, trend, target, the SVG charts and the
results cache (computed once, recomputed when the data or the engine change)."""

from __future__ import annotations

import json
import re
import threading
from datetime import date
from pathlib import Path

import pytest

from nara.dashboard.model import (
    Direction,
    TargetStatus,
    cell,
    charts,
    format_count,
    format_value,
    suppressed_text,
    target_status,
    target_text,
    trend,
    window_label,
)
from nara.dashboard.service import results
from nara.dashboard.service.results import DashboardResults, ResultsStore, State
from nara.indicators.service import ResultRow, catalogue

IND = {i.id: i for i in catalogue()}


def row(indicator: str = "K2", *, group: str | None = "1883", label: str = "Karlskoga", period: str = "2025-12",
        value: float | None = 87.6923, num: float | None = 171, den: float | None = 195, std: float | None = None,
        suppressed: bool = False, kind: str = "month", grouping: str = "kommun") -> ResultRow:
    return ResultRow(indicator=indicator, grouping=grouping, group=group, group_label=label, period_kind=kind,
                     period=period, period_start=f"{period}-01" if kind == "month" else "2025-01-01",
                     period_end="2025-12-31", numerator=num, denominator=den, value=value,
                     value_age_standardised=std, unit=IND[indicator].unit, suppressed=suppressed)


# --- numbers ----------------------------------------------------------------------------------------------


def test_values_are_written_the_swedish_way_with_their_unit():
    assert format_value(IND["K2"], 87.6923) == "87,7\u00a0%"
    assert format_value(IND["K3"], 0.38512) == "0,385"
    assert format_value(IND["S2"], 1.94) == "1,9\u00a0dagar"
    assert format_value(IND["P1"], 564.2) == "564"
    assert format_value(IND["P4"], 6.24) == "6,2"
    assert format_value(IND["P1"], 564.2, long=True) == "564 per 100 000 invånare och år"
    assert format_count(308375) == "308\u00a0375" and format_count(1234.56) == "1\u00a0234,6"
    assert target_text(IND["K2"]) == "minst 80\u00a0%" and target_text(IND["K1"]) == "minst 55\u00a0%"
    assert window_label(date(2025, 1, 1), date(2025, 12, 31)) == "helåret 2025"


def test_a_suppressed_cell_has_text_and_no_number_at_all():
    c = cell(IND["K2"], row(value=None, num=None, den=None, suppressed=True))
    assert c.text == suppressed_text() == "färre än 20 – visas inte"
    assert (c.value, c.std, c.numerator, c.denominator, c.std_text) == (None, None, "", "", "")
    assert not c.shown and c.suppressed
    # even a row that were to carry numbers while flagged suppressed shows none of them
    leaky = cell(IND["K2"], row(suppressed=True))
    assert leaky.value is None and leaky.numerator == "" and leaky.text == suppressed_text()
    shown = cell(IND["K2"], row())
    assert (shown.text, shown.numerator, shown.denominator) == ("87,7\u00a0%", "171", "195")


@pytest.mark.parametrize(("values", "expected"), [
    ([50, 50, 50, 60, 60, 60], Direction.UP),
    ([1, 60, 60, 60, 50, 50, 50], Direction.DOWN),
    ([80, 80, 80, 80.5, 80.5, 80.5], Direction.FLAT),
    ([50, None, 50, 60, 60, 60], Direction.UNKNOWN),
    ([60, 60, 60, 60, 60], Direction.UNKNOWN),
])
def test_the_trend_compares_the_last_three_months_with_the_three_before(values, expected):
    assert trend(values) is expected


def test_the_target_is_a_floor_and_only_where_the_catalogue_has_one():
    assert target_status(IND["K2"], 80.0) is TargetStatus.MET
    assert target_status(IND["K2"], 79.9) is TargetStatus.NOT_MET
    assert target_status(IND["K2"], None) is TargetStatus.NONE
    assert target_status(IND["S1"], 10.0) is TargetStatus.NONE


# --- charts -----------------------------------------------------------------------------------------------


def fmt(v: float) -> str:
    return f"{v:g}"


def test_a_line_chart_is_an_image_with_title_and_description_and_leaves_gaps_for_hidden_months():
    svg = str(charts.line_chart(
        "c1", "K2 <Karlskoga>", "Beskrivning", ["jan", "feb", "mar", "apr"],
        [charts.Series("Karlskoga", [85.0, None, 88.0, 89.0]), charts.Series("Regionen", [87, 88, 88, 89], True)],
        fmt, target=80, target_label="minst 80 %", ceiling=100.0,
    ))
    assert svg.startswith('<svg class="chart-svg"') and 'role="img"' in svg
    assert 'aria-labelledby="c1-title" aria-describedby="c1-desc"' in svg
    assert '<title id="c1-title">K2 &lt;Karlskoga&gt;</title>' in svg and '<desc id="c1-desc">Beskrivning</desc>' in svg
    assert "style" not in svg  # CSP: classes only
    primary = re.findall(r'<polyline class="chart-line chart-line-primary" points="([^"]+)"', svg)
    assert len(primary) == 1 and len(primary[0].split()) == 2  # jan alone (no line), then mar–apr
    assert svg.count('<circle class="chart-marker chart-marker-primary"') == 3 + 1  # 3 points + legend
    assert svg.count('<rect class="chart-marker chart-marker-comparison"') == 4 + 1  # squares, not circles
    assert svg.count('class="chart-target"') == 1 and "minst 80 %" in svg
    assert ">100<" in svg  # shares end at 100


def test_a_bar_chart_draws_no_bar_for_a_suppressed_group_and_marks_the_chosen_one_in_words():
    svg = str(charts.bar_chart(
        "c2", "Titel", "Text", [charts.Bar("Laxå", None, note="färre än 20 – visas inte"),
                                charts.Bar("Karlskoga", 87.7, "87,7 %", selected=True),
                                charts.Bar("Örebro", 89.5, "89,5 %")],
        fmt, target=80, target_label="minst 80 %", reference=88.7, reference_label="Regionen 88,7 %",
        selected_suffix="(vald)",
    ))
    assert svg.count('<rect class="chart-bar') == 2
    assert "färre än 20 – visas inte" in svg and "Karlskoga (vald)" in svg
    assert 'class="chart-bar chart-bar-selected"' in svg
    assert svg.count('class="chart-reference"') == 1 and svg.count('class="chart-target"') == 1
    assert "style" not in svg


@pytest.mark.parametrize(("x", "top"), [(0.37, 0.5), (87.0, 100.0), (3336.0, 5000.0), (10.0, 10.0), (0, 1.0)])
def test_axes_end_at_a_number_a_reader_can_read(x, top):
    assert charts.nice_max(x) == pytest.approx(top)


# --- the results cache ------------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    for stem in results.REQUIRED_FILES:
        (tmp_path / f"{stem}.parquet").write_bytes(b"stand-in")
    (tmp_path / "manifest.json").write_text(json.dumps({"synthetic": True, "region": "orebro", "year": 2025}))
    return tmp_path


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Replace the engine run with a small fixed result and count the runs."""
    calls: list[Path] = []

    def fake(data_dir: Path, *, on_progress=None) -> DashboardResults:
        calls.append(data_dir)
        if on_progress:
            on_progress(1, 1)
        return DashboardResults(
            key={"data": results.data_version(data_dir), "engine": results.engine_version()},
            start=date(2025, 1, 1), end=date(2025, 12, 31), info=results.read_manifest(data_dir),
            unit_kommun={"SE0000000001-SYNE0000001": "1883"},
            rows=[row(), row(kind="window", period="2025-01-01/2025-12-31"),
                  row(value=None, num=None, den=None, suppressed=True, period="2025-11")],
        )

    monkeypatch.setattr(results, "compute_results", fake)
    return calls


def test_results_are_computed_once_and_then_read_from_the_cache_file(data_dir, computed):
    first = ResultsStore(data_dir).ensure()
    assert len(computed) == 1 and (data_dir / results.CACHE_FILE).is_file()
    again = ResultsStore(data_dir).ensure()  # a new process: from the file, not the engine
    assert len(computed) == 1
    assert [r.to_dict() for r in again.rows] == [r.to_dict() for r in first.rows]
    assert again.whole("K2", "kommun", "1883").value == 87.6923
    assert [r.period for r in again.series("K2", "kommun", "1883")] == ["2025-11", "2025-12"]
    assert again.units_of("1883") == [] and again.municipalities() == [("1883", "Karlskoga")]
    doc = json.loads((data_dir / results.CACHE_FILE).read_text())
    assert doc["rows"][2][doc["columns"].index("value")] is None  # suppressed: nothing stored


def test_new_data_or_a_new_engine_is_computed_anew(data_dir, computed, monkeypatch):
    store = ResultsStore(data_dir)
    store.ensure()
    (data_dir / "manifest.json").write_text(json.dumps({"synthetic": True, "region": "orebro", "year": 2025,
                                                        "seed": 2}))
    store.ensure()
    assert len(computed) == 2
    monkeypatch.setattr(results, "engine_version", lambda: "2099.1+changed")
    ResultsStore(data_dir).ensure()
    assert len(computed) == 3
    ResultsStore(data_dir).ensure()
    assert len(computed) == 3


def test_a_page_gets_no_data_computing_then_ready_and_the_work_runs_in_the_background(data_dir, monkeypatch,
                                                                                     tmp_path_factory):
    assert ResultsStore(tmp_path_factory.mktemp("empty")).snapshot().state is State.NO_DATA
    release = threading.Event()

    def slow(data_dir: Path, *, on_progress=None) -> DashboardResults:
        release.wait(10)
        return DashboardResults(key={"data": results.data_version(data_dir), "engine": results.engine_version()},
                                start=date(2025, 1, 1), end=date(2025, 12, 31), info={}, unit_kommun={},
                                rows=[row()])

    monkeypatch.setattr(results, "compute_results", slow)
    store = ResultsStore(data_dir)
    assert store.snapshot().state is State.COMPUTING
    assert store.snapshot().state is State.COMPUTING  # one worker, not one per page view
    release.set()
    store.wait(10)
    ready = store.snapshot()
    assert ready.state is State.READY and ready.results is not None


def test_a_failed_computation_is_reported_not_retried_for_every_page(data_dir, monkeypatch):
    def broken(data_dir: Path, *, on_progress=None) -> DashboardResults:
        raise ValueError("trasiga data")

    monkeypatch.setattr(results, "compute_results", broken)
    store = ResultsStore(data_dir)
    assert store.snapshot().state is State.COMPUTING
    store.wait(10)
    assert store.snapshot().state is State.FAILED


def test_the_window_is_the_year_the_data_cover(data_dir):
    assert results.window_of(data_dir) == (date(2025, 1, 1), date(2025, 12, 31))


def test_continuity_says_beside_the_national_reference_when_it_is_not_comparable():
    from nara.dashboard.service import _not_comparable, definition
    from nara.indicators.service import catalogue as all_indicators

    k3 = next(i for i in all_indicators() if i.id == "K3")
    note = "ej jämförbar: 18-månadersfönstret är ofullständigt"
    incomplete = row(indicator="K3", kind="window", period="2025-01-01/2025-12-31")
    incomplete.comparable, incomplete.note = False, note
    reference = dict(definition(k3, _not_comparable(incomplete)))["Referensvärde"]
    assert reference == f"{k3.reference} – {note}"
    incomplete.comparable, incomplete.note = True, None
    assert dict(definition(k3, _not_comparable(incomplete)))["Referensvärde"] == k3.reference
