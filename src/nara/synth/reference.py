"""Reference data of a synthetic region: units (vårdenheter, verksamheter) and staff, and the lookup arrays
the person generator needs (who works where, which hospital serves which municipality).

Built once per (region, scale, seed) from the region's data file (DOMAIN §8) with its own random stream,
so it is the same whichever chunk of persons is generated first.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from nara.directory.model import MunicipalityFacts, Profession, ProviderKind, RegionFacts, UnitKind
from nara.synth import calibration as cal
from nara.synth.clinical import BASIC_SPECIALTIES, SPEC, SPECIALTIES, SPECIALTY_LABEL
from nara.synth.names import draw_names

PROFESSIONS: tuple[str, ...] = tuple(p.value for p in Profession)
PROF = {p: i for i, p in enumerate(PROFESSIONS)}
UNIT_KINDS: tuple[str, ...] = tuple(k.value for k in UnitKind)

_SABO_PREFIX = (
    "Syren",
    "Lind",
    "Björk",
    "Rosen",
    "Ljung",
    "Sol",
    "Ek",
    "Asp",
    "Hassel",
    "Rönn",
    "Lönn",
    "Fläder",
    "Klöver",
    "Lärk",
    "Gran",
    "Vall",
    "Sjö",
    "Äng",
    "Häggs",
    "Kastanje",
)
_SABO_SUFFIX = ("gården", "hemmet", "lunden", "backen", "hagen", "gläntan", "boendet", "dalen")


def region_of(lansdel: str, default: str) -> str:
    """The region part of a länsdel label ('<region>: <part>' in the nation file), else ``default``."""
    return lansdel.split(":", 1)[0] if ":" in lansdel else default


@dataclass
class MunicipalityRef:
    index: int
    facts: MunicipalityFacts
    population: int  # scaled
    vc_units: np.ndarray  # unit ids of the vårdcentraler in the municipality
    vc_listing_p: np.ndarray  # probability of being listed at each
    hemsjukvard_unit: int
    hemtjanst_unit: int
    socialtjanst_unit: int
    elevhalsa_unit: int
    sabo_units: np.ndarray
    sabo_vc: np.ndarray  # vårdcentral unit serving each SäBo (läkarmedverkan)
    ward: np.ndarray  # [specialty] → ward unit id for this municipality's residents
    glesbygd_share: float
    vulnerable_share: float
    hembesok_p: float
    ready_factor: float


@dataclass
class Reference:
    units: pa.Table
    staff: pa.Table
    municipalities: list[MunicipalityRef]
    staff_start: np.ndarray  # [unit_id, profession] → first row in staff (staff_id = row + 1)
    staff_count: np.ndarray  # [unit_id, profession] → number of staff
    unit_hospital: np.ndarray  # [unit_id] → hospital index for wards, -1 otherwise
    unit_spec: np.ndarray  # [unit_id] → specialty index for wards, -1 otherwise
    ward_at: np.ndarray  # [hospital, specialty] → ward unit id, -1 where the hospital has none
    main_ward: np.ndarray  # [hospital, specialty] → ward at the region's main hospital (transfers)
    vc_q3: np.ndarray  # [unit_id] → share of assessments within 3 days (T1)
    vc_p_named: np.ndarray  # [unit_id] → continuity with the fast läkare (K3)
    vc_p_unnamed: np.ndarray
    hospital_is_main: np.ndarray


def expected_age_share(share_65: float) -> np.ndarray:
    """Expected share of the municipality's population at each age (the generator imposes the 65+ share)."""
    w = cal.age_weights()
    young, old = w[:65] / w[:65].sum(), w[65:] / w[65:].sum()
    return np.concatenate([young * (1 - share_65), old * share_65])


def _n(x: float, minimum: int) -> int:
    return max(minimum, round(x))


