"""The synthetic region generator (nara.synth): format, integrity, determinism and calibration.

Calibration bands are the DOMAIN §7 reference values with room for sampling noise; the figures are computed
straight from the generated tables by nara.synth.selfcheck (not the indicator engine).
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from nara.core.errors import ValidationFailed
from nara.directory.model import (
    LICENSED,
    IdentifierKind,
    Profession,
    UnitKind,
    load_region,
    parse_hsa_id,
    parse_identifier,
    personal_number,
)
from nara.synth.generator import FILE_STEMS, SCHEMAS, plan_blocks
from nara.synth.selfcheck import concat_chunks, read_dataset, report, stays
from nara.synth.service import generate, write_dataset

YEAR = 2025
START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, pa.Table]]:
    out = tmp_path_factory.mktemp("synth_small")
    write_dataset("orebro", 0.05, 7, out)
    return out, read_dataset(out)


@pytest.fixture(scope="module")
def full() -> dict[str, pa.Table]:
    """Örebro at scale 1.0, seed 1 — the calibration run of docs/data-format.md."""
    return concat_chunks(list(generate("orebro", 1.0, 1)))


def _col(t: pa.Table, name: str) -> list:
    return t[name].to_pylist()


# --- format ---------------------------------------------------------------------------------------------


def test_every_file_has_the_documented_schema_and_synthetic_marking(small):
    out, tables = small
    for stem in FILE_STEMS:
        meta = pq.read_schema(out / f"{stem}.parquet").metadata
        assert meta[b"nara.synthetic"] == b"true"
        assert (
            meta[b"nara.region"] == b"orebro" and meta[b"nara.seed"] == b"7" and meta[b"nara.year"] == b"2025"
        )
        assert b"nara.generator_version" in meta and meta[b"nara.scale"] == b"0.05"
        assert tables[stem].schema.remove_metadata().equals(SCHEMAS[stem])
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "SYNTETISKA DATA" in readme and "inga verkliga personer" in readme and "SYNTHETIC" in readme
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["synthetic"] is True and manifest["seed"] == 7 and manifest["region"] == "orebro"
    assert manifest["files"] == {f"{s}.parquet": tables[s].num_rows for s in FILE_STEMS}


def test_personnummer_are_valid_unique_and_agree_with_sex_and_birth_date(small):
    persons = small[1]["persons"]
    pnrs, sexes, births = _col(persons, "personnummer"), _col(persons, "sex"), _col(persons, "birth_date")
    assert len(set(pnrs)) == len(pnrs)
    for pnr, sex, born in zip(pnrs, sexes, births, strict=True):
        ident = parse_identifier(pnr, date(2026, 1, 1))
        assert ident.kind is IdentifierKind.PERSONNUMMER
        assert ident.sex == sex and ident.birth_date == born
        assert personal_number(born, int(pnr[8:11])) == pnr
        assert born <= date(YEAR - 1, 12, 31)


def test_hsa_ids_are_valid_unique_and_marked_synthetic(small):
    tables = small[1]
    ids = _col(tables["units"], "hsa_id") + _col(tables["staff"], "hsa_id")
    assert len(set(ids)) == len(ids)
    for hsa in ids:
        assert parse_hsa_id(hsa) == hsa
        assert re.match(r"^SE[0-9]{10}-SYN[0-9A-Z]+$", hsa)


def test_identifiers_are_unique_within_each_file(small):
    tables = small[1]
    for stem, key in (
        ("persons", "person_id"),
        ("units", "unit_id"),
        ("staff", "staff_id"),
        ("contacts", "contact_id"),
        ("assessments", "episode_id"),
        ("admissions", "admission_id"),
        ("interventions", "intervention_id"),
        ("contact_requests", "request_id"),
    ):
        values = tables[stem][key].to_numpy()
        assert len(np.unique(values)) == len(values), stem


def test_region_units_are_all_there(small):
    units = small[1]["units"]
    kinds = _col(units, "kind")
    region = load_region("orebro")
    assert kinds.count(UnitKind.VARDCENTRAL) == 29
    assert kinds.count(UnitKind.AKUTMOTTAGNING) == len(region.hospitals)
    per_muni = {m.kommun_code: set() for m in region.municipalities}
    for kind, code in zip(kinds, _col(units, "kommun_code"), strict=True):
        per_muni[code].add(kind)
    for code, present in per_muni.items():
        assert {
            UnitKind.HEMSJUKVARD,
            UnitKind.HEMTJANST,
            UnitKind.SABO,
            UnitKind.SOCIALTJANST,
            UnitKind.ELEVHALSA,
            UnitKind.CIVILSAMHALLE,
            UnitKind.VARDCENTRAL,
        } <= present, code
    wards = [
        (p, s)
        for k, p, s in zip(kinds, _col(units, "parent"), _col(units, "specialty"), strict=True)
        if k == UnitKind.VARDAVDELNING
    ]
    for h in region.hospitals:
        assert {"medicin", "kirurgi", "ortopedi", "geriatrik", "psykiatri"} <= {
            s for p, s in wards if p == h.name
        }
    assert set(_col(units, "principal")) <= {"region", "kommun", "privat"}


def test_every_vardcentral_has_staff_and_doctors_match_listing(full):
    units, staff, persons = full["units"], full["staff"], full["persons"]
    vc = {
        u
        for u, k in zip(_col(units, "unit_id"), _col(units, "kind"), strict=True)
        if k == UnitKind.VARDCENTRAL
    }
    doctors: dict[int, int] = {}
    for unit, prof in zip(_col(staff, "unit_id"), _col(staff, "profession"), strict=True):
        if prof == Profession.LAKARE and unit in vc:
            doctors[unit] = doctors.get(unit, 0) + 1
    listed = np.bincount(persons["listed_unit_id"].to_numpy())
    ratio = [listed[u] / doctors[u] for u in vc]
    assert 1300 < np.median(ratio) < 2200  # brief: ~1 doctor per 1 500–2 000 listed
    assert set(_col(staff, "unit_id")) >= {
        u
        for u, k in zip(_col(units, "unit_id"), _col(units, "kind"), strict=True)
        if k != UnitKind.CIVILSAMHALLE
    }


# --- integrity --------------------------------------------------------------------------------------------


def test_persons_are_listed_in_their_municipality_with_a_doctor_from_that_unit(small):
    t = small[1]
    unit_kind = dict(zip(_col(t["units"], "unit_id"), _col(t["units"], "kind"), strict=True))
    unit_muni = dict(zip(_col(t["units"], "unit_id"), _col(t["units"], "kommun_code"), strict=True))
    staff = {
        s: (u, p)
        for s, u, p in zip(
            _col(t["staff"], "staff_id"),
            _col(t["staff"], "unit_id"),
            _col(t["staff"], "profession"),
            strict=True,
        )
    }
    for row in (
        t["persons"]
        .select(["kommun_code", "listed_unit_id", "fast_lakare_id", "sabo", "sabo_unit_id", "hemsjukvard"])
        .to_pylist()
    ):
        assert unit_kind[row["listed_unit_id"]] == UnitKind.VARDCENTRAL
        assert unit_muni[row["listed_unit_id"]] == row["kommun_code"]
        if row["fast_lakare_id"] is not None:
            assert staff[row["fast_lakare_id"]] == (row["listed_unit_id"], Profession.LAKARE)
        assert (row["sabo_unit_id"] is not None) == row["sabo"]
        if row["sabo"]:
            assert unit_kind[row["sabo_unit_id"]] == UnitKind.SABO and not row["hemsjukvard"]


def test_contacts_are_with_staff_of_the_unit_and_before_death(small):
    t = small[1]
    staff = {
        s: (u, p)
        for s, u, p in zip(
            _col(t["staff"], "staff_id"),
            _col(t["staff"], "unit_id"),
            _col(t["staff"], "profession"),
            strict=True,
        )
    }
    death = dict(zip(_col(t["persons"], "person_id"), _col(t["persons"], "death_date"), strict=True))
    c = t["contacts"]
    for pid, unit, sid, prof, day, form in zip(
        *(_col(c, k) for k in ("person_id", "unit_id", "staff_id", "profession", "date", "form")), strict=True
    ):
        assert staff[sid] == (unit, prof)
        assert START <= day <= END and (death[pid] is None or day < death[pid])
        assert form in ("fysiskt", "telefon", "video", "hembesok")


def test_assessments_are_made_by_licensed_professionals(small):
    a = small[1]["assessments"]
    for first, assessed, prof in zip(
        *(_col(a, k) for k in ("first_contact_date", "assessment_date", "profession")), strict=True
    ):
        assert START <= first <= END
        if assessed is None:
            assert prof is None
        else:
            assert assessed >= first and Profession(prof) in LICENSED


def test_admissions_are_consistent_stays(small):
    t = small[1]
    adm = t["admissions"]
    rows = {r["admission_id"]: r for r in adm.to_pylist()}
    unit_kind = dict(zip(_col(t["units"], "unit_id"), _col(t["units"], "kind"), strict=True))
    death = dict(zip(_col(t["persons"], "person_id"), _col(t["persons"], "death_date"), strict=True))
    for r in rows.values():
        assert unit_kind[r["unit_id"]] == UnitKind.VARDAVDELNING
        assert r["admit_date"] <= r["discharge_date"]
        if r["transferred_to"] is not None:
            nxt = rows[r["transferred_to"]]
            assert nxt["person_id"] == r["person_id"] and nxt["admit_date"] == r["discharge_date"]
            assert nxt["unit_id"] != r["unit_id"] and not r["died"] and not r["discharge_process"]
        if r["died"]:
            assert r["discharge_date"] == death[r["person_id"]]
        elif death[r["person_id"]] is not None:
            assert r["discharge_date"] < death[r["person_id"]]
        if r["ready_for_discharge_date"] is not None:
            assert (
                r["discharge_process"]
                and r["admit_date"] <= r["ready_for_discharge_date"] <= r["discharge_date"]
            )
        if r["fast_vardkontakt_named_date"] is not None:
            assert r["discharge_process"]
    # Continuous stays of one person never overlap.
    s = stays(adm)
    order = np.lexsort((s["admit"], s["person"]))
    same = s["person"][order][1:] == s["person"][order][:-1]
    assert (s["admit"][order][1:][same] > s["disch"][order][:-1][same]).all()


def test_diagnoses_and_procedures_are_well_formed(small):
    adm = small[1]["admissions"]
    icd = re.compile(r"^[A-Z][0-9]{2}(\.[0-9])?$")
    for main, sec, procs in zip(
        _col(adm, "main_dx"), _col(adm, "secondary_dx"), _col(adm, "procedures"), strict=True
    ):
        assert icd.match(main) and all(icd.match(x) for x in sec) and main not in sec
        assert all(re.match(r"^[A-Z]{3}[0-9]{2}$", p) for p in procs)
    chronic = {x for lst in _col(small[1]["persons"], "chronic") for x in lst}
    assert chronic and all(re.match(r"^[A-Z][0-9]{2}$", x) for x in chronic)


def test_interventions_have_the_documented_kinds(small):
    iv = small[1]["interventions"]
    kinds = _col(iv, "kind")
    assert set(kinds) == {"sip", "forebyggande_hembesok", "far", "levnadsvanor", "levnadsvanor_rad"}
    for kind, habits in zip(kinds, _col(iv, "habits"), strict=True):
        assert (habits is not None) == kind.startswith("levnadsvanor")
        if kind == "levnadsvanor_rad":
            assert habits


# --- determinism ------------------------------------------------------------------------------------------


def test_same_parameters_give_identical_tables_however_consumed(small):
    _out, written = small
    chunks = list(generate("orebro", 0.05, 7))
    assert set(chunks[0]) == set(FILE_STEMS) and all("units" not in c for c in chunks[1:])
    again = concat_chunks(chunks)
    for stem in FILE_STEMS:
        assert again[stem].equals(written[stem], check_metadata=False), stem


def test_same_seed_same_bytes_and_another_seed_other_people(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    write_dataset("orebro", 0.01, 3, a)
    write_dataset("orebro", 0.01, 3, b)
    write_dataset("orebro", 0.01, 4, c)
    for stem in FILE_STEMS:
        assert (a / f"{stem}.parquet").read_bytes() == (b / f"{stem}.parquet").read_bytes()
    assert _col(pq.read_table(a / "persons.parquet"), "personnummer") != _col(
        pq.read_table(c / "persons.parquet"), "personnummer"
    )


def test_large_municipalities_are_split_into_blocks_with_unique_identifiers(full):
    plans = plan_blocks(load_region("orebro"), 1.0, 1)
    assert len(plans) > len(load_region("orebro").municipalities)  # Örebro kommun > one block
    pnr = full["persons"]["personnummer"].to_numpy(zero_copy_only=False)
    assert len(np.unique(pnr)) == len(pnr)
    ids = full["contacts"]["contact_id"].to_numpy()
    assert (np.diff(ids) == 1).all()


def test_unknown_region_and_bad_scale_are_rejected():
    with pytest.raises(ValidationFailed):
        next(generate("atlantis", 0.01, 1))
    with pytest.raises(ValueError):
        next(generate("orebro", 0.0, 1))


# --- calibration (DOMAIN §7, §8) --------------------------------------------------------------------------


def test_population_per_municipality_matches_domain_facts(full):
    region = load_region("orebro")
    persons = full["persons"]
    codes = np.asarray(persons["kommun_code"].to_numpy(zero_copy_only=False))
    born = persons["birth_date"].cast(pa.int32()).to_numpy().astype("datetime64[D]")
    age = (YEAR - 1) - (born.astype("datetime64[Y]").astype(int) + 1970)
    assert abs(len(codes) - 308_375) <= 3084
    for m in region.municipalities:
        mine = codes == m.kommun_code
        assert abs(mine.sum() - m.population) <= 0.01 * m.population, m.name
        assert abs(np.mean(age[mine] >= 65) - m.share_65_plus) <= 0.01, m.name


def test_calibration_lands_near_the_national_reference_values(full):
    r = report(full, YEAR)
    bands = {
        "share_female": (0.48, 0.52),
        "share_female_85_plus": (0.58, 0.72),
        "sabo_share": (0.006, 0.010),
        "sabo_share_80_plus_of_residents": (0.7, 0.9),
        "hemsjukvard_share": (0.02, 0.03),
        "death_rate": (0.008, 0.011),
        "K1_named_fast_lakare": (0.55, 0.70),
        "K2_named_fast_lakare_sabo": (0.80, 0.97),
        "T3_contacts_per_person": (3.0, 4.0),
        "T1_assessed_within_3_days": (0.80, 0.86),
        "K3_coc_doctors": (0.33, 0.44),
        "inpatient_episodes_per_100k": (12_000, 14_500),
        "S1_readmission_30d_65_plus": (0.07, 0.13),
        "P1_avoidable_per_100k": (450, 660),
        "P2_fall_injuries_65_plus_per_100k": (2_800, 3_800),
        "S2_ready_days_share_0_2": (0.8, 0.97),
        "S3_sip_within_30d": (0.1, 0.5),
        "S4_fvk_named_before_discharge": (0.75, 0.95),
        "P3_hembesok_cohort_share": (0.2, 0.7),
        "P4_far_per_1000_adults": (2, 15),
        "P5_levnadsvanor_documented_share": (0.1, 0.4),
        "P5_advice_share_unhealthy": (0.3, 0.8),
        "T2_same_day": (0.80, 0.90),  # assumption (calibration.py): DOMAIN §7 gives no reference value
        "T2_requests_per_person": (1.0, 1.6),
    }
    off = {k: (r[k], lo, hi) for k, (lo, hi) in bands.items() if not lo <= r[k] <= hi}
    assert not off
    assert r["in_hospital_deaths"] > 0 and r["same_day_transfers"] > 0 and 0.1 < r["planned_share"] < 0.35


# --- the synthetic nation ---------------------------------------------------------------------------------


def test_sweden_file_is_a_clearly_synthetic_nation_containing_orebro():
    sweden, orebro = load_region("sweden"), load_region("orebro")
    assert sweden.population == 10_587_710 and len(sweden.municipalities) == 290
    assert len({m.lansdel.split(":")[0] for m in sweden.municipalities}) == 21
    codes = [m.kommun_code for m in sweden.municipalities]
    assert len(set(codes)) == 290 and all(re.match(r"^[0-9]{4}$", c) for c in codes)
    for m in orebro.municipalities:
        s = sweden.municipality(m.kommun_code)
        assert (s.name, s.population, s.share_65_plus) == (m.name, m.population, m.share_65_plus)
    invented = [c for c in codes if not c.startswith("18")]
    assert all(30 <= int(c[:2]) <= 49 for c in invented)  # no such SCB county: cannot collide
    share = sum(m.population * m.share_65_plus for m in sweden.municipalities) / sweden.population
    assert 0.19 < share < 0.215
    doc = json.loads(
        (Path(__file__).parents[2] / "src/nara/directory/data/regions/sweden.json").read_text("utf-8")
    )
    assert doc["synthetic"] is True and "SYNTETISKA DATA" in doc["_comment"]


def test_sweden_plan_fits_the_personnummer_space():
    plans = plan_blocks(load_region("sweden"), 1.0, 1)
    assert sum(p.size for p in plans) == 10_587_710
    assert max(p.size for p in plans) <= 50_000
