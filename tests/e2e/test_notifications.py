"""Notifications in a real browser: the district nurse sees her notifications grouped by person, Tolvan's under
a heading with her name and personnummer, follows a link to what happened (a page that opens), and "Markera alla
som lästa" leaves none unread — on the page and in the worklist's count. Axe finds nothing on the page, on a
phone too. Synthetic data only."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from nara.auth.service import log_in as open_session
from nara.auth.service import resolve_session
from nara.core.actor import SessionKind
from nara.core.clock import SystemClock
from nara.core.settings import Settings
from nara.directory.model import personal_number
from nara.directory.store import PersonRow
from nara.plans import service
from nara.plans.store import NotificationRow, PlanRow

from .conftest import PHONE, LiveServer, check_axe
from .test_shell import log_in

pytestmark = pytest.mark.browser
NURSE = "distriktsskoterska"


def _tolvans_plan(live_server: LiveServer) -> tuple[int, int, int]:
    """Tolvan's id, a plan of hers (the nurse's unit makes a Patientkontrakt when she has none) and the nurse's
    unit."""
    db, clock, settings = live_server.database, SystemClock(), Settings()
    issued = open_session(db, settings, clock, NURSE, live_server.logins[NURSE].password, SessionKind.API)
    nurse = resolve_session(db, settings, clock, issued.token, SessionKind.API).actor
    with db.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        plan_id = s.scalar(select(PlanRow.id).where(PlanRow.person_id == tolvan).order_by(PlanRow.id).limit(1))
        if plan_id is None:
            plan_id = service.create_plan(s, nurse, clock, person_id=tolvan, kind="patientkontrakt").id
    return tolvan, plan_id, nurse.unit_id


def _notifications(live_server: LiveServer) -> None:
    """Two notifications to the nurse's unit about Tolvan (one about her plan) and one about a person the unit
    has nothing to do with."""
    tolvan, plan_id, unit_id = _tolvans_plan(live_server)
    now = datetime.now(UTC)
    number = personal_number(date(1939, 2, 3), 457)
    with live_server.database.transaction() as s:
        stranger = s.scalar(select(PersonRow).where(PersonRow.identifier == number))
        if stranger is None:
            stranger = PersonRow(identifier=number, identifier_kind="personnummer", given_name="Greta",
                                 family_name="Främlingsdotter", synthetic=True, kommun_code="1880")
            s.add(stranger)
            s.flush()
        s.add_all([
            NotificationRow(recipient_unit_id=unit_id, person_id=tolvan, plan_id=plan_id, kind="plan_changed",
                            text=f"Patientkontrakt {plan_id} har ändrats av Vårdcentralen Kumla: mål.",
                            created_at=now - timedelta(minutes=3)),
            NotificationRow(recipient_unit_id=unit_id, person_id=tolvan, kind="discharge_changed",
                            text="Patienten är utskriven (Avdelning 12).", created_at=now - timedelta(minutes=2)),
            NotificationRow(recipient_unit_id=unit_id, person_id=stranger.id, kind="plan_changed",
                            text="En plan har ändrats.", created_at=now - timedelta(minutes=1)),
        ])


def _open_notifications(page: Page) -> None:
    page.get_by_role("link", name="Meddelanden", exact=True).first.click()  # the menu
    expect(page.get_by_role("heading", level=1)).to_have_text("Meddelanden")


def test_the_nurse_sees_grouped_notifications_naming_tolvan_follows_a_link_and_marks_all_read(
        page: Page, live_server: LiveServer):
    _notifications(live_server)
    log_in(page, NURSE, live_server.logins[NURSE].password)
    expect(page).not_to_have_url(re.compile(r"/logga-in"))
    _open_notifications(page)
    tolvan = page.get_by_role("region", name="Tolvan Tolvansson, 19121212-1212")
    expect(tolvan.get_by_role("heading", level=2)).to_have_text("Tolvan Tolvansson, 19121212-1212")
    expect(tolvan.get_by_role("heading", level=3, name="Planen har ändrats")).to_be_visible()
    expect(tolvan.get_by_text("Oläst", exact=True).first).to_be_visible()  # in words, not only a colour
    withheld = page.get_by_role("region", name="Personer som du inte har åtkomst till just nu")
    expect(withheld).to_be_visible()
    expect(withheld).not_to_contain_text("Främlingsdotter")
    expect(withheld.get_by_role("link")).to_have_count(0)  # no link where the reader may not go
    check_axe(page)

    link = tolvan.get_by_role("link", name=re.compile(r"^(Öppna planen|Öppna personens sida) – Planen har ändrats"))
    link.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tolvan")  # the page opened: no dead end
    page.go_back()

    page.get_by_role("button", name="Markera alla som lästa").click()
    expect(page.get_by_role("status")).to_contain_text("Alla meddelanden är markerade som lästa.")
    expect(page.get_by_text("Du har inga olästa meddelanden.")).to_be_visible()
    expect(page.get_by_text("Oläst", exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Markera"))).to_have_count(0)
    check_axe(page)
    page.goto("/planer")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("^Olästa meddelanden"))).to_have_count(0)


def test_the_notifications_page_on_a_phone(phone_page: Page, live_server: LiveServer):
    _notifications(live_server)
    log_in(phone_page, NURSE, live_server.logins[NURSE].password)
    expect(phone_page).not_to_have_url(re.compile(r"/logga-in"))
    _open_notifications(phone_page)
    group = phone_page.get_by_role("region", name="Tolvan Tolvansson, 19121212-1212")
    expect(group).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width} px"
    check_axe(phone_page)
    group.get_by_role("button", name=re.compile("^Markera som läst – alla meddelanden om Tolvan")).click()
    expect(phone_page.get_by_role("status")).to_contain_text("Markerat som läst.")
    expect(phone_page.get_by_role("region", name="Tolvan Tolvansson, 19121212-1212")).to_contain_text(
        "Alla lästa")
