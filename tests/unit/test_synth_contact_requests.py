"""contact_requests.parquet from the synthetic generator (DOMAIN §7 T2: phone and digital contacts answered
the same day / incoming): schema, determinism, integrity with persons and units, and the assumed calibration
(calibration.py, "Incoming contact requests"). SYNTETISKA DATA."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from nara.directory.model import UnitKind
from nara.indicators.service import compute
from nara.synth.selfcheck import concat_chunks, read_dataset, report
from nara.synth.service import GENERATOR_VERSION, SCHEMAS, generate, write_dataset

YEAR = 2025
START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)
# The columns the indicator engine reads (docs/indicators.md, "Optional input: contact_requests.parquet").
DOCUMENTED = pa.schema(
    [
        ("request_id", pa.int64()),
        ("person_id", pa.int64()),
        ("unit_id", pa.int64()),
        ("channel", pa.string()),
        ("request_date", pa.date32()),
        ("answered_date", pa.date32()),
    ]
)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pa.Table]]:
    out = tmp_path_factory.mktemp("synth_requests") / "orebro"
    write_dataset("orebro", 0.05, 7, out)  # about 15 000 persons, 20 000 requests
    return out, read_dataset(out)


def _col(t: pa.Table, name: str) -> list:
    return t[name].to_pylist()


def test_the_file_has_the_schema_the_indicator_engine_reads_and_is_marked_synthetic(small):
    out, tables = small
    schema = pq.read_schema(out / "contact_requests.parquet")
    assert schema.remove_metadata().equals(DOCUMENTED) and SCHEMAS["contact_requests"].equals(DOCUMENTED)
    assert schema.metadata[b"nara.synthetic"] == b"true"
    assert schema.metadata[b"nara.generator_version"] == GENERATOR_VERSION.encode() == b"1.2.0"
    ids = tables["contact_requests"]["request_id"].to_numpy()
    assert len(ids) > 0 and (ids == np.arange(1, len(ids) + 1)).all()  # dense, unique, from 1


def test_same_seed_gives_the_same_requests_and_another_seed_others(small):
    _out, written = small
    again = concat_chunks(list(generate("orebro", 0.05, 7)))["contact_requests"]
    assert again.equals(written["contact_requests"], check_metadata=False)
    other = concat_chunks(list(generate("orebro", 0.05, 8)))["contact_requests"]
    assert not other.equals(written["contact_requests"], check_metadata=False)


def test_requests_go_to_the_persons_listed_vardcentral_while_alive(small):
    t = small[1]
    listed = dict(zip(_col(t["persons"], "person_id"), _col(t["persons"], "listed_unit_id"), strict=True))
    death = dict(zip(_col(t["persons"], "person_id"), _col(t["persons"], "death_date"), strict=True))
    kind = dict(zip(_col(t["units"], "unit_id"), _col(t["units"], "kind"), strict=True))
    r = t["contact_requests"]
    for pid, unit, channel, asked, answered in zip(
        *(_col(r, k) for k in ("person_id", "unit_id", "channel", "request_date", "answered_date")), strict=True
    ):
        assert pid in listed and unit == listed[pid] and kind[unit] == UnitKind.VARDCENTRAL
        assert channel in ("telefon", "digital")
        assert START <= asked <= END and (death[pid] is None or asked < death[pid])
        if answered is not None:
            assert asked <= answered <= asked + timedelta(days=16)
            assert death[pid] is None or answered < death[pid]
            if answered > asked:
                assert answered.weekday() < 5  # later answers come on a weekday
        if channel == "telefon":
            assert asked.weekday() < 5  # phone lines are closed at weekends


def test_same_day_share_lies_in_the_assumed_band_and_varies_as_described(small):
    r = report(small[1], YEAR)
    assert 0.80 <= r["T2_same_day"] <= 0.90
    assert r["T2_same_day_monday"] < r["T2_same_day_tuesday_friday"] - 0.03
    assert r["T2_same_day_july"] < r["T2_same_day_other_months"] - 0.03
    assert r["T2_same_day_unit_max"] - r["T2_same_day_unit_min"] > 0.04  # vårdcentraler differ
    assert 0.005 < r["T2_never_answered"] < 0.05  # some are never answered
    assert 1.0 < r["T2_requests_per_person"] < 1.6 and 0.2 < r["T2_digital_share"] < 0.4


def test_the_indicator_engine_reports_t2_from_the_generated_file(small):
    out, tables = small
    rows = compute(out, START, END, by=["region", "kommun"], period="year", indicators=["T2"])
    region = [x for x in rows if x.indicator == "T2" and x.grouping == "region"]
    assert len(region) == 1 and not region[0].suppressed
    r = tables["contact_requests"]
    same = pc.equal(r["request_date"], r["answered_date"]).fill_null(False)
    assert region[0].denominator == r.num_rows
    assert region[0].numerator == pc.sum(same).as_py()
    assert 80.0 <= region[0].value <= 90.0
    assert {x.group for x in rows if x.grouping == "kommun"} == set(_col(tables["persons"], "kommun_code"))
