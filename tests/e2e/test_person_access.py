"""Nödåtkomst in a real browser (DOMAIN §5): a staff member without a care relationship finds a person by
personnummer, is told why access is denied, opens the person with nödåtkomst after stating a reason and
confirming, and sees the person with the banner that says the access is reviewed — axe finds nothing on any of
these pages, on a phone too.

The live server is shared by the whole run, so each test uses a persona no other browser test opens Tolvan with.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from .conftest import check_axe
from .test_shell import log_in

pytestmark = pytest.mark.browser


def _find_denied_and_open_in_emergency(page: Page, live_server, username: str) -> None:
    log_in(page, username, live_server.logins[username].password)
    expect(page).to_have_url(live_server.url + "/arbetsyta")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Personer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök person")
    check_axe(page)

    page.get_by_label("Personnummer").fill("19121212-1212")
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomst nekad")
    assert "1212" not in page.url  # the personnummer never goes into a URL
    expect(page.get_by_role("alert")).to_contain_text("ingen pågående vårdrelation")
    expect(page.get_by_role("heading", name="Nödåtkomst")).to_be_visible()
    check_axe(page)

    # a reason alone is not enough: the confirmation is explicit
    page.get_by_label("Skäl till nödåtkomsten").fill("Medvetslös på akuten, behöver läkemedelslistan")
    page.get_by_role("button", name="Öppna med nödåtkomst").click()
    expect(page.get_by_role("alert")).to_contain_text("Bekräfta att du behöver nödåtkomst.")
    check_axe(page)
    page.get_by_label(re.compile("Jag intygar")).check()
    page.get_by_role("button", name="Öppna med nödåtkomst").click()

    expect(page).to_have_url(re.compile(r"/personer/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tolvan Tolvansson")
    banner = page.get_by_role("status")
    expect(banner).to_contain_text(
        re.compile(r"Nödåtkomst aktiv till \d{4}-\d{2}-\d{2} \d{2}:\d{2} – åtkomsten granskas"))
    expect(banner).to_contain_text("Skäl: Medvetslös på akuten, behöver läkemedelslistan")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Vårdcentralen Kumla")
    expect(main).to_contain_text("Erik Testlund")
    check_axe(page)

    page.get_by_role("link", name="Samtycken, spärrar och vårdrelationer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Samtycken, spärrar och vårdrelationer")
    check_axe(page)


def test_staff_take_emergency_access_after_a_denial_and_see_the_banner(page: Page, live_server):
    _find_denied_and_open_in_emergency(page, live_server, "bistand")


def test_the_same_on_a_phone(phone_page: Page, live_server):
    _find_denied_and_open_in_emergency(phone_page, live_server, "hemsjukvard")
