"""One event, one clock time (SYNTETISKA DATA), on SQLite and PostgreSQL: agreed times, a discharge process with
its deadline and SIP kallelse, and SIP meetings placed on both sides of the 2026 changes of Swedish time — spring
(Sun 29 Mar 02:00 CET → 03:00 CEST) and autumn (Sun 25 Oct 03:00 CEST → 02:00 CET, when 02:00–03:00 comes twice) —
read the same on every page that shows them, in the one style "25 okt 2026 02:30" in Swedish time, while the JSON
API gives each as ISO 8601 with an offset that parses back to the same instant."""

from __future__ import annotations

import html
import re
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient

from nara.auth.demo import DEMO_PASSWORD
from nara.core.clock import local_minute
from nara.discharge import service as discharge

from .discharge_fixtures import build_world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')

# Instants in UTC and how a person in Sweden reads them.
SPRING_BEFORE = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # 01:30 CET, half an hour before the change
SPRING_AFTER = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # 03:30 CEST, an hour later
AUTUMN_FIRST = datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 02:30 CEST, the first 02:30
AUTUMN_SECOND = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)  # 02:30 CET, the repeated hour
AUTUMN_AFTER = datetime(2026, 10, 26, 12, 0, tzinfo=UTC)  # 13:00 CET
ADMITTED = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # Sat 10:00 CET
NOTICE_DUE = datetime(2026, 3, 29, 9, 0, tzinfo=UTC)  # 24 real hours later: Sun 11:00 CEST
SIP_KALLELSE = datetime(2026, 3, 31, 11, 0, tzinfo=UTC)  # Tue 13:00 CEST

SHOWN = {SPRING_BEFORE: "29 mar 2026 01:30", SPRING_AFTER: "29 mar 2026 03:30",
         AUTUMN_FIRST: "25 okt 2026 02:30", AUTUMN_SECOND: "25 okt 2026 02:30", AUTUMN_AFTER: "26 okt 2026 13:00",
         ADMITTED: "28 mar 2026 10:00", NOTICE_DUE: "29 mar 2026 11:00", SIP_KALLELSE: "31 mar 2026 13:00"}

TIMES = (SPRING_BEFORE, SPRING_AFTER, AUTUMN_FIRST, AUTUMN_SECOND)


@pytest.fixture
def world(database, clock, tmp_data_dir):
    """The discharge tests' world, built on Friday 27 March 2026, 13:00 in Stockholm: every event lies ahead."""
    clock.at = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    w = build_world(database, clock, tmp_data_dir)
    yield w
    w.client.close()
    w.broker.close()


class Visitor:
    """A browser session of one demo user."""

    def __init__(self, world, username: str) -> None:
        self.client = TestClient(world.client.app, follow_redirects=False)
        login = self.client.get("/logga-in")
        answer = self.client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                                     "csrf_token": CSRF.search(login.text).group(1)})
        assert answer.status_code == 303, answer.text

    def text(self, path: str) -> str:
        page = self.client.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return html.unescape(page.text)


def instant(text: str) -> datetime:
    """An API time: ISO 8601 that carries its offset (``Z`` or ``+01:00``), as the instant it names."""
    parsed = datetime.fromisoformat(text)
    assert parsed.utcoffset() is not None, text
    return parsed


def api(world, username: str, path: str, method: str = "get", **kwargs):
    world.tokens.pop(username, None)  # a fresh token: the clock jumps further than a session lasts
    response = getattr(world.client, method)(path, headers={**world.headers(username), **kwargs.pop("headers", {})},
                                             **kwargs)
    assert response.status_code in (200, 201), response.text
    return response


def _plan_with_times(world) -> dict:
    booked = [{"op": "add_time", "start": at.isoformat(), "with_whom": "Erik Testlund, läkare", "mode": "besok",
               "place": "Vårdcentralen Kumla", "purpose": f"Besök {n}"} for n, at in enumerate(TIMES, 1)]
    return api(world, "lakare", f"/api/persons/{world.tolvan}/plans", "post",
               json={"kind": "patientkontrakt", "operations": booked}).json()


def _admitted(world) -> int:
    """Tolvan admitted on Saturday 28 March 10:00 CET, written down half an hour later: the inskrivningsmeddelande
    is due across the change, 24 real hours later, Sunday 11:00 CEST."""
    world.clock.at = datetime(2026, 3, 28, 9, 30, tzinfo=UTC)
    with world.db.transaction() as s:
        return discharge.open_process(s, world.actor("avdelning"), world.clock, person_id=world.tolvan,
                                      admitted_at=ADMITTED).id


