"""The follow-up feed: the platform's own discharge processes for indicators S2–S4 (DOMAIN §7), in the Parquet
format of the synthetic region (docs/data-format.md), so the indicator engine (nara.indicators) reads them like
the synthetic files. ``nara discharge export-followup --from 2026-11-01 --to 2026-11-30 --out DIR``.

What is exported: every process whose stay *ended* in [from, to] (Swedish calendar days, both inclusive) by
discharge or by the patient's death; cancelled processes and transfers to other inpatient care are not discharges
and are left out. The directory holds (documented in full in docs/discharge-followup.md):

- ``admissions.parquet`` — one row per process in the synthetic admissions columns: ``admission_id`` = the
  process id, the ward as ``unit_id``, ``admit_date``, ``discharge_date`` (the date of death for ``died``),
  ``discharged_at`` (the exact time of discharge or death), ``ready_for_discharge_date`` (the latest utskrivningsklar
  notice before discharge), ``discharge_process`` (true; false for deaths, as in the synthetic data),
  ``sip_needed`` (both region and municipality interventions needed, or the need as assessed) and
  ``fast_vardkontakt_named_date``/``_at`` (the first appointment, also when after discharge). The platform does
  not record diagnoses, procedures or whether the admission was planned: ``main_dx`` is "", the lists are empty
  and ``unplanned`` false — S1, P1 and P2 cannot be computed from this feed.
- ``discharge_processes.parquet`` — the engine's optional input for S2–S4 (nara.indicators):
  the discharged processes (not deaths) with ``process_id``, ``person_id``, ``discharge_date``,
  ``ready_for_discharge_date``, ``fast_vardkontakt_named_date`` — the same values as the admissions rows — and what
  only the platform knows: the home municipality, the agreement, and the times of the inskrivningsmeddelande, the
  utskrivningsklar notice, the fast vårdkontakt, the kallelse, the information transfer and the patient informed.
  ``days_ready`` (S2, DOMAIN §7) is counted by the same function as the payment days,
  :func:`nara.discharge.model.payment.process_days_as_ready`: every period as utskrivningsklar from its notice's exact
  time to its end, under the counting of the process's agreement (law: day 0 = the notice's day, not counted; a
  day counts when the patient is still in hospital at 24:00, so the day of discharge does not).
- ``interventions.parquet`` — one ``sip`` row per SIP plan of those persons with a meeting time (the SIP's date and
  the unit that owns the plan), so S3 ("a SIP within 30 days after discharge") counts SIPs made outside the
  discharge process too.
- ``persons.parquet`` — the persons of those processes only, pseudonymised: the platform's person id, sex, birth
  date, folkbokföringskommun, listing, SäBo and date of death; no personnummer and no names ("" in those columns).
  Rates per population (S2 per 1 000 inhabitants 65+) need the whole population and are not meaningful here.
- ``units.parquet`` — the units named in the files; ``contacts.parquet`` and ``assessments.parquet`` empty, so the
  directory opens as a dataset; ``manifest.json`` and Parquet metadata ``nara.source=platform``, and
  ``nara.synthetic=true`` only when every person exported is marked synthetic.

The engine computes S2–S4 from ``discharge_processes.parquet`` when it is there and from the admissions rows
otherwise; both give the same numbers (tests/integration/test_discharge_followup.py). The export reads the
database as the platform (an operator's command, like ``nara audit verify``): no person is identified in it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy.orm import Session

from nara.core.clock import STOCKHOLM, local_date
from nara.core.db import Database
from nara.directory import service as directory
from nara.discharge import store
from nara.discharge.model import InterruptionReason, ProcessPhase, default_library, process_days_as_ready, replay
from nara.plans.service import sip_meetings
from nara.synth.service import SCHEMAS

FILES = ("persons", "units", "contacts", "assessments", "admissions", "interventions", "discharge_processes")
_TS = pa.timestamp("us", tz="UTC")
DISCHARGE_PROCESSES = pa.schema([
    ("process_id", pa.int64()),
    ("person_id", pa.int64()),
    ("unit_id", pa.int64()),
    ("kommun_code", pa.string()),
    ("admit_date", pa.date32()),
    ("discharge_date", pa.date32()),
    ("ready_for_discharge_date", pa.date32()),
    ("discharge_process", pa.bool_()),
    ("fast_vardkontakt_named_date", pa.date32()),
    ("days_ready", pa.int64()),
    ("sip_date", pa.date32()),
    ("agreement_key", pa.string()),
    ("admitted_at", _TS),
    ("admission_notice_at", _TS),
    ("ready_notice_at", _TS),
    ("care_contact_appointed_at", _TS),
    ("fast_vardkontakt_named_at", _TS),
    ("sip_needed", pa.bool_()),
    ("sip_invitation_at", _TS),
    ("information_transferred_at", _TS),
    ("discharged_at", _TS),
    ("patient_informed_at", _TS),
])
_HUVUDMAN = {"vardcentral": "region", "vardavdelning": "region", "akutmottagning": "region", "hemsjukvard": "kommun",
             "hemtjanst": "kommun", "sabo": "kommun", "socialtjanst": "kommun", "elevhalsa": "kommun"}


def _day(at: datetime | None) -> date | None:
    return None if at is None else local_date(at)


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    return (datetime.combine(start, time(0), STOCKHOLM).astimezone(UTC),
            datetime.combine(end + timedelta(days=1), time(0), STOCKHOLM).astimezone(UTC))


def _sip_meetings(session: Session, person_ids: set[int]) -> list[tuple[int, int, int, date | None]]:
    """(plan id, person id, owner unit id, meeting date) of the persons' SIP plans with a meeting time."""
    return [(plan, person, unit, _day(start)) for plan, person, unit, start in sip_meetings(session, person_ids)
            if start is not None]


