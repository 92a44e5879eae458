"""Betalningsansvar (DOMAIN §4) for a synthetic month, computed by hand below and compared with the report.

SYNTETISKA DATA: the processes, patient references ("SYNT-…") and unit ids are invented. Municipality codes are
Örebro län's (DOMAIN §8) for the per-patient month and invented (99xx) for the example average-model month.

Calendar: October 2026 ends Fri 30, Sat 31; November 2026: Sun 1, Mon 2, … Fri 6, Sat 7, Sun 8, Mon 9, … Fri 13,
Mon 16, Fri 20, Mon 23, Tue 24, Wed 25, Thu 26, Fri 27, Sat 28, Sun 29, Mon 30; December: Tue 1, Wed 2, Thu 3.
"""

import random
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from nara.core.clock import STOCKHOLM, Period
from nara.discharge.model import (
    AdmissionNoticeSent,
    Admitted,
    AgreementLibrary,
    AmountSetBy,
    AmountUnknown,
    Cancelled,
    DailyAmount,
    DayKind,
    DischargeCase,
    Discharged,
    Interrupted,
    InterruptionReason,
    NoLongerReady,
    NoPayReason,
    PatientTrail,
    PaymentModel,
    PeriodEnd,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    ReceiversAdded,
    agreement_for_month,
    default_library,
    packaged_agreements_folder,
    payment_report,
)

# No amount per day is known for 2026 (nara.discharge.agreements: Socialstyrelsen's table stops at 2023), so the
# synthetic month is computed under the shipped agreements with a TEST amount for 2026, invented for these tests
# and never shipped; tests/unit/test_discharge_ready_days.py checks the real table and the stop for unknown years.
KR = 9_300
TEST_2026 = DailyAmount(2026, KR, source="Testbelopp för 2026 (påhittat för testet)", set_by=AmountSetBy.AGREEMENT)


def with_test_amount(agreement):
    payment = replace(agreement.payment, amounts={**agreement.payment.amounts, 2026: TEST_2026})
    return replace(agreement, payment=payment)


VISAM = with_test_amount(default_library().get("orebro-visam-2018"))  # the law's values (per patient, 3 free days)
EXAMPLE = with_test_amount(default_library().get("exempel-medelvarde"))  # average above 3, day 0 counts, 14:00
NOVEMBER = Period(2026, 11)
AS_OF = datetime(2026, 12, 5, 12, 0, tzinfo=STOCKHOLM)  # Sat 5 December: November has ended


def at(month, day, hour=0, minute=0, year=2026):
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def case(pid, kommun, *, admitted, notice=None, ready=(), not_ready=(), end=None, ended_by="discharged",
         ready_to_municipality=True):
    """A synthetic process: admission, receivers (vårdcentral + hemsjukvård of ``kommun``), an optional
    inskrivningsmeddelande, utskrivningsklar notices, returns to not ready, and how it ended."""
    vc, hsv = Receiver(f"vc-{kommun}", ReceiverRole.VARDCENTRAL), Receiver(f"hsv-{kommun}", ReceiverRole.HEMSJUKVARD)
    both = (vc.unit_id, hsv.unit_id)
    timed = [(admitted + timedelta(minutes=1), ReceiversAdded(at=admitted + timedelta(minutes=1), receivers=(vc, hsv)))]
    if notice:
        timed.append((notice, AdmissionNoticeSent(at=notice, message_id=f"{pid}-inskr", receivers=(vc, hsv),
                                                  estimated_discharge=notice.date() + timedelta(days=7))))
    for i, when in enumerate(ready, start=1):
        to = both if ready_to_municipality else (vc.unit_id,)
        timed.append((when, ReadyForDischarge(at=when, message_id=f"{pid}-klar-{i}", to=to)))
    for i, when in enumerate(not_ready, start=1):
        timed.append((when, NoLongerReady(at=when, message_id=f"{pid}-ejklar-{i}", to=both)))
    if end is not None:
        timed.append((end, {
            "discharged": Discharged(at=end),
            "died": Interrupted(at=end, reason=InterruptionReason.DIED),
            "cancelled": Cancelled(at=end, message_id=f"{pid}-makulering", to=both),
        }[ended_by]))
    timed.sort(key=lambda pair: pair[0])
    events = [Admitted(at=admitted, home_municipality=kommun, hospital_unit="uso-avd-42")] + [e for _, e in timed]
    return DischargeCase(process_id=pid, patient_ref=f"SYNT-{pid}", events=events)


