"""A hand-made data set for the indicator known-answer tests (SYNTETISKA DATA — invented persons).

One *replica* is six persons with hand-written events. Replicas are identical but for their ids, so every share,
mean and per-person rate of a group equals that of one replica, while counts scale with the number of replicas.
Örebro (1880) gets 20 replicas — every count is a multiple of 20 and reaches the suppression threshold —,
Karlskoga (1883) gets one, so each of its cells has fewer than 20 events and must be suppressed.

The persons of a replica (ages on 2024-12-31, the day before the window 2025-01-01 – 2025-12-31):

| i | who  | born       | age | band (ESP) | notes                                                          |
|---|------|------------|-----|------------|----------------------------------------------------------------|
| 1 | Anna | 1940-06-01 | 84  | 80–84      | SäBo, fast läkare = doctor 1                                   |
| 2 | Bo   | 1950-03-01 | 74  | 70–74      | no fast läkare; dies in hospital 2025-06-10                    |
| 3 | Cia  | 1945-05-05 | 79  | 75–79      | fast läkare = doctor 2; turns 80 in 2025 (P3 cohort), visited  |
| 4 | Dan  | 1990-12-15 | 34  | 30–34      | fast läkare = doctor 1                                         |
| 5 | Eva  | 2010-11-02 | 14  | 10–14      | no fast läkare                                                 |
| 6 | Gun  | 1945-11-11 | 79  | 75–79      | no fast läkare; turns 80 in 2025 (P3 cohort), not visited      |

All are listed at vårdcentral unit 1 (doctors: staff 1, 2 and 4; distriktssköterska: staff 3). Age is age at
the event (DOMAIN §7): Dan's and Eva's birthdays come after all their events, so each event's age band is the band
on 2024-12-31; Bo turns 75 and Cia 80 during the year (their events stay 65+ either way).

``write_definition_cases`` writes a second, smaller set for the rules of S1–S4 and P3 one by one.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nara.synth.service import SCHEMAS

D = date.fromisoformat


def _persons(r: int, kommun: str) -> list[dict]:
    base = dict(kommun_code=kommun, listed_unit_id=1, sabo=False, sabo_unit_id=None, hemsjukvard=False, hemtjanst=False,
                death_date=None, chronic=[], urbanity="tatort", vulnerable_area=False, family_name="Syntet")
    rows = [
        dict(i=1, sex="F", birth_date=D("1940-06-01"), fast_lakare_id=1, sabo=True, sabo_unit_id=10, given_name="Anna"),
        dict(i=2, sex="M", birth_date=D("1950-03-01"), fast_lakare_id=None, death_date=D("2025-06-10"),
             given_name="Bo"),
        dict(i=3, sex="F", birth_date=D("1945-05-05"), fast_lakare_id=2, given_name="Cia"),
        dict(i=4, sex="M", birth_date=D("1990-12-15"), fast_lakare_id=1, given_name="Dan"),
        dict(i=5, sex="F", birth_date=D("2010-11-02"), fast_lakare_id=None, given_name="Eva"),
        dict(i=6, sex="F", birth_date=D("1945-11-11"), fast_lakare_id=None, given_name="Gun"),
    ]
    out = []
    for row in rows:
        i = row.pop("i")
        out.append({**base, **row, "person_id": pid(r, i), "personnummer": f"SYN{r:04d}{i:05d}"})
    return out


def pid(r: int, i: int) -> int:
    return r * 10 + i


# Contacts of one replica: (person, staff, profession, date, form)
CONTACTS = [
    # Anna: doctors 1, 1, 2 (split 2/1) and a home visit by the distriktssköterska (staff 3)
    (1, 1, "lakare", "2025-01-10", "fysiskt"),
    (1, 1, "lakare", "2025-02-10", "fysiskt"),
    (1, 2, "lakare", "2025-03-10", "fysiskt"),
    (1, 3, "distriktsskoterska", "2025-04-01", "hembesok"),
    # Dan: doctors 1, 1, 2, 1, 2, 4 (split 3/2/1, DOMAIN §7's check: UPC 0.50, COC 0.267)
    (4, 1, "lakare", "2025-01-05", "fysiskt"),
    (4, 1, "lakare", "2025-02-05", "fysiskt"),
    (4, 2, "lakare", "2025-03-05", "fysiskt"),
    (4, 1, "lakare", "2025-04-05", "fysiskt"),
    (4, 2, "lakare", "2025-05-05", "fysiskt"),
    (4, 4, "lakare", "2025-06-05", "fysiskt"),
    # Eva: only 2 doctor contacts — fewer than 3, so not in the continuity indices
    (5, 1, "lakare", "2025-03-01", "telefon"),
    (5, 1, "lakare", "2025-09-01", "telefon"),
    # Cia: one video contact with the distriktssköterska
    (3, 3, "distriktsskoterska", "2025-05-01", "video"),
]

# Vårdgaranti episodes: (person, first contact, assessment)
ASSESSMENTS = [
    (1, "2025-01-07", "2025-01-10"),  # 3 days: within
    (4, "2025-03-03", "2025-03-07"),  # 4 days: not within
    (5, "2025-05-05", None),  # never assessed: not in the denominator
    (3, "2025-12-30", "2026-01-02"),  # 3 days over the new year: within, counted in 2025
]

# Inpatient rows: (local id, person, admit, discharge, unplanned, main, secondary, procedures, transferred_to (local),
#                  died, ready, process, fvk named); all at ward 20 but row 2 (ward 21). A process states a SIP need;
#                  the discharge time is 10:00 UTC and a fast vårdkontakt is named at 09:00 UTC of its day.
ADMISSIONS = [
    # Bo, stay A: a same-day transfer to another ward (rows 1 → 2), heart failure without procedure (avoidable),
    # with a discharge process: utskrivningsklar 02-07, fast vårdkontakt 02-03, SIP 02-20.
    (1, 2, "2025-02-01", "2025-02-05", True, "I50.9", [], [], 2, False, None, False, None),
    (2, 2, "2025-02-05", "2025-02-10", True, "I50.9", [], [], None, False, "2025-02-07", True, "2025-02-03"),
    # Bo, stay B: a fall (S72.0 + W01) 15 days after A — A's unplanned readmission; then C, an unplanned
    # admission to the same ward on B's discharge day: a same-day readmission — a stay of its own, B's readmission.
    (3, 2, "2025-02-25", "2025-03-01", True, "S72.0", ["W01"], [], None, False, None, False, None),
    (4, 2, "2025-03-01", "2025-03-05", True, "J18.9", [], [], None, False, None, False, None),
    # Bo, stay D: dies in hospital — never an index discharge.
    (5, 2, "2025-06-01", "2025-06-10", True, "C34.9", [], [], None, True, None, False, None),
    # Anna, stay E: planned angina with a procedure (not avoidable); F: unplanned COPD 38 days later (avoidable,
    # not a readmission), discharge process with 0 days as utskrivningsklar, no fast vårdkontakt, no SIP.
    (6, 1, "2025-04-10", "2025-04-12", False, "I20.9", [], ["FNG05"], None, False, None, False, None),
    (7, 1, "2025-05-20", "2025-05-25", True, "J44.1", [], [], None, False, "2025-05-25", True, None),
    # Dan: diabetes complication (avoidable) and acute bronchitis with COPD as secondary diagnosis (avoidable).
    (8, 4, "2025-07-01", "2025-07-03", True, "E11.6", [], [], None, False, None, False, None),
    (9, 4, "2025-08-01", "2025-08-02", True, "J20.9", ["J44.9"], [], None, False, None, False, None),
    # Cia: hypertension with a cardiac procedure (not avoidable); 27 days later angina with an operation
    # (not avoidable) — an unplanned readmission of the first stay.
    (10, 3, "2025-09-01", "2025-09-04", True, "I10", [], ["FPE26"], None, False, None, False, None),
    (11, 3, "2025-10-01", "2025-10-02", True, "I20.0", [], ["NHJ12"], None, False, None, False, None),
]

# Interventions: (person, date, kind, habits)
INTERVENTIONS = [
    (2, "2025-02-20", "sip", None),  # 10 days after stay A's discharge: S3
    (3, "2025-06-01", "forebyggande_hembesok", None),  # Cia visited (P3); Gun is not
    (4, "2025-03-10", "far", None),  # FaR (P4)
    (4, "2025-04-01", "levnadsvanor", ["tobak"]),  # habits documented, one unhealthy (P5)
    (4, "2025-04-05", "levnadsvanor_rad", ["tobak"]),  # advice given (P5-rad)
    (3, "2025-05-01", "levnadsvanor", []),  # habits documented, none unhealthy
]


def at(day: str, hour: int, minute: int = 0) -> datetime:
    """A moment in UTC on ``day``."""
    return datetime.combine(D(day), datetime.min.time(), UTC).replace(hour=hour, minute=minute)


def _table(stem: str, rows: list[dict]) -> pa.Table:
    schema = SCHEMAS[stem].with_metadata({b"nara.synthetic": b"true"})
    return pa.Table.from_pylist(rows, schema=schema)


def write_known_answer_data(directory: Path, replicas: dict[str, int] | None = None) -> Path:
    """Write the Parquet files; ``replicas`` maps kommun code → number of replicas."""
    replicas = replicas or {"1880": 20, "1883": 1}
    persons, contacts, assessments, admissions, interventions = [], [], [], [], []
    r = 0
    for kommun, n in replicas.items():
        for _ in range(n):
            r += 1
            persons += _persons(r, kommun)
            for k, (i, staff, prof, day, form) in enumerate(CONTACTS):
                contacts.append(dict(contact_id=r * 100 + k, person_id=pid(r, i), unit_id=1, staff_id=staff,
                                     profession=prof, date=D(day), form=form))
            for k, (i, first, assessed) in enumerate(ASSESSMENTS):
                assessments.append(dict(episode_id=r * 100 + k, person_id=pid(r, i), unit_id=1,
                                        first_contact_date=D(first),
                                        assessment_date=D(assessed) if assessed else None,
                                        profession="lakare" if assessed else None))
            for (k, i, ad, dd, unpl, main, sec, procs, to, died, ready, proc, fvk) in ADMISSIONS:
                admissions.append(dict(
                    admission_id=r * 100 + k, person_id=pid(r, i), unit_id=21 if k == 2 else 20, admit_date=D(ad),
                    discharge_date=D(dd), discharged_at=at(dd, 10), unplanned=unpl, main_dx=main, secondary_dx=sec,
                    procedures=procs, transferred_to=r * 100 + to if to else None, died=died,
                    ready_for_discharge_date=D(ready) if ready else None, discharge_process=proc, sip_needed=proc,
                    fast_vardkontakt_named_date=D(fvk) if fvk else None,
                    fast_vardkontakt_named_at=at(fvk, 9) if fvk else None,
                ))
            for k, (i, day, kind, habits) in enumerate(INTERVENTIONS):
                interventions.append(dict(intervention_id=r * 100 + k, person_id=pid(r, i), date=D(day), kind=kind,
                                          unit_id=1, habits=habits))
    units = [dict(unit_id=1, hsa_id="SE0000000001-SYNE0000001", name="Vårdcentralen Prov (syntetisk)",
                  kind="vardcentral", kommun_code="1880", principal="region", huvudman="region",
                  provider_name="Region Örebro län", parent=None, specialty=None, places=None,
                  vardcentral_unit_id=None)]
    directory.mkdir(parents=True, exist_ok=True)
    for stem, rows in (("persons", persons), ("contacts", contacts), ("assessments", assessments),
                       ("admissions", admissions), ("interventions", interventions), ("units", units)):
        pq.write_table(_table(stem, rows), directory / f"{stem}.parquet")
    return directory


# --- The rules of S1–S4 and P3, one by one (write_definition_cases) ---------------------------------------------
#
# One replica, 20 replicas in Örebro (1880), window 2025. Persons:
#   1 Alva  born 1940-01-01 (85)          stays with a transfer and a same-day readmission; processes
#   2 Hugo  born 1960-03-10 (64 → 65 on 2025-03-10)  age at the event around a birthday
#   3 Cecilia born 1945-02-02             P3 cohort, visited
#   4 Dora  born 1945-03-03, hemtjänst    already has a municipal intervention: not in the P3 cohort (visited anyway)
#   5 Greta born 1945-04-04               P3 cohort, not visited
CASE_PERSONS = [
    (1, "F", "1940-01-01", False), (2, "M", "1960-03-10", False), (3, "F", "1945-02-02", False),
    (4, "F", "1945-03-03", True), (5, "F", "1945-04-04", False),
]
# (local id, person, unit, admit, discharge, discharged at (UTC hour:minute), ready, process, sip needed,
#  fvk named at (day, hour, minute) or None)
CASE_ADMISSIONS = [
    # Alva, stay 1: ward 20 → a same-day transfer to ward 21 (another unit) → one stay, discharged 03-10 10:00;
    #   utskrivningsklar 03-07 → payment days 03-08, 03-09 = 2; SIP need stated, SIP held 03-06 (before discharge);
    #   fast vårdkontakt named at exactly the discharge time → not "before discharge".
    (1, 1, 20, "2025-03-01", "2025-03-05", (12, 0), None, False, False, None),
    (2, 1, 21, "2025-03-05", "2025-03-10", (10, 0), "2025-03-07", True, True, ("2025-03-10", 10, 0)),
    # Alva, stay 2: admitted again to ward 21 the same day → a same-day readmission (a stay of its own, and stay 1's
    #   readmission). Utskrivningsklar 03-11, discharged 03-12 → 0 days; no SIP need; fast vårdkontakt named
    #   03-12 08:00, before the discharge at 12:00 → counted.
    (3, 1, 21, "2025-03-10", "2025-03-12", (12, 0), "2025-03-11", True, False, ("2025-03-12", 8, 0)),
    # Hugo: stay 3 discharged 02-05 at 64 — no index discharge; stay 4 discharged 03-15 at 65 — an index discharge,
    #   not readmitted. Stay 4: utskrivningsklar 03-09 → days 03-10 … 03-14 = 5; SIP need stated, SIP 05-01
    #   (47 days after discharge) → not in time; no fast vårdkontakt.
    (4, 2, 20, "2025-02-01", "2025-02-05", (10, 0), None, False, False, None),
    (5, 2, 20, "2025-02-20", "2025-03-15", (9, 0), "2025-03-09", True, True, None),
]
CASE_INTERVENTIONS = [
    (1, "2025-03-06", "sip"), (2, "2025-05-01", "sip"),
    (3, "2025-06-01", "forebyggande_hembesok"), (4, "2025-06-01", "forebyggande_hembesok"),
]


def write_definition_cases(directory: Path, replicas: int = 20, contacts: list[dict] | None = None) -> Path:
    """Write the S1–S4 / P3 rule cases (``contacts`` optional, for the continuity window tests)."""
    persons, admissions, interventions = [], [], []
    for r in range(1, replicas + 1):
        for i, sex, born, hemtjanst in CASE_PERSONS:
            persons.append(dict(
                person_id=pid(r, i), personnummer=f"SYN{r:04d}{i:05d}", sex=sex, birth_date=D(born),
                kommun_code="1880", listed_unit_id=1, fast_lakare_id=None, sabo=False, sabo_unit_id=None,
                hemsjukvard=False, hemtjanst=hemtjanst, death_date=None, given_name="Syntet", family_name="Syntet",
                chronic=[], urbanity="tatort", vulnerable_area=False,
            ))
        for k, i, unit, ad, dd, (hh, mm), ready, proc, need, fvk in CASE_ADMISSIONS:
            admissions.append(dict(
                admission_id=r * 100 + k, person_id=pid(r, i), unit_id=unit, admit_date=D(ad), discharge_date=D(dd),
                discharged_at=at(dd, hh, mm), unplanned=True, main_dx="J18.9", secondary_dx=[], procedures=[],
                transferred_to=None, died=False, ready_for_discharge_date=D(ready) if ready else None,
                discharge_process=proc, sip_needed=need,
                fast_vardkontakt_named_date=D(fvk[0]) if fvk else None,
                fast_vardkontakt_named_at=at(*fvk) if fvk else None,
            ))
        for k, (i, day, kind) in enumerate(CASE_INTERVENTIONS):
            interventions.append(dict(intervention_id=r * 100 + k, person_id=pid(r, i), date=D(day), kind=kind,
                                      unit_id=1, habits=None))
    directory.mkdir(parents=True, exist_ok=True)
    for stem, rows in (("persons", persons), ("contacts", contacts or []), ("assessments", []),
                       ("admissions", admissions), ("interventions", interventions)):
        pq.write_table(_table(stem, rows), directory / f"{stem}.parquet")
    return directory
