"""The region dataset's format (docs/data-format.md) as data: files, columns, types, nullability, code lists, keys.

One source for the format: the synthetic generator builds its Parquet schemas from it (nara.synth.generator.SCHEMAS)
and ``nara.indicators.service.inputs`` checks every input file against it before anything is computed. The tables in
docs/data-format.md list the same columns (tests/unit/test_indicators_inputs.py holds the two together).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from nara.directory.model import Profession, ProviderKind, UnitKind

FORMAT_VERSION = "1.2.0"  # 1.2.0: persons.hemtjanst (P3); admissions sip_needed, discharged_at,
#                            fast_vardkontakt_named_at (S3, S4); discharge_processes as a documented input

TIMESTAMP = pa.timestamp("us", tz="UTC")
STRINGS = pa.list_(pa.string())

# Code lists (the values a column may hold).
SEXES = ("F", "M")
URBANITY = ("tatort", "glesbygd")
FORMS = ("fysiskt", "telefon", "video", "hembesok")
HABITS = ("tobak", "alkohol", "fysisk_aktivitet", "matvanor")
INTERVENTION_KINDS = ("sip", "forebyggande_hembesok", "far", "levnadsvanor", "levnadsvanor_rad")
CHANNELS = ("telefon", "digital")
PROFESSIONS = tuple(p.value for p in Profession)
UNIT_KINDS = tuple(k.value for k in UnitKind)
PROVIDER_KINDS = tuple(k.value for k in ProviderKind)
HUVUDMAN = ("region", "kommun")


@dataclass(frozen=True)
class Column:
    """One documented column. ``codes``: the values it may hold (for a list column: its elements); ``key``: an
    identifier unique within the file; ``nullable``: null is allowed (it means "did not happen / not known")."""

    name: str
    type: pa.DataType
    nullable: bool = False
    codes: tuple[str, ...] | None = None
    key: bool = False


@dataclass(frozen=True)
class FileFormat:
    """One Parquet file of the dataset. ``engine``: "required" or "optional" input of the indicator engine, or
    None when the engine does not read it."""

    stem: str
    columns: tuple[Column, ...]
    engine: str | None = "required"

    @property
    def file_name(self) -> str:
        return f"{self.stem}.parquet"

    @property
    def schema(self) -> pa.Schema:
        return pa.schema([(c.name, c.type) for c in self.columns])

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _c(name: str, type_: pa.DataType, **kw: object) -> Column:
    return Column(name, type_, **kw)  # type: ignore[arg-type]


I64, STR, DATE, BOOL = pa.int64(), pa.string(), pa.date32(), pa.bool_()

FILES: tuple[FileFormat, ...] = (
    FileFormat("persons", (
        _c("person_id", I64, key=True),
        _c("personnummer", STR),
        _c("sex", STR, codes=SEXES),
        _c("birth_date", DATE),
        _c("kommun_code", STR),
        _c("listed_unit_id", I64, nullable=True),
        _c("fast_lakare_id", I64, nullable=True),
        _c("sabo", BOOL),
        _c("sabo_unit_id", I64, nullable=True),
        _c("hemsjukvard", BOOL),
        _c("hemtjanst", BOOL),
        _c("death_date", DATE, nullable=True),
        _c("given_name", STR),
        _c("family_name", STR),
        _c("chronic", STRINGS),
        _c("urbanity", STR, nullable=True, codes=URBANITY),
        _c("vulnerable_area", BOOL),
    )),
    FileFormat("units", (
        _c("unit_id", I64, key=True),
        _c("hsa_id", STR),
        _c("name", STR),
        _c("kind", STR, codes=UNIT_KINDS),
        _c("kommun_code", STR),
        _c("principal", STR, codes=PROVIDER_KINDS),
        _c("huvudman", STR, nullable=True, codes=HUVUDMAN),
        _c("provider_name", STR),
        _c("parent", STR, nullable=True),
        _c("specialty", STR, nullable=True),
        _c("places", I64, nullable=True),
        _c("vardcentral_unit_id", I64, nullable=True),
    ), engine="optional"),
    FileFormat("staff", (
        _c("staff_id", I64, key=True),
        _c("hsa_id", STR),
        _c("profession", STR, codes=PROFESSIONS),
        _c("unit_id", I64),
        _c("given_name", STR),
        _c("family_name", STR),
    ), engine=None),
    FileFormat("contacts", (
        _c("contact_id", I64, key=True),
        _c("person_id", I64),
        _c("unit_id", I64),
        _c("staff_id", I64),
        _c("profession", STR, codes=PROFESSIONS),
        _c("date", DATE),
        _c("form", STR, codes=FORMS),
    )),
    FileFormat("assessments", (
        _c("episode_id", I64, key=True),
        _c("person_id", I64),
        _c("unit_id", I64),
        _c("first_contact_date", DATE),
        _c("assessment_date", DATE, nullable=True),
        _c("profession", STR, nullable=True, codes=PROFESSIONS),
    )),
    FileFormat("admissions", (
        _c("admission_id", I64, key=True),
        _c("person_id", I64),
        _c("unit_id", I64),
        _c("admit_date", DATE),
        _c("discharge_date", DATE),
        _c("discharged_at", TIMESTAMP),
        _c("unplanned", BOOL),
        _c("main_dx", STR),
        _c("secondary_dx", STRINGS),
        _c("procedures", STRINGS),
        _c("transferred_to", I64, nullable=True),
        _c("died", BOOL),
        _c("ready_for_discharge_date", DATE, nullable=True),
        _c("discharge_process", BOOL),
        _c("sip_needed", BOOL),
        _c("fast_vardkontakt_named_date", DATE, nullable=True),
        _c("fast_vardkontakt_named_at", TIMESTAMP, nullable=True),
    )),
    FileFormat("interventions", (
        _c("intervention_id", I64, key=True),
        _c("person_id", I64),
        _c("date", DATE),
        _c("kind", STR, codes=INTERVENTION_KINDS),
        _c("unit_id", I64),
        _c("habits", STRINGS, nullable=True, codes=HABITS),
    )),
    FileFormat("contact_requests", (
        _c("request_id", I64, key=True),
        _c("person_id", I64),
        _c("unit_id", I64),
        _c("channel", STR, codes=CHANNELS),
        _c("request_date", DATE),
        _c("answered_date", DATE, nullable=True),
    ), engine="optional"),
    # The platform's own lag (2017:612) processes (docs/discharge-followup.md); only the columns the engine reads
    # are part of the format, any others are allowed.
    FileFormat("discharge_processes", (
        _c("process_id", I64, key=True),
        _c("person_id", I64),
        _c("admit_date", DATE),
        _c("discharge_date", DATE),
        _c("discharged_at", TIMESTAMP),
        _c("ready_for_discharge_date", DATE, nullable=True),
        _c("days_ready", I64, nullable=True),
        _c("sip_needed", BOOL),
        _c("fast_vardkontakt_named_date", DATE, nullable=True),
        _c("fast_vardkontakt_named_at", TIMESTAMP, nullable=True),
    ), engine="optional"),
)

BY_STEM: dict[str, FileFormat] = {f.stem: f for f in FILES}
ENGINE_REQUIRED = tuple(f.stem for f in FILES if f.engine == "required")
ENGINE_OPTIONAL = tuple(f.stem for f in FILES if f.engine == "optional")
