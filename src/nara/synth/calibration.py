"""Calibration constants of the synthetic region generator — one place, each with its source.

Targets are the national reference values in DOMAIN.md §7 and the population facts in §8. Where DOMAIN
gives no figure, the constant is a *modelling assumption* chosen to look Swedish-plausible; it is marked
"assumption" and is not a fact about Sweden. Rates are per person-year unless noted. The achieved values
at Örebro scale 1.0 seed 1 are listed in docs/data-format.md and checked in tests/unit/test_synth*.py.

Ages are whole years at the population date (31 Dec the year before the event year); arrays indexed by
age have MAX_AGE + 1 entries.
"""

from __future__ import annotations

import numpy as np

MAX_AGE = 105
AGES = np.arange(MAX_AGE + 1)


def by_age(anchor_ages: tuple[float, ...], values: tuple[float, ...], *, log: bool = False) -> np.ndarray:
    """A per-age array by linear (or log-linear) interpolation between anchor ages."""
    if log:
        return np.exp(np.interp(AGES, anchor_ages, np.log(values)))
    return np.interp(AGES, anchor_ages, values)


# --- Population (DOMAIN §8) --------------------------------------------------------------------------
# Shape of the Swedish age pyramid, thousands per 5-year group 0–4 … 95–99, 100+ (rounded from SCB's
# population by age 2023; (verify) — only the shape is used: each municipality's 65+ share is imposed
# exactly from its region data file, DOMAIN §8).
AGE_GROUPS_5Y = (
    560,
    620,
    640,
    610,
    600,
    690,
    720,
    690,
    650,
    640,
    680,
    650,
    590,
    560,
    540,
    500,
    330,
    180,
    80,
    22,
    2,
)


def age_weights() -> np.ndarray:
    w = np.repeat(np.asarray(AGE_GROUPS_5Y[:20], dtype=float) / 5.0, 5)
    tail = AGE_GROUPS_5Y[20] * np.array([0.4, 0.25, 0.15, 0.1, 0.06, 0.04])  # 100..105
    return np.concatenate([w, tail])


# Share of women by age: ~49 % under 65, rising to ~80 % among centenarians (SCB shape, (verify)).
FEMALE_SHARE = by_age(
    (0, 64, 65, 70, 75, 80, 85, 90, 95, 100, 105),
    (0.487, 0.492, 0.505, 0.515, 0.53, 0.555, 0.60, 0.67, 0.75, 0.82, 0.85),
)

# --- Deaths ------------------------------------------------------------------------------------------
# Annual death probability (both sexes), Gompertz-like shape of Swedish life tables; target ≈ 0.9 % of
# the population per year overall (brief; SCB ~94 000 deaths / 10.5 M). Assumption on shape, (verify).
DEATH_Q = by_age(
    (0, 1, 15, 30, 45, 55, 65, 75, 80, 85, 90, 95, 100, 105),
    (0.0022, 0.0002, 0.0002, 0.0005, 0.0012, 0.003, 0.0085, 0.022, 0.040, 0.075, 0.14, 0.25, 0.38, 0.50),
    log=True,
)
DEATH_MALE_FACTOR = 1.2
DEATH_FEMALE_FACTOR = 0.83
DEATH_LEVEL = 0.9  # tuned: Örebro (older than Sweden) ≈ 0.95 %, Sweden ≈ 0.9 %
DEATH_SABO_FACTOR = 2.6  # SäBo residents: median remaining life ~2 years (assumption)
DEATH_Q_MAX = 0.6
# Place of death: share dying during an inpatient stay (in-hospital deaths, DOMAIN §7 S1 excludes them).
DIES_IN_HOSPITAL = 0.30
DIES_IN_HOSPITAL_SABO = 0.08

# --- Municipal care (brief: SäBo ≈ 0.8 % of population, mostly 80+; hemsjukvård ≈ 2–3 %) -------------
SABO_P = by_age(
    (0, 40, 64, 65, 75, 80, 85, 90, 95, 105),
    (0.0, 0.0003, 0.001, 0.003, 0.008, 0.035, 0.085, 0.17, 0.30, 0.40),
)
SABO_PLACES_PER_UNIT = 45  # assumption: a typical SäBo has 30–60 places
SABO_PRIVATE_SHARE = 0.2  # assumption: ~1 in 5 SäBo run by a private provider under municipal contract
# Hemsjukvård in ordinary housing (SäBo residents get municipal health care in the SäBo instead).
HEMSJUKVARD_P = by_age(
    (0, 18, 50, 65, 75, 80, 85, 90, 105), (0.0025, 0.0035, 0.007, 0.024, 0.06, 0.11, 0.19, 0.30, 0.36)
)

