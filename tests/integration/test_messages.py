"""Secure messages (nara.messaging) through the service, the JSON API and the pages, on SQLite and PostgreSQL:
the person writes to their listing's unit by default, the unit sees it waiting with its age, a nurse takes it,
answers and closes it, unread counts per reader; staff of the ward and the municipality write about a discharge and
"Redo att ta emot" reaches the ward's worklist fragment; a new post is announced on the parties' live streams
only, and the person is told by e-mail through the outbox when they asked to be."""

from __future__ import annotations

import asyncio
import html
import re
from datetime import date

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.core.db import Database
from nara.core.errors import ValidationFailed
from nara.discharge import service as discharge
from nara.discharge.service import Outlets as DischargeOutlets
from nara.live.service import Broker
from nara.messaging import service
from nara.messaging.model import PostKind, Source
from nara.outreach.store import OutboxRow
from nara.plans.service import InAppNotifier

from .conftest import run_loop
from .demo_logins import CSRF, page_login
from .discharge_fixtures import build_world


@pytest.fixture
def world(database, clock, tmp_data_dir):
    w = build_world(database, clock, tmp_data_dir)
    yield w
    w.client.close()
    w.broker.close()


def open_discharge(world) -> int:
    ward = world.actor("avdelning")
    with world.db.transaction() as s:
        return discharge.open_process(s, ward, world.clock, person_id=world.tolvan,
                                      estimated_discharge=date(2026, 11, 27),
                                      outlets=DischargeOutlets(notifier=InAppNotifier())).id


def test_the_person_writes_to_the_listing_unit_and_the_nurse_takes_answers_and_closes_over_the_api(world):
    c = world.client
    tolvan, nurse = world.headers("tolvan"), world.headers("distriktsskoterska")
    created = c.post("/api/messages", headers=tolvan, json={"subject": "Fråga om blodtrycket",
                                                            "body": "Ska jag ta tabletten på morgonen?"})
    assert created.status_code == 201, created.text
    thread = created.json()
    assert thread["unit"] == "Vårdcentralen Kumla" and thread["kind"] == "person" and thread["status"] == "open"
    assert [p["body"] for p in thread["posts"]] == ["Ska jag ta tabletten på morgonen?"]

    world.clock.advance(hours=3)
    assert c.get("/api/messages/unread", headers=nurse).json() == {"unread_threads": 1}
    [listed] = c.get("/api/messages", headers=nurse).json()
    assert listed["id"] == thread["id"] and listed["awaiting_mine"] and listed["waited"] == {"count": 3,
                                                                                          "unit": "hours"}
    assert listed["unread"] == 1 and listed["taken_by"] is None

    taken = c.post(f"/api/messages/{thread['id']}/take", headers=nurse).json()
    assert taken["taken_by"] == world.actor("distriktsskoterska").display_name
    answered = c.post(f"/api/messages/{thread['id']}/posts", headers=nurse,
                      json={"body": "Ja, på morgonen går bra."})
    assert answered.status_code == 201 and not answered.json()["awaiting_mine"]
    assert c.get("/api/messages/unread", headers=nurse).json() == {"unread_threads": 0}

    assert c.get("/api/messages/unread", headers=tolvan).json() == {"unread_threads": 1}
    [mine] = c.get("/api/messages", headers=tolvan).json()
    assert mine["unread"] == 1
    read = c.get(f"/api/messages/{thread['id']}", headers=tolvan).json()
    assert [p["body"] for p in read["posts"]][-1] == "Ja, på morgonen går bra."
    assert c.get("/api/messages/unread", headers=tolvan).json() == {"unread_threads": 0}

    assert c.post(f"/api/messages/{thread['id']}/close", headers=nurse).json()["status"] == "closed"
    refused = c.post(f"/api/messages/{thread['id']}/posts", headers=tolvan, json={"body": "En sak till"})
    assert refused.status_code == 422 and "avslutat" in refused.json()["detail"]
    assert c.get("/api/messages", headers=nurse).json() == []  # closed: off the open inbox
    assert [t["id"] for t in c.get("/api/messages?closed=true", headers=nurse).json()] == [thread["id"]]
    assert c.post(f"/api/messages/{thread['id']}/take", headers=tolvan).status_code == 403  # staff only


