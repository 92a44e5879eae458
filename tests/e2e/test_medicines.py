"""Medicines in the browser (SYNTETISKA DATA): the ward's doctor records a change of the läkemedelsberättelse at
discharge — first without a reason (told what to fix, the choice kept), then with one; the municipality's nurse,
told in her notifications, opens the discharge process and reads the change with its reason (Tolvan has consented
to Kumla kommun reading what the region documents); Tolvan reads Mina läkemedel on a phone. axe finds nothing on
the pages visited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from nara.access.service import give_consent
from nara.auth import service as auth_service
from nara.auth.demo import demo_staff_actor
from nara.auth.store import account_by_username
from nara.core.actor import Actor, Role
from nara.core.clock import SystemClock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.discharge import service as discharge
from nara.medicines import service as medicines

from .conftest import PHONE, LiveServer, check_axe, own_server
from .test_shell import log_in

pytestmark = pytest.mark.browser
DOCTOR, DOCTOR_PASSWORD = "avdelningslakare", "e2e-avdelningslakare-losen"


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Tolvan admitted to the demo ward with the inskrivningsmeddelande sent (Kumla's hemsjukvård among the
    receivers), a doctor on that ward, Enalapril on her list from the demo GP, and her consent that Kumla kommun may
    read what the region documents."""

    def arrange(database: Database, clock: SystemClock) -> None:
        today = local_today(clock)
        with database.transaction() as s:
            ward = demo_staff_actor(s, "avdelning", today)
            staff = directory.add_staff(s, hsa_id="SE0000091800-E2EP0001", given_name="Vera",
                                        family_name="Avdelningsläkare", profession="lakare", unit_id=ward.unit_id,
                                        valid_from=date(2024, 1, 1))
            auth_service.create_account(s, username=DOCTOR, password=DOCTOR_PASSWORD, role=Role.STAFF,
                                        display_name="Vera Avdelningsläkare", now=clock.now(), staff_id=staff.id,
                                        is_demo=True)
        with database.transaction() as s:
            ward = demo_staff_actor(s, "avdelning", today)
            gp = demo_staff_actor(s, "lakare", today)
            nurse = demo_staff_actor(s, "hemsjukvard", today)
            tolvan = directory.person_by_number(s, "191212121212")
            discharge.open_process(s, ward, clock, person_id=tolvan.id,
                                   estimated_discharge=today + timedelta(days=3))
            medicines.add_medicine(s, gp, clock, tolvan.id, substance="Enalapril", atc="C09AA02", strength="5 mg",
                                   dose="1 tablett morgon", reason="Högt blodtryck", synthetic=True)
            person = Actor(account_id=account_by_username(s, "tolvan").id, username="tolvan",
                           display_name="Tolvan Tolvansson", role=Role.RESIDENT, person_id=tolvan.id)
            give_consent(s, person, clock, person_id=tolvan.id, care_provider_id=nurse.provider_id)

    with own_server(tmp_path_factory, "e2e-medicines", arrange) as live:
        yield live


def _process_id(live: LiveServer) -> int:
    from nara.discharge.store import DischargeProcessRow

    with live.database.transaction() as s:
        return s.scalar(select(DischargeProcessRow.id))


