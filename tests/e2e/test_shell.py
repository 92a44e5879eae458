"""The web shell in a real browser: log in as each persona with the keyboard, land on the Swedish start page
with the right identity and unit, switch unit, log out — and axe finds nothing on any page, on a phone too."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import check_axe

pytestmark = pytest.mark.browser

PERSONAS = [
    # username, start page, heading, name in the header, texts the page itself shows
    ("tolvan", "/min-sida", "Min sida", "Tolvan Tolvansson",
     ["SYNTETISK", "19121212-1212", "Du är listad på Vårdcentralen Kumla.",
      "Din fasta läkarkontakt är Erik Testlund."]),
    ("distriktsskoterska", "/arbetsyta", "Arbetsyta", "Maja Demoberg",
     ["Du arbetar nu för: Vårdcentralen Kumla", "Distriktssköterska"]),
    ("lakare", "/arbetsyta", "Arbetsyta", "Erik Testlund",
     ["Du arbetar nu för: Vårdcentralen Kumla", "Läkare"]),
    ("hemsjukvard", "/arbetsyta", "Arbetsyta", "Sara Provsson",
     ["Du arbetar nu för: Hemsjukvården Kumla", "Sjuksköterska", "Byt enhet"]),
    ("bistand", "/arbetsyta", "Arbetsyta", "Jonas Exempelström",
     ["Du arbetar nu för: Biståndsenheten Kumla", "Biståndshandläggare"]),
    ("avdelning", "/arbetsyta", "Arbetsyta", "Leila Påhittsdotter",
     ["Du arbetar nu för: Medicinavdelning 1", "Universitetssjukhuset Örebro"]),
    ("ledning", "/uppfoljning", "Uppföljning av nära vård", "Helena Exempeldal", ["Kontinuitet"]),
    ("granskare", "/logguppfoljning", "Logguppföljning", "Rut Provlund", ["HSLF-FS 2016:40"]),
]


def log_in(page: Page, username: str, password: str) -> None:
    """As a person with a keyboard: type into the labelled fields and press Enter."""
    page.goto("/logga-in")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(password)
    page.get_by_label("Lösenord").press("Enter")


def test_the_login_page_renders_and_passes_axe(page: Page):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/logga-in$"))
    expect(page).to_have_title("Logga in – Nära")
    expect(page.get_by_role("heading", level=1)).to_have_text("Logga in")
    expect(page.get_by_role("banner")).to_contain_text("Demo – syntetiska uppgifter.")
    expect(page.get_by_role("heading", name="Det här är en demo")).to_be_visible()
    check_axe(page)


@pytest.mark.parametrize(("username", "start", "heading", "name", "shown"), PERSONAS,
                         ids=[p[0] for p in PERSONAS])
def test_each_persona_logs_in_and_lands_on_its_start_page(page: Page, live_server, username, start, heading,
                                                          name, shown):
    log_in(page, username, live_server.logins[username].password)
    expect(page).to_have_url(live_server.url + start)
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    main = page.get_by_role("main")
    for text in shown:
        expect(main).to_contain_text(text)
    banner = page.get_by_role("banner")
    expect(banner).to_contain_text("Demo – syntetiska uppgifter.")
    expect(banner).to_contain_text(name)
    expect(page.get_by_role("navigation", name="Huvudmeny").locator("[aria-current=page]")).to_have_count(1)
    check_axe(page)


def test_the_resident_page_works_on_a_phone(phone_page: Page, live_server):
    page = phone_page
    log_in(page, "tolvan", live_server.logins["tolvan"].password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Min sida")
    expect(page.get_by_text("SYNTETISK", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Min plan")).to_be_visible()
    # nothing wider than the phone: no sideways scrolling
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)
    page.goto("/logga-in?utloggad=1")  # the login page itself at phone size
    check_axe(page)


def test_the_login_page_works_on_a_phone(phone_page: Page):
    phone_page.goto("/logga-in")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(phone_page)


def test_a_failed_login_is_announced_and_passes_axe(page: Page):
    log_in(page, "lakare", "fel-lösenord")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Fel användarnamn eller lösenord.")
    expect(page.get_by_label("Användarnamn")).to_have_value("lakare")
    expect(page.get_by_label("Lösenord")).to_have_value("")
    check_axe(page)


def test_a_staff_member_with_two_units_switches_unit(page: Page, live_server):
    log_in(page, "hemsjukvard", live_server.logins["hemsjukvard"].password)
    expect(page.get_by_role("main")).to_contain_text("Du arbetar nu för: Hemsjukvården Kumla")
    check_axe(page)
    page.get_by_label("Enhet", exact=True).select_option(label="Äldreboendet Lindgården (demo)")
    page.get_by_role("button", name="Byt enhet").click()
    expect(page.get_by_role("status")).to_contain_text("Du arbetar nu för Äldreboendet Lindgården (demo).")
    expect(page.get_by_role("main")).to_contain_text("Du arbetar nu för: Äldreboendet Lindgården (demo)")
    expect(page.get_by_role("banner")).to_contain_text("Äldreboendet Lindgården (demo)")
    check_axe(page)
    # switch back so other tests see the first unit
    page.get_by_label("Enhet", exact=True).select_option(label="Hemsjukvården Kumla")
    page.get_by_role("button", name="Byt enhet").click()
    expect(page.get_by_role("main")).to_contain_text("Du arbetar nu för: Hemsjukvården Kumla")


def test_the_skip_link_is_first_and_moves_to_the_content(page: Page, live_server):
    log_in(page, "ledning", live_server.logins["ledning"].password)
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av nära vård")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Hoppa till innehållet")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_a_missing_page_is_friendly_and_passes_axe(page: Page):
    response = page.goto("/finns-inte")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Sidan finns inte")
    expect(page.get_by_role("link", name="Till startsidan")).to_be_visible()
    check_axe(page)


def test_the_wrong_role_sees_a_friendly_403(page: Page, live_server):
    log_in(page, "tolvan", live_server.logins["tolvan"].password)
    expect(page).to_have_url(live_server.url + "/min-sida")
    response = page.goto("/arbetsyta")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("Ingen behörighet")
    check_axe(page)


def test_logout_ends_the_session(page: Page, live_server):
    log_in(page, "granskare", live_server.logins["granskare"].password)
    expect(page).to_have_url(live_server.url + "/logguppfoljning")
    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/logga-in\?utloggad=1$"))
    expect(page.get_by_role("status")).to_contain_text("Du är utloggad.")
    check_axe(page)
    page.goto("/logguppfoljning")
    expect(page).to_have_url(re.compile(r"/logga-in\?till=/logguppfoljning$"))


def test_a_page_asked_for_before_login_is_shown_after_it(page: Page, live_server):
    page.goto("/arbetsyta")
    expect(page).to_have_url(re.compile(r"/logga-in\?till=/arbetsyta$"))
    page.get_by_label("Användarnamn").fill("bistand")
    page.get_by_label("Lösenord").fill(live_server.logins["bistand"].password)
    page.get_by_label("Lösenord").press("Enter")
    expect(page).to_have_url(live_server.url + "/arbetsyta")


def test_check_axe_does_report_a_violation(page: Page):
    """The helper is not vacuous: an image without alternative text and a page without a language fail."""
    page.set_content('<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></body></html>')
    with pytest.raises(pytest.fail.Exception, match="image-alt"):
        check_axe(page)
