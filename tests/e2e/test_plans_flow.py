"""Issue 4's browser test: the GP at Vårdcentralen Kumla creates Tolvan's Patientkontrakt — one goal in his own
words, three activities (Tolvan's, the vårdcentral's, hemsjukvården i Kumla kommun's), a team with a fast vårdkontakt
and a fast läkarkontakt, one agreed time; the hemsjukvård nurse (another care provider) cannot open it until Tolvan
consents, then sees it and updates her activity; Tolvan, on a phone, sees all of it in Min plan with the next step,
and the print view. Also the SIP page refusing fastställande in Swedish, and the stale-write page. axe finds nothing
on any page visited.

These tests run against a live server of their own: the shared one is used by other browser tests that open
Tolvan with nödåtkomst, which would let the nurse in without his consent and blur what this test shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from nara.auth.service import log_in as open_session
from nara.auth.service import resolve_session
from nara.core.actor import SessionKind
from nara.core.clock import STOCKHOLM, SystemClock
from nara.core.settings import Settings
from nara.plans import service
from nara.plans.model import AddGoal
from nara.plans.store import PlanRow

from .conftest import LiveServer, check_axe, own_server
from .test_shell import log_in

pytestmark = pytest.mark.browser

GOAL = "Jag vill kunna gå till affären själv igen"
WALK = "Promenad 20 minuter varje dag"
REVIEW = "Läkemedelsgenomgång"
WOUND = "Såromläggning i hemmet"
VISIT = "Återbesök: blodtryck och läkemedel"
NOTE = "Första omläggningen gjord, såret läker fint"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server for this module alone (same set-up as the shared one in conftest)."""
    with own_server(tmp_path_factory, "e2e-plans") as live:
        yield live


def _heading(page: Page, text: str | re.Pattern[str]) -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text(text)


