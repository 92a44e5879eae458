"""Deadlines of the discharge process (DOMAIN §4) with a fixed clock, for the law's default (lag-2017-612.toml) and
for the example monthly-average agreement (exempel-medelvarde.toml: day 0 counts, cut-off 14:00, planning
documentation 48 h, soon due 6 h, kvittens escalated after 2 h).

Every expected due time below is derived by hand from DOMAIN §4 and the agreement file, and written in the test's
name or docstring. Calendar of November 2026: Fri 20, Sat 21, Sun 22, Mon 23, Tue 24, Wed 25, Thu 26, Fri 27,
Sat 28, Sun 29, Mon 30. Summer time 2026: from Sun 29 March 02:00 CET to Sun 25 October 03:00 CEST.
"Due by 24:00 on day X" is the instant 00:00 Stockholm time on day X+1.
"""

from datetime import UTC, date, datetime

import pytest

from nara.core.clock import STOCKHOLM
from nara.discharge.model import (
    Acknowledged,
    AdmissionNoticeSent,
    Admitted,
    Cancelled,
    CareContactAppointed,
    Counting,
    Discharged,
    DischargeEstimateRevised,
    Interrupted,
    InterruptionReason,
    NeedsAssessed,
    NoLongerReady,
    PlanningDocumented,
    ProcessPhase,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    SipInvitationSent,
    SipNeedAssessed,
    Step,
    StepState,
    calendar_days_after,
    day_zero,
    default_library,
    end_of_day,
    hours_after,
    status,
)

LAW = default_library().get("lag-2017-612")
EXAMPLE = default_library().get("exempel-medelvarde")

VC = Receiver("vc-kumla", ReceiverRole.VARDCENTRAL)  # synthetic unit ids
HSV = Receiver("hsv-kumla", ReceiverRole.HEMSJUKVARD)
BOTH = ("vc-kumla", "hsv-kumla")


def at(year, month, day, hour=0, minute=0, second=0):
    return datetime(year, month, day, hour, minute, second, tzinfo=STOCKHOLM)


def admitted(when):
    return Admitted(at=when, home_municipality="1881", hospital_unit="uso-avd-42")


def notified(when, estimated=date(2026, 11, 30), receivers=(VC, HSV)):
    return AdmissionNoticeSent(at=when, message_id="inskr-1", receivers=receivers, estimated_discharge=estimated)


def ready(when, message_id="klar-1"):
    return ReadyForDischarge(at=when, message_id=message_id, to=BOTH)


def step(events, agreement, now, which):
    return status(events, agreement, now).step(which)


# --- the law's default ---------------------------------------------------------------------------------------


def test_law_admission_notice_admitted_fri_2026_11_20_2210_is_due_sat_2026_11_21_2210_over_the_weekend():
    """Admitted Fri 2026-11-20 22:10 → inskrivningsmeddelande due Sat 2026-11-21 22:10 (24 h of real time, the
    weekend is no exception; lag-2017-612.toml [steps.admission_notice] hours = 24). Soon due from 8 h before
    ([worklist] soon_due_hours = 8), i.e. from Sat 14:10; on time up to and including 22:10."""
    events = [admitted(at(2026, 11, 20, 22, 10))]
    due = at(2026, 11, 21, 22, 10)
    assert step(events, LAW, at(2026, 11, 21, 10, 0), Step.ADMISSION_NOTICE).due_at == due
    assert step(events, LAW, at(2026, 11, 21, 14, 9), Step.ADMISSION_NOTICE).state is StepState.OPEN
    assert step(events, LAW, at(2026, 11, 21, 14, 10), Step.ADMISSION_NOTICE).state is StepState.SOON_DUE
    assert step(events, LAW, at(2026, 11, 21, 22, 10), Step.ADMISSION_NOTICE).state is StepState.SOON_DUE
    late = status(events, LAW, at(2026, 11, 21, 22, 11))
    assert late.step(Step.ADMISSION_NOTICE).state is StepState.OVERDUE and late.escalated
    on_time = [*events, notified(at(2026, 11, 21, 22, 10))]
    assert step(on_time, LAW, at(2026, 11, 22, 9, 0), Step.ADMISSION_NOTICE).state is StepState.DONE
    one_minute_late = [*events, notified(at(2026, 11, 21, 22, 11))]
    assert step(one_minute_late, LAW, at(2026, 11, 22, 9, 0), Step.ADMISSION_NOTICE).state is StepState.DONE_LATE