# Hemtjänst (home help granted by socialtjänst) in ordinary housing: about 1 in 5 aged 80+ (assumption, the
# order of Socialstyrelsen's statistics on older persons); most hemsjukvård patients have it too.
HEMTJANST_P = by_age((0, 65, 75, 80, 85, 90, 105), (0.001, 0.02, 0.05, 0.10, 0.20, 0.33, 0.45))
HEMTJANST_WITH_HEMSJUKVARD = 0.7


# --- Equity strata (DOMAIN §7: sparsely populated and socio-economically vulnerable areas) -----------
# Share living outside tätort: falls with municipality size (assumption; SCB: ~13 % nationally).
def glesbygd_share(population: int) -> float:
    return float(np.clip(0.35 - 0.08 * np.log(max(population, 1) / 5000.0), 0.04, 0.40))


# Share of the tätort population living in a socio-economically vulnerable area (assumption).
def vulnerable_share(population: int) -> float:
    if population >= 100_000:
        return 0.10
    if population >= 20_000:
        return 0.05
    return 0.0


VULNERABLE_AGE_FACTOR_65 = 0.5  # vulnerable areas are younger (assumption)

# --- Chronic conditions (ICD-10 stems) ---------------------------------------------------------------
# Prevalence by age (assumption, order of magnitude of Swedish register studies). Anchor ages and values.
CHRONIC: dict[str, tuple[tuple[float, ...], tuple[float, ...]]] = {
    "I10": ((0, 18, 45, 65, 75, 105), (0.0, 0.02, 0.12, 0.33, 0.45, 0.45)),
    "E11": ((0, 18, 45, 65, 75, 105), (0.0, 0.01, 0.05, 0.11, 0.14, 0.12)),
    "E10": ((0, 5, 105), (0.001, 0.005, 0.005)),
    "J45": ((0, 5, 18, 65, 105), (0.04, 0.08, 0.06, 0.05, 0.04)),
    "J44": ((0, 40, 55, 65, 75, 105), (0.0, 0.002, 0.02, 0.05, 0.08, 0.08)),
    "I50": ((0, 45, 65, 75, 85, 105), (0.0, 0.003, 0.02, 0.06, 0.14, 0.18)),
    "I25": ((0, 45, 65, 75, 105), (0.0, 0.01, 0.06, 0.12, 0.14)),
    "I48": ((0, 45, 65, 75, 85, 105), (0.0, 0.01, 0.05, 0.11, 0.16, 0.16)),
    "F03": ((0, 65, 75, 85, 95, 105), (0.0, 0.005, 0.03, 0.14, 0.3, 0.3)),
    "F32": ((0, 15, 25, 65, 105), (0.0, 0.03, 0.06, 0.05, 0.05)),
    "N18": ((0, 50, 65, 75, 85, 105), (0.0, 0.005, 0.02, 0.05, 0.09, 0.09)),
    "D50": ((0, 15, 50, 65, 80, 105), (0.002, 0.008, 0.008, 0.01, 0.02, 0.02)),
    "M81": ((0, 50, 65, 75, 85, 105), (0.0, 0.01, 0.05, 0.10, 0.18, 0.2)),
}
CHRONIC_STEMS: tuple[str, ...] = tuple(CHRONIC)
CHRONIC_VULNERABLE_FACTOR = {"E11": 1.6, "J44": 1.3, "F32": 1.3}  # assumption
CHRONIC_SABO_FACTOR = {"F03": 4.0, "I50": 1.5}  # dementia is the main cause of moving to SäBo
CHRONIC_M81_FEMALE_FACTOR = 1.6  # osteoporosis: women much more often

# --- Listing and fast läkarkontakt (DOMAIN §6, §7 K1/K2: targets ≥ 55 % and ≥ 80 %) -----------------
DOCTOR_LISTED_PER = 1750  # brief: ~1 doctor per 1 500–2 000 listed
FAST_LAKARE_P = by_age((0, 17, 18, 64, 65, 79, 80, 105), (0.55, 0.55, 0.53, 0.58, 0.70, 0.75, 0.82, 0.85))
FAST_LAKARE_P_SABO = 0.90
FAST_LAKARE_VULNERABLE_DELTA = -0.12
VC_PRIVATE_LISTING_WEIGHT = 0.6  # private units are smaller (assumption)