def test_the_wards_discharge_change_reaches_the_municipality_nurse_and_tolvan_reads_his_list(
        other_browsers, live_server: LiveServer):
    process_id = _process_id(live_server)
    doctor = other_browsers()
    log_in(doctor, DOCTOR, DOCTOR_PASSWORD)
    doctor.goto(f"/utskrivning/{process_id}")
    doctor.get_by_role("link", name="Läkemedelsberättelse").click()
    expect(doctor.get_by_role("heading", level=1)).to_contain_text("Läkemedelsberättelse vid utskrivning")
    check_axe(doctor)
    doctor.get_by_label("Sätt ut").check()
    doctor.get_by_label("Vilket läkemedel ändras eller sätts ut?").select_option(label="Enalapril 5 mg")
    doctor.get_by_role("button", name="Spara ändringen").click()
    expect(doctor.locator(".error-summary")).to_contain_text("Skriv varför")
    expect(doctor.get_by_label("Sätt ut")).to_be_checked()  # what was chosen is kept
    check_axe(doctor)
    doctor.get_by_label("Skäl").fill("Yrsel och lågt blodtryck under vårdtiden")
    doctor.get_by_role("button", name="Spara ändringen").click()
    expect(doctor.locator(".alert-info[role=status]")).to_contain_text("Läkemedlet är utsatt.")
    expect(doctor.locator("main")).to_contain_text("Yrsel och lågt blodtryck under vårdtiden")

    nurse = other_browsers()
    log_in(nurse, "hemsjukvard", live_server.logins["hemsjukvard"].password)
    nurse.goto("/meddelanden")
    expect(nurse.locator("main")).to_contain_text("Läkemedelsberättelse från")
    check_axe(nurse)
    nurse.goto(f"/utskrivning/{process_id}")
    nurse.get_by_role("link", name="Läkemedelsberättelse").click()
    main = nurse.locator("main")
    expect(main).to_contain_text("Yrsel och lågt blodtryck under vårdtiden")
    expect(main).to_contain_text("Utsatt vid utskrivning")
    expect(nurse.get_by_role("button", name="Spara ändringen")).to_have_count(0)  # the ward writes it, not she
    check_axe(nurse)

    tolvan = other_browsers(PHONE)
    log_in(tolvan, "tolvan", live_server.logins["tolvan"].password)
    tolvan.goto("/min-sida/lakemedel")
    expect(tolvan.get_by_role("heading", level=1)).to_have_text("Mina läkemedel")
    mine = tolvan.locator("main")
    expect(mine).to_contain_text("Enalapril")
    expect(mine).to_contain_text("Yrsel och lågt blodtryck under vårdtiden")
    overflow = tolvan.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert overflow is False  # nothing sticks out sideways on a phone (tables scroll in their own region)
    check_axe(tolvan)


def test_the_gp_records_an_egenvardsbedomning_and_tolvan_reads_it_on_a_phone(other_browsers, live_server: LiveServer):
    with live_server.database.transaction() as s:
        tolvan_id = directory.person_by_number(s, "191212121212").id
    gp = other_browsers()
    log_in(gp, "lakare", live_server.logins["lakare"].password)
    gp.goto(f"/personer/{tolvan_id}/lakemedel")
    expect(gp.get_by_role("heading", level=1)).to_contain_text("Läkemedel")
    check_axe(gp)  # the list and its three forms
    gp.goto(f"/personer/{tolvan_id}/egenvard")
    gp.get_by_label("Hälso- och sjukvårdsåtgärd").fill("Insulininjektion")
    gp.get_by_label("Vad personen eller den som hjälper till gör").fill("Tar insulin morgon och kväll med penna")
    gp.get_by_label("Personen själv").check()
    gp.get_by_label("Vem ansvarar om egenvården inte längre fungerar?").fill("Distriktssköterskan på vårdcentralen")
    gp.get_by_role("button", name="Spara bedömningen").click()
    expect(gp.locator(".error-summary")).to_contain_text("Ange när bedömningen ska följas upp")
    expect(gp.get_by_label("Hälso- och sjukvårdsåtgärd")).to_have_value("Insulininjektion")
    check_axe(gp)
    follow_up = (local_today(SystemClock()) + timedelta(days=90)).isoformat()
    gp.get_by_label("Uppföljning, datum").fill(follow_up)
    gp.get_by_role("button", name="Spara bedömningen").click()
    expect(gp.locator(".alert-info[role=status]")).to_contain_text("Egenvårdsbedömningen är sparad.")

    tolvan = other_browsers(PHONE)
    log_in(tolvan, "tolvan", live_server.logins["tolvan"].password)
    tolvan.goto("/min-sida/egenvard")
    mine = tolvan.locator("main")
    expect(mine).to_contain_text("Insulininjektion")
    expect(mine).to_contain_text("Distriktssköterskan på vårdcentralen")
    check_axe(tolvan)