def test_law_admission_notice_counts_from_a_later_judgement_tue_2026_11_17_1530_due_wed_2026_11_18_1530():
    """Admitted Mon 2026-11-16 08:00; the doctor judges on Tue 2026-11-17 15:30 that the patient may need
    interventions → due Wed 2026-11-18 15:30 (24 h "of that later judgement", DOMAIN §4), not Tue 08:00."""
    events = [admitted(at(2026, 11, 16, 8, 0)), NeedsAssessed(at=at(2026, 11, 17, 15, 30))]
    view = status(events, LAW, at(2026, 11, 17, 16, 0))
    assert view.step(Step.ADMISSION_NOTICE).due_at == at(2026, 11, 18, 15, 30)
    assert view.step(Step.ADMISSION_NOTICE).state is StepState.OPEN


def test_law_admission_notice_24_hours_are_real_hours_across_both_clock_changes():
    """Admitted Sat 2026-03-28 10:00 CET (09:00 UTC) → due Sun 2026-03-29 11:00 CEST (09:00 UTC): 24 real hours,
    25 on the wall clock. Admitted Sat 2026-10-24 10:00 CEST (08:00 UTC) → due Sun 2026-10-25 09:00 CET
    (08:00 UTC): 23 on the wall clock."""
    spring = step([admitted(at(2026, 3, 28, 10, 0))], LAW, at(2026, 3, 28, 12, 0), Step.ADMISSION_NOTICE).due_at
    assert spring == at(2026, 3, 29, 11, 0) and spring == datetime(2026, 3, 29, 9, 0, tzinfo=UTC)
    autumn = step([admitted(at(2026, 10, 24, 10, 0))], LAW, at(2026, 10, 24, 12, 0), Step.ADMISSION_NOTICE).due_at
    assert autumn == at(2026, 10, 25, 9, 0) and autumn == datetime(2026, 10, 25, 8, 0, tzinfo=UTC)


def test_law_sip_invitation_notice_mon_2026_11_23_1000_is_due_by_2400_thu_2026_11_26():
    """Utskrivningsklar notice Mon 2026-11-23 10:00 → day 0 is Monday (not counted); Tue 24, Wed 25, Thu 26 are
    the 3 calendar days → kallelse till SIP due by 24:00 Thu 2026-11-26 = Fri 2026-11-27 00:00 CET. Soon due
    from Thu 16:00 (8 h before); overdue from the first instant after midnight."""
    events = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0)), ready(at(2026, 11, 23, 10, 0))]
    sip = step(events, LAW, at(2026, 11, 23, 11, 0), Step.SIP_INVITATION)
    assert sip.state is StepState.OPEN and sip.due_at == at(2026, 11, 27, 0, 0)
    assert sip.deadline.last_day == date(2026, 11, 26) and sip.deadline.day_zero == date(2026, 11, 23)
    assert step(events, LAW, at(2026, 11, 26, 15, 59), Step.SIP_INVITATION).state is StepState.OPEN
    assert step(events, LAW, at(2026, 11, 26, 16, 0), Step.SIP_INVITATION).state is StepState.SOON_DUE
    assert step(events, LAW, at(2026, 11, 27, 0, 0), Step.SIP_INVITATION).state is StepState.SOON_DUE
    assert step(events, LAW, at(2026, 11, 27, 0, 0, 1), Step.SIP_INVITATION).state is StepState.OVERDUE
    invitation = SipInvitationSent(at=at(2026, 11, 26, 23, 59), message_id="sip-1", to=BOTH,
                                   sip_at=at(2026, 12, 1, 13, 0))
    sent = [*events, invitation]
    assert step(sent, LAW, at(2026, 11, 27, 8, 0), Step.SIP_INVITATION).state is StepState.DONE


