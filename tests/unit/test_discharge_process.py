"""The discharge process as a state machine (DOMAIN §4): phases, refused transitions, kvittens per receiver, and
the worklist view. Synthetic unit ids and times; times in Swedish time (Europe/Stockholm)."""

import dataclasses
from datetime import UTC, date, datetime

import pytest

from nara.core.clock import STOCKHOLM
from nara.core.errors import Conflict
from nara.discharge.model import (
    Acknowledged,
    AdmissionNoticeSent,
    Admitted,
    Cancelled,
    CareContactAppointed,
    Discharged,
    InformationTransferred,
    Interrupted,
    InterruptionReason,
    InvalidTransition,
    MessageKind,
    NeedsAssessed,
    NoLongerReady,
    Party,
    PatientInformed,
    PeriodEnd,
    PlanningDocumented,
    Principal,
    ProcessPhase,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    ReceiversAdded,
    SipInvitationSent,
    Step,
    StepState,
    default_library,
    replay,
    status,
)

LAW = default_library().get("lag-2017-612")
VC = Receiver("vc-kumla", ReceiverRole.VARDCENTRAL)
HSV = Receiver("hsv-kumla", ReceiverRole.HEMSJUKVARD)
HTJ = Receiver("htj-kumla", ReceiverRole.HEMTJANST)
BIST = Receiver("bist-kumla", ReceiverRole.BISTANDSHANDLAGGNING)
ALL = ("vc-kumla", "hsv-kumla", "htj-kumla", "bist-kumla")


def at(day, hour=0, minute=0):
    return datetime(2026, 11, day, hour, minute, tzinfo=STOCKHOLM)


def whole_process():
    """A Kumla resident at USÖ from admission to the patient informed (the discharge browser story, as events)."""
    return [
        Admitted(at=at(20, 22, 10), home_municipality="1881", hospital_unit="uso-avd-42"),
        AdmissionNoticeSent(at=at(21, 9, 0), message_id="inskr-1", receivers=(VC, HSV, HTJ, BIST),
                            estimated_discharge=date(2026, 11, 27)),
        Acknowledged(at=at(21, 9, 5), message_id="inskr-1", unit_id="vc-kumla"),
        Acknowledged(at=at(21, 9, 7), message_id="inskr-1", unit_id="hsv-kumla"),
        Acknowledged(at=at(21, 10, 0), message_id="inskr-1", unit_id="htj-kumla"),
        Acknowledged(at=at(21, 10, 2), message_id="inskr-1", unit_id="bist-kumla"),
        CareContactAppointed(at=at(23, 8, 30), unit_id="vc-kumla", staff_ref="distriktsskoterska"),
        ReadyForDischarge(at=at(24, 10, 0), message_id="klar-1", to=ALL),
        SipInvitationSent(at=at(25, 11, 0), message_id="sip-1", to=ALL, sip_at=datetime(2026, 12, 2, 13, 0,
                                                                                         tzinfo=STOCKHOLM)),
        InformationTransferred(at=at(27, 8, 0), message_id="info-1", to=ALL),
        PatientInformed(at=at(27, 9, 0)),
        Discharged(at=at(27, 10, 0)),
    ]


