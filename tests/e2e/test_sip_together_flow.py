"""One SIP, decided together (DOMAIN §3; the discharge kallelse, DOMAIN §4), in the browser: the ward admits Tolvan
and says a SIP is needed; the municipality's hemsjukvård acknowledges; the vårdcentral appoints the fast vårdkontakt
and, once he is utskrivningsklar, sends the SIP kallelse; the SIP is filled in; the vårdcentral, the municipality
and Tolvan each approve — only the last approval makes it fastställd; Tolvan sees exactly one SIP and one meeting;
a second kallelse adds a meeting to the same SIP. axe finds nothing on the pages visited.

A live server of its own (as the discharge flow's), so that no other browser test's plans for Tolvan are seen.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from nara.core.clock import STOCKHOLM
from nara.plans.store import PlanRow

from .conftest import LiveServer, check_axe
from .test_discharge_flow import TOLVAN, _heading, _open_worklist, _saved, live_server  # noqa: F401
from .test_shell import log_in

pytestmark = pytest.mark.browser


def _sips_of_tolvan(live: LiveServer) -> list[int]:
    with live.database.transaction() as s:
        return list(s.scalars(select(PlanRow.id).where(PlanRow.kind == "sip").order_by(PlanRow.id)))


def _send_kallelse(vc: Page, day: str, clock: str, place: str, saved: str = "Kallelsen till SIP är skickad") -> None:
    vc.get_by_label("Datum", exact=True).fill(day)
    vc.get_by_label("Klockslag", exact=True).fill(clock)
    vc.get_by_role("textbox", name=re.compile(r"^Plats")).fill(place)
    vc.get_by_role("button", name="Skicka kallelsen").click()
    _saved(vc, saved)


def _edit(page: Page, section: str) -> None:
    """Open a section of the SIP page for editing ("Ändra"), by keyboard as a person would."""
    summary = page.locator(f"#avsnitt-{section} summary")
    summary.focus()
    page.keyboard.press("Enter")
    expect(page.locator(f"#avsnitt-{section} details")).to_have_attribute("open", "")


def _approve(page: Page, button: str, saved: str) -> None:
    page.get_by_role("button", name=button).click()
    _saved(page, saved)


def test_a_sip_is_fastställd_only_when_every_party_has_approved_and_a_kallelse_adds_a_meeting(
        page: Page, phone_page: Page, other_browsers, live_server: LiveServer):  # noqa: F811
    today = datetime.now(STOCKHOLM).date()
    first_day, second_day = today + timedelta(days=3), today + timedelta(days=10)

    # --- the ward admits Tolvan, tells the receivers and says a SIP is needed ------------------------------------
    ward = page
    _open_worklist(ward, live_server, "avdelning")
    ward.get_by_label("Personnummer", exact=True).fill(TOLVAN)
    ward.get_by_role("button", name="Skriv in patienten").click()
    _heading(ward, "Utskrivning: Tolvan Tolvansson")
    ward.get_by_label("Beräknat utskrivningsdatum", exact=True).fill((today + timedelta(days=5)).isoformat())
    ward.get_by_role("button", name="Skicka inskrivningsmeddelandet").click()
    _saved(ward, "Inskrivningsmeddelandet är skickat")
    ward.get_by_label("Ja, en SIP behövs").check()
    ward.get_by_role("button", name="Spara bedömningen").click()
    _saved(ward, "Bedömningen av behovet av SIP är sparad.")

    # --- the municipality acknowledges; the vårdcentral appoints the fast vårdkontakt -----------------------------
    kommun = other_browsers()
    _open_worklist(kommun, live_server, "hemsjukvard")
    kommun.get_by_role("button", name="Kvittera – Inskrivningsmeddelande för Tolvan Tolvansson").click()
    _saved(kommun, "Kvitterat.")
    vc = other_browsers()
    _open_worklist(vc, live_server, "distriktsskoterska")
    vc.get_by_role("link", name=re.compile(r"^Tolvan Tolvansson, 19121212-1212")).click()
    _heading(vc, "Utskrivning: Tolvan Tolvansson")
    vc.get_by_role("combobox", name="Fast vårdkontakt").select_option(label="Maja Demoberg, distriktssköterska")
    vc.get_by_role("button", name="Utse fast vårdkontakt").click()
    _saved(vc, "Den fasta vårdkontakten är utsedd.")
    ward.reload()
    ward.get_by_role("button", name="Patienten är utskrivningsklar").click()
    _saved(ward, "utskrivningsklar")

    # --- the kallelse: one SIP with one meeting -------------------------------------------------------------------
    vc.reload()
    _send_kallelse(vc, first_day.isoformat(), "13:00", "Vårdcentralen Kumla")
    [sip_id] = _sips_of_tolvan(live_server)

    # --- the vårdcentral fills in the SIP and approves: it is not fastställd by one party ------------------------
    vc.goto(f"/planer/{sip_id}/sip")
    _heading(vc, "SIP för Tolvan Tolvansson")
    for phase in ("kartläggning", "plan"):
        _approve(vc, f"Gå vidare till {phase}", "")
    for text, principal in (("Läkemedelsgenomgång", "Region Örebro län"), ("Hemsjukvård: såromläggning",
                                                                          "Kumla kommun")):
        _edit(vc, "insatser")
        vc.locator("#f-int_text").fill(text)
        vc.locator("#f-int_principal").select_option(label=principal)
        _approve(vc, "Spara insatserna", "")
    _edit(vc, "andra")
    vc.get_by_label("Ingen annan än regionen och kommunen gör något").check()
    _approve(vc, "Spara åtgärderna", "")
    _edit(vc, "ansvar")
    vc.locator("#f-overall_principal").select_option(label="Kumla kommun")
    _approve(vc, "Spara det övergripande ansvaret", "")
    _edit(vc, "kallelse")
    vc.get_by_role("group", name="Samtycker personen till SIP:en?").get_by_label("Ja", exact=True).check()
    _approve(vc, "Spara kallelsen", "")
    _approve(vc, "Fastställ planen", "Ditt godkännande är registrerat.")
    approvals = vc.locator("ul.approvals")
    expect(approvals).to_contain_text("Godkänd av Maja Demoberg")
    expect(approvals).to_contain_text("Har inte godkänt planen ännu.")
    expect(vc.get_by_role("heading", level=2, name=re.compile(r"^Fas: plan"))).to_be_visible()

    # --- the municipality accepts the kallelse and approves --------------------------------------------------------
    kommun.goto("/planer")
    kommun.get_by_role("button", name=re.compile(r"^Acceptera kallelsen")).click()
    kommun.goto(f"/planer/{sip_id}/sip")
    _heading(kommun, "SIP för Tolvan Tolvansson")
    check_axe(kommun)
    _approve(kommun, "Fastställ planen", "Ditt godkännande är registrerat.")
    expect(kommun.get_by_role("heading", level=2, name=re.compile(r"^Fas: plan"))).to_be_visible()

    # --- Tolvan, on a phone: one SIP, one meeting; his approval is the last, and it is fastställd ----------------
    log_in(phone_page, "tolvan", live_server.logins["tolvan"].password)
    phone_page.goto(f"/min-sida/plan/{sip_id}")
    sip = phone_page.locator("#sip")
    expect(sip.locator(".sip-meetings li")).to_have_count(1)
    check_axe(phone_page)
    _approve(phone_page, "Jag godkänner planen", "Ditt godkännande är registrerat.")
    expect(sip).to_contain_text("uppföljning")
    expect(sip.get_by_role("button", name="Jag godkänner planen")).to_have_count(0)
    assert _sips_of_tolvan(live_server) == [sip_id]
    vc.reload()
    expect(vc.get_by_role("main")).to_contain_text("Planen fastställdes av")

    # --- a second kallelse adds a meeting to the same SIP ---------------------------------------------------------
    vc.goto("/utskrivning")
    vc.get_by_role("link", name=re.compile(r"^Tolvan Tolvansson, 19121212-1212")).click()
    _send_kallelse(vc, second_day.isoformat(), "10:00", "Hemmet", saved="Mötet är tillagt i personens SIP.")
    assert _sips_of_tolvan(live_server) == [sip_id]
    phone_page.reload()
    expect(phone_page.locator("#sip .sip-meetings li")).to_have_count(2)
    check_axe(phone_page)
