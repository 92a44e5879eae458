"""The leaders' dashboard in a real browser (DOMAIN §7): a leader opens the dashboard, picks Karlskoga with the
keyboard, opens K2 and sees the chart, its table and the definition — axe finds nothing on any page visited,
on a desktop and on a phone. The numbers come from a small synthetic region (SYNTETISKA DATA)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from nara.dashboard.service.results import dashboard_data_dir, store_for
from tests.dashboard_data import install_dashboard_data, shared_dashboard_data

from .conftest import check_axe
from .test_shell import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def dashboard(live_server, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Put the data set and its cached results where the live server's dashboard looks: <data dir>/indikatordata.
    The live server's data dir is the folder of its SQLite file (tests/e2e/conftest.py)."""
    data_dir = Path(live_server.database.engine.url.database).parent
    target = install_dashboard_data(shared_dashboard_data(tmp_path_factory), dashboard_data_dir(data_dir))
    assert store_for(target).is_cached()  # the copy kept the files' times, so the cache is valid
    return target


def test_a_leader_picks_karlskoga_opens_k2_and_sees_chart_table_and_definition(page: Page, live_server,
                                                                               dashboard):
    log_in(page, "ledning", live_server.logins["ledning"].password)
    expect(page).to_have_url(live_server.url + "/uppfoljning")
    expect(page.get_by_role("heading", level=1)).to_have_text("Uppföljning av nära vård")
    for dimension in ("Tillgänglighet", "Kontinuitet", "Samordning", "Proaktivitet"):
        expect(page.get_by_role("heading", level=2, name=dimension)).to_be_visible()
    check_axe(page)

    # pick Karlskoga with the keyboard: the select, then the button (a plain GET form, no script)
    area = page.get_by_label("Område")
    area.focus()
    area.select_option(label="Karlskoga")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Visa")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/uppfoljning\?kommun=1883$"))
    expect(page.get_by_text("Område: Karlskoga.")).to_be_visible()
    card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name="K2 Fast läkarkontakt i särskilt "
                                                                                "boende"))
    expect(card).to_contain_text("minst 80 %")
    expect(card).to_contain_text("Trend")
    check_axe(page)

    page.get_by_role("link", name="K2 Fast läkarkontakt i särskilt boende").click()
    expect(page).to_have_url(re.compile(r"/uppfoljning/indikator/K2\?kommun=1883$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("K2 Fast läkarkontakt i särskilt boende")

    # the chart: an image with its name, the target line drawn
    chart = page.get_by_role("img", name="Fast läkarkontakt i särskilt boende, Karlskoga, per månad")
    expect(chart).to_be_visible()
    assert chart.locator("polyline.chart-line-primary").count() >= 1
    assert chart.locator("line.chart-target").count() == 1
    expect(page.get_by_role("img", name="Fast läkarkontakt i särskilt boende per kommun, helåret 2025")).to_be_visible()

    # its data as a table: caption, column headers, one row per month
    table = page.get_by_role("table", name="Fast läkarkontakt i särskilt boende, Karlskoga, per månad (%)")
    expect(table).to_be_visible()
    expect(table.get_by_role("columnheader", name="Täljare")).to_be_visible()
    expect(table.get_by_role("rowheader", name="december 2025")).to_be_visible()
    expect(table.locator("tbody tr")).to_have_count(12)

    # the definition next to the numbers
    definition = page.get_by_role("region", name="Definition")
    expect(definition).to_contain_text("Boende i SäBo med en namngiven fast läkarkontakt")
    expect(definition).to_contain_text("Boende i SäBo i livet vid periodens slut")
    expect(definition).to_contain_text("Befolkningsuppgifter: boende i särskilt boende och fast läkarkontakt")
    expect(page.get_by_role("link", name="K2 som CSV")).to_be_visible()
    check_axe(page)

    # drill down to the region's view of the same indicator through the comparison table
    page.get_by_role("link", name="Till översikten").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/uppfoljning\?kommun=1883$"))


def test_the_indicator_page_works_on_a_phone(phone_page: Page, live_server, dashboard):
    page = phone_page
    log_in(page, "ledning", live_server.logins["ledning"].password)
    page.goto("/uppfoljning/indikator/K2?kommun=1883")
    expect(page.get_by_role("img", name="Fast läkarkontakt i särskilt boende, Karlskoga, per månad")).to_be_visible()
    # nothing wider than the phone: the page does not scroll sideways (wide tables scroll in their own region)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)
    page.goto("/uppfoljning/indikator/T3")  # crude and age-standardised, drill-down by sex and age
    expect(page.get_by_role("table", name=re.compile(r"efter åldersgrupp"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(page)
