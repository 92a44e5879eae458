"""Issue 5's browser test (lag 2017:612, DOMAIN §4; SYNTETISKA DATA): the ward nurse at USÖ sends an
inskrivningsmeddelande for Tolvan, a Kumla resident; the OPEN worklists of Vårdcentralen Kumla and of Kumla kommun's
hemsjukvård — opened in browsers of their own before the send — show it within 2 seconds without a reload (server
push, nara.live); both acknowledge; the vårdcentral appoints the fast vårdkontakt, the ward marks utskrivningsklar,
the vårdcentral sends the SIP kallelse, the ward transfers the information, discharges and informs; Tolvan, on a
phone, sees his fast vårdkontakt and the SIP time in Min utskrivning. The payment page shows the month — or, for a
year whose amount per day is not known, says so. axe finds
nothing on any page visited, also after a live update.

A live server of its own: the shared one is used by browser tests that open Tolvan with nödåtkomst or make his
plans, which would blur what the worklists here show.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from nara.core.clock import STOCKHOLM, time_text
from nara.discharge.model import default_library

from .conftest import LiveServer, check_axe, own_server
from .test_shell import log_in

pytestmark = pytest.mark.browser

TOLVAN = "19121212-1212"
LIVE_TIMEOUT_MS = 2000  # the issue: an open worklist shows a new message within 2 seconds, without a reload


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server for this module alone (set up as the shared one in conftest). A short heartbeat lets the
    server notice closed live streams quickly, so it stops at once when the test is done."""
    with own_server(tmp_path_factory, "e2e-discharge", live_heartbeat_seconds=1) as live:
        yield live


def _heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name, exact=True).click()


def _saved(page: Page, text: str) -> None:
    expect(page.locator(".alert-info[role=status]")).to_contain_text(text)
    check_axe(page)


def _open_worklist(page: Page, live_server: LiveServer, username: str) -> None:
    """Log in and open Utskrivningar; wait until the page listens to the server (its live stream is open)."""
    log_in(page, username, live_server.logins[username].password)
    _nav(page, "Utskrivningar")
    _heading(page, "Utskrivningar")
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    check_axe(page)


def _listening(page: Page) -> None:
    expect(page.locator("html")).to_have_attribute("data-live", "connected")
    page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded or left


def _not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"


