"""Calendar files of agreed times (nara.outreach.service.calendar), on SQLite and PostgreSQL: Tolvan's file parses
with icalendar and holds his agreed times at the right local times in Europe/Stockholm — one on each side of the
change to summer time — with a VTIMEZONE, stable UIDs and no purpose in the SUMMARY; the staff file holds the
unit's plans' times without naming the person."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from icalendar import Calendar

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD
from nara.core.clock import STOCKHOLM

from .outreach_world import PURPOSE, SUMMER, WINTER, make_plan, world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def app_world(db, demo, clock):
    w = world(db, clock)
    make_plan(db, clock, w)
    return create_app(demo, database=db, clock=clock), w


def _logged_in(app, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    token = CSRF.search(client.get("/logga-in").text).group(1)
    done = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD, "csrf_token": token})
    assert done.status_code == 303, done.text
    return client


def _events(body: bytes) -> list:
    return Calendar.from_ical(body).walk("VEVENT")


def test_tolvans_calendar_file_holds_his_agreed_times_in_stockholm_time_across_the_dst_change(app_world):
    app, _w = app_world
    client = _logged_in(app, "tolvan")
    response = client.get("/min-sida/kalender.ics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Stockholm"]
    events = sorted(_events(response.content), key=lambda e: e.decoded("dtstart"))
    starts = [e.decoded("dtstart") for e in events]
    assert starts == [WINTER, SUMMER]
    assert [s.tzinfo.key if hasattr(s.tzinfo, "key") else str(s.tzinfo) for s in starts] == ["Europe/Stockholm"] * 2
    assert [(s.hour, s.minute) for s in starts] == [(10, 0), (10, 0)]  # 10:00 local on both sides of the change
    assert [s.utcoffset().total_seconds() / 3600 for s in starts] == [1, 2]
    assert [str(e["summary"]) for e in events] == ["Överenskommen tid med Distriktssköterskan"] * 2
    assert all(PURPOSE not in e.to_ical().decode() for e in events)
    assert [str(e["location"]) for e in events] == ["Vårdcentralen Kumla"] * 2
    assert events[0]["dtstart"].params["TZID"] == "Europe/Stockholm"

    again = _events(client.get("/min-sida/kalender.ics").content)
    assert sorted(str(e["uid"]) for e in again) == sorted(str(e["uid"]) for e in events)  # stable UIDs
    assert len({str(e["uid"]) for e in events}) == 2


def test_the_staff_calendar_holds_the_units_plan_times_without_naming_the_person(app_world):
    app, w = app_world
    client = _logged_in(app, "lakare")
    response = client.get("/kalender.ics")
    assert response.status_code == 200
    events = _events(response.content)
    assert sorted(e.decoded("dtstart").astimezone(STOCKHOLM) for e in events) == [WINTER, SUMMER]
    text = response.content.decode()
    for secret in ("Tolvan", "19121212", PURPOSE):
        assert secret not in text
    assert {str(e["summary"]) for e in events} == {f"Överenskommen tid, plan {w.plan_id}"}


def test_a_resident_cannot_fetch_the_staff_calendar_nor_staff_the_residents(app_world):
    app, _w = app_world
    assert _logged_in(app, "tolvan").get("/kalender.ics").status_code == 403
    assert _logged_in(app, "lakare").get("/min-sida/kalender.ics").status_code == 403
