"""Secure messages in the browser: Tolvan, on a phone, writes to his fast vårdkontakt's vårdcentral (chosen for
him) → the district nurse finds it in the unit's Inkorg, takes it and answers → Tolvan reads the answer. Keyboard
and labels as a person uses them; axe on every page; Tolvan's pages fit the phone's width."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from .conftest import LiveServer, check_axe, own_server
from .test_shell import log_in

SUBJECT = "Fråga om blodtrycket"
QUESTION = "Ska jag ta blodtryckstabletten på morgonen eller på kvällen?"
ANSWER = "Ta den på morgonen, så ses vi på återbesöket."


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with own_server(tmp_path_factory, "e2e-messages") as live:
        yield live


def _heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _fits_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_tolvan_writes_to_his_fast_vardkontakt_the_nurse_takes_and_answers_and_tolvan_reads_it(
        phone_page: Page, page: Page, live_server: LiveServer):
    # --- Tolvan, on his phone ------------------------------------------------------------------------------------
    log_in(phone_page, "tolvan", live_server.logins["tolvan"].password)
    phone_page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Mina meddelanden").click()
    _heading(phone_page, "Mina meddelanden")
    check_axe(phone_page)
    phone_page.get_by_role("link", name="Skriv ett nytt meddelande").click()
    _heading(phone_page, "Nytt meddelande")
    expect(phone_page.get_by_label("Till")).to_have_value(
        phone_page.get_by_label("Till").locator("option", has_text="Vårdcentralen Kumla").get_attribute("value"))
    check_axe(phone_page)
    phone_page.get_by_label("Vad gäller det?").fill(SUBJECT)
    phone_page.get_by_role("button", name="Skicka").click()  # no message yet: refused, what was typed stays
    expect(phone_page.get_by_role("alert")).to_contain_text("Skriv ett meddelande.")
    expect(phone_page.get_by_label("Vad gäller det?")).to_have_value(SUBJECT)
    check_axe(phone_page)
    phone_page.get_by_label("Meddelande").fill(QUESTION)
    phone_page.get_by_label("Meddelande").press("Tab")
    phone_page.keyboard.press("Enter")  # the focused Skicka button, by keyboard
    _heading(phone_page, SUBJECT)
    expect(phone_page.get_by_role("status")).to_contain_text("Meddelandet är skickat.")
    expect(phone_page.locator("#thread-posts")).to_contain_text(QUESTION)
    _fits_phone(phone_page)
    check_axe(phone_page)

    # --- the district nurse at Vårdcentralen Kumla -----------------------------------------------------------------
    log_in(page, "distriktsskoterska", live_server.logins["distriktsskoterska"].password)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Inkorg").click()
    _heading(page, "Inkorg")
    row = page.get_by_role("row").filter(has_text=SUBJECT)
    expect(row).to_contain_text("Tolvan Tolvansson")
    expect(row).to_contain_text("min")  # waited a few minutes
    check_axe(page)
    row.get_by_role("link", name=SUBJECT).click()
    _heading(page, SUBJECT)
    check_axe(page)
    page.get_by_role("button", name="Ta ärendet", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("Du har tagit ärendet.")
    expect(page.get_by_text("Handläggs av")).to_be_visible()
    page.get_by_label("Ditt svar").fill(ANSWER)
    page.get_by_role("button", name="Skicka svar").click()
    expect(page.get_by_role("status")).to_contain_text("Svaret är skickat.")
    check_axe(page)

    # --- Tolvan reads the answer -----------------------------------------------------------------------------------
    phone_page.goto("/min-sida/meddelanden")
    _heading(phone_page, "Mina meddelanden")
    expect(phone_page.get_by_role("listitem").filter(has_text=SUBJECT)).to_contain_text("1 olästa")
    check_axe(phone_page)
    phone_page.get_by_role("link", name=SUBJECT).click()
    _heading(phone_page, SUBJECT)
    expect(phone_page.locator("#thread-posts")).to_contain_text(ANSWER)
    _fits_phone(phone_page)
    check_axe(phone_page)
