"""The staff member's day in a real browser: "Idag" on the start page, from there the search by name, answered
only with the persons the user may see — and axe finds nothing on these pages, on a phone too.

Each test makes its own synthetic person with a name no other test uses, so the shared live server's other tests
are not disturbed."""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from nara.access.store import CareRelationshipRow
from nara.auth.store import AccountRow
from nara.directory.model import personal_number
from nara.directory.store import PersonRow, StaffAssignmentRow

from .conftest import check_axe
from .test_shell import log_in

pytestmark = pytest.mark.browser
_serial = itertools.count(701)


def _letters(n: int) -> str:
    """A number as letters (a name holds no digits): 701 -> "hab"."""
    return "".join("abcdefghij"[int(d)] for d in str(n))


def _person_in_care(live_server, username: str) -> str:
    """A synthetic person in the care of ``username``'s unit; returns the person's full name."""
    now = datetime.now(UTC)
    n = next(_serial)
    with live_server.database.transaction() as s:
        account = s.scalar(select(AccountRow).where(AccountRow.username == username))
        unit_id = s.scalar(select(StaffAssignmentRow.unit_id).where(StaffAssignmentRow.staff_id == account.staff_id)
                           .order_by(StaffAssignmentRow.id).limit(1))
        person = PersonRow(identifier=personal_number(date(1938, 6, 1) + timedelta(days=n), n),
                           identifier_kind="personnummer", given_name="Ingrid", family_name="Idagsdotter" + _letters(n),
                           synthetic=True, kommun_code="1881", birth_date=date(1938, 6, 1) + timedelta(days=n))
        s.add(person)
        s.flush()
        s.add(CareRelationshipRow(person_id=person.id, unit_id=unit_id, kind="care_team", valid_from=now,
                                  valid_to=now + timedelta(days=1), created_by=account.id, created_at=now))
        return person.full_name


def _search_from_idag(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", level=2, name=re.compile(r"^Idag, "))).to_be_visible()
    search = page.get_by_role("search", name="Sök person")
    search.get_by_label("Namn, personnummer eller födelsedatum").fill(text)
    search.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök person")
    expect(page.get_by_role("heading", name="Sökresultat")).to_be_visible()


def test_idag_leads_to_a_name_search_that_finds_the_units_person(page: Page, live_server):
    name = _person_in_care(live_server, "distriktsskoterska")
    log_in(page, "distriktsskoterska", live_server.logins["distriktsskoterska"].password)
    expect(page).to_have_url(live_server.url + "/arbetsyta")
    expect(page.get_by_role("heading", level=3, name="Att göra")).to_be_visible()
    check_axe(page)
    _search_from_idag(page, name.split(" ")[1].lower())
    expect(page.get_by_role("link", name=name)).to_be_visible()
    assert "Idagsdotter" not in page.url  # what was typed stays out of the URL
    check_axe(page)
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_a_unit_without_relationship_finds_no_one_on_a_phone(phone_page: Page, live_server):
    name = _person_in_care(live_server, "distriktsskoterska")
    log_in(phone_page, "avdelning", live_server.logins["avdelning"].password)
    expect(phone_page).to_have_url(live_server.url + "/arbetsyta")
    expect(phone_page.get_by_role("heading", level=3, name="Inskrivna patienter")).to_be_visible()
    check_axe(phone_page)
    _search_from_idag(phone_page, name)
    expect(phone_page.get_by_role("status")).to_contain_text("Ingen person som du har åtkomst till")
    expect(phone_page.get_by_role("link", name=name)).to_have_count(0)
    check_axe(phone_page)


def test_a_home_care_nurse_finds_her_enrolled_patient_on_idag_from_the_menu_on_a_phone(phone_page: Page, live_server):
    name = _person_in_care(live_server, "hemsjukvard")  # in the care team of Hemsjukvården Kumla
    log_in(phone_page, "hemsjukvard", live_server.logins["hemsjukvard"].password)
    menu = phone_page.get_by_role("navigation", name="Huvudmeny")
    menu.get_by_role("link", name="Personer").click()
    menu.get_by_role("link", name="Idag").click()
    expect(phone_page).to_have_url(live_server.url + "/arbetsyta")
    expect(menu.get_by_role("link", name="Idag")).to_have_attribute("aria-current", "page")
    enrolled = phone_page.get_by_role("list", name="Inskrivna i hemsjukvården")
    expect(enrolled.get_by_role("link", name=name)).to_be_visible()
    check_axe(phone_page)
    enrolled.get_by_role("link", name=name).click()
    expect(phone_page.get_by_role("heading", level=1)).to_contain_text(name)
    check_axe(phone_page)