# --- Primary care contacts (DOMAIN §7 T3; brief: ~3–4 per person-year) ------------------------------
VC_CONTACTS = by_age(
    (0, 4, 5, 17, 18, 44, 45, 64, 65, 74, 75, 84, 85, 105),
    (3.3, 3.3, 1.5, 1.5, 2.0, 2.0, 2.75, 2.75, 4.0, 4.0, 5.3, 5.3, 6.4, 6.4),
)
VC_CONTACTS_PER_CHRONIC = 0.22  # multiplicative increase per chronic condition (assumption)
VC_CONTACTS_WOMEN_15_64 = 1.2
VC_CONTACTS_GLESBYGD = 0.9
VC_CONTACTS_SABO = 6.0
MUNICIPAL_CONTACTS_HEMSJUKVARD = 8.0  # municipal nurse/rehab visits per year (assumption)
MUNICIPAL_CONTACTS_SABO = 6.0
VC_CONTACT_AT_LISTED = 0.93  # the rest at another vårdcentral in the municipality (assumption)
# Profession mix at a vårdcentral (assumption; doctors ~40 % of primary care visits, SKR statistics).
VC_PROFESSION_MIX = {
    "lakare": 0.42,
    "distriktsskoterska": 0.25,
    "sjukskoterska": 0.10,
    "underskoterska": 0.05,
    "fysioterapeut": 0.10,
    "arbetsterapeut": 0.02,
    "kurator": 0.04,
    "dietist": 0.02,
}
# Contact form by profession group: fysiskt, telefon, video, hembesok (assumption).
FORMS = ("fysiskt", "telefon", "video", "hembesok")
FORM_MIX_DOCTOR = (0.70, 0.18, 0.08, 0.04)
FORM_MIX_NURSE = (0.55, 0.38, 0.05, 0.02)
FORM_MIX_OTHER = (0.80, 0.12, 0.08, 0.0)
FORM_MIX_HOMEBOUND = (0.15, 0.30, 0.0, 0.55)  # SäBo residents, hemsjukvård patients
WEEKEND_KEEP = 0.1  # share of contacts drawn on a weekend that stay there (on-call, phone)

# Continuity (DOMAIN §7 K3: reference COC for doctors 0.37–0.40). A doctor contact at the listed unit is
# with the person's usual doctor (the named fast läkare, or an implicit usual doctor) with these
# probabilities, otherwise with any doctor at the unit. Tuned so that K3 ≈ 0.38 at Örebro scale 1.
COC_P_NAMED = 0.50
COC_P_UNNAMED = 0.28
COC_UNIT_SD = 0.07  # between-unit variation of the two probabilities
OTHER_STAFF_P_USUAL = 0.55  # same for other professions (K4)

# --- Vårdgaranti episodes (DOMAIN §7 T1: reference 82–84 % assessed within 3 days) -----------------
EPISODES_PER_CONTACT = 0.14
ASSESSED_WITHIN_3_MEAN = 0.845
ASSESSED_WITHIN_3_UNIT_SD = 0.04
ASSESSED_WITHIN_3_GLESBYGD_DELTA = -0.03
DAYS_0_3_SPLIT = (0.60, 0.20, 0.12, 0.08)  # of the episodes assessed within 3 days: day 0, 1, 2, 3
LATE_DAYS_MEAN = 8.0  # days beyond 3, exponential (assumption)
NOT_ASSESSED = 0.04  # episodes closed without a medical assessment (excluded from T1's denominator)
ASSESSMENT_PROFESSIONS = {
    "lakare": 0.55,
    "distriktsskoterska": 0.28,
    "sjukskoterska": 0.07,
    "fysioterapeut": 0.08,
    "kurator": 0.02,
}