def test_the_ward_notifies_the_open_worklists_and_the_process_runs_to_discharge_with_a_sip(
        page: Page, phone_page: Page, other_browsers, live_server: LiveServer):
    today = datetime.now(STOCKHOLM).date()
    estimate = today + timedelta(days=5)
    sip_at = datetime.combine(today + timedelta(days=3), datetime.min.time().replace(hour=13), tzinfo=STOCKHOLM)

    # --- the vårdcentral and the municipality have their worklists open, before anything is sent ---------------
    vc = other_browsers()
    _open_worklist(vc, live_server, "distriktsskoterska")
    kommun = other_browsers()
    _open_worklist(kommun, live_server, "hemsjukvard")
    for worklist in (vc, kommun):
        expect(worklist.locator("#discharge-list")).to_contain_text("Din enhet har inga pågående utskrivningar.")
        _listening(worklist)

    # --- the ward nurse at USÖ admits Tolvan and sends the inskrivningsmeddelande -------------------------------
    ward = page
    _open_worklist(ward, live_server, "avdelning")
    ward.get_by_label("Personnummer", exact=True).fill(TOLVAN)
    ward.get_by_role("button", name="Skriv in patienten").click()
    _heading(ward, "Utskrivning: Tolvan Tolvansson")
    assert "1212" not in ward.url  # the personnummer never goes into a URL
    _saved(ward, "Patienten är inskriven.")
    main = ward.get_by_role("main")
    expect(main).to_contain_text("ViSam — Region Örebro län och länets kommuner (gäller från 2018-01-01)")
    expect(main).not_to_contain_text("orebro-visam")  # the agreement by its name and date, never its file key
    expect(main).to_contain_text("Mottagare som hittades i katalogen")
    for worklist in (vc, kommun):  # nothing is sent yet: the receivers' lists are still empty
        expect(worklist.locator("#discharge-list")).to_contain_text("Din enhet har inga pågående utskrivningar.")

    ward.get_by_label("Beräknat utskrivningsdatum", exact=True).fill(estimate.isoformat())
    ward.get_by_label("Meddelande till mottagarna").first.fill("Behöver hjälp med läkemedel och förflyttning.")
    ward.get_by_role("button", name="Skicka inskrivningsmeddelandet").click()
    expect(ward.locator(".alert-info[role=status]")).to_contain_text("Inskrivningsmeddelandet är skickat")

    # --- within 2 seconds, without a reload, both open worklists show it -----------------------------------------
    for worklist in (vc, kommun):
        item = worklist.locator(".discharge-item").filter(has_text="Tolvan Tolvansson")
        expect(item).to_be_visible(timeout=LIVE_TIMEOUT_MS)
        expect(item).to_contain_text("Inskrivningsmeddelande, skickat", timeout=LIVE_TIMEOUT_MS)
        _not_reloaded(worklist)
    expect(vc.get_by_role("status").filter(has_text="uppdaterades")).to_be_visible()  # said to screen readers
    check_axe(vc)
    check_axe(kommun)
    check_axe(ward)
    _listening(ward)

    # --- both acknowledge from their worklists; the ward's open process page shows the kvittenser ----------------
    for worklist, unit in ((vc, "Vårdcentralen Kumla"), (kommun, "Hemsjukvården Kumla")):
        worklist.get_by_role("button", name="Kvittera – Inskrivningsmeddelande för Tolvan Tolvansson").click()
        _saved(worklist, "Kvitterat.")
        receipt = ward.locator(".receipt").filter(has_text=unit)
        expect(receipt).to_contain_text("kvitterat", timeout=LIVE_TIMEOUT_MS)
        expect(receipt).not_to_contain_text("inte kvitterat", timeout=LIVE_TIMEOUT_MS)
    _not_reloaded(ward)
    check_axe(ward)

    # --- the vårdcentral appoints the fast vårdkontakt -------------------------------------------------------------
    vc.get_by_role("link", name=re.compile(r"^Tolvan Tolvansson, 19121212-1212")).click()
    _heading(vc, "Utskrivning: Tolvan Tolvansson")
    check_axe(vc)
    vc.get_by_role("combobox", name="Fast vårdkontakt").select_option(label="Maja Demoberg, distriktssköterska")
    vc.get_by_role("button", name="Utse fast vårdkontakt").click()
    _saved(vc, "Den fasta vårdkontakten är utsedd.")

    # --- the ward: utskrivningsklar ------------------------------------------------------------------------------
    ward.reload()
    ward.get_by_role("button", name="Patienten är utskrivningsklar").click()
    _saved(ward, "Underrättelsen om att patienten är utskrivningsklar är skickad")
    expect(ward.get_by_role("main")).to_contain_text("Maja Demoberg")

    # --- the vårdcentral sends the SIP kallelse (a form with a mistake first) ------------------------------------
    vc.reload()
    vc.get_by_label("Datum", exact=True).fill((today + timedelta(days=3)).isoformat())
    vc.get_by_role("textbox", name=re.compile(r"^Videolänk")).fill("http://inte-krypterad.example")
    vc.get_by_role("button", name="Skicka kallelsen").click()
    summary = vc.locator(".error-summary")
    expect(summary).to_contain_text("Ange klockslag.")
    expect(summary).to_contain_text("Länken ska börja med https://.")
    expect(vc.get_by_label("Klockslag", exact=True)).to_have_attribute("aria-invalid", "true")
    expect(vc.get_by_label("Datum", exact=True)).to_have_value((today + timedelta(days=3)).isoformat())
    check_axe(vc)
    vc.get_by_label("Klockslag", exact=True).fill("13:00")
    vc.get_by_role("textbox", name=re.compile(r"^Plats")).fill("Vårdcentralen Kumla")
    vc.get_by_role("textbox", name=re.compile(r"^Videolänk")).fill("https://video.example/sip-tolvan")
    vc.get_by_role("button", name="Skicka kallelsen").click()
    _saved(vc, "Kallelsen till SIP är skickad och SIP:en är skapad.")
    expect(vc.get_by_role("main")).to_contain_text(time_text(sip_at))

    # --- the ward transfers the information, discharges and tells Tolvan ----------------------------------------
    ward.reload()
    expect(ward.get_by_role("main")).to_contain_text(time_text(sip_at))
    ward.get_by_role("textbox", name=re.compile(r"^Information till mottagarna")).fill(
        "Läkemedelslista och omvårdnadsepikris.")
    ward.get_by_role("button", name="Överför informationen").click()
    _saved(ward, "Informationen är överförd till mottagarna.")
    ward.get_by_role("button", name="Patienten är utskriven").click()
    _saved(ward, "Patienten är registrerad som utskriven.")
    ward.get_by_role("button", name="Patienten är informerad").click()
    _saved(ward, "vet vem den fasta vårdkontakten är")
    expect(ward.get_by_role("heading", level=2, name="Läge: avslutad")).to_be_visible()

    # the municipality's list followed it all without a reload, and still asks for its kvittenser
    _nav(kommun, "Utskrivningar")
    _listening(kommun)
    item = kommun.locator(".discharge-item").filter(has_text="Tolvan Tolvansson")
    expect(item).to_contain_text("avslutad")
    expect(item.get_by_role("button", name=re.compile(r"^Kvittera – Kallelse till SIP"))).to_be_visible()
    check_axe(kommun)

    # --- the payment page (the region's ward is a party to Kumla's settlement) -----------------------------------
    _nav(ward, "Betalningsansvar")
    _heading(ward, "Betalningsansvar")
    check_axe(ward)
    ward.get_by_label("Kommun", exact=True).select_option(label="Kumla")
    ward.get_by_label("Månad", exact=True).fill(today.strftime("%Y-%m"))
    ward.get_by_role("button", name="Visa rapporten").click()
    if today.year in default_library().get("orebro-visam-2018").payment.amounts:
        expect(ward.get_by_role("heading", level=2, name=re.compile(r"^Kumla, "))).to_be_visible()
        expect(ward.locator("table.payment-patients")).to_contain_text("Tolvan Tolvansson")
        expect(ward.get_by_role("link", name="Hela rapporten (XLSX)")).to_be_visible()
    else:  # no amount per day known for this year (e.g. 2026): the page says so instead of inventing one
        expect(ward.locator("main")).to_contain_text(f"beloppet per dag för {today.year} är inte känt")
        expect(ward.locator("table.payment-patients")).to_have_count(0)
    check_axe(ward)

    # --- Tolvan, on a phone, sees his fast vårdkontakt and when the SIP is ---------------------------------------
    log_in(phone_page, "tolvan", live_server.logins["tolvan"].password)
    _heading(phone_page, "Min sida")
    _nav(phone_page, "Min utskrivning")
    _heading(phone_page, "Min utskrivning")
    contact = phone_page.get_by_role("region", name="Din fasta vårdkontakt")
    expect(contact).to_contain_text("Maja Demoberg, distriktssköterska")
    expect(contact).to_contain_text("Vårdcentralen Kumla")
    sip = phone_page.get_by_role("region", name="Ditt SIP-möte")
    expect(sip).to_contain_text(time_text(sip_at))
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(phone_page)