KUMLA, OREBRO, HALLSBERG, ASKERSUND = "1881", "1880", "1861", "1882"

NOVEMBER_CASES = [
    # Kumla
    case("P01", KUMLA, admitted=at(11, 2, 8), notice=at(11, 2, 14), ready=[at(11, 9, 10)], end=at(11, 18, 11)),
    case("P02", KUMLA, admitted=at(11, 3, 9), notice=at(11, 3, 12), ready=[at(11, 5, 15)], end=at(11, 9, 10)),
    case("P03", KUMLA, admitted=at(11, 9, 9), notice=None, ready=[at(11, 10, 10)], end=at(11, 20, 10)),
    case("P04", KUMLA, admitted=at(11, 20, 9), notice=at(11, 20, 12), ready=[at(11, 24, 9)], end=at(12, 3, 10)),
    case("P12", KUMLA, admitted=at(11, 25, 9), notice=at(11, 25, 12), ready=[at(11, 27, 22)], end=at(11, 30, 10)),
    # Örebro
    case("P05", OREBRO, admitted=at(11, 1, 20), notice=at(11, 2, 8), ready=[at(11, 2, 13), at(11, 12, 10)],
         not_ready=[at(11, 8, 9, 30)], end=at(11, 20, 14)),
    case("P06", OREBRO, admitted=at(11, 10, 9), notice=at(11, 10, 12), ready=[at(11, 11, 10)], end=at(11, 18, 4),
         ended_by="died"),
    case("P07", OREBRO, admitted=at(11, 4, 9), notice=at(11, 4, 12), ready=[at(11, 5, 10)], end=at(11, 12, 9),
         ended_by="cancelled"),
    case("P13", OREBRO, admitted=at(11, 2, 9), notice=at(11, 2, 12), ready=[], end=at(11, 6, 10)),
    # Hallsberg
    case("P08", HALLSBERG, admitted=at(11, 16, 9), notice=at(11, 16, 12), ready=[at(11, 17, 10)],
         end=at(11, 25, 10), ready_to_municipality=False),
    case("P09", HALLSBERG, admitted=at(11, 16, 10), notice=at(11, 19, 16), ready=[at(11, 17, 10)],
         end=at(11, 27, 9)),
    # Askersund
    case("P10", ASKERSUND, admitted=at(10, 20, 10), notice=at(10, 20, 14), ready=[at(10, 26, 10)],
         end=at(11, 9, 10)),
    case("P11", ASKERSUND, admitted=at(11, 23, 9), notice=at(11, 23, 12), ready=[at(11, 25, 10)], end=None),
]

# The hand computation, per_patient under the law's rules (orebro-visam.toml = lag-2017-612.toml): day 0 = the
# date of the utskrivningsklar notice (not counted), free = day 0 + 1, 2, 3, payable = the following days on which
# the patient is still in hospital at 24:00 (the day of discharge is not payable), 9 300 kr per day in 2026.
#
#  P01 Kumla     notice Mon 9 Nov → free 10-12, payable 13-17, discharged Wed 18                  5 d  46 500
#  P02 Kumla     notice Thu 5 Nov 15:00 → free 6-8, discharged Mon 9 (first payable day = discharge day)  0 d
#  P03 Kumla     no inskrivningsmeddelande → the municipality does not pay (would have been 14-19)    0 d
#  P04 Kumla     notice Tue 24 Nov → free 25-27, payable 28, 29, 30 (Dec 1-2 go to December)      3 d  27 900
#  P12 Kumla     notice Fri 27 Nov 22:00 → free 28, 29, discharged Mon 30 (a free day)               0 d
#                                                                                    Kumla:  8 d  74 400
#  P05 Örebro    notice Mon 2 → free 3-5, payable 6, 7, ill again Sun 8 09:30;
#                notice Thu 12 → free 13-15, payable 16-19, discharged Fri 20                       6 d  55 800
#  P06 Örebro    notice Wed 11 → free 12-14, payable 15, 16, 17, died Wed 18 04:00                 3 d  27 900
#  P07 Örebro    cancelled (makulerad) → does not pay                                               0 d
#  P13 Örebro    discharged without a utskrivningsklar notice → not in the report
#                                                                                   Örebro:  9 d  83 700
#  P08 Hallsberg the utskrivningsklar notice went to the vårdcentral only → does not pay           0 d
#  P09 Hallsberg notice Tue 17, inskrivningsmeddelande only Thu 19 16:00 → counts from Thu 19:
#                free 20-22, payable 23-26, discharged Fri 27                                       4 d  37 200
#                                                                                Hallsberg:  4 d  37 200
#  P10 Askersund notice Mon 26 Oct → free 27-29 Oct, payable 30, 31 Oct (October) and
#                1-8 Nov, discharged Mon 9 Nov                                                      8 d  74 400
#  P11 Askersund notice Wed 25 → free 26-28, payable 29, 30; still in hospital on 5 Dec            2 d  18 600
#                                                                                Askersund: 10 d  93 000
#                                                                     November 2026 in total: 31 d 288 300
EXPECTED_NOVEMBER = {KUMLA: (8, 74_400), OREBRO: (9, 83_700), HALLSBERG: (4, 37_200), ASKERSUND: (10, 93_000)}
EXPECTED_PATIENTS = {  # process: (pays, reason, free days in November, payable days in November, kronor)
    "P01": (True, None, 3, 5, 46_500),
    "P02": (True, None, 3, 0, 0),
    "P03": (False, NoPayReason.NO_ADMISSION_NOTICE, 0, 0, 0),
    "P04": (True, None, 3, 3, 27_900),
    "P12": (True, None, 2, 0, 0),
    "P05": (True, None, 6, 6, 55_800),
    "P06": (True, None, 3, 3, 27_900),
    "P07": (False, NoPayReason.CANCELLED, 0, 0, 0),
    "P08": (False, NoPayReason.NO_READY_NOTICE, 0, 0, 0),
    "P09": (True, None, 3, 4, 37_200),
    "P10": (True, None, 0, 8, 74_400),
    "P11": (True, None, 3, 2, 18_600),
}