# --- Incoming contact requests to the vårdcentral (DOMAIN §7 T2: same-day contact) ------------------
# DOMAIN gives no reference value for T2 or for the volume of requests: every constant in this section is an
# ASSUMPTION of the synthetic calibration, chosen to look Swedish-plausible, not a fact about Sweden.
# Phone calls (telefon, incl. callback queues) and digital messages (digital, 1177 inkorg/chat) to the listed
# vårdcentral, per person-year by age band, before the person's own contact factors (chronic conditions, women
# 15–64, glesbygd, SäBo: the same relative intensity as their primary-care contacts, events.vc_contact_rate).
CONTACT_REQUESTS = by_age(
    (0, 4, 5, 17, 18, 44, 45, 64, 65, 74, 75, 84, 85, 105),
    (1.6, 1.6, 0.7, 0.7, 0.9, 0.9, 1.1, 1.1, 1.4, 1.4, 1.8, 1.8, 2.0, 2.0),
)
CONTACT_REQUEST_CHANNELS = ("telefon", "digital")
# Share of requests made digitally, by age (parents of young children and younger adults write more).
CONTACT_REQUEST_DIGITAL_SHARE = by_age(
    (0, 17, 18, 44, 45, 64, 65, 79, 80, 105), (0.40, 0.40, 0.45, 0.45, 0.30, 0.30, 0.15, 0.15, 0.06, 0.06)
)
# Relative volume by weekday, Monday … Sunday: phone lines are closed at weekends and Monday is the busiest day;
# digital messages also arrive at weekends. July (summer) has fewer requests.
CONTACT_REQUEST_WEEKDAY = {
    "telefon": (1.4, 1.0, 1.0, 1.0, 0.9, 0.0, 0.0),
    "digital": (1.3, 1.0, 1.0, 1.0, 0.95, 0.35, 0.35),
}
CONTACT_REQUEST_JULY = 0.75
# Answered the same day (T2): the vårdcentral's share on an ordinary weekday outside July, drawn per unit
# (normal, clipped), then lowered on Mondays, in July and for digital messages. Digital messages that arrive at
# a weekend are mostly answered on Monday. Tuned once so T2 ≈ 85 % at Örebro scale 1.0 (target band 80–90 %).
SAME_DAY_MEAN = 0.925
SAME_DAY_UNIT_SD = 0.035
SAME_DAY_UNIT_RANGE = (0.75, 0.98)
SAME_DAY_MONDAY_DELTA = -0.08
SAME_DAY_JULY_DELTA = -0.10
SAME_DAY_DIGITAL_DELTA = -0.02
SAME_DAY_WEEKEND_DIGITAL = 0.15
REQUEST_NEVER_ANSWERED = 0.015  # callback failed / message closed unanswered (plus deaths before the answer)
ANSWER_LAG_MEAN = 1.0  # days beyond the first when not answered the same day, exponential; on a weekday

# --- Inpatient care (DOMAIN §7: ~13 200 episodes per 100 000 per year) -----------------------------
# Base rates per category (assumption on age shape); overall level tuned to the DOMAIN reference.
PLANNED = by_age(
    (0, 14, 15, 44, 45, 64, 65, 74, 75, 84, 85, 105),
    (0.008, 0.008, 0.013, 0.013, 0.032, 0.032, 0.065, 0.065, 0.065, 0.065, 0.035, 0.03),
)
OTHER_UNPLANNED = by_age(
    (0, 1, 2, 14, 15, 44, 45, 64, 65, 74, 75, 84, 85, 105),
    (0.075, 0.075, 0.028, 0.028, 0.0235, 0.0235, 0.042, 0.042, 0.085, 0.085, 0.15, 0.15, 0.245, 0.245),
)
INJURY_NON_FALL = by_age(
    (0, 14, 15, 24, 25, 64, 65, 105), (0.004, 0.004, 0.007, 0.007, 0.004, 0.004, 0.004, 0.005)
)
PSYCHIATRY = by_age((0, 12, 13, 17, 18, 64, 65, 105), (0.0, 0.0, 0.006, 0.006, 0.008, 0.008, 0.004, 0.004))
BIRTHS_PER_WOMAN = by_age(
    (0, 17, 18, 24, 25, 29, 30, 34, 35, 39, 40, 44, 45, 105),
    (0.0, 0.0, 0.02, 0.02, 0.09, 0.09, 0.12, 0.12, 0.06, 0.06, 0.015, 0.015, 0, 0),
)
SABO_ADMISSION_FACTOR = 0.8  # fewer planned/other admissions from SäBo (assumption)
VULNERABLE_ADMISSION_FACTOR = 1.15

# Avoidable hospitalisation, chronic (DOMAIN §7 P1: reference 556 per 100 000). Unplanned admissions per
# person-year with the condition; shares of the total follow the usual order (heart failure, COPD largest).
AVOIDABLE_RATE = {
    "I50": 0.112,
    "J44": 0.054,
    "I25": 0.0095,
    "E11": 0.006,
    "E10": 0.024,
    "I10": 0.003,
    "J45": 0.0047,
    "D50": 0.029,
}
AVOIDABLE_VULNERABLE_FACTOR = 1.4
AVOIDABLE_GLESBYGD_FACTOR = 1.15