def followup_tables(session: Session, start: date, end: date) -> dict[str, pa.Table]:
    """The feed's tables for processes that ended in [start, end] (module docstring)."""
    lower, upper = _bounds(start, end)
    rows = [r for r in store.processes_ended_between(session, lower, upper)
            if r.phase in (ProcessPhase.DISCHARGED.value, ProcessPhase.COMPLETED.value, ProcessPhase.INTERRUPTED.value)]
    histories = store.events_of(session, [r.id for r in rows])
    admissions: list[dict[str, Any]] = []
    processes: list[dict[str, Any]] = []
    for row in rows:
        state = replay(store.decode_event(e.kind, e.at, e.data) for e in histories[row.id])
        died = state.interruption is InterruptionReason.DIED
        if state.interrupted_at is not None and not died:
            continue  # transferred: the stay goes on elsewhere, not a discharge
        ended = state.discharged_at or state.interrupted_at
        ready = None
        if not died and state.ready_periods and state.current_ready_notice_at is not None:
            ready = state.current_ready_notice_at
        ready_day = _day(ready)
        base = {
            "person_id": row.person_id, "unit_id": row.ward_unit_id, "admit_date": _day(state.admitted_at),
            "discharge_date": _day(ended), "discharged_at": ended, "ready_for_discharge_date": ready_day,
            "discharge_process": not died, "sip_needed": state.sip_needed,
            "fast_vardkontakt_named_date": _day(state.care_contact_appointed_at),
            "fast_vardkontakt_named_at": state.care_contact_appointed_at,
        }
        admissions.append({"admission_id": row.id, **base, "unplanned": False, "main_dx": "", "secondary_dx": [],
                           "procedures": [], "transferred_to": None, "died": died})
        if died:
            continue
        processes.append({
            "process_id": row.id, **base, "kommun_code": row.home_municipality,
            "days_ready": len(process_days_as_ready(state, default_library().get(row.agreement_key).payment, ended))
                          if state.ready_periods and ended else None,
            "sip_date": _day(state.sip_at), "agreement_key": row.agreement_key, "admitted_at": state.admitted_at,
            "admission_notice_at": state.admission_notice_at, "ready_notice_at": ready,
            "care_contact_appointed_at": state.care_contact_appointed_at,
            "sip_invitation_at": state.sip_invitation_at,
            "information_transferred_at": state.information_transferred_at, "discharged_at": state.discharged_at,
            "patient_informed_at": state.patient_informed_at,
        })
    person_ids = {r.person_id for r in rows}
    sips = _sip_meetings(session, person_ids)
    interventions = [{"intervention_id": i, "person_id": person, "date": day, "kind": "sip", "unit_id": unit,
                      "habits": None} for i, (_plan, person, unit, day) in enumerate(sips, start=1)]
    persons, synthetic = _persons(session, person_ids, end)
    unit_ids = ({a["unit_id"] for a in admissions} | {i["unit_id"] for i in interventions}
                | {p["listed_unit_id"] for p in persons if p["listed_unit_id"]}
                | {p["sabo_unit_id"] for p in persons if p["sabo_unit_id"]})
    meta = {b"nara.source": b"platform", b"nara.synthetic": b"true" if synthetic else b"false",
            b"nara.from": start.isoformat().encode(), b"nara.to": end.isoformat().encode()}

    def table(schema: pa.Schema, data: list[dict[str, Any]]) -> pa.Table:
        return pa.Table.from_pylist(data, schema=schema).replace_schema_metadata(meta)

    return {
        "persons": table(SCHEMAS["persons"], persons),
        "units": table(SCHEMAS["units"], _units(session, unit_ids)),
        "contacts": table(SCHEMAS["contacts"], []),
        "assessments": table(SCHEMAS["assessments"], []),
        "admissions": table(SCHEMAS["admissions"], admissions),
        "interventions": table(SCHEMAS["interventions"], interventions),
        "discharge_processes": table(DISCHARGE_PROCESSES, processes),
    }