def _trails(report):
    return {p.process_id: p for m in report.municipalities for p in m.patients}


def _days(trail: PatientTrail):
    return [(d.day.day, d.kind) for d in trail.days]


def test_the_november_report_per_patient_equals_the_hand_computation():
    report = payment_report(NOVEMBER_CASES, VISAM, NOVEMBER, AS_OF)
    assert report.complete and report.model is PaymentModel.PER_PATIENT and report.limit_days == 3
    assert {m.municipality: (m.payable_days, m.kronor) for m in report.municipalities} == EXPECTED_NOVEMBER
    assert (report.payable_days, report.kronor) == (31, 288_300)
    trails = _trails(report)
    assert set(trails) == set(EXPECTED_PATIENTS)  # P13 (never utskrivningsklar) is not in the report
    assert {pid: (t.pays, t.reason, t.free_days, t.payable_days, t.kronor) for pid, t in trails.items()} \
        == EXPECTED_PATIENTS
    assert report.amount == TEST_2026


def test_the_trail_shows_which_days_were_free_and_which_paid():
    trails = _trails(payment_report(NOVEMBER_CASES, VISAM, NOVEMBER, AS_OF))
    N, F, P, E = DayKind.NOTICE_DAY, DayKind.FREE, DayKind.PAYABLE, DayKind.END_DAY
    assert _days(trails["P01"]) == [(9, N), (10, F), (11, F), (12, F), (13, P), (14, P), (15, P), (16, P), (17, P),
                                    (18, E)]
    p05 = trails["P05"]
    assert _days(p05) == [(2, N), (3, F), (4, F), (5, F), (6, P), (7, P), (8, E),
                          (12, N), (13, F), (14, F), (15, F), (16, P), (17, P), (18, P), (19, P), (20, E)]
    assert [d.ended_by for d in p05.days if d.kind is E] == [PeriodEnd.NOT_READY, PeriodEnd.DISCHARGED]
    assert [d.period for d in p05.days if d.kind is P] == [1, 1, 2, 2, 2, 2]
    assert p05.ready_notices == (at(11, 2, 13), at(11, 12, 10)) and p05.not_ready_at == (at(11, 8, 9, 30),)
    assert (p05.admitted_at, p05.admission_notice_received_at) == (at(11, 1, 20), at(11, 2, 8))
    assert (p05.ended_at, p05.ended_by) == (at(11, 20, 14), PeriodEnd.DISCHARGED)
    assert all(d.kronor == KR for d in p05.days if d.kind is P)
    assert trails["P06"].ended_by is PeriodEnd.DIED and _days(trails["P06"])[-1] == (18, E)
    assert _days(trails["P09"])[0] == (19, N)  # counted from the late inskrivningsmeddelande, not Tue 17
    assert _days(trails["P10"]) == [(d, P) for d in range(1, 9)] + [(9, E)]  # 30, 31 Oct are October's
    assert _days(trails["P11"]) == [(25, N), (26, F), (27, F), (28, F), (29, P), (30, P)]
    assert trails["P03"].days == () and trails["P03"].admission_notice_received_at is None


