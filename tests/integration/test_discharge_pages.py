"""The Utskrivning pages on SQLite and PostgreSQL (SYNTETISKA DATA): the ward admits Tolvan by personnummer
and sends the inskrivningsmeddelande from forms that come back filled in with Swedish messages when something is
wrong; the receivers' worklist fragment (what live.js reloads) shows it and they kvittera from it; the vårdcentral
appoints the fast vårdkontakt and sends the SIP kallelse; another party's step and a step the process cannot take
are refused with the service's message, nothing written; a unit that takes no part gets the denial page, logged; a
post without the CSRF token changes nothing; the resident reads Min utskrivning; the payment page, its validation
and its CSV and XLSX downloads.

The clock starts on Sunday 22 November 2026, 10:00 in Stockholm (tests/conftest.py).
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD
from nara.core.clock import STOCKHOLM
from nara.discharge import service
from nara.discharge.model import ProcessPhase
from nara.discharge.store import DischargeAckRow, DischargeEventRow, DischargeProcessRow

from .discharge_fixtures import build_world

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
TOLVAN = "19121212-1212"


def local(day, hour=0, minute=0, month=11):
    return datetime(2026, month, day, hour, minute, tzinfo=STOCKHOLM)


@dataclass
class Visitor:
    """A browser session of one demo user: its cookies and its CSRF token."""

    client: TestClient
    token: str

    def get(self, path: str, **params):
        return self.client.get(path, params=params or None)

    def post(self, path: str, data: dict[str, str] | None = None, *, csrf: bool = True):
        form = dict(data or {})
        if csrf:
            form["csrf_token"] = self.token
        return self.client.post(path, data=form)


@pytest.fixture
def world(database, clock, tmp_data_dir):
    w = build_world(database, clock, tmp_data_dir)
    yield w
    w.client.close()
    w.broker.close()


def visit(world, username: str) -> Visitor:
    client = TestClient(world.client.app, follow_redirects=False)
    login = client.get("/logga-in")
    answer = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                            "csrf_token": CSRF.search(login.text).group(1)})
    assert answer.status_code == 303, answer.text
    start = client.get(answer.headers["location"])
    return Visitor(client, CSRF.search(start.text).group(1))


def text_of(response) -> str:
    return html.unescape(response.text)


def row(world, pid: int) -> DischargeProcessRow:
    with world.db.transaction() as s:
        found = s.get(DischargeProcessRow, pid)
        s.expunge(found)
        return found


def events(world, pid: int) -> int:
    with world.db.transaction() as s:
        return s.scalar(select(func.count()).select_from(DischargeEventRow).where(DischargeEventRow.process_id == pid))


def audit(world, **where) -> list[AuditEntryRow]:
    with world.db.transaction() as s:
        rows = s.scalars(select(AuditEntryRow).order_by(AuditEntryRow.seq)).all()
    return [r for r in rows if all(getattr(r, k) == v for k, v in where.items())]


def open_for_tolvan(world) -> int:
    ward = world.actor("avdelning")
    with world.db.transaction() as s:
        return service.open_process(s, ward, world.clock, person_id=world.tolvan,
                                    estimated_discharge=date(2026, 11, 27)).id


def test_the_ward_admits_by_personnummer_and_forms_with_mistakes_come_back_filled_in(world):
    ward = visit(world, "avdelning")
    page = text_of(ward.get("/utskrivning"))
    assert "Skriv in en patient" in page and 'data-live-src="/utskrivning/lista"' in page
    assert "Din enhet har inga pågående utskrivningar." in page

    answer = ward.post("/utskrivning/ny", {"identifier": "", "estimated_discharge": "2026-13-45"})
    assert answer.status_code == 422
    page = text_of(answer)
    assert '<a href="#f-identifier">Skriv personnumret.</a>' in page
    assert '<a href="#f-estimated_discharge">Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-03.</a>' in page
    assert 'value="2026-13-45"' in page and 'aria-invalid="true"' in page
    answer = ward.post("/utskrivning/ny", {"identifier": "19121212-1213", "estimated_discharge": ""})
    assert answer.status_code == 422
    assert "Kontrollsiffran stämmer inte" in text_of(answer) and 'value="19121212-1213"' in answer.text

    created = ward.post("/utskrivning/ny", {"identifier": TOLVAN, "estimated_discharge": ""})
    assert created.status_code == 303
    location = created.headers["location"]
    assert "1212" not in location  # the personnummer never goes into a URL
    pid = int(re.search(r"/utskrivning/(\d+)\?klart=inskriven$", location).group(1))
    page = text_of(ward.get(location))
    assert "Patienten är inskriven." in page and "Utskrivning: Tolvan Tolvansson" in page
    assert "ViSam — Region Örebro län och länets kommuner (gäller från 2018-01-01)" in page  # agreement, version
    assert "orebro-visam" not in page and "verify" not in page and "DOMAIN" not in page  # no developer words
    assert "Mottagare som hittades i katalogen" in page and "Vårdcentralen Kumla" in page
    assert "Skicka inskrivningsmeddelande" in page and f'action="/utskrivning/{pid}/inskrivningsmeddelande"' in page
    # the inskrivningsmeddelande is due 24 hours after admission: Mon 23 Nov 10:00, "om 24 h" now
    assert "23 nov 2026 10:00" in page and "om 24 h" in page

    answer = ward.post(f"/utskrivning/{pid}/inskrivningsmeddelande",
                       {"notice_estimate": "", "notice_note": "Behöver hjälp med läkemedel"})
    assert answer.status_code == 422
    page = text_of(answer)
    assert '<a href="#f-notice_estimate">Skriv beräknat utskrivningsdatum.</a>' in page
    assert ">Behöver hjälp med läkemedel</textarea>" in page
    answer = ward.post(f"/utskrivning/{pid}/inskrivningsmeddelande",
                       {"notice_estimate": "2026-11-01", "notice_note": "Behöver hjälp med läkemedel"})
    assert answer.status_code == 409  # before admission: the state machine's refusal, in Swedish, input kept
    page = text_of(answer)
    assert "Beräknat utskrivningsdatum kan inte ligga före inskrivningsdagen." in page
    assert 'value="2026-11-01"' in page and ">Behöver hjälp med läkemedel</textarea>" in page
    assert row(world, pid).phase == ProcessPhase.ADMITTED.value and events(world, pid) == 1  # nothing saved

    sent = ward.post(f"/utskrivning/{pid}/inskrivningsmeddelande",
                     {"notice_estimate": "2026-11-27", "notice_note": "Behöver hjälp med läkemedel"})
    assert sent.status_code == 303 and sent.headers["location"] == f"/utskrivning/{pid}?klart=inskrivningsmeddelande"
    page = text_of(ward.get(sent.headers["location"]))
    assert "Inskrivningsmeddelandet är skickat till mottagarna." in page
    assert "Beräknat utskrivningsdatum: fredag 27 november 2026" in page and "inte kvitterat" in page
    assert row(world, pid).phase == ProcessPhase.NOTIFIED.value
    # the estimate is revisable: the form is offered with the current date
    assert 'id="f-estimate_day" name="estimate_day" type="date" value="2026-11-27"' in page


def test_receivers_read_the_live_fragment_and_kvittera_from_the_worklist(world):
    pid = open_for_tolvan(world)
    vc = visit(world, "distriktsskoterska")
    before = len(audit(world, account_id=world.actor("distriktsskoterska").account_id, resource_type="discharge"))
    fragment = vc.get("/utskrivning/lista")
    assert fragment.status_code == 200 and fragment.headers["cache-control"] == "no-store"
    body = text_of(fragment)
    assert "<html" not in body and "Tolvan Tolvansson, 19121212-1212" in body
    assert "Inskrivningsmeddelande, skickat 22 nov 2026 10:00" in body
    assert f'action="/utskrivning/{pid}/kvittera/m2"' in body
    # the vårdcentral's own step is marked, with its due time relative to now
    assert "Fast vårdkontakt utsedd (din enhet)" in body
    reads = audit(world, account_id=world.actor("distriktsskoterska").account_id, resource_type="discharge")
    assert len(reads) == before + 1 and reads[-1].action == "search"  # the fragment is read through the policy

    done = vc.post(f"/utskrivning/{pid}/kvittera/m2", {"fran": "lista"})
    assert done.status_code == 303 and done.headers["location"] == "/utskrivning?klart=kvitterat"
    assert "Kvitterat." in text_of(vc.get(done.headers["location"]))
    with world.db.transaction() as s:
        assert s.get(DischargeAckRow, (pid, "m2", world.vc)).acknowledged_at == local(22, 10)
    assert f"/utskrivning/{pid}/kvittera/m2" not in vc.get("/utskrivning/lista").text

    # the municipality acknowledges everything of its own from the process page
    hsv = visit(world, "hemsjukvard")
    page = text_of(hsv.get(f"/utskrivning/{pid}"))
    assert "Kvittera alla" in page and "Utse fast vårdkontakt" not in page  # only what the unit may do
    assert hsv.post(f"/utskrivning/{pid}/kvittera").headers["location"] == f"/utskrivning/{pid}?klart=kvitterat"
    page = text_of(hsv.get(f"/utskrivning/{pid}"))
    assert "Hemsjukvården Kumla: kvitterat 22 nov 2026 10:00" in page and "Kvittera alla" not in page
    twice = hsv.post(f"/utskrivning/{pid}/kvittera")
    assert twice.status_code == 409 and "Din enhet har inga okvitterade meddelanden" in text_of(twice)

    # the ward's process fragment says who has acknowledged
    ward = visit(world, "avdelning")
    status = ward.get(f"/utskrivning/{pid}/status")
    assert status.status_code == 200 and "<html" not in status.text
    assert "Vårdcentralen Kumla: kvitterat" in text_of(status)

    # fragments answer 401 (not the log-in page) without a session, and a resident gets 403
    anonymous = TestClient(world.client.app, follow_redirects=False)
    assert anonymous.get("/utskrivning/lista").status_code == 401
    assert anonymous.get(f"/utskrivning/{pid}/status").status_code == 401
    assert anonymous.get("/utskrivning").status_code == 303  # a page sends one to log in
    tolvan = visit(world, "tolvan")
    assert tolvan.get("/utskrivning/lista").status_code == 403


def test_a_post_without_the_csrf_token_changes_nothing(world):
    pid = open_for_tolvan(world)
    vc = visit(world, "distriktsskoterska")
    refused = vc.post(f"/utskrivning/{pid}/kvittera/m2", {"fran": "lista"}, csrf=False)
    assert refused.status_code == 403 and "Formuläret har gått ut" in text_of(refused)
    ward = visit(world, "avdelning")
    assert ward.post(f"/utskrivning/{pid}/utskrivningsklar", csrf=False).status_code == 403
    with world.db.transaction() as s:
        assert s.get(DischargeAckRow, (pid, "m2", world.vc)).acknowledged_at is None
    assert events(world, pid) == 2 and row(world, pid).phase == ProcessPhase.NOTIFIED.value


def test_a_unit_that_takes_no_part_gets_the_denial_page_and_it_is_logged(world):
    pid = open_for_tolvan(world)
    other = visit(world, "orebro_hsv")
    denied = other.get(f"/utskrivning/{pid}")
    assert denied.status_code == 403
    page = text_of(denied)
    assert "Åtkomst nekad" in page and "Tolvan" not in page
    assert "Din enhet har ingen pågående vårdrelation med personen" in page and "Försöket är loggat." in page
    assert other.get(f"/utskrivning/{pid}/status").status_code == 403
    refused = other.post(f"/utskrivning/{pid}/kvittera/m2")
    assert refused.status_code == 403
    account = world.actor("orebro_hsv").account_id
    entries = audit(world, account_id=account, resource_type="discharge")
    assert [e.outcome for e in entries] == ["denied", "denied", "denied"]
    assert {e.resource_id for e in entries} == {str(pid)}
    assert "Din enhet har inga pågående utskrivningar." in text_of(other.get("/utskrivning"))
    assert other.get("/utskrivning/999999").status_code == 404


def test_another_partys_step_and_a_step_out_of_turn_are_refused_with_the_services_message(world):
    pid = open_for_tolvan(world)
    hsv = visit(world, "hemsjukvard")
    wrong = hsv.post(f"/utskrivning/{pid}/utskrivningsklar", {"ready_note": "Klar"})
    assert wrong.status_code == 403
    page = text_of(wrong)
    assert "Det här steget registreras av vårdavdelningen" in page
    assert events(world, pid) == 2
    ward = visit(world, "avdelning")
    assert ward.post(f"/utskrivning/{pid}/utskrivningsklar", {"ready_note": ""}).status_code == 303
    again = ward.post(f"/utskrivning/{pid}/utskrivningsklar", {"ready_note": "Igen"})
    assert again.status_code == 409 and "Det går inte att registrera utskrivningsklar" in text_of(again)
    assert ward.post(f"/utskrivning/{pid}/ingenting").status_code == 404
    assert ward.post(f"/utskrivning/{pid}/kvittera/x1").status_code == 404
    interrupted = ward.post(f"/utskrivning/{pid}/avbryt", {"interrupt_reason": "", "interrupt_note": "Flyttad"})
    assert interrupted.status_code == 422
    assert '<a href="#f-interrupt_reason">Välj varför processen avbryts.</a>' in text_of(interrupted)
    assert ">Flyttad</textarea>" in text_of(interrupted)


def test_the_vardcentral_appoints_the_fast_vardkontakt_and_sends_the_sip_kallelse(world):
    pid = open_for_tolvan(world)
    ward = world.actor("avdelning")
    with world.db.transaction() as s:
        service.mark_ready(s, ward, world.clock, pid)
    vc = visit(world, "distriktsskoterska")
    page = text_of(vc.get(f"/utskrivning/{pid}"))
    assert f'<option value="{world.maja}">Maja Demoberg, distriktssköterska</option>' in page
    assert "Skicka kallelse till SIP" in page
    # due by 24:00 on the third calendar day after Sun 22 Nov (day 0, not counted): Wed 25 Nov, written 24:00
    assert "25 nov 2026 24:00" in page

    answer = vc.post(f"/utskrivning/{pid}/fast-vardkontakt", {"contact_staff": ""})
    assert answer.status_code == 422 and "Välj vem som blir fast vårdkontakt." in text_of(answer)
    assert vc.post(f"/utskrivning/{pid}/fast-vardkontakt",
                   {"contact_staff": str(world.maja)}).headers["location"].endswith("klart=fast-vardkontakt")

    form = {"sip_day": "2026-11-20", "sip_clock": "13:00", "sip_place": "Vårdcentralen Kumla",
            "sip_link": "", "sip_note": "Välkomna"}
    past = vc.post(f"/utskrivning/{pid}/sip-kallelse", form)
    assert past.status_code == 422
    page = text_of(past)
    assert '<a href="#f-sip_day">SIP-mötet kan inte ligga i det förflutna.</a>' in page
    assert 'value="Vårdcentralen Kumla"' in page and ">Välkomna</textarea>" in page
    bad = vc.post(f"/utskrivning/{pid}/sip-kallelse", form | {"sip_day": "2026-12-02", "sip_clock": "",
                                                              "sip_link": "http://video.example"})
    assert bad.status_code == 422
    page = text_of(bad)
    assert 'href="#f-sip_clock"' in page and 'href="#f-sip_link"' in page
    assert events(world, pid) == 4  # admitted, notice, ready, care contact: no kallelse yet
    sent = vc.post(f"/utskrivning/{pid}/sip-kallelse", form | {"sip_day": "2026-12-02",
                                                               "sip_link": "https://video.example/sip"})
    assert sent.status_code == 303, text_of(sent)
    page = text_of(vc.get(sent.headers["location"]))
    assert "Kallelsen till SIP är skickad och SIP:en är skapad." in page
    assert "SIP-mötet: 2 dec 2026 13:00" in page
    assert "Maja Demoberg, distriktssköterska, Vårdcentralen Kumla" in page
    process = row(world, pid)
    assert process.sip_at == local(2, 13, month=12) and process.sip_plan_id is not None
    assert f'href="/planer/{process.sip_plan_id}"' in page


def test_the_resident_reads_min_utskrivning(world):
    pid = open_for_tolvan(world)
    ward, vc = world.actor("avdelning"), world.actor("distriktsskoterska")
    tolvan = visit(world, "tolvan")
    page = text_of(tolvan.get("/min-sida/utskrivning"))
    assert "Min utskrivning" in page and "Din fasta vårdkontakt är inte utsedd ännu." in page
    assert 'data-live-src="/min-sida/utskrivning/innehall"' in page and 'href="/min-sida/utskrivning"' in page
    with world.db.transaction() as s:
        service.appoint_care_contact(s, vc, world.clock, pid, staff_id=world.maja)
        service.mark_ready(s, ward, world.clock, pid)
        service.send_sip_invitation(s, vc, world.clock, pid, sip_at=local(2, 13, month=12))
    fragment = tolvan.get("/min-sida/utskrivning/innehall")
    assert fragment.status_code == 200 and "<html" not in fragment.text
    body = text_of(fragment)
    assert "Maja Demoberg, distriktssköterska" in body and "Vårdcentralen Kumla" in body
    assert "2 dec 2026 13:00" in body
    assert ", Universitetssjukhuset Örebro</h2>" in body
    staff = visit(world, "distriktsskoterska")
    assert staff.get("/min-sida/utskrivning").status_code == 403


@pytest.fixture
def world_2023(database, clock, tmp_data_dir):
    """The world built on 1 October 2023 (a year whose amount per day is known), so the demo staff's assignments
    hold from then."""
    clock.at = datetime(2023, 10, 1, 9, 0, tzinfo=UTC)
    w = build_world(database, clock, tmp_data_dir)
    yield w
    w.client.close()
    w.broker.close()


def test_the_payment_page_shows_the_month_with_the_trail_and_downloads_it(world_2023):
    """Tolvan (Kumla) admitted Wed 2023-11-01 10:00, inskrivningsmeddelande at once, utskrivningsklar Thu 2 Nov
    10:00, discharged Thu 9 Nov 10:00. The law's values (orebro-visam.toml): day 0 = 2 Nov, free 3, 4, 5 Nov;
    payable 6, 7, 8 Nov (the day of discharge is not) = 3 days × 10 500 kr (Socialstyrelsen, 2023) = 31 500 kr."""
    world = world_2023
    ward = world.actor("avdelning")

    def local(day, hour=0, minute=0, month=11):
        return datetime(2023, month, day, hour, minute, tzinfo=STOCKHOLM)

    def when(moment):
        world.clock.at = moment.astimezone(UTC)

    when(local(1, 10))
    with world.db.transaction() as s:
        pid = service.open_process(s, ward, world.clock, person_id=world.tolvan,
                                   estimated_discharge=date(2023, 11, 6)).id
    when(local(2, 10))
    with world.db.transaction() as s:
        service.mark_ready(s, ward, world.clock, pid)
    when(local(9, 10))
    with world.db.transaction() as s:
        service.discharge(s, ward, world.clock, pid)
    when(local(5, 12, month=12))

    hsv = visit(world, "hemsjukvard")  # Kumla kommun: a party to its own settlement
    page = text_of(hsv.get("/utskrivning/betalningsansvar"))
    assert '<option value="1881" selected>Kumla</option>' in page and 'value="2023-11"' in page  # last month
    assert "Örebro" not in re.search(r'<select id="f-kommun".*?</select>', page, re.S).group(0)

    bad = hsv.get("/utskrivning/betalningsansvar", kommun="1881", manad="november")
    assert bad.status_code == 422
    assert '<a href="#f-manad">Skriv månaden som ÅÅÅÅ-MM, till exempel 2026-11.</a>' in text_of(bad)
    assert 'value="november"' in bad.text
    other = hsv.get("/utskrivning/betalningsansvar", kommun="1880", manad="2023-11")
    assert other.status_code == 422 and "Välj ett av alternativen i listan." in text_of(other)

    report = hsv.get("/utskrivning/betalningsansvar", kommun="1881", manad="2023-11")
    assert report.status_code == 200
    page = text_of(report)
    assert "Kumla, november 2023" in page and "Månaden är slut." in page
    assert "ViSam — Region Örebro län och länets kommuner (gäller från 2018-01-01)" in page and "Per patient" in page
    assert "orebro-visam" not in page and "verif" not in page and "DOMAIN" not in page
    assert "Fria dagar efter underrättelsen om utskrivningsklar: 3." in page
    patients = re.search(r'<table class="data-table payment-patients">.*?</table>', page, re.S).group(0)
    assert "19121212-1212 Tolvan Tolvansson" in patients
    for cell in ("1 nov 2023 10:00", "2 nov 2023 10:00", "9 nov 2023 10:00", "31\u00a0500"):
        assert cell in patients
    assert re.search(r'<td class="num">3</td>\s*<td class="num">3</td>\s*<td class="num">31\u00a0500</td>', patients)
    assert "<th scope=\"row\" colspan=\"8\">Summa</th>" in patients
    trail = re.search(r'<details class="payment-trail">.*?</details>', page, re.S).group(0)
    assert trail.count("Betalningsdag") == 3 and trail.count("Fri dag") == 3 and "2023-11-06" in trail
    assert ("Belopp per dag 2023: 10\u00a0500 kr. Källa: Socialstyrelsens fastställda belopp per dag för 2023 "
            "(förordning (2017:617)") in page

    reads = len(audit(world, action="read", resource_type="discharge", resource_id=str(pid)))
    csv = hsv.get("/utskrivning/betalningsansvar.csv", kommun="1881", manad="2023-11", tabell="patients")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert 'filename="betalningsansvar-1881-2023-11-patienter.csv"' in csv.headers["content-disposition"]
    text = csv.content.decode("utf-8")
    assert text.startswith("\ufeff") and "Tolvan Tolvansson" in text and "31500" in text.replace(" ", "")
    xlsx = hsv.get("/utskrivning/betalningsansvar.xlsx", kommun="1881", manad="2023-11")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames == ["Sammanställning", "Patienter", "Dagar"]
    exports = audit(world, action="export", resource_type="discharge", resource_id=str(pid))
    assert len(exports) == 2 and reads == 1  # one per download, one for the page

    assert hsv.get("/utskrivning/betalningsansvar.csv", kommun="18", manad="2023-11").status_code == 422
    assert hsv.get("/utskrivning/betalningsansvar.csv", kommun="1881", manad="2023-11",
                   tabell="x").status_code == 422
    outsider = visit(world, "orebro_hsv")  # Örebro kommun is no party to Kumla's settlement
    refused = outsider.get("/utskrivning/betalningsansvar.csv", kommun="1881", manad="2023-11")
    assert refused.status_code == 403
    assert "Betalningsansvaret visas för personal hos kommunen och regionen" in text_of(refused)



def test_the_demo_years_payment_page_explains_that_the_amount_per_day_is_not_known(world):
    """The demo runs in 2026, a year whose amount per day no source of the platform gives: the page keeps the form
    and says, in Swedish, which year's amount is missing and that no other year's is used; the downloads stop too."""
    world.clock.at = datetime(2026, 12, 5, 11, 0, tzinfo=UTC)
    hsv = visit(world, "hemsjukvard")
    answer = hsv.get("/utskrivning/betalningsansvar", kommun="1881", manad="2026-11")
    assert answer.status_code == 409
    page = text_of(answer)
    assert ("Betalningsansvaret för november 2026 kan inte beräknas: beloppet per dag för 2026 är inte känt."
            in page)
    assert "Rapporten räknar aldrig med ett annat års belopp." in page
    assert 'value="2026-11"' in page and "Visa rapporten" in page  # the form stays: another month can be chosen
    assert "payment-patients" not in page and "verif" not in page and ".toml" not in page
    csv = hsv.get("/utskrivning/betalningsansvar.csv", kommun="1881", manad="2026-11", tabell="patients")
    assert csv.status_code == 409 and "beloppet per dag för 2026 är inte känt" in text_of(csv)

def test_the_demo_has_one_synthetic_discharge_in_progress_made_once(world):
    """nara demo: a synthetic Kumla resident of 75+ listed at Vårdcentralen Kumla, admitted 20 hours ago, the
    inskrivningsmeddelande sent; not Tolvan; a second run makes nothing."""
    from nara.directory.model import personal_number
    from nara.directory.service import add_listing, add_person
    from nara.discharge.demo import create_demo_discharge

    with world.db.transaction() as s:
        person = add_person(s, identifier=personal_number(date(1940, 5, 17), 123), given_name="Syntet",
                            family_name="Demopatient", today=date(2026, 11, 22), kommun_code="1881", synthetic=True)
        add_listing(s, person_id=person.id, unit_id=world.vc, fast_lakare_id=None, valid_from=date(2020, 1, 1))
        person_id = person.id
    pid = create_demo_discharge(world.db, world.clock)
    assert pid is not None and create_demo_discharge(world.db, world.clock) is None
    process = row(world, pid)
    assert (process.person_id, process.phase) == (person_id, ProcessPhase.NOTIFIED.value)
    assert process.admitted_at == local(21, 14)
    page = text_of(visit(world, "distriktsskoterska").get("/utskrivning"))
    assert "Syntet Demopatient" in page and "Inskrivningsmeddelande, skickat 22 nov 2026 10:00" in page


def test_due_times_read_as_people_say_them():
    """No database: "om 3 h", "försenad 2 h", "om 2 dagar"; a deadline by the end of a day is written 24:00."""
    from nara.discharge.model import Party, Step, StepState
    from nara.discharge.pages.support import due_stamp, relative
    from nara.discharge.service import StepOut

    now = local(22, 10)
    assert relative(local(22, 13, 30), now) == "om 3 h" and relative(local(22, 8), now) == "försenad 2 h"
    assert relative(local(22, 10, 45), now) == "om 45 min" and relative(local(25, 10), now) == "om 3 dagar"
    assert relative(local(22, 10), now) == "nu"
    by_day_end = StepOut(step=Step.SIP_INVITATION, label="", state=StepState.OPEN, state_label="",
                         party=Party.OUTPATIENT, due_at=local(26), last_day=date(2026, 11, 25), provisional=False,
                         done_at=None, basis=None)
    assert due_stamp(by_day_end) == "25 nov 2026 24:00"
    in_hours = by_day_end.model_copy(update={"due_at": local(23, 10), "last_day": None})
    assert due_stamp(in_hours) == "23 nov 2026 10:00"