def test_law_sip_invitation_notice_fri_2026_11_20_1645_weekend_days_count_due_by_2400_mon_2026_11_23():
    """Notice Fri 2026-11-20 16:45 → day 0 Friday; Sat 21, Sun 22, Mon 23 → due by 24:00 Mon 2026-11-23
    (calendar days: the weekend counts; the law has no cut-off hour)."""
    events = [admitted(at(2026, 11, 16, 9, 0)), notified(at(2026, 11, 16, 12, 0)), ready(at(2026, 11, 20, 16, 45))]
    sip = step(events, LAW, at(2026, 11, 21, 9, 0), Step.SIP_INVITATION)
    assert sip.due_at == at(2026, 11, 24, 0, 0) and sip.deadline.last_day == date(2026, 11, 23)


def test_law_sip_invitation_day_zero_is_the_swedish_date_of_the_notice_even_at_2359():
    """Notice Mon 2026-11-23 23:59 → due by 24:00 Thu 2026-11-26; notice one minute later, Tue 2026-11-24 00:00 →
    due by 24:00 Fri 2026-11-27. Monday 23:59 CET is 22:59 UTC: the Swedish date decides, not the UTC date."""
    base = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0))]
    monday = step([*base, ready(at(2026, 11, 23, 23, 59))], LAW, at(2026, 11, 24, 9, 0), Step.SIP_INVITATION)
    tuesday = step([*base, ready(at(2026, 11, 24, 0, 0))], LAW, at(2026, 11, 24, 9, 0), Step.SIP_INVITATION)
    assert monday.due_at == at(2026, 11, 27, 0, 0)
    assert tuesday.due_at == at(2026, 11, 28, 0, 0)


def test_law_sip_invitation_notice_thu_2026_10_22_due_by_2400_sun_2026_10_25_across_the_autumn_change():
    """Notice Thu 2026-10-22 10:00 CEST → Fri 23, Sat 24, Sun 25 (a 25-hour day) → due by 24:00 Sun 2026-10-25 =
    Mon 2026-10-26 00:00 CET = Sun 2026-10-25 23:00 UTC."""
    events = [admitted(at(2026, 10, 20, 9, 0)), notified(at(2026, 10, 20, 12, 0)), ready(at(2026, 10, 22, 10, 0))]
    sip = step(events, LAW, at(2026, 10, 22, 11, 0), Step.SIP_INVITATION)
    assert sip.due_at == at(2026, 10, 26, 0, 0) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)


def test_law_sip_invitation_waits_for_the_notice_and_is_not_required_without_both_principals():
    """Before the utskrivningsklar notice there is nothing to count from (WAITING). With only region receivers
    (no municipality interventions), or when assessed as not needed, no SIP deadline applies (DOMAIN §4: "if both
    region and municipality interventions are needed")."""
    base = [admitted(at(2026, 11, 20, 9, 0))]
    assert step([*base, notified(at(2026, 11, 20, 12, 0))], LAW, at(2026, 11, 21, 9, 0),
                Step.SIP_INVITATION).state is StepState.WAITING
    only_region = [*base, notified(at(2026, 11, 20, 12, 0), receivers=(VC,)),
                   ReadyForDischarge(at=at(2026, 11, 23, 10, 0), message_id="klar-1", to=("vc-kumla",))]
    assert step(only_region, LAW, at(2026, 11, 30, 9, 0), Step.SIP_INVITATION).state is StepState.NOT_REQUIRED
    declined = [*base, notified(at(2026, 11, 20, 12, 0)), SipNeedAssessed(at=at(2026, 11, 21, 9, 0), needed=False),
                ready(at(2026, 11, 23, 10, 0))]
    assert step(declined, LAW, at(2026, 11, 30, 9, 0), Step.SIP_INVITATION).state is StepState.NOT_REQUIRED