def test_days_that_cross_the_month_end_belong_to_the_month_they_fall_in():
    """P04 (notice Tue 24 Nov, discharged Thu 3 Dec): 28-30 Nov in November, 1-2 Dec in December. P11 (notice Wed 25
    Nov, still in hospital at 12:00 on Sat 5 Dec): 29-30 Nov, then 1-4 Dec — 5 Dec is not over yet, so the December
    report is provisional. P10 (notice Mon 26 Oct): 30-31 Oct in October."""
    december = payment_report(NOVEMBER_CASES, VISAM, Period(2026, 12), AS_OF)
    assert not december.complete
    assert {m.municipality: (m.payable_days, m.kronor) for m in december.municipalities} == {
        KUMLA: (2, 18_600), ASKERSUND: (4, 37_200)}
    trails = _trails(december)
    assert _days(trails["P04"]) == [(1, DayKind.PAYABLE), (2, DayKind.PAYABLE), (3, DayKind.END_DAY)]
    assert trails["P11"].payable_dates == tuple(date(2026, 12, d) for d in (1, 2, 3, 4))
    october = payment_report(NOVEMBER_CASES, VISAM, Period(2026, 10), AS_OF)
    assert {m.municipality: (m.payable_days, m.kronor) for m in october.municipalities} == {ASKERSUND: (2, 18_600)}
    assert _days(_trails(october)["P10"]) == [(26, DayKind.NOTICE_DAY), (27, DayKind.FREE), (28, DayKind.FREE),
                                              (29, DayKind.FREE), (30, DayKind.PAYABLE), (31, DayKind.PAYABLE)]


def test_the_report_is_reproducible_from_the_same_input():
    first = payment_report(NOVEMBER_CASES, VISAM, NOVEMBER, AS_OF)
    shuffled = NOVEMBER_CASES[:]
    random.Random(7).shuffle(shuffled)
    assert payment_report(shuffled, VISAM, NOVEMBER, AS_OF) == first
    assert payment_report(NOVEMBER_CASES, VISAM, NOVEMBER, AS_OF.astimezone(UTC)) == first
    # a later history (P11 discharged on 8 December) changes P11's end in the trail, not November's days or money
    later = [c if c.process_id != "P11" else DischargeCase(c.process_id, c.patient_ref,
                                                            [*c.events, Discharged(at=at(12, 8, 10))])
             for c in NOVEMBER_CASES]
    again = payment_report(later, VISAM, NOVEMBER, at(12, 9, 12))
    assert [(m.municipality, m.payable_days, m.kronor) for m in again.municipalities] == [
        (m.municipality, m.payable_days, m.kronor) for m in first.municipalities]
    assert _trails(again)["P11"].days == _trails(first)["P11"].days
    assert _trails(again)["P11"].ended_at == at(12, 8, 10)


def test_municipalities_without_cases_can_be_listed_with_nothing_owed():
    report = payment_report(NOVEMBER_CASES, VISAM, NOVEMBER, AS_OF, municipalities=["1814", KUMLA])
    lekeberg = report.municipality("1814")
    assert (lekeberg.payable_days, lekeberg.kronor, lekeberg.patients) == (0, 0, ())
    assert [m.municipality for m in report.municipalities] == ["1814", "1861", "1880", "1881", "1882"]


def test_each_day_is_priced_by_its_own_year():
    """Law's default: notice Fri 2019-12-20 10:00 → free 21-23 Dec, payable 24-31 Dec 2019 (8 × 7 800 kr =
    62 400 kr) and 1-4 Jan 2020 (4 × 8 200 kr = 32 800 kr); discharged Sun 2020-01-05 10:00."""
    law = agreement_for_month("03", Period(2019, 12))
    assert law.key == "lag-2017-612"
    one = [case("Y1", "0380", admitted=at(12, 17, 10, year=2019), notice=at(12, 17, 14, year=2019),
                ready=[at(12, 20, 10, year=2019)], end=at(1, 5, 10, year=2020))]
    as_of = at(2, 1, 12, year=2020)
    december = payment_report(one, law, Period(2019, 12), as_of)
    january = payment_report(one, law, Period(2020, 1), as_of)
    assert (december.municipality("0380").payable_days, december.municipality("0380").kronor) == (8, 62_400)
    assert (january.municipality("0380").payable_days, january.municipality("0380").kronor) == (4, 32_800)
    assert (december.amount.kronor, december.amount.source) == (7800, "Socialstyrelsens fastställda belopp per dag "
                                                                      "för 2019")
    assert january.amount.kronor == 8200


