"""`nara indicators`: every output format carries the numbers, their definitions and no suppressed number."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nara.cli import app
from nara.indicators.service import COLUMNS, CSV_HEADERS
from tests.unit.indicator_fixtures import write_known_answer_data


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_known_answer_data(tmp_path_factory.mktemp("cli") / "data")


def _run(data: Path, out: Path, fmt: str, *extra: str) -> None:
    result = CliRunner().invoke(app, [
        "indicators", "--data", str(data), "--from", "2025-01-01", "--to", "2025-12-31", "--by", "kommun",
        "--period", "year", "--format", fmt, "--out", str(out), *extra,
    ])
    assert result.exit_code == 0, result.output
    assert "rader till" in result.output


def test_json_rows_have_the_documented_fields_and_suppressed_cells_are_empty(data: Path, tmp_path: Path) -> None:
    _run(data, tmp_path / "r.json", "json")
    doc = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert doc["meta"]["suppression_threshold"] == 20
    assert doc["meta"]["standard_population"]["version"] == "2013"
    assert {i["id"] for i in doc["indicators"]} >= {"T1", "K2", "S3", "P5"}
    k2 = next(r for r in doc["rows"] if r["indicator"] == "K2" and r["group"] == "1880")
    assert k2 | {} == k2 and (k2["grouping"], k2["group_label"], k2["period"]) == ("kommun", "Örebro", "2025")
    assert (k2["numerator"], k2["denominator"], k2["value"], k2["suppressed"]) == (20, 20, 100.0, False)
    hidden = [r for r in doc["rows"] if r["group"] == "1883"]
    assert hidden and all(r["suppressed"] and r["numerator"] is None and r["denominator"] is None
                          and r["value"] is None for r in hidden)


def test_csv_and_xlsx_withhold_suppressed_numbers(data: Path, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    _run(data, tmp_path / "r.csv", "csv")
    raw = (tmp_path / "r.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, semicolons, decimal comma: as Swedish Excel reads it
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0]) == [CSV_HEADERS[c] for c in COLUMNS]
    t1 = next(r for r in rows if r["Indikator"] == "T1" and r["Kod"] == "1880")
    assert (t1["Täljare"], t1["Nämnare"], t1["Värde"], t1["Visas inte (för få händelser)"], t1["Indelning"],
            t1["Periodtyp"]) == ("40", "60", "66,6667", "nej", "Kommun", "år")
    assert all(r["Täljare"] == r["Nämnare"] == r["Värde"] == "" for r in rows if r["Kod"] == "1883")

    _run(data, tmp_path / "r.xlsx", "xlsx", "--indicator", "T1", "--indicator", "K1")
    wb = load_workbook(tmp_path / "r.xlsx")
    sheet = list(wb["Indikatorer"].values)
    header, body = sheet[0], sheet[1:]
    assert list(header) == [CSV_HEADERS[c] for c in COLUMNS]
    assert {r[header.index("Indikator")] for r in body} == {"T1", "K1"}
    t1 = next(r for r in body if r[header.index("Indikator")] == "T1" and r[header.index("Kod")] == "1880")
    assert t1[header.index("Värde")] == pytest.approx(66.6667)  # a real number, not text
    for r in body:
        if r[header.index("Kod")] == "1883":
            assert r[header.index("Visas inte (för få händelser)")] == "ja"
            assert r[header.index("Täljare")] is None and r[header.index("Värde")] is None
    assert "Definitioner" in wb.sheetnames
    assert next(iter(wb["Definitioner"].values))[:3] == ("Indikator", "Dimension", "Namn")


def test_html_report_shows_definitions_beside_numbers_and_hides_small_cells(data: Path, tmp_path: Path) -> None:
    _run(data, tmp_path / "r.html", "html", "--indicator", "K2")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert '<html lang="sv">' in html and "<caption>" in html and 'scope="col"' in html
    assert "SYNTETISKA DATA" not in html  # hand-made test files carry no manifest
    assert "Boende i SäBo i livet vid periodens slut" in html  # the denominator's definition
    assert "≥ 80 %" in html  # the target line (DOMAIN §6)
    karlskoga = html.split("<th scope=\"row\">Karlskoga</th>")[1].split("</tr>")[0]
    text = re.sub(r"<[^>]+>", " ", karlskoga)
    assert "dold: färre än 20 händelser" in text
    assert not any(ch.isdigit() for ch in text.replace("2025", "").replace("20 händelser", ""))


def test_bad_input_is_a_swedish_message(data: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [
        "indicators", "--data", str(data), "--from", "2025-13-01", "--to", "2025-12-31", "--out", str(tmp_path / "x"),
    ])
    assert result.exit_code == 1 and "ÅÅÅÅ-MM-DD" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = CliRunner().invoke(app, [
        "indicators", "--data", str(empty), "--from", "2025-01-01", "--to", "2025-12-31", "--out", str(tmp_path / "x"),
    ])
    assert result.exit_code == 2 and "persons.parquet saknas" in " ".join(result.output.split())
    assert not (tmp_path / "x").exists()