def test_the_person_writes_only_to_units_in_their_care_and_staff_cannot_take_another_units_thread(world):
    c = world.client
    tolvan = world.headers("tolvan")
    refused = c.post("/api/messages", headers=tolvan, json={"unit_id": world.other_vc, "subject": "Hej",
                                                            "body": "Hej"})
    assert refused.status_code == 422 and "mottagare" in refused.json()["detail"]
    with world.db.transaction() as s:
        receivers = service.receivers(s, world.actor("tolvan"), world.clock)
    assert receivers.default_unit_id == world.vc and receivers.units[0].id == world.vc
    assert world.other_vc not in {u.id for u in receivers.units}


def test_a_staff_answer_to_the_person_queues_an_email_notice_without_health_data(world):
    """Through nara.outreach: the person asked for e-mail on new messages; the notice is an outbox row naming the
    event only."""
    from nara.outreach import service as outreach

    tolvan = world.actor("tolvan")
    with world.db.transaction() as s:
        outreach.save_preferences(s, tolvan, world.clock, world.tolvan, outreach.checked(
            email="tolvan@example.org", sms=None, events=["new_message"]))
    with world.db.transaction() as s:
        row = service.start_thread(s, tolvan, world.clock, unit_id=None, subject="Recept",
                                   body="Jag behöver förnya receptet.", outlets=service.Outlets())
    with world.db.transaction() as s:
        assert s.scalars(select(OutboxRow)).all() == []  # the person's own message: nothing to tell them
        service.post(s, world.actor("distriktsskoterska"), world.clock, row.id, body="Receptet är förnyat.",
                     outlets=service.Outlets())
    with world.db.transaction() as s:
        [queued] = s.scalars(select(OutboxRow)).all()
    assert queued.event == "new_message" and queued.address == "tolvan@example.org"
    assert queued.person_id == row.person_id


def test_the_ward_and_the_municipality_write_about_a_discharge_and_ready_to_receive_reaches_the_ward(world):
    pid = open_discharge(world)
    c = world.client
    ward, hsv = world.headers("avdelning"), world.headers("hemsjukvard")
    asked = c.post("/api/messages/team", headers=ward, json={
        "source": "discharge", "source_id": pid, "unit_id": world.hsv, "kind": "question",
        "subject": "Inför hemgång", "body": "Har ni möjlighet att ta emot på fredag?"})
    assert asked.status_code == 201, asked.text
    thread = asked.json()
    assert thread["kind"] == "team" and thread["source_kind"] == "discharge" and thread["source_id"] == pid
    [inbox_item] = c.get("/api/messages", headers=hsv).json()
    assert inbox_item["awaiting_mine"] and inbox_item["from_unit"] == thread["from_unit"]

    wrong = c.post(f"/api/messages/{thread['id']}/posts", headers=ward, json={"body": "Redo", "kind": "ready"})
    assert wrong.status_code == 422  # the ward does not say the municipality is ready
    ready = c.post(f"/api/messages/{thread['id']}/posts", headers=hsv,
                   json={"body": "Vi är redo att ta emot på fredag.", "kind": "ready"})
    assert ready.status_code == 201 and ready.json()["posts"][-1]["kind"] == "ready"

    page_login(c, "avdelning")
    fragment = c.get("/inkorg/redo")
    assert fragment.status_code == 200 and "redo att ta emot" in fragment.text
    assert f"/inkorg/{thread['id']}" in fragment.text
    c.cookies.clear()
    with world.db.transaction() as s:
        about = service.threads_about(s, world.actor("hemsjukvard"), world.clock, Source.DISCHARGE, pid)
        assert [t.id for t in about] == [thread["id"]]
        # a unit that is not in the person's care is not offered, and not accepted
        with pytest.raises(ValidationFailed) as refused:
            service.start_team_thread(s, world.actor("avdelning"), world.clock, source=Source.DISCHARGE,
                                      source_id=pid, unit_id=world.orebro_hsv, subject="x", body="y",
                                      kind=PostKind.MESSAGE, outlets=service.Outlets())
        assert refused.value.key == "messaging.receiver_not_in_care"


