"""Clinical catalogue of the generator: which diagnoses (ICD-10-SE) and procedures it writes, where.

Diagnosis codes are written with a dot after the third character (``I50.9``; ``I10`` and ``J81`` have
none). Procedure codes are *KVÅ-like*: shaped like KVÅ/NOMESCO codes (three letters and two digits, the
first letter the body-system chapter, F = heart) but not a validated code list. The mixes are modelling
assumptions; only their totals are calibrated (calibration.py).

This module does not define indicators: the avoidable-hospitalisation value set of DOMAIN §7 belongs to
the indicator engine. The generator only makes sure that data exists on both sides of each rule (J20
with and without a COPD code, D50.0 outside the set, angina with and without PCI, …).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nara.synth.calibration import CHRONIC_STEMS

SPECIALTIES = (
    "medicin",
    "kirurgi",
    "ortopedi",
    "geriatrik",
    "psykiatri",
    "kardiologi",
    "infektion",
    "barn",
    "kvinnosjukvard",
)
BASIC_SPECIALTIES = SPECIALTIES[:5]  # every hospital; the first hospital of a länsdel has all
SPECIALTY_LABEL = {
    "medicin": "Medicinavdelning",
    "kirurgi": "Kirurgavdelning",
    "ortopedi": "Ortopedavdelning",
    "geriatrik": "Geriatrisk avdelning",
    "psykiatri": "Psykiatrisk avdelning",
    "kardiologi": "Hjärtavdelning",
    "infektion": "Infektionsavdelning",
    "barn": "Barnavdelning",
    "kvinnosjukvard": "Kvinnoklinikens avdelning",
}
SPEC = {s: i for i, s in enumerate(SPECIALTIES)}

# Secondary-diagnosis code written for a person's chronic condition (stem → code).
CHRONIC_CODE = {
    "I10": "I10",
    "E11": "E11.9",
    "E10": "E10.9",
    "J45": "J45.9",
    "J44": "J44.9",
    "I50": "I50.9",
    "I25": "I25.9",
    "I48": "I48.9",
    "F03": "F03.9",
    "F32": "F32.9",
    "N18": "N18.9",
    "D50": "D50.9",
    "M81": "M81.9",
}

FALL_CAUSES = (
    ("W01", 0.35),
    ("W19", 0.25),
    ("W10", 0.12),
    ("W18", 0.10),
    ("W06", 0.08),
    ("W05", 0.05),
    ("W00", 0.05),
)  # external causes W00–W19 (DOMAIN §7 P2)
OTHER_CAUSES = (("V43", 0.25), ("X59", 0.25), ("W22", 0.2), ("V28", 0.1), ("X50", 0.1), ("W54", 0.1))

# (code, specialty, mean length of stay, procedure or None, procedure probability, weight child <15,
#  weight adult 15–64, weight 65+, sex restriction "" / "F" / "M")
Entry = tuple[str, str, float, str | None, float, float, float, float, str]

OTHER_UNPLANNED: tuple[Entry, ...] = (
    ("J18.9", "medicin", 5, None, 0, 2, 3, 8, ""),
    ("N39.0", "medicin", 4, None, 0, 1, 2, 6, ""),
    ("I63.9", "medicin", 8, None, 0, 0, 1, 5, ""),
    ("I21.4", "kardiologi", 4, "FNG05", 0.6, 0, 1.5, 3, ""),
    ("I48.9", "kardiologi", 3, None, 0, 0, 1, 3, ""),
    ("A41.9", "infektion", 7, None, 0, 0.5, 1, 3, ""),
    ("R55", "medicin", 2, None, 0, 0.3, 1, 2, ""),
    ("K92.2", "kirurgi", 4, None, 0, 0, 0.8, 1.5, ""),
    ("E87.1", "medicin", 5, None, 0, 0, 0.3, 1.5, ""),
    ("F05.9", "geriatrik", 8, None, 0, 0, 0, 1.5, ""),
    ("K56.6", "kirurgi", 6, None, 0, 0, 0.8, 1.2, ""),
    ("K80.1", "kirurgi", 4, "JKA21", 0.5, 0, 1.5, 1, ""),
    ("K35.8", "kirurgi", 3, "JEA01", 0.95, 2, 2, 0.3, ""),
    ("R10.4", "kirurgi", 2, None, 0, 2, 3, 1, ""),
    ("R07.4", "kardiologi", 1, None, 0, 0, 2, 1.5, ""),
    ("I26.9", "medicin", 5, None, 0, 0, 0.6, 0.8, ""),
    ("N17.9", "medicin", 6, None, 0, 0, 0.2, 0.8, ""),
    ("G40.9", "medicin", 3, None, 0, 1, 0.8, 0.4, ""),
    ("K85.9", "kirurgi", 6, None, 0, 0, 0.7, 0.5, ""),
    ("J21.9", "barn", 3, None, 0, 3, 0, 0, ""),
    ("A08.4", "barn", 2, None, 0, 2, 0.3, 0.3, ""),
    ("R50.9", "barn", 2, None, 0, 2, 0, 0, ""),
    ("J05.0", "barn", 1, None, 0, 1, 0, 0, ""),
    ("J20.9", "medicin", 4, None, 0, 0.5, 0.3, 1.2, ""),  # without a COPD code: not avoidable (DOMAIN §7)
    ("D50.0", "medicin", 3, None, 0, 0, 0.2, 0.2, ""),  # anaemia after blood loss: outside the value set
)

PLANNED: tuple[Entry, ...] = (
    ("M16.1", "ortopedi", 3, "NFB49", 0.95, 0, 1, 4, ""),
    ("M17.1", "ortopedi", 3, "NGB49", 0.95, 0, 1, 4, ""),
    ("K80.2", "kirurgi", 1, "JKA21", 0.95, 0, 3, 1.5, ""),
    ("K40.9", "kirurgi", 1, "JAB30", 0.9, 0.5, 1.5, 1.5, ""),
    ("C18.7", "kirurgi", 6, "JFB40", 0.9, 0, 0.5, 1.5, ""),
    ("C50.9", "kirurgi", 1, "HAC20", 0.9, 0, 1.5, 1.5, "F"),
    ("C61", "kirurgi", 2, "KEC01", 0.9, 0, 0.5, 1, "M"),
    ("I25.1", "kardiologi", 1, "FNG05", 0.9, 0, 1, 2, ""),
    ("I35.0", "kardiologi", 6, "FMD12", 0.9, 0, 0.1, 0.8, ""),
    ("N81.1", "kvinnosjukvard", 2, "LEF13", 0.9, 0, 1, 1.5, "F"),
    ("M51.1", "ortopedi", 2, "ABC16", 0.9, 0, 1, 0.5, ""),
    ("J35.0", "kirurgi", 1, "EMB10", 0.9, 2, 0.3, 0, ""),
    ("Z51.1", "medicin", 1, None, 0, 0.3, 1, 1, ""),
    ("M23.2", "ortopedi", 1, "NGD11", 0.9, 0.3, 1, 0.2, ""),
)

INJURY: tuple[Entry, ...] = (
    ("S06.0", "kirurgi", 1, None, 0, 3, 2, 2, ""),
    ("S82.8", "ortopedi", 4, "NHJ62", 0.8, 1, 2, 1, ""),
    ("S52.5", "ortopedi", 2, "NCJ62", 0.6, 2, 1, 1, ""),
    ("S42.0", "ortopedi", 2, None, 0, 1, 1, 0.5, ""),
    ("S22.4", "kirurgi", 4, None, 0, 0, 1, 1, ""),
    ("S36.1", "kirurgi", 6, None, 0, 0.3, 0.5, 0.2, ""),
)

FALL: tuple[Entry, ...] = (
    ("S72.0", "ortopedi", 8, "NFJ49", 0.9, 0, 1, 5, ""),
    ("S72.1", "ortopedi", 8, "NFJ59", 0.9, 0, 0.5, 3, ""),
    ("S72.2", "ortopedi", 8, "NFJ69", 0.9, 0, 0.2, 0.7, ""),
    ("S52.5", "ortopedi", 2, "NCJ62", 0.5, 1, 2, 1.5, ""),
    ("S42.2", "ortopedi", 4, "NBJ49", 0.3, 1, 1, 1.2, ""),
    ("S32.5", "ortopedi", 7, None, 0, 0, 0.3, 1.2, ""),
    ("S22.4", "geriatrik", 5, None, 0, 0, 0.5, 0.8, ""),
    ("S06.0", "kirurgi", 2, None, 0, 2, 1, 1.5, ""),
    ("S06.5", "kirurgi", 7, None, 0, 0, 0.2, 0.4, ""),
    ("S00.0", "geriatrik", 3, None, 0, 0, 0, 0.4, ""),
    ("S82.6", "ortopedi", 4, "NHJ62", 0.6, 0.5, 1, 0.5, ""),
)

PSYCHIATRY: tuple[Entry, ...] = (
    ("F32.2", "psykiatri", 16, None, 0, 1, 2, 4, ""),
    ("F33.2", "psykiatri", 16, None, 0, 0, 1.5, 1.5, ""),
    ("F20.0", "psykiatri", 25, None, 0, 0, 1.5, 0.5, ""),
    ("F31.1", "psykiatri", 18, None, 0, 0, 1, 0.5, ""),
    ("F10.2", "psykiatri", 6, None, 0, 0, 1.5, 0.8, ""),
    ("F43.2", "psykiatri", 8, None, 0, 1, 1.5, 0.3, ""),
    ("F60.3", "psykiatri", 10, None, 0, 0.5, 1, 0, ""),
)

BIRTH: tuple[Entry, ...] = (
    ("O80.0", "kvinnosjukvard", 2, None, 0, 0, 8, 0, "F"),
    ("O82.1", "kvinnosjukvard", 3, "MCA10", 1.0, 0, 2, 0, "F"),
)

TERMINAL: tuple[Entry, ...] = (
    ("C34.9", "medicin", 8, None, 0, 0, 2, 2, ""),
    ("C18.9", "medicin", 8, None, 0, 0, 1, 1, ""),
    ("C80.9", "medicin", 8, None, 0, 0.5, 1, 1, ""),
    ("J18.9", "medicin", 5, None, 0, 0.5, 0.5, 3, ""),
    ("A41.9", "infektion", 5, None, 0, 0.5, 0.5, 2, ""),
    ("I63.9", "medicin", 5, None, 0, 0, 0.5, 2, ""),
    ("I21.9", "kardiologi", 3, None, 0, 0, 0.5, 1.5, ""),
    ("I50.9", "medicin", 5, None, 0, 0, 0.2, 1.5, ""),
    ("N17.9", "medicin", 5, None, 0, 0, 0.2, 0.5, ""),
    ("R54", "geriatrik", 5, None, 0, 0, 0, 1, ""),
)

# Avoidable admissions by chronic condition: (code, weight); specialty, mean length of stay, procedure
# (the DOMAIN §7 exclusions: angina with an operation, heart failure/hypertension with a cardiac procedure).
AVOIDABLE: dict[str, tuple[tuple[tuple[str, float], ...], str, float, str | None, float]] = {
    "I50": (
        (("I50.0", 0.30), ("I50.1", 0.15), ("I50.9", 0.40), ("I11.0", 0.10), ("J81", 0.05)),
        "medicin",
        6,
        "FPE10",
        0.04,
    ),
    "J44": ((("J44.1", 0.55), ("J44.0", 0.20), ("J44.9", 0.08), ("J20.9", 0.17)), "medicin", 5, None, 0),
    "I25": (
        (("I20.0", 0.45), ("I20.9", 0.35), ("I24.9", 0.10), ("I24.8", 0.10)),
        "kardiologi",
        3,
        "FNG05",
        0.15,
    ),
    "E11": (
        (("E11.6", 0.35), ("E11.5", 0.25), ("E11.0", 0.10), ("E11.1", 0.10), ("E11.7", 0.20)),
        "medicin",
        5,
        None,
        0,
    ),
    "E10": ((("E10.1", 0.6), ("E10.6", 0.2), ("E10.0", 0.2)), "medicin", 3, None, 0),
    "I10": ((("I10", 0.75), ("I11.9", 0.25)), "medicin", 2, "FPE10", 0.02),
    "J45": ((("J45.0", 0.35), ("J45.9", 0.45), ("J46", 0.20)), "medicin", 2, None, 0),
    "D50": ((("D50.9", 0.7), ("D50.8", 0.12), ("D50.1", 0.06), ("D50.0", 0.12)), "medicin", 3, None, 0),
}


class Catalogue:
    """All codes as integer indices, so that the generator works on numpy arrays and builds strings once."""

    def __init__(self) -> None:
        dx: list[str] = []
        proc: list[str] = []

        def dx_index(code: str) -> int:
            if code not in dx:
                dx.append(code)
            return dx.index(code)

        def proc_index(code: str | None) -> int:
            if code is None:
                return -1
            if code not in proc:
                proc.append(code)
            return proc.index(code)

        self.tables: dict[str, DxTable] = {}
        for name, entries in (
            ("other", OTHER_UNPLANNED),
            ("planned", PLANNED),
            ("injury", INJURY),
            ("fall", FALL),
            ("psychiatry", PSYCHIATRY),
            ("birth", BIRTH),
            ("terminal", TERMINAL),
        ):
            self.tables[name] = DxTable.build(entries, dx_index, proc_index)
        self.avoidable: dict[str, DxTable] = {}
        for stem, (codes, spec, los, pcode, pp) in AVOIDABLE.items():
            entries = tuple((c, spec, los, pcode, pp, w, w, w, "") for c, w in codes)
            self.avoidable[stem] = DxTable.build(entries, dx_index, proc_index)
        self.chronic_dx = np.array([dx_index(CHRONIC_CODE[s]) for s in CHRONIC_STEMS])
        self.fall_cause = np.array([dx_index(c) for c, _ in FALL_CAUSES])
        self.fall_cause_p = np.array([p for _, p in FALL_CAUSES])
        self.other_cause = np.array([dx_index(c) for c, _ in OTHER_CAUSES])
        self.other_cause_p = np.array([p for _, p in OTHER_CAUSES])
        # Unplanned readmission after a planned operation: infection after a procedure.
        self.post_op_dx = dx_index("T81.4")
        self.dx_codes = tuple(dx)
        self.proc_codes = tuple(proc)
        # Bit of the chronic condition a main diagnosis already names (not repeated as secondary).
        stem_bit = {s: 1 << i for i, s in enumerate(CHRONIC_STEMS)}
        self.dx_clear_bit = np.array([stem_bit.get(c[:3], 0) for c in dx], dtype=np.int64)


@dataclass(frozen=True)
class DxTable:
    dx: np.ndarray  # code index per entry
    spec: np.ndarray
    los_mean: np.ndarray
    proc: np.ndarray  # -1 for none
    proc_p: np.ndarray
    cdf: np.ndarray  # [group, entry] cumulative probabilities; group = ageband * 2 + (0 F, 1 M)

    @staticmethod
    def build(entries: tuple[Entry, ...], dx_index, proc_index) -> DxTable:  # type: ignore[no-untyped-def]
        w = np.zeros((6, len(entries)))
        for e, (_c, _s, _l, _p, _pp, wc, wa, wo, sex) in enumerate(entries):
            for band, val in enumerate((wc, wa, wo)):
                if sex != "M":
                    w[band * 2, e] = val
                if sex != "F":
                    w[band * 2 + 1, e] = val
        sums = w.sum(axis=1, keepdims=True)
        # A group without any allowed entry (e.g. births for men) falls back to uniform; callers never
        # draw for such groups, but the table must stay well-formed.
        w = np.where(sums > 0, w / np.where(sums > 0, sums, 1), 1.0 / len(entries))
        return DxTable(
            dx=np.array([dx_index(e[0]) for e in entries]),
            spec=np.array([SPEC[e[1]] for e in entries]),
            los_mean=np.array([float(e[2]) for e in entries]),
            proc=np.array([proc_index(e[3]) for e in entries]),
            proc_p=np.array([float(e[4]) for e in entries]),
            cdf=np.cumsum(w, axis=1),
        )

    def draw(self, rng: np.random.Generator, age: np.ndarray, male: np.ndarray) -> np.ndarray:
        """Entry index per row, from the row's age band (<15, 15–64, 65+) and sex."""
        band = np.where(age < 15, 0, np.where(age < 65, 1, 2))
        group = band * 2 + male.astype(np.int64)
        u = rng.random(len(age))
        cdf = self.cdf[group]
        return np.minimum((u[:, None] > cdf).sum(axis=1), self.cdf.shape[1] - 1)


CATALOGUE = Catalogue()
