"""Known answers for the days as utskrivningsklar and the payment days (lag 2017:612, DOMAIN §4), computed by hand
in each docstring: the notice at 23:50 or at 00:10, a weekend, a year boundary with two amounts, a year without a
known amount, two regional agreements (Örebro's ViSam and Stockholm, somatic and psychiatric), and indicator S2
counted by the same function as the payment.

SYNTETISKA DATA: processes, patient references and unit ids are invented. The amounts are the shipped table's
(Socialstyrelsen's figures for 2019, 2020, 2022 and 2023); no test amount is used here.

Law's counting (lag-2017-612.toml, ViSam the same): the notice's Swedish calendar day is day 0 and not counted;
days 1-3 are free; a day counts when the patient is still in hospital as utskrivningsklar at 24:00, so the day of
discharge does not. Stockholm (stockholm.toml): the notice's day is day 1; 2 free days in somatic care, 5 in
psychiatric care.
"""

from datetime import datetime, timedelta

import pytest

from nara.core.clock import STOCKHOLM, Period
from nara.discharge.model import (
    AdmissionNoticeSent,
    Admitted,
    AmountUnknown,
    CareType,
    DayKind,
    DischargeCase,
    Discharged,
    InvalidTransition,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    days_as_ready,
    default_library,
    payment_report,
    process_days_as_ready,
    replay,
)

VISAM = default_library().get("orebro-visam-2018")
STOCKHOLM_AGREEMENT = default_library().get("stockholm-2018")
LAW = default_library().get("lag-2017-612")


def at(year, month, day, hour=0, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=STOCKHOLM)


def process(ready_at, discharged_at, *, care=CareType.SOMATIC, judged_at=None, kommun="1881"):
    """Admitted two days before the notice, inskrivningsmeddelande the same day, utskrivningsklar, discharged."""
    admitted = ready_at - timedelta(days=2)
    vc, hsv = Receiver("vc", ReceiverRole.VARDCENTRAL), Receiver("hsv", ReceiverRole.HEMSJUKVARD)
    events = [
        Admitted(at=admitted, home_municipality=kommun, hospital_unit="avd", care=care),
        AdmissionNoticeSent(at=admitted + timedelta(hours=1), message_id="inskr", receivers=(vc, hsv),
                            estimated_discharge=discharged_at.date()),
        ReadyForDischarge(at=ready_at, message_id="klar", to=("vc", "hsv"), judged_at=judged_at),
    ]
    if discharged_at is not None:
        events.append(Discharged(at=discharged_at))
    return DischargeCase("P1", "SYNT-1", events)


def month_of(case, agreement, year, month, as_of=None):
    report = payment_report([case], agreement, Period(year, month), as_of or at(2024, 2, 1, 12))
    return report.municipalities[0].patients[0], report


def kinds(trail):
    return [(d.day.day, d.kind) for d in trail.days]


N, F, P, E = DayKind.NOTICE_DAY, DayKind.FREE, DayKind.PAYABLE, DayKind.END_DAY


def test_a_notice_at_23_50_counts_from_that_day_and_one_at_00_10_from_the_next():
    """Discharged Sun 2023-11-12 11:00.
    Notice Mon 6 Nov 23:50 → day 0 Mon 6; free Tue 7, Wed 8, Thu 9; payable Fri 10, Sat 11 → 2 × 10 500 = 21 000 kr.
    Notice Tue 7 Nov 00:10 → day 0 Tue 7; free Wed 8, Thu 9, Fri 10; payable Sat 11 → 1 × 10 500 = 10 500 kr.
    Twenty minutes decide a day: the count starts from the notice's exact time, not a date."""
    discharged = at(2023, 11, 12, 11)
    late, _ = month_of(process(at(2023, 11, 6, 23, 50), discharged), VISAM, 2023, 11)
    early, _ = month_of(process(at(2023, 11, 7, 0, 10), discharged), VISAM, 2023, 11)
    assert kinds(late) == [(6, N), (7, F), (8, F), (9, F), (10, P), (11, P), (12, E)]
    assert kinds(early) == [(7, N), (8, F), (9, F), (10, F), (11, P), (12, E)]
    assert (late.payable_days, late.kronor, early.payable_days, early.kronor) == (2, 21_000, 1, 10_500)
    counting, flag = VISAM.payment.counting, VISAM.payment.discharge_day_counts
    assert [d.day for d in days_as_ready(at(2023, 11, 6, 23, 50), discharged, counting, flag).counted] == [
        7, 8, 9, 10, 11]
    assert [d.day for d in days_as_ready(at(2023, 11, 7, 0, 10), discharged, counting, flag).counted] == [
        8, 9, 10, 11]


