"""A Patientkontrakt change to another principal's commitment, in the browser (DOMAIN §2–3): the vårdcentral's
activity for hemsjukvården Kumla shows as waiting for Kumla kommun's approval on the plan page and in Tolvan's Min
plan; the hemsjukvård nurse, on a phone and by keyboard, tries to decline without a reason (told what to fix, what
she typed kept), then declines with one; the vårdcentral sees who declined, when and why. axe finds nothing on the
pages visited."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import expect

from nara.access.service import give_consent
from nara.auth.demo import demo_staff_actor
from nara.auth.store import account_by_username
from nara.core.actor import Actor, Role
from nara.core.clock import SystemClock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.plans import service as plans
from nara.plans.model import AddActivity, Responsible

from .conftest import PHONE, LiveServer, check_axe, own_server
from .test_discharge_flow import _saved
from .test_shell import log_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A live server of this module's own: the demo personas and the GP's Patientkontrakt for Tolvan with an
    activity for hemsjukvården Kumla; Tolvan has let each provider read what the other documents."""

    def arrange(database: Database, clock: SystemClock) -> None:
        today = local_today(clock)
        with database.transaction() as s:
            gp = demo_staff_actor(s, "lakare", today)
            nurse = demo_staff_actor(s, "hemsjukvard", today)
            tolvan = directory.person_by_number(s, "191212121212")
            plans.create_plan(s, gp, clock, person_id=tolvan.id, kind="patientkontrakt", operations=[AddActivity(
                op="add_activity", text="Såromläggning i hemmet", responsible=Responsible(
                    kind="municipal_unit", unit_id=nurse.unit_id))])
            person = Actor(account_id=account_by_username(s, "tolvan").id, username="tolvan",
                           display_name="Tolvan Tolvansson", role=Role.RESIDENT, person_id=tolvan.id)
            for provider_id in (nurse.provider_id, gp.provider_id):  # each may read what the other documents
                give_consent(s, person, clock, person_id=tolvan.id, care_provider_id=provider_id)

    with own_server(tmp_path_factory, "e2e-contract-approval", arrange) as live:
        yield live


def _plan_url(live: LiveServer) -> str:
    from sqlalchemy import select

    from nara.plans.store import PlanRow

    with live.database.transaction() as s:
        return f"/planer/{s.scalar(select(PlanRow.id).where(PlanRow.kind == 'patientkontrakt'))}"


def test_the_municipality_declines_the_regions_change_with_a_reason_and_the_region_sees_why(
        other_browsers, live_server: LiveServer):
    url = _plan_url(live_server)
    gp = other_browsers()
    log_in(gp, "lakare", live_server.logins["lakare"].password)
    gp.goto(url)
    waiting = gp.locator("#godkannande")
    expect(waiting).to_contain_text("Väntar på godkännande av Kumla kommun")
    expect(waiting.get_by_role("button", name="Godkänn ändringen")).to_have_count(0)  # nothing waits for the region
    check_axe(gp)

    tolvan = other_browsers(PHONE)
    log_in(tolvan, "tolvan", live_server.logins["tolvan"].password)
    tolvan.goto("/min-sida/plan")
    expect(tolvan.locator("#godkannande")).to_contain_text("Väntar på godkännande av Kumla kommun")
    check_axe(tolvan)

    nurse = other_browsers(PHONE)
    log_in(nurse, "hemsjukvard", live_server.logins["hemsjukvard"].password)
    nurse.goto(url)
    decline = nurse.get_by_role("button", name="Avböj")
    decline.focus()
    nurse.keyboard.press("Enter")  # no reason given
    expect(nurse.locator(".error-summary")).to_contain_text("Skriv varför ni avböjer ändringen")
    check_axe(nurse)
    reason = nurse.get_by_label("Skäl om ni avböjer")
    reason.fill("Vi har ingen sjuksköterska på kvällarna")
    nurse.get_by_role("button", name="Avböj").click()
    _saved(nurse, "Ändringen är avböjd.")
    expect(nurse.locator("#godkannande")).to_contain_text("Avböjd av Sara Provsson")
    expect(nurse.get_by_role("button", name="Godkänn ändringen")).to_have_count(0)

    gp.goto(url)
    answered = gp.locator("#godkannande")
    expect(answered).to_contain_text("Avböjd av Sara Provsson")
    expect(answered).to_contain_text("Skäl: Vi har ingen sjuksköterska på kvällarna")
    check_axe(gp)