class _Builder:
    def __init__(self, region: RegionFacts, scale: float, rng: np.random.Generator) -> None:
        self.region = region
        self.scale = scale
        self.rng = rng
        self.cols: dict[str, list] = {
            k: []
            for k in (
                "unit_id",
                "hsa_id",
                "name",
                "kind",
                "kommun_code",
                "principal",
                "huvudman",
                "provider_name",
                "parent",
                "specialty",
                "places",
                "vardcentral_unit_id",
            )
        }
        self.staff_units: list[np.ndarray] = []
        self.staff_profs: list[np.ndarray] = []
        self.providers: dict[str, int] = {}

    def unit(
        self,
        name: str,
        kind: UnitKind,
        kommun: str,
        principal: ProviderKind,
        huvudman: str | None,
        provider: str,
        staffing: dict[str, int],
        *,
        parent: str | None = None,
        specialty: str | None = None,
        places: int | None = None,
        vardcentral: int | None = None,
    ) -> int:
        uid = len(self.cols["unit_id"]) + 1
        org = self.providers.setdefault(provider, len(self.providers) + 1)
        # HSA-id: 'SE' + a 10-digit organisation number + local part (DOMAIN §9). Organisation numbers
        # starting with 00000 are never issued, and the local part starts with SYN: visibly synthetic.
        values = (
            uid,
            f"SE{org:010d}-SYNE{uid:07d}",
            name,
            kind.value,
            kommun,
            principal.value,
            huvudman,
            provider,
            parent,
            specialty,
            places,
            vardcentral,
        )
        for key, value in zip(self.cols, values, strict=True):
            self.cols[key].append(value)
        for prof, count in staffing.items():
            self.staff_units.append(np.full(count, uid, dtype=np.int64))
            self.staff_profs.append(np.full(count, PROF[prof], dtype=np.int64))
        return uid

    def municipal_unit(self, name: str, kind: UnitKind, m: MunicipalityFacts, staffing: dict[str, int]) -> int:
        """A unit the municipality runs itself, huvudman and provider: "``name``, ``m.name`` kommun"."""
        kommun = f"{m.name} kommun"
        return self.unit(f"{name}, {kommun}", kind, m.kommun_code, ProviderKind.KOMMUN, "kommun", kommun, staffing)


