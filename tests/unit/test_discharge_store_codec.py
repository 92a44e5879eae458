"""Every event of the discharge process survives being stored as JSON and read back (nara.discharge.store), so a
history replays to the same state from the database. Synthetic unit ids and times."""

from datetime import date, datetime

import pytest

from nara.core.clock import STOCKHOLM
from nara.discharge import store
from nara.discharge.model import (
    Acknowledged,
    AdmissionNoticeSent,
    Admitted,
    Cancelled,
    CareContactAppointed,
    CareType,
    Discharged,
    DischargeEstimateRevised,
    InformationTransferred,
    Interrupted,
    InterruptionReason,
    NeedsAssessed,
    NoLongerReady,
    PatientInformed,
    PlanningDocumented,
    ReadyForDischarge,
    Receiver,
    ReceiverRole,
    ReceiversAdded,
    SipInvitationSent,
    SipNeedAssessed,
    replay,
)

AT = datetime(2026, 11, 22, 10, 0, tzinfo=STOCKHOLM)
VC, HSV = Receiver("12", ReceiverRole.VARDCENTRAL), Receiver("40", ReceiverRole.HEMSJUKVARD)
EVENTS = [
    Admitted(at=AT, home_municipality="1881", hospital_unit="5"),
    NeedsAssessed(at=AT),
    ReceiversAdded(at=AT, receivers=(VC,)),
    AdmissionNoticeSent(at=AT, message_id="m4", receivers=(VC, HSV), estimated_discharge=date(2026, 11, 27)),
    DischargeEstimateRevised(at=AT, message_id="m5", to=("12", "40"), estimated_discharge=date(2026, 12, 1)),
    PlanningDocumented(at=AT, message_id="m6", to=("40",)),
    CareContactAppointed(at=AT, unit_id="12", staff_ref="7"),
    ReadyForDischarge(at=AT, message_id="m8", to=("12", "40")),
    NoLongerReady(at=AT, message_id="m9", to=("12", "40")),
    ReadyForDischarge(at=AT, message_id="m10", to=("12", "40"), judged_at=AT),
    SipNeedAssessed(at=AT, needed=True),
    SipInvitationSent(at=AT, message_id="m12", to=("40",), sip_at=datetime(2026, 12, 2, 13, 0, tzinfo=STOCKHOLM)),
    InformationTransferred(at=AT, message_id="m13", to=("12", "40")),
    Acknowledged(at=AT, message_id="m4", unit_id="40"),
    Discharged(at=AT),
    PatientInformed(at=AT),
]


@pytest.mark.parametrize("event", [
    *EVENTS, Admitted(at=AT, home_municipality="0180", hospital_unit="6", care=CareType.PSYCHIATRIC),
    Cancelled(at=AT), Cancelled(at=AT, message_id="m3", to=("12",)),
    Interrupted(at=AT, reason=InterruptionReason.DIED, message_id="m3", to=("12", "40")),
], ids=lambda e: e.name)
def test_an_event_is_the_same_after_storing(event):
    assert store.decode_event(event.name, event.at, store.encode_event(event)) == event


def test_a_stored_history_replays_to_the_same_state():
    stored = [store.decode_event(e.name, e.at, store.encode_event(e)) for e in EVENTS]
    assert replay(stored) == replay(EVENTS)
