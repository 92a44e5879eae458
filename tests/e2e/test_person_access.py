"""Nödåtkomst in a real browser (DOMAIN §5, lag 2022:913): a district nurse whose unit has the person in its care
right now is refused another provider's notes for want of consent, opens them with nödåtkomst after stating a reason and
confirming, meets the other provider's yttre spärr, and breaks it in two steps — first which providers hold blocked
information, then the content of one — each with its reason. Axe finds nothing on any of these pages, on a phone
too. Someone whose unit has no relationship with the person finds no one and is offered no nödåtkomst.

Each test makes its own synthetic person, and the persona is one whose nödåtkomster no other browser test looks
for (the reviewer's test picks the ward nurse's), so the shared live server's other tests are not disturbed.
"""

from __future__ import annotations

import itertools
import re
from datetime import UTC, date, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from nara.access.store import BlockRow, CareRelationshipRow
from nara.auth.store import AccountRow
from nara.directory.model import personal_number
from nara.directory.store import CareProviderRow, PersonRow, StaffAssignmentRow, UnitRow

from .conftest import check_axe
from .test_shell import log_in

pytestmark = pytest.mark.browser
_serial = itertools.count(901)


def _person_in_care(live_server, username: str) -> tuple[int, str, int]:
    """A synthetic person in the care of ``username``'s unit (its care team, as the unit's own system reports), with
    a yttre spärr that Kumla kommun set on its notes at the person's request. Returns (person id, personnummer,
    Kumla kommun's provider id)."""
    now = datetime.now(UTC)
    n = next(_serial)
    identifier = personal_number(date(1931, 3, 1) + timedelta(days=n), n)
    with live_server.database.transaction() as s:
        account = s.scalar(select(AccountRow).where(AccountRow.username == username))
        unit_id = s.scalar(select(StaffAssignmentRow.unit_id).where(StaffAssignmentRow.staff_id == account.staff_id)
                           .order_by(StaffAssignmentRow.id).limit(1))
        kommun = s.scalar(select(CareProviderRow).where(CareProviderRow.name == "Kumla kommun"))
        kommun_unit = s.scalar(select(UnitRow.id).where(UnitRow.provider_id == kommun.id).limit(1))
        person = PersonRow(identifier=identifier, identifier_kind="personnummer", given_name="Nödfall",
                           family_name=f"Testsson{n}", synthetic=True, kommun_code="1881")
        s.add(person)
        s.flush()
        s.add(CareRelationshipRow(person_id=person.id, unit_id=unit_id, kind="care_team", valid_from=now,
                                  valid_to=now + timedelta(days=1), created_by=account.id, created_at=now))
        s.add(BlockRow(person_id=person.id, kind="yttre", category="anteckningar", unit_id=kommun_unit,
                       provider_id=kommun.id, set_at=now - timedelta(days=2), set_by=account.id))
        return person.id, identifier, kommun.id


def _open_in_emergency_through_the_sparr(page: Page, live_server, username: str) -> None:
    person_id, identifier, kommun = _person_in_care(live_server, username)
    log_in(page, username, live_server.logins[username].password)
    expect(page).to_have_url(live_server.url + "/arbetsyta")
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Personer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök person")
    check_axe(page)
    page.get_by_label("Personnummer").fill(identifier)
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nödfall Testsson")
    assert identifier[-4:] not in page.url  # the personnummer never goes into a URL
    check_axe(page)

    # the municipality's notes: no consent, so refused — nödåtkomst is offered, the person being in the unit's care
    page.goto(f"{live_server.url}/personer/{person_id}/uppgifter/anteckningar/{kommun}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomst nekad")
    expect(page.get_by_role("alert")).to_contain_text("samtyckt")
    expect(page.get_by_role("heading", name="Nödåtkomst")).to_be_visible()
    check_axe(page)
    page.get_by_label("Skäl till nödåtkomsten").fill("Medvetslös vid hembesöket, behöver kommunens anteckningar")
    page.get_by_role("button", name="Öppna med nödåtkomst").click()
    expect(page.get_by_role("alert")).to_contain_text("Bekräfta att du behöver nödåtkomst.")
    check_axe(page)
    page.get_by_label(re.compile("Jag intygar")).check()
    page.get_by_role("button", name="Öppna med nödåtkomst").click()

    # the yttre spärr holds against the plain nödåtkomst; who holds it is not yet said
    expect(page.get_by_role("heading", level=1)).to_have_text("Åtkomst nekad")
    expect(page.get_by_role("alert")).to_contain_text("en annan vårdgivare")
    expect(page.get_by_role("main")).not_to_contain_text("Kumla kommun")
    step_one = page.get_by_role("region", name="Nödåtkomst genom en spärr hos en annan vårdgivare")
    expect(step_one).to_be_visible()
    check_axe(page)
    step_one.get_by_label("Skäl till nödåtkomsten").fill("Livshotande, kommunens dokumentation behövs nu")
    step_one.get_by_label(re.compile("Jag intygar")).check()
    step_one.get_by_role("button", name="Visa vilka vårdgivare som har spärrade uppgifter").click()

    # step one names the provider; step two opens its content, with its own reason
    expect(page.get_by_role("heading", level=1)).to_have_text("Spärrade uppgifter – nödåtkomst")
    provider = page.get_by_role("region", name="Kumla kommun")
    expect(provider).to_be_visible()
    check_axe(page)
    provider.get_by_label("Skäl att öppna uppgifterna hos Kumla kommun").fill("Läkemedel som hemsjukvården gav")
    provider.get_by_label(re.compile("Jag intygar")).check()
    provider.get_by_role("button", name="Öppna uppgifterna hos Kumla kommun").click()

    expect(page).to_have_url(re.compile(rf"/personer/{person_id}/uppgifter/anteckningar/{kommun}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Kumla kommun")
    banner = page.get_by_role("status")
    expect(banner).to_contain_text(
        re.compile(r"Nödåtkomst aktiv till \d{1,2} [a-zä]{3} \d{4} \d{2}:\d{2} – åtkomsten granskas"))
    check_axe(page)


def test_a_district_nurse_opens_another_providers_notes_through_a_yttre_sparr_in_two_steps(page: Page,
                                                                                             live_server):
    _open_in_emergency_through_the_sparr(page, live_server, "distriktsskoterska")


def test_the_same_on_a_phone(phone_page: Page, live_server):
    _open_in_emergency_through_the_sparr(phone_page, live_server, "distriktsskoterska")


def test_without_a_relationship_the_person_is_not_found_and_no_nodatkomst_is_offered(page: Page, live_server):
    _, identifier, _ = _person_in_care(live_server, "distriktsskoterska")
    log_in(page, "hemsjukvard", live_server.logins["hemsjukvard"].password)
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name="Personer").click()
    page.get_by_label("Personnummer").fill(identifier)
    page.get_by_role("button", name="Sök").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sök person")
    expect(page.get_by_role("alert")).to_contain_text("Ingen person med det numret finns bland dem du har åtkomst")
    expect(page.get_by_role("main")).not_to_contain_text("Nödåtkomst")
    check_axe(page)