def test_a_whole_process_runs_from_admission_to_completed_with_every_step_on_time():
    events = whole_process()
    phases = [replay(events[:n]).phase for n in (1, 2, 8, 10, 11, 12)]
    assert phases == [ProcessPhase.ADMITTED, ProcessPhase.NOTIFIED, ProcessPhase.READY, ProcessPhase.READY,
                      ProcessPhase.READY, ProcessPhase.COMPLETED]
    view = status(events, LAW, at(27, 12, 0))
    assert {s.step: s.state for s in view.steps} == {
        Step.ADMISSION_NOTICE: StepState.DONE,  # 09:00 Sat ≤ due Sat 22:10
        Step.PLANNING_DOCUMENTATION: StepState.NOT_REQUIRED,  # the law sets no deadline
        Step.CARE_CONTACT: StepState.DONE,  # Mon 23 ≤ the discharge Fri 27 10:00
        Step.SIP_INVITATION: StepState.DONE,  # Wed 25 ≤ 24:00 Fri 27 (notice Tue 24 + 3 days)
        Step.INFORMATION_TRANSFER: StepState.DONE,  # Fri 27 08:00 ≤ 24:00 Fri 27
        Step.PATIENT_INFORMED: StepState.DONE,
    }
    state = replay(events)
    assert state.care_contact == ("vc-kumla", "distriktsskoterska")
    assert state.sip_at == datetime(2026, 12, 2, 13, 0, tzinfo=STOCKHOLM) and state.sip_needed
    assert view.step(Step.SIP_INVITATION).party is Party.OUTPATIENT
    assert view.step(Step.ADMISSION_NOTICE).party is Party.WARD
    # only the messages after the inskrivningsmeddelande wait for kvittens
    assert {u.message_id for u in view.unacknowledged} == {"klar-1", "sip-1", "info-1"}
    assert set(view.by_receiver()) == set(ALL) and len(view.unacknowledged_by("hsv-kumla")) == 3


def test_patient_informed_after_discharge_completes_the_process():
    events = whole_process()
    events[-2:] = [Discharged(at=at(27, 10, 0)), PatientInformed(at=at(27, 10, 5))]
    assert replay(events).phase is ProcessPhase.COMPLETED
    assert replay(events[:-1]).phase is ProcessPhase.DISCHARGED


def test_becoming_ill_again_returns_to_not_ready_and_a_new_notice_starts_a_new_period():
    events = [
        *whole_process()[:8],
        NoLongerReady(at=at(25, 7, 0), message_id="ej-klar-1", to=ALL),
        ReadyForDischarge(at=at(26, 9, 0), message_id="klar-2", to=ALL),
    ]
    assert replay(events[:9]).phase is ProcessPhase.NOTIFIED
    state = replay(events)
    assert state.phase is ProcessPhase.READY
    assert [(p.notice_at, p.ended_at, p.ended_by) for p in state.ready_periods] == [
        (at(24, 10, 0), at(25, 7, 0), PeriodEnd.NOT_READY), (at(26, 9, 0), None, None)]
    assert state.current_ready_notice_at == at(26, 9, 0)


def test_a_utskrivningsklar_notice_without_an_inskrivningsmeddelande_is_possible_and_recorded():
    """The ward may forget the inskrivningsmeddelande (then the municipality does not pay,
    nara.discharge.model.payment); it can still be sent late while the patient is utskrivningsklar."""
    events = [Admitted(at=at(16, 10, 0), home_municipality="1861", hospital_unit="uso-avd-42"),
              ReceiversAdded(at=at(16, 10, 5), receivers=(VC, BIST)),
              ReadyForDischarge(at=at(17, 10, 0), message_id="klar-1", to=("vc-kumla", "bist-kumla"))]
    state = replay(events)
    assert state.phase is ProcessPhase.READY
    assert state.received_by(MessageKind.ADMISSION_NOTICE, Principal.MUNICIPALITY) is None
    assert state.received_by(MessageKind.READY_NOTICE, Principal.MUNICIPALITY) == at(17, 10, 0)
    assert replay([*events, NoLongerReady(at=at(18, 8, 0), message_id="ej-1", to=("vc-kumla",))]).phase \
        is ProcessPhase.ADMITTED
    late_notice = AdmissionNoticeSent(at=at(19, 16, 0), message_id="inskr-1", receivers=(VC, BIST),
                                      estimated_discharge=date(2026, 11, 27))
    late = replay([*events, late_notice])
    assert late.phase is ProcessPhase.READY and late.admission_notice_at == at(19, 16, 0)