def test_the_doctors_earlier_judgement_is_recorded_but_the_days_count_from_the_notice():
    """The doctor judged the patient utskrivningsklar Mon 6 Nov 23:30; the ward sent the notice Tue 7 Nov 00:10.
    The municipality's days count from the notice it received (DOMAIN §4): as the 00:10 case above, 1 payable day.
    A judgement after the notice is impossible and refused."""
    case = process(at(2023, 11, 7, 0, 10), at(2023, 11, 12, 11), judged_at=at(2023, 11, 6, 23, 30))
    trail, _ = month_of(case, VISAM, 2023, 11)
    assert (trail.payable_days, trail.kronor) == (1, 10_500)
    period = replay(case.events).ready_periods[0]
    assert (period.judged_at, period.notice_at) == (at(2023, 11, 6, 23, 30), at(2023, 11, 7, 0, 10))
    with pytest.raises(InvalidTransition):
        replay(process(at(2023, 11, 7, 0, 10), at(2023, 11, 12, 11), judged_at=at(2023, 11, 7, 0, 11)).events)


def test_a_weekend_counts_like_any_other_day():
    """Calendar days: notice Fri 2023-11-03 16:00 → day 0 Fri 3; free Sat 4, Sun 5, Mon 6; payable from Tue 7.
    Discharged Tue 7 10:00 → nothing to pay; discharged Wed 8 10:00 → Tue 7 payable (10 500 kr)."""
    tuesday, _ = month_of(process(at(2023, 11, 3, 16), at(2023, 11, 7, 10)), VISAM, 2023, 11)
    wednesday, _ = month_of(process(at(2023, 11, 3, 16), at(2023, 11, 8, 10)), VISAM, 2023, 11)
    assert kinds(tuesday) == [(3, N), (4, F), (5, F), (6, F), (7, E)]
    assert kinds(wednesday) == [(3, N), (4, F), (5, F), (6, F), (7, P), (8, E)]
    assert (tuesday.kronor, wednesday.kronor) == (0, 10_500)


def test_a_stay_over_new_year_prices_each_day_by_its_own_year():
    """Notice Mon 2022-12-26 10:00 → free 27, 28, 29 Dec; payable Fri 30, Sat 31 Dec 2022 at 9 300 kr (18 600 kr)
    and Sun 1, Mon 2 Jan 2023 at 10 500 kr (21 000 kr); discharged Tue 2023-01-03 10:00."""
    case = process(at(2022, 12, 26, 10), at(2023, 1, 3, 10))
    december, december_report = month_of(case, LAW, 2022, 12)
    january, january_report = month_of(case, LAW, 2023, 1)
    assert kinds(december) == [(26, N), (27, F), (28, F), (29, F), (30, P), (31, P)]
    assert kinds(january) == [(1, P), (2, P), (3, E)]
    assert (december.kronor, january.kronor) == (18_600, 21_000)
    assert (december_report.amount.kronor, january_report.amount.kronor) == (9300, 10_500)
    assert "förordning (2017:617)" in january_report.amount.citation