def test_law_sip_invitation_after_becoming_ill_again_counts_from_the_new_notice_due_by_2400_sun_2026_11_29():
    """Notice Mon 2026-11-23 10:00 (due by 24:00 Thu 26); ill again Tue 24 08:00 → WAITING, nothing due; new
    notice Thu 2026-11-26 09:00 → day 0 Thursday; Fri 27, Sat 28, Sun 29 → due by 24:00 Sun 2026-11-29."""
    events = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0)), ready(at(2026, 11, 23, 10, 0)),
              NoLongerReady(at=at(2026, 11, 24, 8, 0), message_id="ej-klar-1", to=BOTH)]
    view = status(events, LAW, at(2026, 11, 25, 9, 0))
    assert view.step(Step.SIP_INVITATION).state is StepState.WAITING and view.phase is ProcessPhase.NOTIFIED
    events.append(ready(at(2026, 11, 26, 9, 0), message_id="klar-2"))
    assert step(events, LAW, at(2026, 11, 26, 10, 0), Step.SIP_INVITATION).due_at == at(2026, 11, 30, 0, 0)


def test_law_discharge_date_revision_moves_the_discharge_day_steps():
    """Inskrivningsmeddelande Sat 2026-11-21 09:00 with estimated discharge Thu 2026-11-26 → information transfer,
    patient information and fast vårdkontakt due by 24:00 Thu 2026-11-26 (provisional). Revised on Tue
    2026-11-24 10:00 to Mon 2026-11-30 → due by 24:00 Mon 2026-11-30 = Tue 2026-12-01 00:00, so on Fri 27 nothing
    is overdue. Discharged early, Sat 2026-11-28 11:00 → information transfer due by 24:00 Sat 2026-11-28 (no
    longer provisional) and the fast vårdkontakt was due before the discharge itself, Sat 11:00."""
    events = [admitted(at(2026, 11, 20, 22, 10)), notified(at(2026, 11, 21, 9, 0), estimated=date(2026, 11, 26))]
    first = status(events, LAW, at(2026, 11, 21, 10, 0))
    for which in (Step.INFORMATION_TRANSFER, Step.PATIENT_INFORMED, Step.CARE_CONTACT):
        assert first.step(which).due_at == at(2026, 11, 27, 0, 0) and first.step(which).deadline.provisional
    events.append(DischargeEstimateRevised(at=at(2026, 11, 24, 10, 0), message_id="datum-1", to=BOTH,
                                           estimated_discharge=date(2026, 11, 30)))
    revised = status(events, LAW, at(2026, 11, 27, 10, 0))
    assert revised.estimated_discharge == date(2026, 11, 30)
    assert revised.step(Step.INFORMATION_TRANSFER).due_at == at(2026, 12, 1, 0, 0)
    assert revised.step(Step.INFORMATION_TRANSFER).state is StepState.OPEN and not revised.overdue
    assert {u.message_id for u in revised.unacknowledged_by("hsv-kumla")} == {"inskr-1", "datum-1"}
    events.append(Discharged(at=at(2026, 11, 28, 11, 0)))
    after = status(events, LAW, at(2026, 11, 28, 12, 0))
    transfer = after.step(Step.INFORMATION_TRANSFER)
    assert transfer.due_at == at(2026, 11, 29, 0, 0) and not transfer.deadline.provisional
    assert transfer.state is StepState.OPEN  # soon due from Sat 16:00
    care_contact = after.step(Step.CARE_CONTACT)
    assert care_contact.due_at == at(2026, 11, 28, 11, 0) and care_contact.state is StepState.OVERDUE


def test_law_fast_vardkontakt_appointed_after_the_discharge_is_late():
    """Discharged Thu 2026-11-26 10:00, fast vårdkontakt appointed Thu 10:30 → due was Thu 10:00 → DONE_LATE,
    although still the discharge day (DOMAIN §4: "before discharge")."""
    events = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0)),
              Discharged(at=at(2026, 11, 26, 10, 0)),
              CareContactAppointed(at=at(2026, 11, 26, 10, 30), unit_id="vc-kumla", staff_ref="ssk-1")]
    assert step(events, LAW, at(2026, 11, 26, 11, 0), Step.CARE_CONTACT).state is StepState.DONE_LATE