# Fall injuries 65+ (DOMAIN §7 P2: reference ~3 300 inpatient episodes per 100 000 aged 65+).
FALL_INJURY = by_age(
    (0, 64, 65, 70, 75, 80, 85, 90, 105), (0.0, 0.0, 0.0072, 0.0107, 0.0179, 0.0322, 0.0537, 0.0805, 0.099)
)
FALL_FACTORS = {"M81": 1.5, "F03": 1.7, "sabo": 1.3, "female": 1.15}
FALL_UNDER_65 = 0.0015  # falls also injure younger people; they are outside P2

# Readmission (DOMAIN §7 S1: reference ≈ 10 % of 65+ index discharges). Extra unplanned readmission
# probability on top of the chance recurrence of the base rates; tuned so S1 ≈ 10 %.
READMISSION_P_65 = 0.086
READMISSION_P_UNDER_65 = 0.025
READMISSION_GAP_MEAN = 9.0  # days, exponential, cut to 1–30 (readmissions cluster early)
READMISSION_SAME_CONDITION = 0.5

TRANSFER_P = 0.045  # same-day transfer to another ward or hospital (assumption)
TRANSFER_P_FALL = 0.15  # orthopaedics → geriatrics after a hip fracture

# Lag (2017:612) discharge processes (DOMAIN §4, §7 S2–S4). Probability that a discharge needs
# municipal or outpatient interventions, by age; plus factors (assumption).
DISCHARGE_PROCESS_P = by_age(
    (0, 64, 65, 74, 75, 84, 85, 105), (0.02, 0.03, 0.10, 0.12, 0.25, 0.28, 0.42, 0.45)
)
DISCHARGE_PROCESS_HOMECARE = 0.80  # SäBo residents, hemsjukvård patients
DISCHARGE_PROCESS_FALL_FACTOR = 1.6
DISCHARGE_PROCESS_PLANNED_FACTOR = 0.3
READY_NOTICE_P = 0.97  # processes with an utskrivningsklar notice
READY_DAYS_MEAN = 1.3  # days from utskrivningsklar to discharge, exponential (most 0–2, DOMAIN §7 S2)
READY_MUNICIPALITY_SD = 0.35  # log-sd of the municipality factor on READY_DAYS_MEAN
READY_LONG_P = 0.03  # waiting for a SäBo place etc.: 5–25 extra days
FVK_BEFORE_DISCHARGE = 0.88  # fast vårdkontakt named on or before discharge (DOMAIN §4, §7 S4)
FVK_AFTER_DISCHARGE = 0.06  # named late; the rest not named
SIP_NEEDS_BOTH = 0.45  # processes where both region and municipality interventions are needed (DOMAIN §3)
SIP_WITHIN_30 = 0.55  # of those: SIP held within 30 days (DOMAIN §7 S3)
SIP_LATE = 0.15  # held 31–60 days after discharge
SIP_BEFORE_DISCHARGE = 0.3  # of the SIPs held in time: held before discharge, during the process (assumption)
DISCHARGE_MINUTES = (9 * 60, 16 * 60)  # local time of leaving a ward, uniform (assumption)
FVK_MINUTES = (8 * 60, 17 * 60)  # local time the fast vårdkontakt is named, uniform (assumption)
SIP_BACKGROUND_HOMECARE = 0.04  # SIPs per year not linked to a discharge, homecare patients

# --- Proactive work (DOMAIN §7 P3–P5) ---------------------------------------------------------------
HEMBESOK_AGE = 80  # cohort turning 80 during the year, no ongoing municipal care
HEMBESOK_P_RANGE = (0.25, 0.65)  # municipality's coverage, uniform (assumption)
FAR_RATE_ADULT = 0.004  # FaR per listed adult per year before factors (target: some per 1 000)
FAR_FACTORS = {"45_74": 1.8, "metabolic": 1.6}
LEVNADSVANOR_P = 0.16  # adults with habits documented in a year; ×1.8 with a chronic condition
LEVNADSVANOR_CHRONIC_FACTOR = 1.8
HABITS = ("tobak", "alkohol", "fysisk_aktivitet", "matvanor")
HABIT_P = (0.11, 0.10, 0.35, 0.30)  # share with the unhealthy habit (assumption, FHM survey order)
HABIT_VULNERABLE_FACTOR = (1.8, 0.8, 1.2, 1.2)
ADVICE_P = 0.55  # of those with ≥ 1 unhealthy habit: advice given (P5)