def _kallelse(world, pid: int) -> int:
    """The notice goes, the vårdcentral names the fast vårdkontakt and calls to a SIP meeting; the SIP's id."""
    ward, vc = world.actor("avdelning"), world.actor("distriktsskoterska")
    with world.db.transaction() as s:
        discharge.send_admission_notice(s, ward, world.clock, pid, estimated_discharge=date(2026, 4, 2))
        discharge.appoint_care_contact(s, vc, world.clock, pid, staff_id=world.maja)
        discharge.mark_ready(s, ward, world.clock, pid)
        discharge.send_sip_invitation(s, vc, world.clock, pid, sip_at=SIP_KALLELSE)
    return api(world, "avdelning", f"/api/discharge/processes/{pid}").json()["sip_plan_id"]


def test_the_clock_style_itself():
    for at, text in SHOWN.items():
        assert local_minute(at) == text
    assert local_minute(datetime(2026, 12, 7, 6, 58, tzinfo=UTC)) == "7 dec 2026 07:58"
    assert [local_minute(datetime(2026, m, 1, 12, tzinfo=UTC)).split()[1] for m in range(1, 13)] == [
        "jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def test_the_same_event_shows_the_same_clock_time_on_every_page_and_in_the_api(world):
    plan = _plan_with_times(world)
    pid = _admitted(world)
    ward = Visitor(world, "avdelning")
    assert SHOWN[ADMITTED] in ward.text(f"/utskrivning/{pid}") and SHOWN[NOTICE_DUE] in ward.text(f"/utskrivning/{pid}")
    process = api(world, "avdelning", f"/api/discharge/processes/{pid}").json()
    assert NOTICE_DUE in {instant(s["due_at"]) for s in process["steps"] if s["due_at"]}
    sip_id = _kallelse(world, pid)
    sip = api(world, "lakare", f"/api/plans/{sip_id}").json()
    added = api(world, "lakare", f"/api/plans/{sip_id}", "patch", headers={"If-Match": sip["etag"]},
                json={"operations": [{"op": "add_meeting", "start": AUTUMN_AFTER.isoformat(), "place": "Hemmet"}]})

    # The API: ISO 8601 with an offset, the same instants (and two different ones in the repeated hour).
    starts = [instant(t["start"]) for t in api(world, "lakare", f"/api/plans/{plan['id']}").json()["document"]["times"]]
    assert sorted(starts) == list(TIMES) and len(set(starts)) == 4
    meetings = added.json()["document"]["sip"]
    assert [instant(m["start"]) for m in meetings["earlier_meetings"]] == [SIP_KALLELSE]
    assert instant(meetings["meeting"]["start"]) == AUTUMN_AFTER
    process = api(world, "avdelning", f"/api/discharge/processes/{pid}").json()
    assert instant(process["admitted_at"]) == ADMITTED and instant(process["sip_at"]) == SIP_KALLELSE

    # The pages: every event in Swedish time, in the one style; the repeated 02:30 twice.
    gp, tolvan = Visitor(world, "lakare"), Visitor(world, "tolvan")
    staff_plan = gp.text(f"/planer/{plan['id']}")
    min_plan = tolvan.text(f"/min-sida/plan/{plan['id']}")
    for page in (staff_plan, min_plan):
        for at in TIMES:
            assert SHOWN[at] in page, SHOWN[at]
        assert page.count(SHOWN[AUTUMN_FIRST]) >= 2  # 02:30 summer time and 02:30 winter time
        assert "29 mar 2026 02:30" not in page and "25 okt 2026 01:30" not in page  # not in UTC, not an hour off
    sip_page = gp.text(f"/planer/{sip_id}/sip")
    assert SHOWN[SIP_KALLELSE] in sip_page and SHOWN[AUTUMN_AFTER] in sip_page
    assert SHOWN[AUTUMN_AFTER] in tolvan.text(f"/min-sida/plan/{sip_id}")
    told = tolvan.text("/meddelanden")
    for at in TIMES:
        assert f"Ny tid i din plan: {SHOWN[at]}" in told
    process_page = ward.text(f"/utskrivning/{pid}")
    for at in (ADMITTED, SIP_KALLELSE):
        assert SHOWN[at] in process_page, SHOWN[at]
    assert SHOWN[SIP_KALLELSE] in tolvan.text("/min-sida/utskrivning/innehall")

    # Idag, on the day of the spring change: the day's agreed times at the vårdcentral, in the same style.
    world.clock.at = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # 00:30 CET on Sunday 29 March
    today = Visitor(world, "lakare").text("/arbetsyta")
    assert SHOWN[SPRING_BEFORE] in today and SHOWN[SPRING_AFTER] in today