def test_law_cancelled_process_admitted_fri_2026_11_20_2210_has_nothing_overdue_after_sat_2026_11_21_2210():
    """Admitted Fri 2026-11-20 22:10 (inskrivningsmeddelande would be due Sat 22:10); cancelled Sat 2026-11-21
    08:00 → on Mon 2026-11-23 every open step is STOPPED, nothing is overdue or escalated."""
    events = [admitted(at(2026, 11, 20, 22, 10)), Cancelled(at=at(2026, 11, 21, 8, 0))]
    view = status(events, LAW, at(2026, 11, 23, 9, 0))
    assert view.phase is ProcessPhase.CANCELLED
    assert view.step(Step.ADMISSION_NOTICE).state is StepState.STOPPED
    assert not view.overdue and not view.escalated and view.next_due is None


def test_law_cancelled_after_the_notice_keeps_what_was_done_and_asks_for_kvittens_of_the_cancellation():
    """Inskrivningsmeddelande Sat 2026-11-21 09:00 (on time: due Sat 22:10); cancelled Mon 2026-11-23 10:00 with a
    message to both receivers → the notice stays DONE, the other steps are STOPPED, the cancellation waits for
    kvittens from both units and is escalated after 4 h (Mon 14:00)."""
    events = [admitted(at(2026, 11, 20, 22, 10)), notified(at(2026, 11, 21, 9, 0)),
              Acknowledged(at=at(2026, 11, 21, 9, 30), message_id="inskr-1", unit_id="vc-kumla"),
              Acknowledged(at=at(2026, 11, 21, 9, 40), message_id="inskr-1", unit_id="hsv-kumla"),
              Cancelled(at=at(2026, 11, 23, 10, 0), message_id="makulering-1", to=BOTH)]
    view = status(events, LAW, at(2026, 11, 23, 13, 59))
    assert view.step(Step.ADMISSION_NOTICE).state is StepState.DONE
    assert {s.state for s in view.steps if s.step is not Step.ADMISSION_NOTICE} <= {StepState.STOPPED,
                                                                                   StepState.NOT_REQUIRED}
    assert [(u.message_id, u.unit_id) for u in view.unacknowledged] == [("makulering-1", "vc-kumla"),
                                                                       ("makulering-1", "hsv-kumla")]
    assert not view.escalated
    assert status(events, LAW, at(2026, 11, 23, 14, 0)).escalated


def test_law_interrupted_by_death_stops_open_steps():
    """Utskrivningsklar Mon 2026-11-23 10:00 (SIP due by 24:00 Thu 26); the patient dies Tue 2026-11-24 03:00 →
    on Fri 27 the kallelse is STOPPED, not overdue."""
    events = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0)), ready(at(2026, 11, 23, 10, 0)),
              Interrupted(at=at(2026, 11, 24, 3, 0), reason=InterruptionReason.DIED)]
    view = status(events, LAW, at(2026, 11, 27, 9, 0))
    assert view.phase is ProcessPhase.INTERRUPTED and view.step(Step.SIP_INVITATION).state is StepState.STOPPED
    assert not view.overdue


def test_law_has_no_planning_documentation_deadline():
    """lag-2017-612.toml has no [steps.planning_documentation]: the law sets none (DOMAIN §4)."""
    events = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0))]
    assert step(events, LAW, at(2026, 11, 30, 9, 0), Step.PLANNING_DOCUMENTATION).state is StepState.NOT_REQUIRED


# --- the example monthly-average agreement ---------------------------------------------------------------------


def test_example_admission_notice_admitted_fri_2026_11_20_2210_is_due_sat_2026_11_21_2210_soon_due_from_1610():
    """exempel-medelvarde.toml keeps 24 h: admitted Fri 2026-11-20 22:10 → due Sat 2026-11-21 22:10; its soon-due
    time is 6 h → soon due from Sat 16:10 (the cut-off applies to calendar-day rules only)."""
    events = [admitted(at(2026, 11, 20, 22, 10))]
    assert step(events, EXAMPLE, at(2026, 11, 21, 9, 0), Step.ADMISSION_NOTICE).due_at == at(2026, 11, 21, 22, 10)
    assert step(events, EXAMPLE, at(2026, 11, 21, 16, 9), Step.ADMISSION_NOTICE).state is StepState.OPEN
    assert step(events, EXAMPLE, at(2026, 11, 21, 16, 10), Step.ADMISSION_NOTICE).state is StepState.SOON_DUE


