"""In a real browser: a staff member takes nödåtkomst on Tolvan; Tolvan, on a phone, sees it in "Vem har läst om mig"
apart and with its reason, and the other accesses as sentences per unit and day whose single times open by
keyboard; the reviewer finds the same event in the log follow-up queue, opens it and closes it with a verdict, then
searches the log for Tolvan, opens a granskningsärende on the nödåtkomst and records its outcome — and axe finds
nothing on any page visited."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from nara.access.model import RelationshipKind
from nara.access.service import grants
from nara.auth.service import log_in as open_session
from nara.auth.service import resolve_session
from nara.auth.store import AccountRow
from nara.core.actor import SessionKind
from nara.core.clock import SystemClock
from nara.core.settings import Settings

from .conftest import check_axe
from .test_shell import log_in

pytestmark = pytest.mark.browser

REASON = "Patienten medvetslös efter fall, behöver se läkemedelslistan"


def take_emergency_access(live_server) -> None:
    """The ward nurse opens nödåtkomst on Tolvan, through the use case (as the staff pages would)."""
    db, clock = live_server.database, SystemClock()
    settings = Settings()
    issued = open_session(db, settings, clock, "avdelning", live_server.logins["avdelning"].password,
                          SessionKind.API)
    nurse = resolve_session(db, settings, clock, issued.token, SessionKind.API).actor
    with db.transaction() as s:
        tolvan = s.scalar(select(AccountRow.person_id).where(AccountRow.username == "tolvan"))
        # the ward has Tolvan in its care right now (nödåtkomst needs it, DOMAIN §5)
        grants.start_care_relationship(s, nurse, clock, person_id=tolvan, kind=RelationshipKind.CARE_TEAM)
    with db.transaction() as s:
        grants.start_emergency_access(s, nurse, clock, person_id=tolvan, reason=REASON)


def test_tolvan_sees_the_nodatkomst_and_the_reviewer_closes_it(page: Page, phone_page: Page, live_server):
    take_emergency_access(live_server)

    # Tolvan, on a phone
    log_in(phone_page, "tolvan", live_server.logins["tolvan"].password)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Min sida")
    phone_page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Vem har läst om mig").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Vem har läst om mig")
    emergency = phone_page.get_by_role("region", name="Nödåtkomst till dina uppgifter")
    entry = emergency.locator(".access-entry-emergency").filter(has_text="öppnade dina uppgifter").first
    expect(entry).to_contain_text("Medicinavdelning 1 öppnade dina uppgifter med nödåtkomst den")
    expect(entry).to_contain_text(REASON)
    expect(entry).to_contain_text("Leila Påhittsdotter, sjuksköterska")
    groups = phone_page.get_by_role("region", name="Vilka har tagit del av dina uppgifter")
    group = groups.locator(".access-entry").filter(
        has_text="Medicinavdelning 1 registrerade nytt i dina samtycken, spärrar och vårdrelationer").first
    expect(group).to_be_visible()
    times = group.locator("details")
    times.locator("summary").focus()
    phone_page.keyboard.press("Enter")  # a disclosure opens by keyboard
    expect(times.get_by_role("listitem").first).to_contain_text("Leila Påhittsdotter, sjuksköterska")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(phone_page)
    for name, heading in (("Mina samtycken", "Mina samtycken"), ("Mina spärrar", "Mina spärrar")):
        phone_page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name).click()
        expect(phone_page.get_by_role("heading", level=1)).to_have_text(heading)
        assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
        check_axe(phone_page)

    # the reviewer, at a desk
    log_in(page, "granskare", live_server.logins["granskare"].password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Logguppföljning")
    row = page.get_by_role("row").filter(has_text="Leila Påhittsdotter").filter(has_text="Nödåtkomst").first
    expect(row).to_be_visible()
    check_axe(page)
    row.get_by_role("link", name="Granska").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Granskning av post")
    expect(page.get_by_role("main")).to_contain_text(REASON)
    expect(page.get_by_role("main")).to_contain_text("Tolvan Tolvansson")
    check_axe(page)
    page.get_by_label("Godtagbar").check()
    page.get_by_label("Kommentar").fill("Akut omhändertagande, skälet stämmer med journalen.")
    page.get_by_role("button", name="Spara bedömning och stäng posten").click()
    expect(page.get_by_role("status")).to_contain_text("Bedömningen är sparad och posten är stängd.")
    expect(page.get_by_role("main")).to_contain_text("Godtagbar")
    check_axe(page)
    page.get_by_role("link", name="Tillbaka till kön").click()
    closed = page.get_by_role("row").filter(has_text="Leila Påhittsdotter").filter(has_text="Nödåtkomst").first
    expect(closed).to_contain_text("Godtagbar")
    check_axe(page)

    # a check on suspicion: search the log for Tolvan, open a case on the nödåtkomst, record its outcome
    page.get_by_role("navigation", name="Logguppföljning").get_by_role("link", name="Sök i loggen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök i loggen")
    check_axe(page)
    page.get_by_label("Person").fill("19121212-1212")
    page.get_by_label("Person").press("Enter")
    expect(page.get_by_role("heading", name="Sökresultat")).to_be_visible()
    hit = page.get_by_role("row").filter(has_text="Leila Påhittsdotter").filter(has_text=REASON).first
    expect(hit).to_contain_text("Tolvan Tolvansson")
    check_axe(page)
    hit.get_by_role("checkbox").check()
    page.get_by_label("De loggposter jag har markerat i tabellen").check()
    page.get_by_label("Varför öppnar du ärendet?").fill("Tolvan frågar varför avdelningen öppnade hennes uppgifter.")
    page.get_by_role("button", name="Öppna granskningsärende").click()
    expect(page.get_by_role("status")).to_contain_text("Granskningsärendet är öppnat.")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Granskningsärende")
    expect(page.get_by_role("main")).to_contain_text(REASON)
    check_axe(page)
    page.get_by_label("Ingen anmärkning").check()
    page.get_by_label("Anteckning").fill("Akut omhändertagande; skälet stämmer med journalen.")
    page.get_by_role("button", name="Spara utfall och avsluta ärendet").click()
    expect(page.get_by_role("status")).to_contain_text("Utfallet är sparat och ärendet är avslutat.")
    check_axe(page)
    page.get_by_role("link", name="Tillbaka till granskningsärendena").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granskningsärenden")
    expect(page.get_by_role("row").filter(has_text="Tolvan frågar varför").first).to_contain_text(
        "Avslutat: Ingen anmärkning")
    check_axe(page)
    page.set_viewport_size({"width": 390, "height": 844})  # the search on a phone
    page.goto("/logguppfoljning/sok?person=19121212-1212")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)