def test_a_year_without_a_known_amount_stops_the_report_naming_the_year():
    """Notice Tue 2023-12-26 10:00 → payable 30, 31 Dec 2023 (2 × 10 500 kr) and 1, 2 Jan 2024. December is priced;
    January 2024 has no known amount (not in DOMAIN §4's list) and stops — 2023's 10 500 kr is not carried over."""
    case = process(at(2023, 12, 26, 10), at(2024, 1, 3, 10))
    december, _ = month_of(case, VISAM, 2023, 12)
    assert (december.payable_days, december.kronor) == (2, 21_000)
    with pytest.raises(AmountUnknown) as raised:
        month_of(case, VISAM, 2024, 1)
    assert (raised.value.year, raised.value.agreement_name) == (2024, VISAM.name)


@pytest.mark.parametrize(("agreement", "care", "expected_kinds", "payable", "kronor"), [
    # ViSam (the law's values): day 0 Mon 6; free 7, 8, 9; payable 10, 11, 12 → 3 × 10 500
    (VISAM, CareType.SOMATIC, [(6, N), (7, F), (8, F), (9, F), (10, P), (11, P), (12, P), (13, E)], 3, 31_500),
    (VISAM, CareType.PSYCHIATRIC, [(6, N), (7, F), (8, F), (9, F), (10, P), (11, P), (12, P), (13, E)], 3, 31_500),
    # Stockholm somatic: Mon 6 is day 1; free 6, 7; payable 8-12 → 5 × 10 500
    (STOCKHOLM_AGREEMENT, CareType.SOMATIC, [(6, F), (7, F), (8, P), (9, P), (10, P), (11, P), (12, P), (13, E)],
     5, 52_500),
    # Stockholm psychiatric: free 6-10; payable 11, 12 → 2 × 10 500
    (STOCKHOLM_AGREEMENT, CareType.PSYCHIATRIC, [(6, F), (7, F), (8, F), (9, F), (10, F), (11, P), (12, P), (13, E)],
     2, 21_000),
], ids=["visam-somatic", "visam-psychiatric", "stockholm-somatic", "stockholm-psychiatric"])
def test_the_same_stay_pays_differently_under_the_two_regional_agreements(agreement, care, expected_kinds, payable,
                                                                         kronor):
    """One stay: notice Mon 2023-11-06 10:00, discharged Mon 2023-11-13 10:00."""
    case = process(at(2023, 11, 6, 10), at(2023, 11, 13, 10), care=care)
    trail, _ = month_of(case, agreement, 2023, 11)
    assert kinds(trail) == expected_kinds
    assert (trail.payable_days, trail.kronor, trail.care) == (payable, kronor, care)


def test_s2_counts_the_days_as_utskrivningsklar_with_the_payment_function():
    """S2 (DOMAIN §7) for the stay above: ViSam counts Tue 7 … Sun 12 = 6 days — exactly the payment's free and
    payable days; Stockholm counts the notice's day too: Mon 6 … Sun 12 = 7 days. For the 23:50/00:10 pair: 5 and
    4 days. A stay still going counts only the days that have ended by the moment asked."""
    for agreement, expected in ((VISAM, 6), (STOCKHOLM_AGREEMENT, 7)):
        case = process(at(2023, 11, 6, 10), at(2023, 11, 13, 10))
        state = replay(case.events)
        s2 = process_days_as_ready(state, agreement.payment, at(2023, 11, 13, 10))
        trail, _ = month_of(case, agreement, 2023, 11)
        assert len(s2) == expected == trail.free_days + trail.payable_days
        assert s2 == tuple(d.day for d in trail.days if d.kind in (F, P))
    for notice, expected in ((at(2023, 11, 6, 23, 50), 5), (at(2023, 11, 7, 0, 10), 4)):
        state = replay(process(notice, at(2023, 11, 12, 11)).events)
        assert len(process_days_as_ready(state, LAW.payment, at(2023, 11, 12, 11))) == expected
    state = replay(process(at(2023, 11, 6, 10), at(2023, 11, 13, 10)).events)
    assert len(process_days_as_ready(state, LAW.payment, at(2023, 11, 9, 12))) == 2  # Tue 7, Wed 8