def test_example_planning_documentation_notice_sat_2026_11_21_0930_is_due_mon_2026_11_23_0930():
    """[steps.planning_documentation] from = admission_notice, hours = 48: inskrivningsmeddelande Sat 2026-11-21
    09:30 → planeringsunderlag due Mon 2026-11-23 09:30, through the weekend."""
    events = [admitted(at(2026, 11, 20, 22, 10)), notified(at(2026, 11, 21, 9, 30))]
    view = status(events, EXAMPLE, at(2026, 11, 23, 9, 31))
    assert view.step(Step.PLANNING_DOCUMENTATION).due_at == at(2026, 11, 23, 9, 30)
    assert view.step(Step.PLANNING_DOCUMENTATION).state is StepState.OVERDUE
    documented = [*events, PlanningDocumented(at=at(2026, 11, 23, 9, 0), message_id="plan-1", to=BOTH)]
    assert step(documented, EXAMPLE, at(2026, 11, 23, 10, 0), Step.PLANNING_DOCUMENTATION).state is StepState.DONE


def test_example_sip_invitation_counts_day_zero_notice_mon_2026_11_23_1000_due_by_2400_wed_2026_11_25():
    """day_zero_counts = true: notice Mon 2026-11-23 10:00 → Monday is day 1, Tue day 2, Wed day 3 → due by 24:00
    Wed 2026-11-25 (one day earlier than the law's Thu 26)."""
    events = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0)), ready(at(2026, 11, 23, 10, 0))]
    sip = step(events, EXAMPLE, at(2026, 11, 23, 11, 0), Step.SIP_INVITATION)
    assert sip.due_at == at(2026, 11, 26, 0, 0) and sip.deadline.last_day == date(2026, 11, 25)


@pytest.mark.parametrize(("notice", "due"), [
    (at(2026, 11, 23, 14, 0, 0), at(2026, 11, 26, 0, 0)),  # 14:00:00 is not later than the cut-off → Mon day 1
    (at(2026, 11, 23, 14, 0, 1), at(2026, 11, 27, 0, 0)),  # later than 14:00 → counts from Tue → due 24:00 Thu 26
    (at(2026, 11, 23, 14, 1), at(2026, 11, 27, 0, 0)),
], ids=["mon-1400-due-wed-25", "mon-140001-due-thu-26", "mon-1401-due-thu-26"])
def test_example_sip_invitation_cut_off_1400_moves_day_one_to_the_next_day(notice, due):
    """cutoff = "14:00": a notice Mon 2026-11-23 at 14:00:00 counts Monday as day 1 → due by 24:00 Wed 2026-11-25;
    a notice later than 14:00 counts from Tue 24 → Tue, Wed, Thu → due by 24:00 Thu 2026-11-26."""
    events = [admitted(at(2026, 11, 20, 9, 0)), notified(at(2026, 11, 20, 12, 0)), ready(notice)]
    assert step(events, EXAMPLE, at(2026, 11, 23, 15, 0), Step.SIP_INVITATION).due_at == due


def test_example_sip_invitation_over_the_weekend_fri_2026_11_20():
    """Notice Fri 2026-11-20 11:00 (before the cut-off) → Fri day 1, Sat 2, Sun 3 → due by 24:00 Sun 2026-11-22.
    Notice Fri 2026-11-20 15:30 (after it) → Sat day 1, Sun 2, Mon 3 → due by 24:00 Mon 2026-11-23."""
    base = [admitted(at(2026, 11, 16, 9, 0)), notified(at(2026, 11, 16, 12, 0))]
    morning = step([*base, ready(at(2026, 11, 20, 11, 0))], EXAMPLE, at(2026, 11, 20, 16, 0), Step.SIP_INVITATION)
    afternoon = step([*base, ready(at(2026, 11, 20, 15, 30))], EXAMPLE, at(2026, 11, 20, 16, 0),
                     Step.SIP_INVITATION)
    assert morning.due_at == at(2026, 11, 23, 0, 0)
    assert afternoon.due_at == at(2026, 11, 24, 0, 0)