def test_a_new_post_is_announced_to_the_parties_units_and_the_person_apart_only_when_it_commits(world):
    own = Database(world.db.url)
    broker = Broker(own)
    tolvan, nurse = world.actor("tolvan"), world.actor("distriktsskoterska")

    async def scenario():
        subs = {name: broker.subscribe([f"unit:{unit}"]) for name, unit in (("vc", world.vc),
                                                                          ("other", world.other_vc))}
        person = broker.subscribe([f"person:{world.tolvan}"])
        assert await asyncio.to_thread(broker.wait_until_listening)

        def failed():
            with pytest.raises(RuntimeError), world.db.transaction() as s:
                service.start_thread(s, tolvan, world.clock, unit_id=None, subject="Ångrat", body="Ångrat",
                                     outlets=service.Outlets(broker=broker))
                raise RuntimeError("the unit of work fails after the post")

        def committed():
            with world.db.transaction() as s:
                return service.start_thread(s, tolvan, world.clock, unit_id=None, subject="Fråga", body="Hej",
                                            outlets=service.Outlets(broker=broker)).id

        await asyncio.to_thread(failed)
        thread_id = await asyncio.to_thread(committed)

        def answered():
            with world.db.transaction() as s:
                service.post(s, nurse, world.clock, thread_id, body="Svar", outlets=service.Outlets(broker=broker))

        first = await asyncio.wait_for(subs["vc"].queue.get(), timeout=5)
        await asyncio.to_thread(answered)
        second = await asyncio.wait_for(subs["vc"].queue.get(), timeout=5)
        mine = [await asyncio.wait_for(person.queue.get(), timeout=5) for _ in range(2)]
        await asyncio.sleep(0.2)
        return thread_id, first, second, mine, subs["other"].queue.qsize(), subs["vc"].queue.qsize()

    try:
        thread_id, first, second, mine, other_left, vc_left = run_loop(scenario())
    finally:
        broker.close()
        own.dispose()
    assert first.topics == (f"unit:{world.vc}",) and first.ref == second.ref == f"thread:{thread_id}"
    assert first.kind == service.LIVE_KIND
    assert {e.topics for e in mine} == {(f"person:{world.tolvan}",)}  # never on a unit's stream
    assert other_left == 0 and vc_left == 0  # the rolled-back thread was not announced


def _csrf(page) -> str:
    return CSRF.search(page.text).group(1)


def test_the_pages_keep_what_was_typed_and_lead_from_the_persons_message_to_the_nurses_answer(world, clock):
    person = TestClient(world.client.app, follow_redirects=False)
    staff = TestClient(world.client.app, follow_redirects=False)
    try:
        page_login(person, "tolvan")
        form = person.get("/min-sida/meddelanden/ny")
        assert form.status_code == 200 and "Vårdcentralen Kumla" in form.text
        assert f'<option value="{world.vc}" selected>' in form.text  # the listing's unit is chosen
        rejected = person.post("/min-sida/meddelanden/ny", data={
            "csrf_token": _csrf(form), "unit": str(world.vc), "subject": "Yrsel på morgonen", "body": " "})
        assert rejected.status_code == 422
        assert "Skriv ett meddelande." in html.unescape(rejected.text)
        assert 'value="Yrsel på morgonen"' in html.unescape(rejected.text)  # what was typed stays
        sent = person.post("/min-sida/meddelanden/ny", data={
            "csrf_token": _csrf(form), "unit": str(world.vc), "subject": "Yrsel på morgonen",
            "body": "Jag blir yr när jag reser mig."})
        assert sent.status_code == 303
        thread_path = sent.headers["location"].split("?")[0]
        thread_id = int(thread_path.rsplit("/", 1)[1])
        assert "Jag blir yr när jag reser mig." in person.get(thread_path).text
        listing = person.get("/min-sida/meddelanden")
        assert "Yrsel på morgonen" in listing.text and "Mina meddelanden" in listing.text

        page_login(staff, "distriktsskoterska")
        inbox = staff.get("/inkorg")
        assert inbox.status_code == 200 and "Yrsel på morgonen" in inbox.text and "Inkorg" in inbox.text
        assert "Yrsel på morgonen" in staff.get("/inkorg/lista").text
        page = staff.get(f"/inkorg/{thread_id}")
        assert "Ta ärendet" in page.text
        assert staff.post(f"/inkorg/{thread_id}/ta", data={"csrf_token": _csrf(page)}).status_code == 303
        page = staff.get(f"/inkorg/{thread_id}")
        assert "Handläggs av" in page.text and "Ta ärendet" not in page.text
        empty = staff.post(f"/inkorg/{thread_id}/svar", data={"csrf_token": _csrf(page), "body": ""})
        assert empty.status_code == 422 and "Skriv ett meddelande." in html.unescape(empty.text)
        answer = staff.post(f"/inkorg/{thread_id}/svar", data={"csrf_token": _csrf(page),
                                                              "body": "Ring oss så bokar vi en tid."})
        assert answer.status_code == 303

        answer_page = person.get(thread_path)
        assert "Ring oss så bokar vi en tid." in answer_page.text
        nav = re.findall(r'href="(/[^"]*)"', person.get("/min-sida").text)
        assert "/min-sida/meddelanden" in nav
        assert "/inkorg" in re.findall(r'href="(/[^"]*)"', staff.get("/arbetsyta").text)
    finally:
        person.close()
        staff.close()


