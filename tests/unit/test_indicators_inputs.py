"""`nara indicators` checks every input file against the data format before computing (nara.indicators.service.inputs):
a missing or mistyped column, an unknown code or a duplicate id stops with a Swedish message naming the file, the
column and the first bad rows — exit code 2, no traceback, nothing written. SYNTETISKA DATA."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from nara.cli import app
from nara.indicators.service import InputFormatError, check_input
from nara.synth.service import BY_STEM, FILES, FORMAT_VERSION
from tests.unit.indicator_fixtures import write_known_answer_data

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def good(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_known_answer_data(tmp_path_factory.mktemp("inputs") / "data")


def _broken(good: Path, tmp_path: Path, stem: str, change: Callable[[pa.Table], pa.Table]) -> Path:
    data = tmp_path / "data"
    shutil.copytree(good, data)
    table = pq.read_table(data / f"{stem}.parquet")
    pq.write_table(change(table), data / f"{stem}.parquet")
    return data


def _run(data: Path, out: Path) -> tuple[int, str, BaseException | None]:
    result = CliRunner().invoke(app, [
        "indicators", "--data", str(data), "--from", "2025-01-01", "--to", "2025-12-31", "--by", "kommun",
        "--period", "year", "--format", "json", "--out", str(out),
    ])
    return result.exit_code, " ".join(result.output.split()), result.exception


def _assert_stopped(data: Path, tmp_path: Path, *expected: str) -> str:
    out = tmp_path / "rapport.json"
    code, text, exc = _run(data, out)
    assert code == 2, text
    assert isinstance(exc, SystemExit)  # a clean exit, not an exception escaping the command
    assert "Traceback" not in text
    assert "Indata följer inte dataformatet" in text and "Inget har beräknats" in text
    for part in expected:
        assert part in text, (part, text)
    assert not out.exists()
    return text


def test_the_known_answer_data_pass_the_check(good: Path) -> None:
    assert set(check_input(good)) == {"persons", "contacts", "assessments", "admissions", "interventions", "units"}


def test_a_removed_documented_column_stops_with_exit_2_naming_file_and_column(good: Path, tmp_path: Path) -> None:
    data = _broken(good, tmp_path, "admissions", lambda t: t.drop_columns(["sip_needed"]))
    _assert_stopped(data, tmp_path, "admissions.parquet: kolumnen sip_needed saknas")


def test_a_mistyped_column_stops(good: Path, tmp_path: Path) -> None:
    def as_text(t: pa.Table) -> pa.Table:
        i = t.schema.get_field_index("date")
        return t.set_column(i, "date", pc.cast(t["date"], pa.string()))

    data = _broken(good, tmp_path, "contacts", as_text)
    _assert_stopped(data, tmp_path, "contacts.parquet: kolumnen date har typen text", "ska vara datum")


def test_an_unknown_code_stops_naming_the_first_bad_rows(good: Path, tmp_path: Path) -> None:
    def letter(t: pa.Table) -> pa.Table:
        forms = t["form"].to_pylist()
        forms[2] = forms[5] = "brev"
        return t.set_column(t.schema.get_field_index("form"), "form", pa.array(forms, pa.string()))

    data = _broken(good, tmp_path, "contacts", letter)
    ids = pq.read_table(good / "contacts.parquet", columns=["contact_id"])["contact_id"].to_pylist()
    text = _assert_stopped(data, tmp_path, "contacts.parquet: kolumnen form har okända koder",
                           f"rad 3 (contact_id {ids[2]}): 'brev'; rad 6 (contact_id {ids[5]}): 'brev'",
                           "Tillåtna koder: fysiskt, telefon, video, hembesok")
    assert "rad 4" not in text


def test_an_unknown_code_inside_a_list_is_found_too(good: Path, tmp_path: Path) -> None:
    def snus(t: pa.Table) -> pa.Table:
        habits = t["habits"].to_pylist()
        row = next(i for i, h in enumerate(habits) if h)
        habits[row] = ["snus"]
        return t.set_column(t.schema.get_field_index("habits"), "habits", pa.array(habits, pa.list_(pa.string())))

    data = _broken(good, tmp_path, "interventions", snus)
    _assert_stopped(data, tmp_path, "interventions.parquet: kolumnen habits har okända koder", "'snus'")


def test_a_duplicate_id_stops(good: Path, tmp_path: Path) -> None:
    def duplicate(t: pa.Table) -> pa.Table:
        ids = t["admission_id"].to_pylist()
        ids[1] = ids[0]
        return t.set_column(0, "admission_id", pa.array(ids, pa.int64()))

    data = _broken(good, tmp_path, "admissions", duplicate)
    first = pq.read_table(good / "admissions.parquet", columns=["admission_id"])["admission_id"][0].as_py()
    _assert_stopped(data, tmp_path, "admissions.parquet: kolumnen admission_id har samma id på flera rader",
                    f"rad 1: {first}; rad 2: {first}")


def test_a_null_where_the_format_forbids_one_stops(good: Path, tmp_path: Path) -> None:
    def no_birth(t: pa.Table) -> pa.Table:
        births = t["birth_date"].to_pylist()
        births[3] = None
        return t.set_column(t.schema.get_field_index("birth_date"), "birth_date", pa.array(births, pa.date32()))

    data = _broken(good, tmp_path, "persons", no_birth)
    _assert_stopped(data, tmp_path, "persons.parquet: kolumnen birth_date saknar värde", "rad 4 (person_id")


def test_every_problem_is_listed_and_a_missing_file_too(good: Path, tmp_path: Path) -> None:
    data = _broken(good, tmp_path, "admissions", lambda t: t.drop_columns(["discharged_at", "died"]))
    (data / "interventions.parquet").unlink()
    with pytest.raises(InputFormatError) as caught:
        check_input(data)
    assert len(caught.value.problems) == 3
    assert f"version {FORMAT_VERSION}" in str(caught.value)
    assert any("interventions.parquet saknas" in p for p in caught.value.problems)


def test_compute_checks_too_so_no_engine_error_reaches_a_user(good: Path, tmp_path: Path) -> None:
    from datetime import date

    from nara.indicators.service import compute

    data = _broken(good, tmp_path, "persons", lambda t: t.drop_columns(["hemtjanst"]))
    with pytest.raises(InputFormatError, match=r"persons\.parquet: kolumnen hemtjanst saknas"):
        compute(data, date(2025, 1, 1), date(2025, 12, 31), indicators=["P3"])


def test_the_generator_writes_the_format() -> None:
    from nara.synth.service import FILE_STEMS, SCHEMAS

    for stem in FILE_STEMS:
        assert SCHEMAS[stem] == BY_STEM[stem].schema


def test_docs_data_format_lists_exactly_the_columns_of_the_format() -> None:
    text = (ROOT / "docs" / "data-format.md").read_text(encoding="utf-8")
    assert f"Data format version {FORMAT_VERSION}" in text
    for fmt in FILES:
        section = text.split(f"### {fmt.file_name}")[1].split("\n### ")[0].split("\n## ")[0]
        documented: list[str] = []
        for line in section.splitlines():
            m = re.match(r"^\| ([a-z_0-9, ]+) \| ", line)
            if m and m.group(1) != "column":
                documented += [c.strip() for c in m.group(1).split(",")]
        assert documented == [c.name for c in fmt.columns], fmt.stem