def test_a_kvittens_is_per_unit_and_the_first_one_counts():
    events = [
        *whole_process()[:2],
        Acknowledged(at=at(21, 9, 5), message_id="inskr-1", unit_id="hsv-kumla"),
        Acknowledged(at=at(21, 11, 0), message_id="inskr-1", unit_id="hsv-kumla"),  # delivered twice
    ]
    state = replay(events)
    assert state.messages["inskr-1"].acknowledged == {"hsv-kumla": at(21, 9, 5)}
    view = status(events, LAW, at(21, 12, 0))
    assert [u.unit_id for u in view.unacknowledged] == ["vc-kumla", "htj-kumla", "bist-kumla"]
    assert view.unacknowledged_by("hsv-kumla") == ()


def test_the_view_at_an_earlier_moment_ignores_later_events():
    events = whole_process()
    earlier = status(events, LAW, at(22, 12, 0))
    assert earlier.phase is ProcessPhase.NOTIFIED
    assert earlier.step(Step.SIP_INVITATION).state is StepState.WAITING
    assert earlier.step(Step.CARE_CONTACT).state is StepState.OPEN
    assert earlier.step(Step.CARE_CONTACT).due_at == datetime(2026, 11, 28, 0, 0, tzinfo=STOCKHOLM)
    assert earlier.next_due.step is Step.CARE_CONTACT


def test_discharge_without_a_utskrivningsklar_notice_leaves_no_sip_deadline():
    events = [*whole_process()[:2], Discharged(at=at(23, 10, 0))]
    view = status(events, LAW, at(30, 10, 0))
    assert view.step(Step.SIP_INVITATION).state is StepState.NOT_REQUIRED
    assert view.step(Step.INFORMATION_TRANSFER).state is StepState.OVERDUE  # was due by 24:00 Mon 23


def test_an_interruption_ends_the_period_as_utskrivningsklar():
    events = [*whole_process()[:8], Interrupted(at=at(25, 3, 0), reason=InterruptionReason.TRANSFERRED)]
    state = replay(events)
    assert state.phase is ProcessPhase.INTERRUPTED and state.ended_at == at(25, 3, 0)
    assert state.ready_periods[-1].ended_by is PeriodEnd.TRANSFERRED


def _admitted():
    return Admitted(at=at(20, 22, 10), home_municipality="1881", hospital_unit="uso-avd-42")


def _notice(when=None, message_id="inskr-1"):
    return AdmissionNoticeSent(at=when or at(21, 9, 0), message_id=message_id, receivers=(VC, HSV),
                               estimated_discharge=date(2026, 11, 27))


