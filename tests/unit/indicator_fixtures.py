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
| 4 | Dan  | 1990-01-15 | 34  | 30–34      | fast läkare = doctor 1                                         |
| 5 | Eva  | 2010-02-02 | 14  | 10–14      | no fast läkare                                                 |
| 6 | Gun  | 1945-11-11 | 79  | 75–79      | no fast läkare; turns 80 in 2025 (P3 cohort), not visited      |

All are listed at vårdcentral unit 1 (doctors: staff 1, 2 and 4; distriktssköterska: staff 3).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from nara.synth.generator import SCHEMAS

D = date.fromisoformat


def _persons(r: int, kommun: str) -> list[dict]:
    base = dict(kommun_code=kommun, listed_unit_id=1, sabo=False, sabo_unit_id=None, hemsjukvard=False,
                death_date=None, chronic=[], urbanity="tatort", vulnerable_area=False, family_name="Syntet")
    rows = [
        dict(i=1, sex="F", birth_date=D("1940-06-01"), fast_lakare_id=1, sabo=True, sabo_unit_id=10, given_name="Anna"),
        dict(i=2, sex="M", birth_date=D("1950-03-01"), fast_lakare_id=None, death_date=D("2025-06-10"),
             given_name="Bo"),
        dict(i=3, sex="F", birth_date=D("1945-05-05"), fast_lakare_id=2, given_name="Cia"),
        dict(i=4, sex="M", birth_date=D("1990-01-15"), fast_lakare_id=1, given_name="Dan"),
        dict(i=5, sex="F", birth_date=D("2010-02-02"), fast_lakare_id=None, given_name="Eva"),
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
#                  died, ready, process, fvk named)
ADMISSIONS = [
    # Bo, stay A: a same-day transfer (rows 1 → 2), heart failure without procedure (avoidable), with a
    # discharge process: utskrivningsklar 02-07, fast vårdkontakt 02-03, SIP 02-20.
    (1, 2, "2025-02-01", "2025-02-05", True, "I50.9", [], [], 2, False, None, False, None),
    (2, 2, "2025-02-05", "2025-02-10", True, "I50.9", [], [], None, False, "2025-02-07", True, "2025-02-03"),
    # Bo, stay B: a fall (S72.0 + W01) 15 days after A — A's unplanned readmission; then C, an unplanned
    # admission on B's discharge day without a transfer link: a same-day readmission, merged into B.
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
                    admission_id=r * 100 + k, person_id=pid(r, i), unit_id=20, admit_date=D(ad), discharge_date=D(dd),
                    unplanned=unpl, main_dx=main, secondary_dx=sec, procedures=procs,
                    transferred_to=r * 100 + to if to else None, died=died,
                    ready_for_discharge_date=D(ready) if ready else None, discharge_process=proc,
                    fast_vardkontakt_named_date=D(fvk) if fvk else None,
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
