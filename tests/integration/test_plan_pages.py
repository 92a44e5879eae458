"""The plan pages' forms on SQLite and PostgreSQL: a form with mistakes comes back filled in
with Swedish messages linked from an error summary; denials show the access pages' denial page and are logged; a
post without the CSRF token changes nothing; a stale form says "Någon annan har ändrat planen" with both versions
and overwrites nothing; the SIP page says in Swedish what is missing when fastställande is refused; the resident's
Min plan forms, print view and notifications; an invited unit answers from its worklist."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from nara.app import create_app
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.service import log_in, resolve_session
from nara.core.actor import SessionKind
from nara.directory.store import PersonRow, UnitRow
from nara.plans import service as plans_service
from nara.plans.store import PlanRow, PlanVersionRow

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
VERSION = re.compile(r'name="version" value="(\d+)"')


@dataclass
class Visitor:
    """A browser session of one demo user: its cookies and its CSRF token."""

    client: TestClient
    token: str

    def get(self, path: str):
        return self.client.get(path)

    def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True):
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token
        return self.client.post(path, data=form)


@dataclass
class Site:
    app: object
    db: object
    clock: object
    tolvan: int
    vc: int
    hsv: int
    hsv_provider: int
    region: int
    bistand: int

    def visit(self, username: str) -> Visitor:
        client = TestClient(self.app, follow_redirects=False)
        page = client.get("/logga-in")
        answer = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                                "csrf_token": CSRF.search(page.text).group(1)})
        assert answer.status_code == 303, answer.text
        start = client.get(answer.headers["location"])
        return Visitor(client, CSRF.search(start.text).group(1))

    def plan(self, plan_id: int) -> PlanRow:
        with self.db.transaction() as s:
            row = s.get(PlanRow, plan_id)
            s.expunge(row)
            return row


@pytest.fixture
def site(db, demo, clock):
    app = create_app(demo, database=db, clock=clock)
    with db.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        units = {name: (unit_id, provider) for unit_id, name, provider in s.execute(
            select(UnitRow.id, UnitRow.name, UnitRow.provider_id))}
    yield Site(app, db, clock, tolvan, units["Vårdcentralen Kumla"][0], units["Hemsjukvården Kumla"][0],
               units["Hemsjukvården Kumla"][1], units["Vårdcentralen Kumla"][1], units["Biståndsenheten Kumla"][0])


def text_of(response) -> str:
    return html.unescape(response.text)


def version_in(response) -> int:
    return int(VERSION.search(response.text).group(1))


def create_plan(site: Site, gp: Visitor, kind: str = "patientkontrakt", goal: str = "") -> int:
    created = gp.post(f"/personer/{site.tolvan}/planer", {"kind": kind, "goal": goal, "own_words": "ja"})
    assert created.status_code == 303, created.text
    return int(re.search(r"/planer/(\d+)", created.headers["location"]).group(1))


def add(gp: Visitor, plan_id: int, slug: str, version: int, **fields: str) -> None:
    saved = gp.post(f"/planer/{plan_id}/{slug}/ny", {"version": str(version), **fields})
    assert saved.status_code == 303, text_of(saved)


def test_a_form_with_mistakes_comes_back_filled_in_with_swedish_messages(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, goal="Jag vill kunna gå till affären själv igen")
    answer = gp.post(f"/planer/{plan_id}/aktiviteter/ny", {
        "version": "1", "text": "Handla tillsammans", "responsible": "narstaende", "responsible_name": "",
        "due": "2026-13-45", "recurrence": "varje lördag"})
    assert answer.status_code == 422
    page = text_of(answer)
    assert "Det finns fel i formuläret" in page
    assert '<a href="#f-responsible_name">Skriv namnet på den närstående eller aktören.</a>' in page
    assert '<a href="#f-due">Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-03.</a>' in page
    assert 'id="f-due" name="due" type="date" value="2026-13-45" aria-describedby="f-due-hint f-due-error" ' \
           'aria-invalid="true"' in page
    assert ">Handla tillsammans</textarea>" in page and 'value="varje lördag"' in page
    assert '<option value="narstaende" selected>' in page
    assert site.plan(plan_id).version == 1  # nothing saved

    booked = gp.post(f"/planer/{plan_id}/tider/ny", {
        "version": "1", "day": "2026-12-03", "clock": "25:00", "with_whom": "Erik Testlund, läkare",
        "mode": "video", "video_link": "http://osäker.example", "purpose": "Återbesök"})
    assert booked.status_code == 422
    page = text_of(booked)
    for message in ("Skriv klockslaget som TT:MM, till exempel 10:30.", "Länken ska börja med https://."):
        assert message in page
    assert 'value="Erik Testlund, läkare"' in page and ">Återbesök</textarea>" in page
    assert 'value="video" checked' in page

    member = gp.post(f"/planer/{plan_id}/team/ny", {"version": "1", "role": "", "phone": "ring mig"})
    page = text_of(member)
    assert member.status_code == 422
    for message in ("Välj vilken roll personen har.", "Välj en medarbetare eller skriv ett namn.",
                    "Skriv telefonnumret med siffror, till exempel 019-123 45 67."):
        assert message in page
    assert 'value="ring mig"' in page

    # A choice that was never offered is refused, not saved.
    forged = gp.post(f"/planer/{plan_id}/aktiviteter/ny", {"version": "1", "text": "X", "responsible": "unit:999"})
    assert forged.status_code == 422 and "Välj ett av alternativen i listan." in text_of(forged)
    assert site.plan(plan_id).version == 1


def test_the_person_search_and_the_create_form_answer_in_swedish(site):
    gp = site.visit("lakare")
    wrong = gp.post("/planer/sok", {"identifier": "19121212-1213"})
    assert wrong.status_code == 422
    page = text_of(wrong)
    assert "Kontrollsiffran stämmer inte" in page and 'value="19121212-1213"' in page
    assert '<a href="#f-identifier">' in page
    found = gp.post("/planer/sok", {"identifier": "19121212-1212"})
    assert found.status_code == 303 and found.headers["location"] == f"/personer/{site.tolvan}/planer"
    missing_kind = gp.post(f"/personer/{site.tolvan}/planer", {"kind": "", "goal": "Må bra"})
    assert missing_kind.status_code == 422
    assert "Välj vilken plan du vill skapa." in text_of(missing_kind) and ">Må bra</textarea>" in text_of(missing_kind)
    create_plan(site, gp)
    again = gp.get(f"/personer/{site.tolvan}/planer")
    assert 'value="patientkontrakt"' not in again.text  # one active Patientkontrakt per person
    assert "Personen har redan ett patientkontrakt" in text_of(again)


def test_denied_pages_say_why_and_every_attempt_is_logged(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp)
    add(gp, plan_id, "aktiviteter", 1, text="Läkemedelsgenomgång", responsible=f"unit:{site.vc}")
    add(gp, plan_id, "aktiviteter", 2, text="Såromläggning i hemmet", responsible=f"unit:{site.hsv}")

    ward = site.visit("avdelning").get(f"/planer/{plan_id}")
    assert ward.status_code == 403
    assert "Åtkomst nekad" in text_of(ward) and "ingen pågående vårdrelation" in text_of(ward)
    assert "Såromläggning" not in ward.text
    # no patient relationship: nödåtkomst would not open anything, so it is not offered (DOMAIN §5)
    assert f'action="/personer/{site.tolvan}/nodatkomst"' not in ward.text

    nurse = site.visit("hemsjukvard")
    before_consent = nurse.get(f"/planer/{plan_id}")
    assert before_consent.status_code == 403 and "har inte samtyckt" in text_of(before_consent)
    with site.db.transaction() as s:
        denied = s.scalars(select(AuditEntryRow).where(AuditEntryRow.outcome == "denied")
                           .order_by(AuditEntryRow.seq)).all()
        assert [(e.resource_type, e.denial_reason) for e in denied] == [
            ("plan", "no_care_relationship"), ("plan", "no_consent")]

    tolvan = site.visit("tolvan")
    consented = tolvan.post("/min-sida/samtycken", {"care_provider_id": str(site.hsv_provider)})
    assert consented.status_code == 303
    shown = nurse.get(f"/planer/{plan_id}")
    assert shown.status_code == 200 and "Såromläggning i hemmet" in text_of(shown)
    review = re.search(r'href="/planer/\d+/aktiviteter/(a\d+)/status">Uppdatera status<span class="visually-hidden">'
                       r' – Såromläggning', shown.text)
    assert review is not None  # her unit documents the status of its own activity
    region_activity = "a1"
    assert f'href="/planer/{plan_id}/aktiviteter/{region_activity}"' not in shown.text
    not_hers = nurse.get(f"/planer/{plan_id}/aktiviteter/{region_activity}")
    assert not_hers.status_code == 403 and "annan vårdgivare dokumenterat" in text_of(not_hers)
    refused = nurse.post(f"/planer/{plan_id}/aktiviteter/{region_activity}", {
        "version": "3", "text": "Ändrad av någon annan", "responsible": f"unit:{site.vc}"})
    assert refused.status_code == 403 and "Du kan läsa dem men inte ändra dem." in text_of(refused)
    assert site.plan(plan_id).version == 3

    # Other roles do not reach the staff pages at all; the resident reads only through Min plan.
    assert tolvan.get(f"/planer/{plan_id}").status_code == 403
    assert site.visit("ledning").get("/planer").status_code == 403
    assert gp.get("/min-sida/plan").status_code == 403


def test_a_post_without_the_csrf_token_changes_nothing(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp)
    for data, csrf in (({"version": "1", "text": "Sova bättre"}, False),
                       ({"version": "1", "text": "Sova bättre", "csrf_token": "förfalskad"}, False)):
        answer = gp.post(f"/planer/{plan_id}/mal/ny", data, csrf=csrf)
        assert answer.status_code == 403 and "Formuläret har gått ut" in text_of(answer)
    cross_site = gp.client.post(f"/planer/{plan_id}/mal/ny", headers={"Origin": "https://annan.example"},
                                data={"version": "1", "text": "Sova bättre", "csrf_token": gp.token})
    assert cross_site.status_code == 403
    tolvan = site.visit("tolvan")
    note = tolvan.post(f"/min-sida/plan/{plan_id}/anteckningar", {"version": "1", "note_text": "Hej"}, csrf=False)
    assert note.status_code == 403
    assert site.plan(plan_id).version == 1


def test_a_stale_form_shows_both_versions_keeps_the_input_and_overwrites_nothing(site):
    gp, nurse = site.visit("lakare"), site.visit("distriktsskoterska")
    plan_id = create_plan(site, gp, goal="Gå till affären")
    form = gp.get(f"/planer/{plan_id}/mal/g1")
    assert form.status_code == 200 and version_in(form) == 1

    other = nurse.post(f"/planer/{plan_id}/mal/g1", {"version": "1", "text": "Gå till affären och posten",
                                                     "own_words": "ja"})
    assert other.status_code == 303
    stale = gp.post(f"/planer/{plan_id}/mal/g1", {"version": "1", "text": "Gå till affären varje vecka",
                                                  "own_words": "ja", "follow_up": "Vid varje besök"})
    assert stale.status_code == 409
    page = text_of(stale)
    assert "Någon annan har ändrat planen" in page
    assert "Du utgick från version 1 av planen, men den har sparats i version 2 sedan dess." in page
    assert "Mål ändrat: Gå till affären och posten" in page  # what changed in between
    assert "Sparat nu (version 2)" in page and "<dd>Gå till affären och posten</dd>" in page  # what is saved now
    assert ">Gå till affären varje vecka</textarea>" in page and ">Vid varje besök</textarea>" in page  # input kept
    assert version_in(stale) == 2  # saving again is a deliberate act on the version just shown
    with site.db.transaction() as s:
        assert s.get(PlanRow, plan_id).version == 2
        saved = s.scalar(select(PlanVersionRow.document).where(PlanVersionRow.plan_id == plan_id,
                                                               PlanVersionRow.version == 2))
    assert "Gå till affären och posten" in saved and "varje vecka" not in saved

    again = gp.post(f"/planer/{plan_id}/mal/g1", {"version": "2", "text": "Gå till affären varje vecka",
                                                 "own_words": "ja", "follow_up": "Vid varje besök"})
    assert again.status_code == 303
    history = text_of(gp.get(f"/planer/{plan_id}/historik"))
    assert "Version 3" in history and "Maja Demoberg" in history and "Erik Testlund" in history
    difference = text_of(gp.get(f"/planer/{plan_id}/historik/jamfor?fran=1&till=3"))
    assert "Mål ändrat: Gå till affären varje vecka" in difference
    assert "<del>Gå till affären</del>" in difference and "<ins>Gå till affären varje vecka</ins>" in difference


def test_the_sip_page_says_in_swedish_what_is_missing_and_then_fastställs(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, kind="sip")
    for version, phase in ((1, "kartlaggning"), (2, "plan")):
        assert gp.post(f"/planer/{plan_id}/sip/fas", {"version": str(version), "to": phase}).status_code == 303
    assert gp.post(f"/planer/{plan_id}/sip/insats", {"version": "3", "int_text": "Hemsjukvård: såromläggning",
                                                     "int_unit": str(site.hsv)}).status_code == 303
    refused = gp.post(f"/planer/{plan_id}/sip/faststall", {"version": "4"})
    assert refused.status_code == 422
    page = text_of(refused)
    assert "SIP:en kan inte fastställas" in page
    for missing in ("Det framgår inte vilken huvudman som ansvarar för insats s1.",
                    "Planen anger inte vilka åtgärder andra än regionen och kommunen vidtar (eller att inga andra "
                    "gör något).",
                    "Planen anger inte vilken huvudman som har det övergripande ansvaret.",
                    "Personens samtycke till SIP:en är inte registrerat."):
        assert f"<li>{missing}</li>" in page
    assert site.plan(plan_id).status == "plan" and site.plan(plan_id).version == 4

    steps = [("insats-huvudman", {"element": "s1", "principal_s1": str(site.hsv_provider)}),
             ("inga-andra", {"none": "ja"}),
             ("overgripande", {"overall_principal": str(site.region)}),
             ("samtycke", {"consent_given": "ja", "consent_by": "personen"})]
    for version, (step, fields) in enumerate(steps, start=4):
        answer = gp.post(f"/planer/{plan_id}/sip/{step}", {"version": str(version), **fields})
        assert answer.status_code == 303, text_of(answer)
    representative = gp.post(f"/planer/{plan_id}/sip/samtycke", {"version": "8", "consent_given": "ja",
                                                                 "consent_by": "foretradare"})
    assert representative.status_code == 422 and "Ange vem som företräder personen." in text_of(representative)
    # Decided together (DOMAIN §3): the person and the municipality approve first; the GP's approval is the last.
    assert site.visit("tolvan").post("/min-sida/samtycken", {"care_provider_id": str(site.hsv_provider)}) \
        .status_code == 303
    for version, username in ((8, "tolvan"), (9, "hemsjukvard")):
        issued = log_in(site.db, site.app.state.settings, site.clock, username, DEMO_PASSWORD, SessionKind.API)
        actor = resolve_session(site.db, site.app.state.settings, site.clock, issued.token, SessionKind.API).actor
        with site.db.transaction() as s:
            plans_service.approve_sip(s, actor, site.clock, plan_id, version)
    done = gp.post(f"/planer/{plan_id}/sip/faststall", {"version": "10"})
    assert done.status_code == 303
    page = text_of(gp.get(done.headers["location"]))
    assert "SIP:en är fastställd. Nu följer ni upp den." in page and "Fas: uppföljning" in page
    follow_up = gp.post(f"/planer/{plan_id}/sip/uppfoljning", {"version": "11", "fu_on": "2026-12-15",
                                                                "fu_outcome": ""})
    assert follow_up.status_code == 422 and "Skriv vad uppföljningen kom fram till." in text_of(follow_up)
    assert 'value="2026-12-15"' in follow_up.text


def test_min_plan_forms_print_view_and_notifications(site):
    gp, tolvan = site.visit("lakare"), site.visit("tolvan")
    assert "Du har ingen plan ännu" in text_of(tolvan.get("/min-sida/plan"))
    plan_id = create_plan(site, gp, goal="Orka gå i trappor")
    add(gp, plan_id, "egenvard", 1, kind="haller_koll", text="Jag väger mig varje morgon")
    add(gp, plan_id, "tider", 2, day="2026-12-03", clock="10:00", with_whom="Erik Testlund, läkare", mode="besok",
        place="Vårdcentralen Kumla", purpose="Återbesök")

    page = tolvan.get("/min-sida/plan")
    assert page.status_code == 200 and version_in(page) == 3
    text = text_of(page)
    assert "Orka gå i trappor" in text and "Det här är viktigt för mig" in text
    assert "3 dec 2026 10:00" in text and "Ditt nästa steg" in text

    empty = tolvan.post(f"/min-sida/plan/{plan_id}/anteckningar", {"version": "3", "note_text": "  "})
    assert empty.status_code == 422 and "Skriv vad du vill ta upp." in text_of(empty)
    assert tolvan.post(f"/min-sida/plan/{plan_id}/egenvard/e2/gjort", {"version": "3"}).status_code == 303
    stale = tolvan.post(f"/min-sida/plan/{plan_id}/aktiviteter", {"version": "3", "act_text": "Cykla till jobbet"})
    assert stale.status_code == 409
    assert "Någon annan har ändrat planen" in text_of(stale) and ">Cykla till jobbet</textarea>" in text_of(stale)
    added = tolvan.post(f"/min-sida/plan/{plan_id}/aktiviteter", {"version": "4", "act_text": "Cykla till jobbet",
                                                                  "act_recurrence": "varje dag"})
    assert added.status_code == 303
    asked = tolvan.post(f"/min-sida/plan/{plan_id}/tider/o3", {"version": "5", "kind": "flytta",
                                                               "text": "Jag kan bara på eftermiddagen"})
    assert asked.status_code == 303
    mine = text_of(tolvan.get(asked.headers["location"]))
    assert "Gjort i dag" in mine and "Cykla till jobbet" in mine and "Tillagt av dig" in mine
    assert "Du har bett att få flytta tiden. Vården hör av sig." in mine

    staff_view = text_of(gp.get(f"/planer/{plan_id}"))
    assert "Personen vill flytta tiden." in staff_view and "Jag kan bara på eftermiddagen" in staff_view
    printed = tolvan.get(f"/min-sida/plan/{plan_id}/utskrift")
    assert printed.status_code == 200 and "<form" not in printed.text.split("<main", 1)[1]
    assert "Cykla till jobbet" in text_of(printed) and "/static/plan_print.js" in printed.text

    notes = tolvan.get("/meddelanden")
    assert "Ny tid i din plan: 3 dec 2026 10:00, Erik Testlund, läkare. Återbesök" in text_of(notes)
    first = re.search(r'action="/meddelanden/(\d+)/last"', notes.text).group(1)
    assert tolvan.post(f"/meddelanden/{first}/last").status_code == 303
    assert gp.post(f"/meddelanden/{first}/last").status_code == 404  # not his
    assert tolvan.post("/meddelanden/lasta").status_code == 303
    assert "Du har inga olästa meddelanden." in text_of(tolvan.get("/meddelanden"))
    team = text_of(gp.get("/meddelanden"))
    assert "har ändrats av personen själv" in team


def test_an_invited_unit_answers_from_its_worklist(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, kind="sip")
    assert gp.post(f"/planer/{plan_id}/sip/samtycke", {"version": "1", "consent_given": "ja"}).status_code == 303
    assert gp.post(f"/planer/{plan_id}/sip/inbjudan", {"version": "2", "inv_unit": str(site.bistand)}).status_code \
        == 303
    social = site.visit("bistand")
    worklist = social.get("/planer")
    assert f"Kallelse till SIP {plan_id}" in text_of(worklist) and "Tolvan" not in worklist.text
    assert social.get(f"/planer/{plan_id}").status_code == 403
    stale = social.post(f"/planer/{plan_id}/sip/svar", {"version": "1", "accept": "ja"})
    assert stale.status_code == 409 and "Någon annan har ändrat planen medan du svarade" in text_of(stale)
    accepted = social.post(f"/planer/{plan_id}/sip/svar", {"version": str(version_in(stale)), "accept": "ja"})
    assert accepted.status_code == 303 and accepted.headers["location"] == f"/planer/{plan_id}?sparat=svar-ja"
    opened = social.get(accepted.headers["location"])
    assert opened.status_code == 200 and "Ni har accepterat kallelsen" in text_of(opened)