def test_a_month_of_a_year_without_a_known_amount_stops_instead_of_carrying_one_forward():
    """The same stay a year later: December 2020 is priced (8 × 8 200 kr = 65 600 kr); January 2021 has no known
    amount (DOMAIN §4 gives none), so its report stops naming the year — 2020's figure is not used."""
    law = default_library().get("lag-2017-612")
    one = [case("Y2", "0380", admitted=at(12, 17, 10, year=2020), notice=at(12, 17, 14, year=2020),
                ready=[at(12, 20, 10, year=2020)], end=at(1, 5, 10, year=2021))]
    as_of = at(2, 1, 12, year=2021)
    assert payment_report(one, law, Period(2020, 12), as_of).kronor == 65_600
    with pytest.raises(AmountUnknown) as raised:
        payment_report(one, law, Period(2021, 1), as_of)
    assert (raised.value.year, raised.value.agreement_name) == (2021, law.name)
    with pytest.raises(AmountUnknown):  # also with nothing to pay: the month cannot be priced at all
        payment_report([], default_library().get("orebro-visam-2018"), NOVEMBER, AS_OF)


def test_an_agreement_counting_the_discharge_day_pays_one_day_more(tmp_path):
    """discharge_day_counts = true: P01 (notice Mon 9 Nov, discharged Wed 18 Nov 11:00) pays 13-18 Nov = 6 days."""
    text = (Path(str(packaged_agreements_folder() / "lag-2017-612.toml"))).read_text(encoding="utf-8")
    text = text.replace("discharge_day_counts = false", "discharge_day_counts = true")
    text = text.replace('key = "lag-2017-612"', 'key = "dag-rakas"').replace('region = "*"\n', 'region = "99"\n')
    (tmp_path / "a.toml").write_text(text, encoding="utf-8")
    agreement = with_test_amount(AgreementLibrary.from_directory(tmp_path).in_force("99", date(2026, 11, 1)))
    trail = _trails(payment_report(NOVEMBER_CASES[:1], agreement, NOVEMBER, AS_OF))["P01"]
    assert trail.payable_dates == tuple(date(2026, 11, d) for d in range(13, 19))


def test_the_agreement_must_be_in_force_on_the_first_day_of_the_month():
    law = default_library().get("lag-2017-612")  # valid from 2018-01-01
    with pytest.raises(ValueError, match="not in force"):
        payment_report([], law, Period(2017, 12), AS_OF)
    with pytest.raises(ValueError):
        payment_report([], law, NOVEMBER, datetime(2026, 12, 5, 12, 0))  # naive as_of


# --- the example monthly-average model --------------------------------------------------------------------------

A, B, C = "9901", "9902", "9903"  # invented municipality codes for the example region

AVERAGE_CASES = [
    case("A1", A, admitted=at(11, 1, 10), notice=at(11, 1, 12), ready=[at(11, 2, 10)], end=at(11, 5, 10)),
    case("A2", A, admitted=at(11, 6, 10), notice=at(11, 6, 12), ready=[at(11, 9, 15)], end=at(11, 17, 10)),
    case("A3", A, admitted=at(11, 11, 10), notice=at(11, 11, 12), ready=[at(11, 13, 9)], end=at(11, 14, 12)),
    case("A4", A, admitted=at(11, 12, 10), notice=None, ready=[at(11, 16, 10)], end=at(11, 20, 10)),
    case("B1", B, admitted=at(11, 12, 10), notice=at(11, 12, 12), ready=[at(11, 16, 14)], end=at(11, 19, 10)),
    case("B2", B, admitted=at(11, 17, 10), notice=at(11, 17, 12), ready=[at(11, 20, 10)], end=at(11, 23, 10)),
    case("B3", B, admitted=at(11, 1, 10), notice=at(11, 1, 12), ready=[at(11, 2, 10), at(11, 9, 10)],
         not_ready=[at(11, 3, 8)], end=at(11, 11, 10)),
    case("C1", C, admitted=at(11, 24, 10), notice=at(11, 24, 12), ready=[at(11, 26, 10)], end=at(12, 2, 10)),
    case("C2", C, admitted=at(11, 9, 10), notice=at(11, 9, 12), ready=[at(11, 10, 10)], end=at(11, 13, 10),
         ended_by="cancelled"),
    case("C3", C, admitted=at(11, 20, 10), notice=at(11, 20, 12), ready=[at(11, 23, 10)], end=at(11, 25, 3),
         ended_by="died"),
]

