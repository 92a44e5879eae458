"""Notifications concern persons: listing them (API and the page /meddelanden) goes through the access policy, one
audit entry per person shown (grunduppgifter, action search, DOMAIN §5), on SQLite and PostgreSQL. A person the
reader may not see is withheld: no person id, and no text that could hold the person's data. A person the reader
may see is named (name and personnummer), and each notification links to the plan or discharge process it is about
only when the reader may open that page (one more logged decision each), else to the person's page. Grouped by
person; a group, or all of them, can be marked read; a discharge kvittens of every message reads their
notifications."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.app import create_app
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.store import AccountRow
from nara.directory.model import personal_number
from nara.directory.store import PersonRow
from nara.discharge import service as discharge
from nara.plans import service as plans
from nara.plans.service import InAppNotifier
from nara.plans.store import NotificationRow

from .discharge_fixtures import build_world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
ACCOUNT_TEXT = "Ny aktivitet för dig i din plan: Träffa dietisten om kosten"


@pytest.fixture
def world(db, demo, clock):
    """Notifications to the vårdcentral (the GP's unit) about Tolvan (listed there: a care relationship) twice,
    and about a person the unit has no relationship with; one to the GP's own account about that person; one to
    Tolvan about herself."""
    app = create_app(demo, database=db, clock=clock)
    with db.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        other = PersonRow(identifier=personal_number(date(1941, 3, 14), 123), identifier_kind="personnummer",
                          given_name="Greta", family_name="Annanstans", synthetic=True, kommun_code="1880")
        s.add(other)
        s.flush()
        stranger = other.id
        gp = s.scalar(select(AccountRow).where(AccountRow.username == "lakare"))
        tolvan_account = s.scalar(select(AccountRow.id).where(AccountRow.username == "tolvan"))
    client = TestClient(app, follow_redirects=False)
    token = client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).json()
    unit = client.get("/api/auth/me", headers={"Authorization": f"Bearer {token['access_token']}"}).json()
    unit_id = unit["active_unit"]["id"]
    now = clock.now()
    with db.transaction() as s:
        for n, (person, text) in enumerate([(tolvan, "Patientkontrakt 1 har ändrats av Sara Provsson: mål."),
                                            (tolvan, "Patientkontrakt 1 har ändrats av Sara Provsson: tider."),
                                            (stranger, "Din enhet är kallad till en SIP av Jonas.")]):
            s.add(NotificationRow(recipient_unit_id=unit_id, person_id=person, kind="plan_changed", text=text,
                                  created_at=now - timedelta(minutes=10 - n)))
        s.add(NotificationRow(recipient_account_id=gp.id, person_id=stranger, kind="new_activity",
                              text=ACCOUNT_TEXT, created_at=now - timedelta(minutes=1)))
        s.add(NotificationRow(recipient_account_id=tolvan_account, person_id=tolvan, kind="new_activity",
                              text="Ny tid i din plan: 3 dec 2026 10:00.", created_at=now))
    yield {"app": app, "db": db, "client": client, "tolvan": tolvan, "stranger": stranger, "gp": gp.id,
           "gp_headers": {"Authorization": f"Bearer {token['access_token']}"}}
    client.close()


def _seq(db) -> int:
    with db.transaction() as s:
        return s.scalar(select(func.coalesce(func.max(AuditEntryRow.seq), 0)))


def _entries_since(db, seq: int) -> list[AuditEntryRow]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > seq).order_by(AuditEntryRow.seq)))


def _assert_one_entry_per_person(world, entries, account_id):
    by_person = {e.person_id: e for e in entries}
    assert len(entries) == len(by_person) == 2, [(e.person_id, e.outcome) for e in entries]
    for entry in entries:
        assert (entry.action, entry.information_category, entry.account_id) == ("search", "grunduppgifter",
                                                                               account_id)
    assert by_person[world["tolvan"]].outcome == "allowed"
    assert by_person[world["stranger"]].outcome == "denied"
    assert by_person[world["stranger"]].denial_reason is not None


def test_the_api_listing_logs_each_person_once_and_withholds_whom_the_reader_may_not_see(world):
    before = _seq(world["db"])
    listed = world["client"].get("/api/notifications", headers=world["gp_headers"])
    assert listed.status_code == 200, listed.text
    _assert_one_entry_per_person(world, _entries_since(world["db"], before), world["gp"])
    items = listed.json()
    assert len(items) == 4
    mine = [n for n in items if n["person_id"] == world["tolvan"]]
    assert len(mine) == 2 and not any(n["withheld"] for n in mine)
    withheld = [n for n in items if n["withheld"]]
    assert len(withheld) == 2 and all(n["person_id"] is None for n in withheld)
    assert world["stranger"] not in [n["person_id"] for n in items]
    # To the unit: the text names a plan and who acted, no person, so it stays; to the account it may hold the
    # person's data, so it is replaced.
    assert {n["text"] for n in withheld} == {"Din enhet är kallad till en SIP av Jonas.",
                                             "Ett meddelande om en person som du inte har åtkomst till just nu."}
    assert ACCOUNT_TEXT not in listed.text


def test_marking_one_read_shows_it_through_the_policy_too(world):
    listed = world["client"].get("/api/notifications", headers=world["gp_headers"]).json()
    target = next(n for n in listed if n["withheld"] and not n["to_unit"])
    before = _seq(world["db"])
    read = world["client"].post(f"/api/notifications/{target['id']}/read", headers=world["gp_headers"])
    assert read.status_code == 200
    assert read.json()["withheld"] is True and read.json()["person_id"] is None
    assert ACCOUNT_TEXT not in read.text
    entries = _entries_since(world["db"], before)
    assert [(e.person_id, e.outcome, e.action) for e in entries] == [(world["stranger"], "denied", "search")]


def test_the_page_logs_each_person_once_and_withholds_the_same(world):
    client = TestClient(world["app"], follow_redirects=False)
    page = client.get("/logga-in")
    assert client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                          "csrf_token": CSRF.search(page.text).group(1)}).status_code == 303
    before = _seq(world["db"])
    shown = client.get("/meddelanden")
    assert shown.status_code == 200
    _assert_one_entry_per_person(world, _entries_since(world["db"], before), world["gp"])
    text = html.unescape(shown.text)
    assert "Patientkontrakt 1 har ändrats av Sara Provsson: tider." in text
    assert "Du har inte åtkomst till personen som meddelandet gäller just nu." in text
    assert ACCOUNT_TEXT not in text
    client.close()


def test_the_resident_reading_her_own_notifications_is_logged_once(world):
    token = world["client"].post("/api/auth/token", json={"username": "tolvan", "password": DEMO_PASSWORD}).json()
    before = _seq(world["db"])
    listed = world["client"].get("/api/notifications",
                                 headers={"Authorization": f"Bearer {token['access_token']}"})
    assert listed.status_code == 200
    assert [(n["person_id"], n["withheld"]) for n in listed.json()] == [(world["tolvan"], False)]
    entries = _entries_since(world["db"], before)
    assert [(e.person_id, e.outcome, e.action, e.purpose) for e in entries] == [
        (world["tolvan"], "allowed", "search", "egen_insyn")]


def test_an_empty_listing_logs_nothing(world):
    world["client"].post("/api/auth/token", json={"username": "bistand", "password": DEMO_PASSWORD})
    token = world["client"].post("/api/auth/token", json={"username": "bistand", "password": DEMO_PASSWORD}).json()
    before = _seq(world["db"])
    listed = world["client"].get("/api/notifications", headers={"Authorization": f"Bearer {token['access_token']}"})
    assert listed.status_code == 200 and listed.json() == []
    assert _entries_since(world["db"], before) == []


# --- naming the person, linking to what happened, grouping and marking read ---------------------------------------


@pytest.fixture
def linked(database, clock, tmp_data_dir):
    """The discharge world (Örebro directory, demo personas, a vårdcentral and a hemsjukvård that take no part):
    Tolvan admitted with an inskrivningsmeddelande to her vårdcentral, hemsjukvård, hemtjänst and
    biståndshandläggning — each unit notified, with the process — and a Patientkontrakt of the vårdcentral."""
    w = build_world(database, clock, tmp_data_dir)
    ward, gp = w.actor("avdelning"), w.actor("lakare")
    with w.db.transaction() as s:
        process = discharge.open_process(s, ward, w.clock, person_id=w.tolvan, estimated_discharge=date(2026, 11, 27),
                                         outlets=discharge.Outlets(notifier=InAppNotifier()))
        contract = plans.create_plan(s, gp, w.clock, person_id=w.tolvan, kind="patientkontrakt")
    w.process_id, w.contract_id = process.id, contract.id
    yield w
    w.client.close()
    w.broker.close()


def _page_client(app, username: str) -> TestClient:
    client = TestClient(app, follow_redirects=False)
    page = client.get("/logga-in")
    assert client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                          "csrf_token": CSRF.search(page.text).group(1)}).status_code == 303
    return client


def _text(page) -> str:
    """What the page says, without its tags."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split()).replace(" ,", ",")


def _csrf(client: TestClient) -> str:
    return CSRF.search(client.get("/meddelanden").text).group(1)


def _notify(db, *, unit: int, person: int, kind: str, text: str, at, plan: int | None = None,
            process: int | None = None) -> int:
    with db.transaction() as s:
        row = NotificationRow(recipient_unit_id=unit, person_id=person, kind=kind, text=text, created_at=at,
                              plan_id=plan, process_id=process)
        s.add(row)
        s.flush()
        return row.id


def _logged(entries) -> list[tuple]:
    return [(e.person_id, e.information_category, e.action, e.resource_type, e.resource_id, e.outcome)
            for e in entries]


def test_a_party_sees_the_person_named_and_a_link_to_the_process_it_may_open(linked):
    """Allowed: the vårdcentral's nurse reads the inskrivningsmeddelande's notification: Tolvan by name and
    personnummer, what happened, and the process page — which opens. Logged: the person once (grunduppgifter,
    search) and the process once (utskrivning, search)."""
    headers = linked.headers("distriktsskoterska")
    before = _seq(linked.db)
    items = linked.client.get("/api/notifications", headers=headers).json()
    [item] = [n for n in items if n["kind"] == "discharge_message"]
    assert (item["person_name"], item["person_identifier"]) == ("Tolvan Tolvansson", "19121212-1212")
    assert (item["link"], item["link_kind"], item["process_id"]) == (
        f"/utskrivning/{linked.process_id}", "discharge", linked.process_id)
    assert item["what"] == "Meddelande om en utskrivning" and not item["withheld"]
    assert _logged(_entries_since(linked.db, before)) == [
        (linked.tolvan, "grunduppgifter", "search", "person", str(linked.tolvan), "allowed"),
        (linked.tolvan, "utskrivning", "search", "discharge", str(linked.process_id), "allowed")]

    nurse = _page_client(linked.client.app, "distriktsskoterska")
    page = nurse.get("/meddelanden")
    text = _text(page)
    assert "Tolvan Tolvansson, 19121212-1212" in text and "Meddelande om en utskrivning" in text
    assert f'href="/utskrivning/{linked.process_id}"' in page.text
    assert nurse.get(f"/utskrivning/{linked.process_id}").status_code == 200  # no dead end
    nurse.close()


def test_a_reader_who_may_see_the_person_but_not_the_plan_is_linked_to_the_person(linked):
    """Partly allowed: the biståndshandläggare (social services) sees Tolvan (the process gives the unit a care
    relationship) but not the vårdcentral's Patientkontrakt (health care, DOMAIN §5): the notification names her
    and links to her person page, which opens, never to the plan. Both decisions are logged."""
    _notify(linked.db, unit=linked.bist, person=linked.tolvan, kind="plan_changed", plan=linked.contract_id,
            text=f"Patientkontrakt {linked.contract_id} har ändrats av Vårdcentralen Kumla: mål.",
            at=linked.clock.now())
    before = _seq(linked.db)
    items = linked.client.get("/api/notifications", headers=linked.headers("bistand")).json()
    [item] = [n for n in items if n["kind"] == "plan_changed"]
    assert item["person_name"] == "Tolvan Tolvansson"
    assert (item["link"], item["link_kind"]) == (f"/personer/{linked.tolvan}", "person")
    logged = _logged(_entries_since(linked.db, before))
    assert (linked.tolvan, "plan", "search", "plan", str(linked.contract_id), "denied") in logged
    assert (linked.tolvan, "grunduppgifter", "search", "person", str(linked.tolvan), "allowed") in logged
    client = _page_client(linked.client.app, "bistand")
    page = client.get("/meddelanden")
    assert f'href="/planer/{linked.contract_id}"' not in page.text
    assert f'href="/personer/{linked.tolvan}"' in page.text
    assert client.get(f"/personer/{linked.tolvan}").status_code == 200
    client.close()


def test_a_reader_who_may_not_see_the_person_gets_no_name_and_no_link_and_the_denial_is_logged(linked):
    """Denied: a vårdcentral that takes no part (another care provider's unit, no care relationship) holds a
    notification about Tolvan's process and her plan: no name, no personnummer, no link, no process or plan id;
    one denied entry for the person, and neither the plan nor the process is asked about."""
    _notify(linked.db, unit=linked.other_vc, person=linked.tolvan, kind="discharge_message",
            process=linked.process_id, plan=linked.contract_id, at=linked.clock.now(),
            text=f"Inskrivningsmeddelande i utskrivningsprocess {linked.process_id} från Avdelning 12.")
    before = _seq(linked.db)
    [item] = linked.client.get("/api/notifications", headers=linked.headers("annan_vc")).json()
    assert item["withheld"] and item["person_id"] is None and item["person_name"] is None
    assert (item["person_identifier"], item["link"], item["process_id"], item["plan_id"]) == (None, None, None, None)
    entries = _entries_since(linked.db, before)
    assert _logged(entries) == [(linked.tolvan, "grunduppgifter", "search", "person", str(linked.tolvan), "denied")]
    assert entries[0].denial_reason is not None
    client = _page_client(linked.client.app, "annan_vc")
    before = _seq(linked.db)
    page = client.get("/meddelanden")
    text = _text(page)
    assert "Tolvan" not in text and "19121212" not in text
    for dead_end in (f"/utskrivning/{linked.process_id}", f"/personer/{linked.tolvan}",
                     f"/planer/{linked.contract_id}"):
        assert f'href="{dead_end}' not in page.text
    assert "Personer som du inte har åtkomst till just nu" in text
    assert [e.outcome for e in _entries_since(linked.db, before)] == ["denied"]
    client.close()


def test_the_page_groups_by_person_and_marks_a_group_read(linked):
    """The vårdcentral's nurse: one group for Tolvan (her heading, newest first) and one for the persons she may
    not see; 'Markera som läst' on Tolvan's group marks those and nothing else; ids that are not hers are left."""
    first = _notify(linked.db, unit=linked.vc, person=linked.tolvan, kind="plan_changed", plan=linked.contract_id,
                    text="Patientkontrakt har ändrats av Avdelning 12: mål.",
                    at=linked.clock.now() + timedelta(minutes=1))
    with linked.db.transaction() as s:
        stranger = PersonRow(identifier=personal_number(date(1941, 3, 14), 123), identifier_kind="personnummer",
                             given_name="Greta", family_name="Annanstans", synthetic=True, kommun_code="1880")
        s.add(stranger)
        s.flush()
    hidden = _notify(linked.db, unit=linked.vc, person=stranger.id, kind="plan_changed",
                     text="Ett meddelande.", at=linked.clock.now() + timedelta(minutes=2))
    theirs = _notify(linked.db, unit=linked.other_vc, person=linked.tolvan, kind="plan_changed", text="Inte hennes.",
                     at=linked.clock.now())
    nurse = _page_client(linked.client.app, "distriktsskoterska")
    text = _text(nurse.get("/meddelanden"))
    withheld_at = text.index("Personer som du inte har åtkomst till just nu")
    tolvan_at = text.index("Tolvan Tolvansson, 19121212-1212")
    assert withheld_at < tolvan_at  # the newest notification's group first
    assert "Olästa: 2" in text and "Olästa: 1" in text and "Oläst" in text
    mine = [n["id"] for n in nurse.get("/api/notifications", headers=linked.headers("distriktsskoterska")).json()
            if n["person_id"] == linked.tolvan]
    assert first in mine and len(mine) == 2
    answer = nurse.post("/meddelanden/grupp", data={"ids": ",".join(map(str, [*mine, theirs])),
                                                    "csrf_token": _csrf(nurse)})
    assert answer.status_code == 303
    with linked.db.transaction() as s:
        read = {r.id: r.read_at is not None for r in s.scalars(select(NotificationRow))}
    assert all(read[i] for i in mine) and not read[hidden] and not read[theirs]
    nurse.close()


def test_mark_all_read_leaves_none_unread_on_the_page_in_the_counts_and_in_the_api(linked):
    """'Markera alla som lästa' marks every unread notification of the reader's account and unit read — also
    those beyond the 200 a page lists — and the page, the worklist's count and the API say so."""
    gp = linked.actor("lakare")
    base = linked.clock.now()
    with linked.db.transaction() as s:
        for n in range(205):
            s.add(NotificationRow(recipient_unit_id=linked.vc, person_id=linked.tolvan, kind="plan_changed",
                                  text=f"Ändring {n}.", created_at=base - timedelta(minutes=n)))
        s.add(NotificationRow(recipient_account_id=gp.account_id, person_id=linked.tolvan, kind="new_activity",
                              text="Till läkaren själv.", created_at=base))
    client = _page_client(linked.client.app, "lakare")
    assert "Olästa meddelanden: 207" in client.get("/meddelanden").text  # 205 + the inskrivningsmeddelande + own
    assert "Olästa meddelanden: 207" in client.get("/planer").text
    assert client.post("/meddelanden/lasta", data={"csrf_token": _csrf(client)}).status_code == 303
    page = html.unescape(client.get("/meddelanden?klart=alla").text)
    assert "Du har inga olästa meddelanden." in page and "Alla meddelanden är markerade som lästa." in page
    assert "Oläst<" not in page and "Olästa meddelanden" not in client.get("/planer").text
    assert linked.client.get("/api/notifications?unread=true", headers=linked.headers("lakare")).json() == []
    with linked.db.transaction() as s:
        left = s.scalar(select(func.count()).select_from(NotificationRow).where(
            NotificationRow.read_at.is_(None),
            (NotificationRow.recipient_unit_id == linked.vc) | (NotificationRow.recipient_account_id == gp.account_id)))
        others = s.scalar(select(func.count()).select_from(NotificationRow).where(
            NotificationRow.read_at.is_(None), NotificationRow.recipient_unit_id == linked.hsv))
    assert left == 0 and others == 1  # the hemsjukvård's own notification is not the doctor's to mark
    client.close()


def test_mark_all_read_over_the_api(linked):
    answer = linked.client.post("/api/notifications/read", headers=linked.headers("hemsjukvard"))
    assert answer.status_code == 200 and answer.json() == {"marked": 1, "unread": 0}


def test_kvittera_alla_in_the_process_marks_its_message_notifications_read(linked):
    """Discharge's 'Kvittera alla meddelanden': once the unit has acknowledged every message in the process, the
    notifications of those messages are read too — only that unit's, only that process's."""
    nurse = linked.actor("distriktsskoterska")
    with linked.db.transaction() as s:
        discharge.acknowledge_all(s, nurse, linked.clock, linked.process_id)
    with linked.db.transaction() as s:
        rows = s.scalars(select(NotificationRow).where(NotificationRow.process_id == linked.process_id)).all()
    unread = {r.recipient_unit_id for r in rows if r.read_at is None}
    assert linked.vc not in unread and {linked.hsv, linked.htj, linked.bist} <= unread


def test_the_migration_finds_the_process_of_an_earlier_notification_in_its_text(linked):
    """Migration 0013: a discharge notification written before it names its process only in the text."""
    from importlib import import_module

    migration = import_module("nara.migrations.versions.0013_notification_process")
    stale = _notify(linked.db, unit=linked.vc, person=linked.tolvan, kind="discharge_changed", at=linked.clock.now(),
                    text=f"Patienten i utskrivningsprocess {linked.process_id} är utskriven (Avdelning 12).")
    wrong = _notify(linked.db, unit=linked.vc, person=linked.tolvan, kind="discharge_changed", at=linked.clock.now(),
                    text="Patienten i utskrivningsprocess 999999 är utskriven (Avdelning 12).")
    with linked.db.transaction() as s:
        migration.backfill(s.connection())
    with linked.db.transaction() as s:
        assert s.get(NotificationRow, stale).process_id == linked.process_id
        assert s.get(NotificationRow, wrong).process_id is None  # no such process of that person


def test_the_resident_is_linked_to_her_own_pages(linked):
    """The person herself: her notification about her discharge links to Min utskrivning, one about her plan
    (with no process) to Min plan; each page opens. Logged as her own access (egen insyn)."""
    with linked.db.transaction() as s:
        account = s.scalar(select(AccountRow.id).where(AccountRow.username == "tolvan"))
        s.add_all([NotificationRow(recipient_account_id=account, person_id=linked.tolvan, kind="discharge_informed",
                                   process_id=linked.process_id, text="Din fasta vårdkontakt är ...",
                                   created_at=linked.clock.now()),
                   NotificationRow(recipient_account_id=account, person_id=linked.tolvan, kind="new_activity",
                                   plan_id=linked.contract_id, text="Ny aktivitet för dig i din plan: Promenera.",
                                   created_at=linked.clock.now() - timedelta(minutes=1))])
    before = _seq(linked.db)
    items = linked.client.get("/api/notifications", headers=linked.headers("tolvan")).json()
    assert [(n["link"], n["link_kind"], n["person_name"]) for n in items] == [
        ("/min-sida/utskrivning", "discharge", "Tolvan Tolvansson"),
        (f"/min-sida/plan/{linked.contract_id}", "plan", "Tolvan Tolvansson")]
    logged = {(e.information_category, e.resource_type, e.outcome, e.purpose)
              for e in _entries_since(linked.db, before)}
    assert logged == {("grunduppgifter", "person", "allowed", "egen_insyn"),
                      ("utskrivning", "discharge", "allowed", "egen_insyn"),
                      ("plan", "plan", "allowed", "egen_insyn")}
    client = _page_client(linked.client.app, "tolvan")
    page = client.get("/meddelanden")
    assert 'href="/min-sida/utskrivning"' in page.text and "Till Min utskrivning" in _text(page)
    assert client.get("/min-sida/utskrivning").status_code == 200
    assert client.get(f"/min-sida/plan/{linked.contract_id}").status_code == 200
    client.close()
