"""Measurements in the browser: Tolvan reports a blood pressure above the target his district nurse set, and the
nurse sees the task on Idag; he tries systolic 400, which is refused in Swedish with what he typed kept; the chart
page has a data table and passes axe, at a phone's size too."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from nara.core.clock import SystemClock
from nara.core.db import Database
from nara.measurements.demo import create_demo_measurements

from .conftest import LiveServer, check_axe, own_server
from .test_shell import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo personas and the demo measurements: Tolvan's blood-pressure target (100–140 / 60–90) set by the
    district nurse at Vårdcentralen Kumla, and two weeks of his values inside it."""

    def arrange(database: Database, clock: SystemClock) -> None:
        assert create_demo_measurements(database, clock)

    with own_server(tmp_path_factory, "e2e-measurements", arrange) as live:
        yield live


def _password(live: LiveServer, who: str) -> str:
    return live.logins[who].password


def test_tolvan_reports_a_value_above_his_target_and_the_nurse_sees_the_task(page: Page, live_server: LiveServer,
                                                                             browser):
    log_in(page, "tolvan", _password(live_server, "tolvan"))
    page.goto("/min-sida/matvarden")
    check_axe(page)
    page.get_by_role("link", name="Blodtryck").click()
    page.get_by_label("Övre trycket (systoliskt)").fill("400")
    page.get_by_label("Undre trycket (diastoliskt)").fill("88")
    page.get_by_role("button", name="Skicka värdet").click()
    expect(page.get_by_role("alert")).to_contain_text("Värdet kan inte stämma. Det måste vara mellan 50 och 300 mm Hg.")
    expect(page.get_by_label("Övre trycket (systoliskt)")).to_have_value("400")
    expect(page.get_by_label("Undre trycket (diastoliskt)")).to_have_value("88")
    check_axe(page)
    page.get_by_label("Övre trycket (systoliskt)").fill("165")
    page.get_by_role("button", name="Skicka värdet").click()
    expect(page.get_by_role("status")).to_contain_text("utanför ditt målområde")
    expect(page.get_by_role("table")).to_contain_text("165")

    context = browser.new_context(base_url=live_server.url, locale="sv-SE")
    nurse = context.new_page()
    try:
        log_in(nurse, "distriktsskoterska", _password(live_server, "distriktsskoterska"))
        nurse.goto("/arbetsyta")
        task = nurse.get_by_role("listitem").filter(has_text="Mätvärden utanför målområdet")
        expect(task).to_contain_text("Tolvan")
        task.get_by_role("link").click()
        expect(nurse.get_by_role("heading", level=1)).to_contain_text("Blodtryck")
        nurse.get_by_role("button", name="Markera värdet 165/88 mm Hg").click()
        expect(nurse.get_by_role("status")).to_contain_text("markerat som hanterat")
        nurse.goto("/arbetsyta")
        expect(nurse.get_by_text("Mätvärden utanför målområdet")).to_have_count(0)
    finally:
        context.close()


def test_the_chart_page_has_a_data_table_and_passes_axe_on_a_phone(phone_page: Page, live_server: LiveServer):
    log_in(phone_page, "tolvan", _password(live_server, "tolvan"))
    phone_page.goto("/min-sida/matvarden/blodtryck")
    chart = phone_page.get_by_role("img", name="Blodtryck (mm Hg)")
    expect(chart).to_be_visible()
    table = phone_page.get_by_role("table", name="Blodtryck, alla värden, senaste först")
    expect(table.get_by_role("columnheader", name="Övre (mm Hg)")).to_be_visible()
    assert table.get_by_role("row").count() >= 8
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    check_axe(phone_page)


def test_the_teams_chart_page_passes_axe(page: Page, live_server: LiveServer):
    log_in(page, "distriktsskoterska", _password(live_server, "distriktsskoterska"))
    page.goto("/arbetsyta")
    from sqlalchemy import select

    from nara.directory.store import PersonRow

    with live_server.database.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
    page.goto(f"/personer/{tolvan}/matvarden/blodtryck")
    expect(page.get_by_role("heading", name="Målområde", exact=True)).to_be_visible()
    expect(page.get_by_role("table")).to_be_visible()
    check_axe(page)