@pytest.mark.parametrize(("events", "key"), [
    ([_notice()], "discharge.event.first_must_be_admission"),
    ([_admitted(), _admitted()], "discharge.transition.invalid"),
    ([_admitted(), _notice(), _notice(at(21, 10, 0), "inskr-2")], "discharge.event.twice"),
    ([_admitted(), _notice(), ReadyForDischarge(at=at(23, 9, 0), message_id="k1", to=("vc-kumla",)),
      ReadyForDischarge(at=at(23, 10, 0), message_id="k2", to=("vc-kumla",))], "discharge.transition.invalid"),
    ([_admitted(), _notice(), NoLongerReady(at=at(23, 9, 0), message_id="e1", to=("vc-kumla",))],
     "discharge.transition.invalid"),
    ([_admitted(), _notice(), Discharged(at=at(23, 9, 0)), Discharged(at=at(23, 10, 0))],
     "discharge.transition.invalid"),
    ([_admitted(), _notice(), Discharged(at=at(23, 9, 0)), Cancelled(at=at(23, 10, 0))],
     "discharge.transition.invalid"),
    ([_admitted(), Cancelled(at=at(21, 8, 0)), _notice()], "discharge.transition.invalid"),
    ([_admitted(), _notice(), NeedsAssessed(at=at(21, 10, 0))], "discharge.transition.invalid"),
    ([_admitted(), PlanningDocumented(at=at(21, 8, 0), message_id="p1", to=("vc-kumla",))],
     "discharge.transition.invalid"),
    ([_admitted(), _notice(), SipInvitationSent(at=at(22, 9, 0), message_id="s1", to=("vc-kumla",),
                                                sip_at=at(25, 13, 0))], "discharge.transition.invalid"),
    ([_admitted(), _notice(), ReadyForDischarge(at=at(23, 9, 0), message_id="k1", to=("okand-enhet",))],
     "discharge.receiver.unknown"),
    ([_admitted(), _notice(), ReadyForDischarge(at=at(23, 9, 0), message_id="k1", to=())],
     "discharge.receiver.none"),
    ([_admitted(), _notice(), ReadyForDischarge(at=at(23, 9, 0), message_id="inskr-1", to=("vc-kumla",))],
     "discharge.message.duplicate"),
    ([_admitted(), _notice(), Acknowledged(at=at(21, 9, 5), message_id="nope", unit_id="vc-kumla")],
     "discharge.ack.unknown_message"),
    ([_admitted(), ReceiversAdded(at=at(21, 8, 0), receivers=(HTJ,)), _notice(),
      Acknowledged(at=at(21, 9, 5), message_id="inskr-1", unit_id="htj-kumla")], "discharge.ack.not_addressee"),
    ([_admitted(), _notice(at(21, 9, 0)), Discharged(at=at(21, 8, 59))], "discharge.event.out_of_order"),
    ([_admitted(), AdmissionNoticeSent(at=at(21, 9, 0), message_id="i", receivers=(VC,),
                                       estimated_discharge=date(2026, 11, 19))], "discharge.estimate.before_admission"),
    ([_admitted(), _notice(), PatientInformed(at=at(22, 9, 0)), PatientInformed(at=at(22, 10, 0))],
     "discharge.event.twice"),
], ids=["first-not-admission", "admitted-twice", "notice-twice", "ready-twice", "not-ready-when-not-ready",
        "discharged-twice", "cancel-after-discharge", "notice-after-cancel", "judgement-after-notice",
        "planning-before-notice", "sip-before-ready", "unknown-receiver", "no-receiver", "duplicate-message-id",
        "ack-unknown-message", "ack-by-non-addressee", "out-of-order", "estimate-before-admission",
        "informed-twice"])
def test_an_impossible_history_is_refused_with_a_swedish_message(events, key):
    with pytest.raises(InvalidTransition) as caught:
        replay(events)
    assert caught.value.key == key
    assert isinstance(caught.value, Conflict) and caught.value.status == 409
    assert caught.value.message  # the catalogue has the text (fails loudly if the key is missing)


def test_the_transition_message_names_the_event_and_the_phase_in_swedish():
    with pytest.raises(InvalidTransition) as caught:
        replay([_admitted(), _notice(), Discharged(at=at(23, 9, 0)), Cancelled(at=at(23, 10, 0))])
    assert caught.value.message == "Det går inte att registrera makulering när processen är utskriven."


def test_event_times_must_be_aware():
    with pytest.raises(ValueError):
        replay([Admitted(at=datetime(2026, 11, 20, 22, 10), home_municipality="1881", hospital_unit="x")])


def test_times_in_utc_and_in_swedish_time_are_the_same_instants():
    swedish = whole_process()
    in_utc = [dataclasses.replace(e, at=e.at.astimezone(UTC)) for e in swedish]
    now = at(26, 12, 0)
    assert status(in_utc, LAW, now) == status(swedish, LAW, now)


def test_receiver_roles_know_their_principal():
    assert VC.principal is Principal.REGION
    assert {HSV.principal, HTJ.principal, BIST.principal} == {Principal.MUNICIPALITY}


def test_every_phase_event_step_and_state_has_a_swedish_label():
    from nara.core.i18n import t
    from nara.discharge.model import DayKind, NoPayReason, process

    events = [c for c in vars(process).values()
              if isinstance(c, type) and issubclass(c, process.Event) and c is not process.Event]
    assert len(events) == 17
    labels = [f"discharge.event.{e.name}" for e in events]
    labels += [f"discharge.phase.{p}" for p in ProcessPhase] + [f"discharge.step.{s}" for s in Step]
    labels += [f"discharge.state.{s}" for s in StepState] + [f"discharge.day.{d}" for d in DayKind]
    labels += [f"discharge.reason.{r}" for r in NoPayReason]
    assert all(t(key) for key in labels)