def test_example_discharge_date_revision_moves_information_transfer_and_soon_due_is_6_hours():
    """Estimated discharge Thu 2026-11-26 → information transfer due by 24:00 Thu 26 (Fri 27 00:00), soon due from
    Thu 18:00 (6 h). Revised Wed 2026-11-25 08:00 to Fri 2026-11-27 → due by 24:00 Fri 2026-11-27 (Sat 28 00:00),
    so on Thu 20:00 it is open again."""
    events = [admitted(at(2026, 11, 20, 22, 10)), notified(at(2026, 11, 21, 9, 0), estimated=date(2026, 11, 26))]
    assert step(events, EXAMPLE, at(2026, 11, 26, 17, 59), Step.INFORMATION_TRANSFER).state is StepState.OPEN
    soon = step(events, EXAMPLE, at(2026, 11, 26, 18, 0), Step.INFORMATION_TRANSFER)
    assert soon.state is StepState.SOON_DUE and soon.due_at == at(2026, 11, 27, 0, 0)
    events.append(DischargeEstimateRevised(at=at(2026, 11, 25, 8, 0), message_id="datum-1", to=BOTH,
                                           estimated_discharge=date(2026, 11, 27)))
    moved = step(events, EXAMPLE, at(2026, 11, 26, 20, 0), Step.INFORMATION_TRANSFER)
    assert moved.due_at == at(2026, 11, 28, 0, 0) and moved.state is StepState.OPEN


def test_example_cancelled_process_stops_the_planning_documentation_due_mon_2026_11_23_0930():
    """Inskrivningsmeddelande Sat 2026-11-21 09:30 → planeringsunderlag would be due Mon 2026-11-23 09:30;
    cancelled Sun 2026-11-22 12:00 → on Tue 24 it is STOPPED and nothing is overdue."""
    events = [admitted(at(2026, 11, 20, 22, 10)), notified(at(2026, 11, 21, 9, 30)),
              Cancelled(at=at(2026, 11, 22, 12, 0), message_id="makulering-1", to=BOTH)]
    view = status(events, EXAMPLE, at(2026, 11, 24, 9, 0))
    assert view.step(Step.PLANNING_DOCUMENTATION).state is StepState.STOPPED and not view.overdue


def test_example_escalates_a_missing_kvittens_after_2_hours_the_law_default_after_4():
    """Inskrivningsmeddelande Sat 2026-11-21 09:00 without kvittens: escalated at 11:00 under the example
    ([worklist] escalate_unacknowledged_after_hours = 2), at 13:00 under the law's file (4 h, project default)."""
    events = [admitted(at(2026, 11, 20, 22, 10)), notified(at(2026, 11, 21, 9, 0))]
    assert not status(events, EXAMPLE, at(2026, 11, 21, 10, 59)).escalated
    assert status(events, EXAMPLE, at(2026, 11, 21, 11, 0)).escalated
    assert not status(events, LAW, at(2026, 11, 21, 12, 59)).escalated
    assert status(events, LAW, at(2026, 11, 21, 13, 0)).escalated


# --- the counting functions on their own ------------------------------------------------------------------------


def test_the_end_of_a_day_is_midnight_in_stockholm_also_on_clock_change_days():
    assert end_of_day(date(2026, 3, 29)) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)  # CEST after the change
    assert end_of_day(date(2026, 10, 25)) == datetime(2026, 10, 25, 23, 0, tzinfo=UTC)  # CET after the change


def test_day_zero_and_calendar_days_follow_the_counting_convention():
    notice = at(2026, 11, 23, 15, 0)
    assert day_zero(notice, Counting()) == date(2026, 11, 23)
    assert day_zero(notice, Counting(cutoff=datetime(2026, 1, 1, 14, 0).time())) == date(2026, 11, 24)
    assert calendar_days_after(notice, 3, Counting()).last_day == date(2026, 11, 26)
    assert calendar_days_after(notice, 3, Counting(day_zero_counts=True)).last_day == date(2026, 11, 25)
    assert hours_after(notice, 48).due_at == at(2026, 11, 25, 15, 0)


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        hours_after(datetime(2026, 11, 23, 10, 0), 24)
    with pytest.raises(ValueError):
        status([admitted(at(2026, 11, 20, 9, 0))], LAW, datetime(2026, 11, 21, 9, 0))