def _saved(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_contain_text(text)
    check_axe(page)


def _nav(page: Page, name: str) -> None:
    page.get_by_role("navigation", name="Huvudmeny").get_by_role("link", name=name, exact=True).click()


def _add_activity(page: Page, text: str, responsible: str, *, due: str = "", recurrence: str = "") -> None:
    page.get_by_role("link", name="Lägg till aktivitet").click()
    _heading(page, "Lägg till aktivitet")
    check_axe(page)
    page.get_by_label("Vad ska göras?").fill(text)
    page.get_by_label("Vem gör det?").select_option(label=responsible)
    if due:
        page.get_by_label("Klart senast").fill(due)
    if recurrence:
        page.get_by_label("Återkommer").fill(recurrence)
    page.get_by_role("button", name="Spara").click()
    _saved(page, "Aktiviteten är sparad.")


def _add_member(page: Page, role: str, member: str, *, phone: str = "", reach: str = "") -> None:
    page.get_by_role("link", name="Lägg till i vårdteamet").click()
    _heading(page, "Lägg till i vårdteamet")
    check_axe(page)
    page.get_by_label("Roll").select_option(label=role)
    page.get_by_label("Medarbetare").select_option(label=member)
    if phone:
        page.get_by_label("Telefon").fill(phone)
    if reach:
        page.get_by_label("Så når man hen").fill(reach)
    page.get_by_role("button", name="Spara").click()
    _saved(page, "Vårdteamet är sparat.")


def test_the_gp_plans_with_tolvan_the_nurse_needs_his_consent_and_tolvan_sees_it_all(
        page: Page, phone_page: Page, live_server: LiveServer):
    today = datetime.now(STOCKHOLM).date()
    wound_due, review_due, visit_day = today + timedelta(days=3), today + timedelta(days=20), today + timedelta(days=10)

    # --- the GP at Vårdcentralen Kumla, at a desk -------------------------------------------------------------
    log_in(page, "lakare", live_server.logins["lakare"].password)
    expect(page).to_have_url(live_server.url + "/arbetsyta")
    _nav(page, "Planer")
    _heading(page, "Mina personer och planer")
    check_axe(page)
    page.get_by_label("Personnummer").fill("19121212-1212")
    page.get_by_role("button", name="Öppna").click()
    _heading(page, re.compile(r"^Planer för Tolvan Tolvansson"))
    assert "1212" not in page.url  # the personnummer never goes into a URL
    check_axe(page)

    expect(page.get_by_label("Patientkontrakt – personens sammanhållna plan")).to_be_checked()
    page.get_by_label("Personens mål").fill(GOAL)
    expect(page.get_by_label("Målet är skrivet med personens egna ord")).to_be_checked()
    page.get_by_role("button", name="Skapa planen").click()
    _heading(page, re.compile(r"^Patientkontrakt: Tolvan Tolvansson"))
    _saved(page, "Planen är skapad.")
    plan_url = page.url.split("?")[0]

    _add_activity(page, WALK, "Tolvan Tolvansson själv", recurrence="varje dag")
    _add_activity(page, REVIEW, "Vårdcentralen Kumla (Region Örebro län)", due=review_due.isoformat())
    _add_activity(page, WOUND, "Hemsjukvården Kumla (Kumla kommun)", due=wound_due.isoformat())
    _add_member(page, "Fast vårdkontakt", "Maja Demoberg, distriktssköterska", phone="019-123 45 67",
                reach="Ring vardagar 8–10 eller skriv via 1177")
    _add_member(page, "Fast läkarkontakt", "Erik Testlund, läkare")

    page.get_by_role("link", name="Boka en tid tillsammans med personen").click()
    _heading(page, "Boka en tid")
    check_axe(page)
    page.get_by_label("Datum").fill(visit_day.isoformat())
    page.get_by_label("Klockslag").fill("10:00")
    page.get_by_label("Med vem").fill("Erik Testlund, läkare")
    expect(page.get_by_label("Besök")).to_be_checked()
    page.get_by_label("Plats").fill("Vårdcentralen Kumla")
    page.get_by_label("Syfte").fill(VISIT)
    page.get_by_role("button", name="Spara").click()
    _saved(page, "Tiden är sparad.")

    main = page.get_by_role("main")
    expect(page.locator(".next-step")).to_contain_text(WOUND)  # due in 3 days: before the visit in 10
    for text in (GOAL, "Med personens egna ord", WALK, REVIEW, WOUND, "Hemsjukvården Kumla (Kumla kommun)",
                 "Fast vårdkontakt: Maja Demoberg", "Fast läkarkontakt: Erik Testlund", "019-123 45 67", VISIT):
        expect(main).to_contain_text(text)
    page.get_by_role("link", name="Historik: alla versioner och vad som ändrades").click()
    _heading(page, re.compile(r"^Historik"))
    expect(page.get_by_role("main")).to_contain_text("Överenskommen tid tillagd: " + VISIT)
    check_axe(page)
    page.get_by_role("button", name="Logga ut").click()

    # --- the hemsjukvård nurse (Kumla kommun): the plan is the region's record, so Tolvan must consent ---------
    log_in(page, "hemsjukvard", live_server.logins["hemsjukvard"].password)
    _nav(page, "Planer")
    _heading(page, "Mina personer och planer")
    item = page.locator(".work-item").first
    expect(item).to_contain_text("personen har inte samtyckt")
    expect(item).not_to_contain_text("Tolvan")
    check_axe(page)

    # --- Tolvan, on a phone, gives his consent as he would -----------------------------------------------------
    log_in(phone_page, "tolvan", live_server.logins["tolvan"].password)
    _heading(phone_page, "Min sida")
    check_axe(phone_page)
    _nav(phone_page, "Mina samtycken")
    _heading(phone_page, "Mina samtycken")
    check_axe(phone_page)
    phone_page.get_by_label("Vårdgivare som får ta del").select_option(label="Kumla kommun")
    phone_page.get_by_role("button", name="Ge samtycke").click()
    _saved(phone_page, "Samtycket för Kumla kommun gäller från nu.")

    # --- the nurse sees the plan now and documents her activity in her own record -----------------------------
    page.reload()
    check_axe(page)
    page.get_by_role("link", name=re.compile("^Tolvan Tolvansson")).click()
    _heading(page, re.compile(r"^Patientkontrakt: Tolvan Tolvansson"))
    check_axe(page)
    expect(page.get_by_role("link", name="Ändra – " + REVIEW)).to_have_count(0)  # the region's record
    expect(page.get_by_role("link", name="Lägg till mål")).to_be_visible()
    # the GP put an activity on the municipality: it waits for Kumla kommun's approval, which the nurse gives
    approval = page.locator("#godkannande")
    expect(approval.locator(".element").filter(has_text=WOUND)).to_contain_text("Väntar på godkännande")
    approval.get_by_role("button", name="Godkänn ändringen").click()
    _saved(page, "Ändringen är godkänd.")
    expect(page.locator("#godkannande").filter(has_text=WOUND)).to_contain_text("Godkänd av")
    check_axe(page)
    page.get_by_role("link", name="Uppdatera status – " + WOUND).click()
    _heading(page, "Uppdatera status för en aktivitet")
    check_axe(page)
    page.get_by_label("Pågående").check()
    page.get_by_label("Anteckning").fill(NOTE)
    page.get_by_role("button", name="Spara status").click()
    _saved(page, "Statusen är sparad.")
    wound = page.locator("section[aria-labelledby='activities-title'] .element").filter(has_text=WOUND)
    expect(wound).to_contain_text("Pågående")
    expect(wound).to_contain_text(NOTE)
    expect(wound).to_contain_text("Status senast dokumenterad av Hemsjukvården Kumla")

    # --- Tolvan sees all of it in Min plan, including the next step ------------------------------------------
    _nav(phone_page, "Min plan")
    _heading(phone_page, "Min plan")
    expect(phone_page.locator(".next-step")).to_contain_text(WOUND)
    sections = {
        "Mina mål": [GOAL, "Det här är viktigt för mig"],
        "Det här gör jag": [WALK, "Varje dag"],
        "Det här gör vården och kommunen": [REVIEW, "Vårdcentralen Kumla", WOUND, "Hemsjukvården Kumla", "Pågående",
                                            NOTE],
        "Mina kontakter": ["Fast vårdkontakt", "Maja Demoberg", "019-123 45 67", "Ring vardagar 8–10",
                           "Fast läkarkontakt", "Erik Testlund"],
        "Mina tider": [VISIT, "Erik Testlund, läkare", "Vårdcentralen Kumla", " 10:00"],
    }
    for heading, texts in sections.items():
        section = phone_page.locator("section").filter(has=phone_page.get_by_role("heading", name=heading, level=2))
        for text in texts:
            expect(section).to_contain_text(text)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(phone_page)

    phone_page.get_by_role("button", name="Skicka till vårdteamet").click()  # empty: a Swedish message
    expect(phone_page.locator(".error-summary")).to_contain_text("Skriv vad du vill ta upp.")
    check_axe(phone_page)
    phone_page.get_by_label("Skriv det du vill ta upp").fill("Jag sover dåligt på nätterna")
    phone_page.get_by_role("button", name="Skicka till vårdteamet").click()
    _saved(phone_page, "Vårdteamet ser det du vill ta upp.")

    phone_page.get_by_role("link", name="Skriv ut planen").click()
    _heading(phone_page, "Min plan: Patientkontrakt")
    for text in (GOAL, WALK, REVIEW, WOUND, "Maja Demoberg", VISIT, "Jag sover dåligt på nätterna"):
        expect(phone_page.get_by_role("main")).to_contain_text(text)
    expect(phone_page.get_by_role("main").locator("form")).to_have_count(0)
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    check_axe(phone_page)

    _nav(phone_page, "Meddelanden")
    _heading(phone_page, "Meddelanden")
    expect(phone_page.get_by_role("main")).to_contain_text("Ny tid i din plan")
    expect(phone_page.get_by_role("main")).to_contain_text("Ny aktivitet för dig i din plan: " + WALK)
    check_axe(phone_page)
    phone_page.get_by_role("button", name="Markera alla som lästa").click()
    _saved(phone_page, "Alla meddelanden är markerade som lästa.")

    # the team sees what Tolvan wants to bring up
    page.goto(plan_url)
    expect(page.get_by_role("main")).to_contain_text("Jag sover dåligt på nätterna")
    check_axe(page)


def test_the_sip_page_says_what_is_missing_and_a_stale_form_keeps_the_input(page: Page, live_server: LiveServer):
    log_in(page, "lakare", live_server.logins["lakare"].password)
    _nav(page, "Planer")
    check_axe(page)
    page.get_by_label("Personnummer").fill("19121212-1212")
    page.get_by_role("button", name="Öppna").click()
    check_axe(page)
    page.get_by_label("Samordnad individuell plan (SIP)").check()
    page.get_by_role("button", name="Skapa planen").click()
    _heading(page, re.compile(r"^Samordnad individuell plan \(SIP\): Tolvan Tolvansson"))
    check_axe(page)
    page.get_by_role("link", name=re.compile("^Till SIP-flödet")).click()
    _heading(page, "SIP för Tolvan Tolvansson")
    check_axe(page)
    page.get_by_role("button", name="Gå vidare till kartläggning").click()
    _saved(page, "SIP:en har bytt fas.")
    page.get_by_role("button", name="Gå vidare till plan").click()
    _saved(page, "SIP:en har bytt fas.")
    page.locator("#avsnitt-insatser summary").click()  # "Ändra": the section's one form opens in place
    page.get_by_role("button", name="Spara insatserna").click()  # empty: the form says what is missing
    expect(page.locator(".error-summary")).to_contain_text("Skriv vilken insats som behövs.")
    new_intervention = page.get_by_role("textbox", name=re.compile(r"^Insats"))
    expect(new_intervention).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#avsnitt-insatser details")).to_have_attribute("open", "")
    check_axe(page)
    new_intervention.fill("Hemsjukvård: såromläggning")
    page.get_by_role("button", name="Spara insatserna").click()
    _saved(page, "SIP:en är sparad.")

    page.get_by_role("button", name="Fastställ planen").click()
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("SIP:en kan inte fastställas")
    for missing in ("Det framgår inte vilken huvudman som ansvarar för insats",
                    "vilka åtgärder andra än regionen och kommunen vidtar",
                    "vilken huvudman som har det övergripande ansvaret",
                    "Personens samtycke till SIP:en är inte registrerat"):
        expect(summary).to_contain_text(missing)
    expect(page.get_by_role("heading", level=2, name="Fas: plan")).to_be_visible()
    check_axe(page)

    # A goal typed while someone else changes the plan: nothing overwritten, the input kept, both versions shown.
    plan_id = int(re.search(r"/planer/(\d+)/", page.url).group(1))
    page.goto(f"/planer/{plan_id}/mal/ny")
    page.get_by_label("Målet", exact=True).fill("Att kunna bo kvar hemma")
    _change_behind_the_forms_back(live_server, plan_id, "Klara hygienen själv")
    page.get_by_role("button", name="Spara").click()
    _heading(page, "Lägg till mål")
    expect(page.get_by_role("alert").first).to_contain_text("Någon annan har ändrat planen")
    expect(page.locator(".conflict-versions")).to_contain_text("Mål tillagt: Klara hygienen själv")
    expect(page.get_by_label("Målet", exact=True)).to_have_value("Att kunna bo kvar hemma")
    check_axe(page)
    page.get_by_role("button", name="Spara").click()  # deliberately, after seeing the other change
    _saved(page, "Målet är sparat.")
    expect(page.get_by_role("main")).to_contain_text("Klara hygienen själv")
    expect(page.get_by_role("main")).to_contain_text("Att kunna bo kvar hemma")


def _change_behind_the_forms_back(live_server: LiveServer, plan_id: int, goal: str) -> None:
    """The district nurse at the same vårdcentral adds a goal through the service (as the API would)."""
    db, clock, settings = live_server.database, SystemClock(), Settings()
    issued = open_session(db, settings, clock, "distriktsskoterska", live_server.logins["distriktsskoterska"].password,
                          SessionKind.API)
    nurse = resolve_session(db, settings, clock, issued.token, SessionKind.API).actor
    with db.transaction() as s:
        version = s.scalar(select(PlanRow.version).where(PlanRow.id == plan_id))
        service.change_plan(s, nurse, clock, plan_id, version, [AddGoal(op="add_goal", text=goal)])