def test_the_ward_writes_to_the_municipality_from_the_discharge_page_and_the_worklist_listens_for_ready(world):
    pid = open_discharge(world)
    ward = TestClient(world.client.app, follow_redirects=False)
    try:
        page_login(ward, "avdelning")
        process_page = ward.get(f"/utskrivning/{pid}")
        assert f'href="/inkorg/ny?utskrivning={pid}"' in process_page.text
        assert 'data-live-src="/inkorg/redo"' in ward.get("/utskrivning").text
        form = ward.get(f"/inkorg/ny?utskrivning={pid}")
        assert form.status_code == 200 and "Hemsjukvården" in html.unescape(form.text)
        assert f'value="{world.orebro_hsv}"' not in form.text  # not in his care: not offered
        typed = {"csrf_token": _csrf(form), "utskrivning": str(pid), "unit": str(world.hsv), "kind": "question",
                 "subject": "Hjälpmedel hemma", "body": ""}
        rejected = ward.post("/inkorg/ny", data=typed)
        assert rejected.status_code == 422 and 'value="Hjälpmedel hemma"' in html.unescape(rejected.text)
        assert "Skriv ett meddelande." in html.unescape(rejected.text)
        sent = ward.post("/inkorg/ny", data=typed | {"body": "Finns rullator hemma?"})
        assert sent.status_code == 303
        thread_page = ward.get(sent.headers["location"])
        assert "Finns rullator hemma?" in thread_page.text and "Fråga inför överflyttning" in thread_page.text
        assert "Skicka Redo att ta emot" not in thread_page.text  # the ward does not send it
    finally:
        ward.close()
    municipality = TestClient(world.client.app, follow_redirects=False)
    try:
        page_login(municipality, "hemsjukvard")
        thread_id = int(sent.headers["location"].split("?")[0].rsplit("/", 1)[1])
        page = municipality.get(f"/inkorg/{thread_id}")
        assert "Skicka Redo att ta emot" in page.text
        ready = municipality.post(f"/inkorg/{thread_id}/redo", data={"csrf_token": _csrf(page)})
        assert ready.status_code == 303
        assert "Kommunen är redo att ta emot personen." in municipality.get(f"/inkorg/{thread_id}").text
    finally:
        municipality.close()


def test_the_demo_messages_are_made_once_through_the_service(world):
    from nara.messaging.demo import create_demo_messages

    pid = open_discharge(world)
    assert create_demo_messages(world.db, world.clock, pid) == 2
    assert create_demo_messages(world.db, world.clock) == 0  # Tolvan already has his thread
    with world.db.transaction() as s:
        [mine] = service.my_threads(s, world.actor("tolvan"), world.clock)
        assert mine.taken_by_name and mine.unread == 1
        [ready] = service.ready_notices(s, world.actor("avdelning"), world.clock)
    assert ready.process_id == pid and ready.unit_name == "Hemsjukvården Kumla"


def test_staff_threads_between_units_are_not_in_the_persons_inbox(world):
    pid = open_discharge(world)
    with world.db.transaction() as s:
        team = service.start_team_thread(s, world.actor("avdelning"), world.clock, source=Source.DISCHARGE,
                                         source_id=pid, unit_id=world.hsv, subject="Hemgång", body="Fredag?",
                                         kind=PostKind.QUESTION, outlets=service.Outlets()).id
    tolvan = world.headers("tolvan")
    assert world.client.get("/api/messages", headers=tolvan).json() == []
    assert world.client.get(f"/api/messages/{team}", headers=tolvan).status_code == 404
    refused = world.client.post(f"/api/messages/{team}/posts", headers=tolvan, json={"body": "Hej"})
    assert refused.status_code == 404