def build_reference(region: RegionFacts, scale: float, rng: np.random.Generator) -> Reference:
    b = _Builder(region, scale, rng)
    munis = region.municipalities
    pops = [round(m.population * scale) for m in munis]

    # Hospitals: which hospital serves each municipality, and which hospitals have every specialty.
    hospitals = region.hospitals
    lansdel_of = {m.kommun_code: m.lansdel for m in munis}
    h_lansdel = [lansdel_of.get(h.kommun_code, "") for h in hospitals]
    h_region = [region_of(ld, region.name) for ld in h_lansdel]
    is_main = np.array([h_region.index(r) == i for i, r in enumerate(h_region)])

    def home_hospital(m: MunicipalityFacts) -> int:
        for i, h in enumerate(hospitals):
            if h.kommun_code == m.kommun_code:
                return i
        for i in range(len(hospitals)):
            if h_lansdel[i] == m.lansdel:
                return i
        r = region_of(m.lansdel, region.name)
        return h_region.index(r) if r in h_region else 0

    home = [home_hospital(m) for m in munis]
    main_of = [h_region.index(h_region[i]) for i in range(len(hospitals))]
    specs_of = [SPECIALTIES if is_main[i] else BASIC_SPECIALTIES for i in range(len(hospitals))]

    def ward_hospital(h: int, spec: str) -> int:
        for cand in (h, main_of[h], 0):
            if spec in specs_of[cand]:
                return cand
        return 0

    # Catchment (scaled population) per hospital ward, to size staff.
    catch = np.zeros((len(hospitals), len(SPECIALTIES)))
    for m_i, h in enumerate(home):
        for s_i, spec in enumerate(SPECIALTIES):
            catch[ward_hospital(h, spec), s_i] += pops[m_i]
    ward_size = {
        "medicin": 1.5,
        "kirurgi": 1.0,
        "ortopedi": 0.8,
        "geriatrik": 0.8,
        "psykiatri": 0.8,
        "kardiologi": 0.6,
        "infektion": 0.4,
        "barn": 0.4,
        "kvinnosjukvard": 0.5,
    }

    ward_unit = np.full((len(hospitals), len(SPECIALTIES)), -1, dtype=np.int64)
    unit_hospital: dict[int, int] = {}
    for h_i, h in enumerate(hospitals):
        provider = h_region[h_i]
        total = catch[h_i].max()
        b.unit(
            f"Akutmottagningen, {h.name}",
            UnitKind.AKUTMOTTAGNING,
            h.kommun_code,
            ProviderKind.REGION,
            "region",
            provider,
            {
                "lakare": _n(total / 8000, 2),
                "sjukskoterska": _n(total / 3000, 4),
                "underskoterska": _n(total / 4000, 3),
            },
            parent=h.name,
            specialty="akut",
        )
        for spec in specs_of[h_i]:
            c = catch[h_i, SPEC[spec]] * ward_size[spec]
            staffing = {
                "lakare": _n(c / 25000, 1),
                "sjukskoterska": _n(c / 5000, 2),
                "underskoterska": _n(c / 5000, 2),
                "fysioterapeut": _n(c / 40000, 1),
                "arbetsterapeut": _n(c / 40000, 1),
                "kurator": _n(c / 60000, 1),
            }
            if spec in ("medicin", "geriatrik"):
                staffing["dietist"] = _n(c / 80000, 1)
            uid = b.unit(
                f"{SPECIALTY_LABEL[spec]}, {h.short_name}",
                UnitKind.VARDAVDELNING,
                h.kommun_code,
                ProviderKind.REGION,
                "region",
                provider,
                staffing,
                parent=h.name,
                specialty=spec,
            )
            ward_unit[h_i, SPEC[spec]] = uid
            unit_hospital[uid] = h_i

    refs: list[MunicipalityRef] = []
    vc_param: dict[int, tuple[float, float, float]] = {}
    for m_i, m in enumerate(munis):
        n = pops[m_i]
        age_share = expected_age_share(m.share_65_plus)
        n65 = n * m.share_65_plus
        kommun = f"{m.name} kommun"
        region_provider = region_of(m.lansdel, region.name)

        weights = np.array([cal.VC_PRIVATE_LISTING_WEIGHT if v.private else 1.0 for v in m.vardcentraler])
        weights = weights * rng.uniform(0.7, 1.3, size=len(weights))
        listing_p = weights / weights.sum()
        vc_ids = []
        for v, p in zip(m.vardcentraler, listing_p, strict=True):
            listed = n * p
            staffing = {
                "lakare": _n(listed / cal.DOCTOR_LISTED_PER, 1),
                "distriktsskoterska": _n(listed / 2500, 1),
                "sjukskoterska": _n(listed / 5000, 1),
                "underskoterska": _n(listed / 4000, 1),
                "fysioterapeut": _n(listed / 6000, 1),
                "arbetsterapeut": _n(listed / 15000, 1),
                "kurator": _n(listed / 10000, 1),
                "dietist": _n(listed / 25000, 1),
            }
            provider = f"{v.name.removesuffix(' (privat)')} AB" if v.private else region_provider
            uid = b.unit(
                v.name,
                UnitKind.VARDCENTRAL,
                m.kommun_code,
                ProviderKind.PRIVAT if v.private else ProviderKind.REGION,
                "region",
                provider,
                staffing,
            )
            vc_ids.append(uid)
            vc_param[uid] = (
                float(
                    np.clip(rng.normal(cal.ASSESSED_WITHIN_3_MEAN, cal.ASSESSED_WITHIN_3_UNIT_SD), 0.6, 0.97)
                ),
                float(np.clip(rng.normal(cal.COC_P_NAMED, cal.COC_UNIT_SD), 0.2, 0.9)),
                float(np.clip(rng.normal(cal.COC_P_UNNAMED, cal.COC_UNIT_SD), 0.1, 0.8)),
            )

        hsv_patients = n * float(age_share @ cal.HEMSJUKVARD_P)
        hsv = b.municipal_unit(
            "Hemsjukvården",
            UnitKind.HEMSJUKVARD,
            m,
            {
                "sjukskoterska": _n(hsv_patients / 35, 1),
                "underskoterska": _n(hsv_patients / 20, 1),
                "arbetsterapeut": _n(hsv_patients / 150, 1),
                "fysioterapeut": _n(hsv_patients / 150, 1),
            },
        )
        htj = b.municipal_unit("Hemtjänsten", UnitKind.HEMTJANST, m, {"underskoterska": _n(n65 * 0.012, 1)})
        residents = n * float(age_share @ cal.SABO_P)
        n_sabo = max(1, math.ceil(residents / cal.SABO_PLACES_PER_UNIT))
        places = max(1, round(residents / n_sabo))
        sabo_ids, sabo_vc = [], []
        used: set[str] = set()
        for s in range(n_sabo):
            while True:
                sname = (
                    _SABO_PREFIX[rng.integers(len(_SABO_PREFIX))]
                    + _SABO_SUFFIX[rng.integers(len(_SABO_SUFFIX))]
                )
                if sname not in used or len(used) >= len(_SABO_PREFIX) * len(_SABO_SUFFIX):
                    break
            used.add(sname)
            private = rng.random() < cal.SABO_PRIVATE_SHARE
            provider = f"Omsorgsföretaget {sname} AB (syntetiskt)" if private else kommun
            vc = vc_ids[s % len(vc_ids)]
            sabo_ids.append(
                b.unit(
                    f"{sname} särskilt boende, {m.name}",
                    UnitKind.SABO,
                    m.kommun_code,
                    ProviderKind.PRIVAT if private else ProviderKind.KOMMUN,
                    "kommun",
                    provider,
                    {
                        "underskoterska": _n(places * 0.9, 2),
                        "sjukskoterska": _n(places / 15, 1),
                        "arbetsterapeut": _n(places / 60, 1),
                        "fysioterapeut": _n(places / 60, 1),
                    },
                    places=places,
                    vardcentral=vc,
                )
            )
            sabo_vc.append(vc)
        soc = b.municipal_unit(
            "Biståndshandläggningen, socialtjänsten",
            UnitKind.SOCIALTJANST,
            m,
            {"bistandshandlaggare": _n(n / 3000, 1), "socialsekreterare": _n(n / 1500, 1)},
        )
        pupils = n * float(age_share[6:19].sum())
        elev = b.municipal_unit(
            "Elevhälsan",
            UnitKind.ELEVHALSA,
            m,
            {
                "sjukskoterska": _n(pupils / 450, 1),
                "kurator": _n(pupils / 400, 1),
                "lakare": _n(pupils / 10000, 1),
            },
        )
        civil = [f"Träffpunkt {m.name} (ideell förening)"]
        if m.population >= 15_000:
            civil.append(f"Anhörigföreningen i {m.name}")
        for c in civil:
            # Civil society is no huvudman; 'privat' is its provider kind (non-public).
            b.unit(c, UnitKind.CIVILSAMHALLE, m.kommun_code, ProviderKind.PRIVAT, None, c, {})

        h = home[m_i]
        wards = np.array([ward_unit[ward_hospital(h, s), SPEC[s]] for s in SPECIALTIES], dtype=np.int64)
        refs.append(
            MunicipalityRef(
                index=m_i,
                facts=m,
                population=n,
                vc_units=np.array(vc_ids, dtype=np.int64),
                vc_listing_p=listing_p,
                hemsjukvard_unit=hsv,
                hemtjanst_unit=htj,
                socialtjanst_unit=soc,
                elevhalsa_unit=elev,
                sabo_units=np.array(sabo_ids, dtype=np.int64),
                sabo_vc=np.array(sabo_vc, dtype=np.int64),
                ward=wards,
                glesbygd_share=cal.glesbygd_share(m.population),
                vulnerable_share=cal.vulnerable_share(m.population),
                hembesok_p=float(rng.uniform(*cal.HEMBESOK_P_RANGE)),
                ready_factor=float(np.exp(rng.normal(0.0, cal.READY_MUNICIPALITY_SD))),
            )
        )

    n_units = len(b.cols["unit_id"])
    units = pa.table(
        {
            "unit_id": pa.array(b.cols["unit_id"], pa.int64()),
            "hsa_id": pa.array(b.cols["hsa_id"], pa.string()),
            "name": pa.array(b.cols["name"], pa.string()),
            "kind": pa.array(b.cols["kind"], pa.string()),
            "kommun_code": pa.array(b.cols["kommun_code"], pa.string()),
            "principal": pa.array(b.cols["principal"], pa.string()),
            "huvudman": pa.array(b.cols["huvudman"], pa.string()),
            "provider_name": pa.array(b.cols["provider_name"], pa.string()),
            "parent": pa.array(b.cols["parent"], pa.string()),
            "specialty": pa.array(b.cols["specialty"], pa.string()),
            "places": pa.array(b.cols["places"], pa.int64()),
            "vardcentral_unit_id": pa.array(b.cols["vardcentral_unit_id"], pa.int64()),
        }
    )

    s_unit = np.concatenate(b.staff_units)
    s_prof = np.concatenate(b.staff_profs)
    order = np.lexsort((s_prof, s_unit))  # staff of one unit and profession are contiguous
    s_unit, s_prof = s_unit[order], s_prof[order]
    n_staff = len(s_unit)
    staff_ids = np.arange(1, n_staff + 1, dtype=np.int64)
    birth_year = rng.integers(1960, 1999, size=n_staff)
    given, family = draw_names(rng, birth_year, rng.random(n_staff) < 0.7)
    provider_no = np.array([b.providers[p] for p in b.cols["provider_name"]], dtype=np.int64)[s_unit - 1]
    hsa = [f"SE{o:010d}-SYNP{i:07d}" for o, i in zip(provider_no.tolist(), staff_ids.tolist(), strict=True)]
    staff = pa.table(
        {
            "staff_id": pa.array(staff_ids),
            "hsa_id": pa.array(hsa, pa.string()),
            "profession": pa.array(PROFESSIONS, pa.string()).take(pa.array(s_prof)),
            "unit_id": pa.array(s_unit),
            "given_name": given,
            "family_name": family,
        }
    )

    flat = s_unit * len(PROFESSIONS) + s_prof
    counts = np.bincount(flat, minlength=(n_units + 1) * len(PROFESSIONS)).reshape(n_units + 1, -1)
    starts = np.zeros(counts.size, dtype=np.int64)
    starts[1:] = np.cumsum(counts.ravel())[:-1]

    u_h = np.full(n_units + 1, -1, dtype=np.int64)
    u_s = np.full(n_units + 1, -1, dtype=np.int64)
    for h_i in range(len(hospitals)):
        for s_i in range(len(SPECIALTIES)):
            uid = ward_unit[h_i, s_i]
            if uid > 0:
                u_h[uid], u_s[uid] = h_i, s_i
    main_ward = np.array(
        [
            [ward_unit[ward_hospital(main_of[h_i], s), SPEC[s]] for s in SPECIALTIES]
            for h_i in range(len(hospitals))
        ],
        dtype=np.int64,
    )
    q3 = np.zeros(n_units + 1)
    pn = np.zeros(n_units + 1)
    pu = np.zeros(n_units + 1)
    for uid, (a, c, d) in vc_param.items():
        q3[uid], pn[uid], pu[uid] = a, c, d
    return Reference(
        units=units,
        staff=staff,
        municipalities=refs,
        staff_start=starts.reshape(counts.shape),
        staff_count=counts,
        unit_hospital=u_h,
        unit_spec=u_s,
        ward_at=ward_unit,
        main_ward=main_ward,
        vc_q3=q3,
        vc_p_named=pn,
        vc_p_unnamed=pu,
        hospital_is_main=is_main,
    )