def _persons(session: Session, person_ids: set[int], on: date) -> tuple[list[dict[str, Any]], bool]:
    if not person_ids:
        return [], True
    out = []
    synthetic = True
    found = directory.persons(session, person_ids)
    for p in (found[i] for i in sorted(found)):
        synthetic = synthetic and p.synthetic
        listing, home = directory.current_listing(session, p.id, on), directory.current_sabo(session, p.id, on)
        out.append({
            "person_id": p.id, "personnummer": "", "sex": p.sex, "birth_date": p.birth_date,
            "kommun_code": p.kommun_code, "listed_unit_id": listing.unit_id if listing else None,
            "fast_lakare_id": listing.fast_lakare_id if listing else None, "sabo": home is not None,
            "sabo_unit_id": home.unit_id if home else None, "hemsjukvard": False, "hemtjanst": False,
            "death_date": p.death_date,
            "given_name": "", "family_name": "", "chronic": [], "urbanity": None, "vulnerable_area": False,
        })
    return out, synthetic


def _units(session: Session, unit_ids: set[int]) -> list[dict[str, Any]]:
    if not unit_ids:
        return []
    units = directory.units(session, unit_ids)
    providers = directory.providers(session, {u.provider_id for u in units.values()})
    rows = [(units[i], providers[units[i].provider_id]) for i in sorted(units) if units[i].provider_id in providers]
    return [{"unit_id": u.id, "hsa_id": u.hsa_id, "name": u.name, "kind": u.kind, "kommun_code": u.kommun_code,
             "principal": provider.kind, "huvudman": _HUVUDMAN.get(u.kind), "provider_name": provider.name,
             "parent": u.parent_name, "specialty": None, "places": None, "vardcentral_unit_id": None}
            for u, provider in rows]


def write_followup(db: Database, start: date, end: date, out: Path,
                   on_progress: Callable[[int, int], None] | None = None) -> dict[str, int]:
    """Write the feed for processes that ended in [start, end] to ``out``; returns rows per file."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with db.transaction() as session:
        tables = followup_tables(session, start, end)
    counts: dict[str, int] = {}
    for i, stem in enumerate(FILES, start=1):
        pq.write_table(tables[stem], out / f"{stem}.parquet", compression="zstd")
        counts[f"{stem}.parquet"] = tables[stem].num_rows
        if on_progress:
            on_progress(i, len(FILES))
    synthetic = tables["persons"].schema.metadata.get(b"nara.synthetic") == b"true"
    manifest = {"source": "nara-platform", "kind": "discharge-followup", "from": start.isoformat(),
                "to": end.isoformat(), "synthetic": synthetic, "rows": counts,
                "note": "S2–S4 (DOMAIN §7) from the platform's discharge processes; docs/discharge-followup.md"}
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return counts