# The hand computation under exempel-medelvarde.toml: day 0 counts (the notice's day is counted), a notice later
# than 14:00 counts from the next day, a day counts when the patient is still in hospital at 24:00. Per
# municipality: D = counted days in November, n = episodes with ≥ 1 counted day, pays (D − 3n) × 9 300 kr when
# D / n > 3.
#
#  A1 notice Mon 2 10:00, discharged Thu 5            → 2, 3, 4                  3
#  A2 notice Mon 9 15:00 (after 14:00 → Tue 10), discharged Tue 17 → 10 … 16    7
#  A3 notice Fri 13 09:00, discharged Sat 14 12:00    → 13                       1
#  A4 no inskrivningsmeddelande → not counted
#     municipality A: D = 11, n = 3, average 3.67 > 3 → pays 11 − 9 = 2 days   = 18 600 kr
#  B1 notice Mon 16 14:00 (not later than 14:00), discharged Thu 19 → 16, 17, 18  3
#  B2 notice Fri 20, discharged Mon 23 (the weekend counts) → 20, 21, 22        3
#  B3 notice Mon 2, ill again Tue 3 08:00 → 2; notice Mon 9, discharged Wed 11 → 9, 10   3
#     municipality B: D = 9, n = 3, average 3.00, not above 3 → pays nothing
#  C1 notice Thu 26, discharged Wed 2 Dec → 26 … 30 (1 Dec is December's)       5
#  C2 cancelled → not counted
#  C3 notice Mon 23, died Wed 25 03:00 → 23, 24                                  2
#     municipality C: D = 7, n = 2, average 3.5 > 3 → pays 7 − 6 = 1 day       = 9 300 kr
#                                                         November in total: 3 days, 27 900 kr
EXPECTED_AVERAGE = {  # municipality: (D, n, payable days, kronor)
    A: (11, 3, 2, 18_600),
    B: (9, 3, 0, 0),
    C: (7, 2, 1, 9_300),
}


def test_the_november_report_on_the_average_model_equals_the_hand_computation():
    agreement = with_test_amount(agreement_for_month("exempel", NOVEMBER))
    assert agreement.key == "exempel-medelvarde"
    report = payment_report(AVERAGE_CASES, agreement, NOVEMBER, AS_OF)
    assert report.model is PaymentModel.MONTHLY_AVERAGE and report.limit_days == 3
    assert {m.municipality: (m.counted_days, m.episodes, m.payable_days, m.kronor)
            for m in report.municipalities} == EXPECTED_AVERAGE
    assert {m.municipality: float(m.average) for m in report.municipalities} == pytest.approx(
        {A: 11 / 3, B: 3.0, C: 3.5})
    assert (report.payable_days, report.kronor) == (3, 27_900)
    trails = _trails(report)
    assert {pid: t.counted_days for pid, t in trails.items()} == {
        "A1": 3, "A2": 7, "A3": 1, "A4": 0, "B1": 3, "B2": 3, "B3": 3, "C1": 5, "C2": 0, "C3": 2}
    assert (trails["A4"].pays, trails["A4"].reason) == (False, NoPayReason.NO_ADMISSION_NOTICE)
    assert (trails["C2"].pays, trails["C2"].reason) == (False, NoPayReason.CANCELLED)
    assert [d.day.day for d in trails["A2"].days if d.kind is DayKind.COUNTED] == list(range(10, 17))
    assert [d.day.day for d in trails["B3"].days if d.kind is DayKind.COUNTED] == [2, 9, 10]
    assert all(d.kronor == 0 for t in trails.values() for d in t.days)  # the amount is the municipality's


def test_the_average_model_splits_a_stay_over_the_month_end_too():
    """C1: 1 Dec is December's: D = 1, n = 1, average 1 → nothing owed in December."""
    december = payment_report(AVERAGE_CASES, EXAMPLE, Period(2026, 12), AS_OF)
    c = december.municipality(C)
    assert (c.counted_days, c.episodes, c.payable_days, c.kronor) == (1, 1, 0, 0)
    assert [m.municipality for m in december.municipalities] == [C]
