"""Measurements end to end over HTTP on SQLite and PostgreSQL: the person reports, a value outside the target the
team set notifies that unit and waits on its Idag until handled; an impossible value is refused in Swedish and
nothing is stored; the pages keep what was typed and show a chart with a data table."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import func, select

from nara.auth.demo import DEMO_PASSWORD
from nara.core.actor import Actor, Role
from nara.measurements import service
from nara.measurements.store import MeasurementRow
from nara.plans.store import NotificationRow

from .measurements_world import BP_TARGET, build

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def world(db, demo, clock):
    w = build(db, demo, clock)
    yield w
    w.client.close()


def _nurse(world):
    from nara.auth.demo import demo_staff_actor
    from nara.core.clock import local_today

    with world.db.transaction() as s:
        return demo_staff_actor(s, "distriktsskoterska", local_today(world.app.state.clock))


def _report(world, who, values, kind="blood_pressure"):
    return world.client.post(f"/api/persons/{world.tolvan}/measurements", headers=world.headers[who],
                             json={"kind": kind, "values": values})


def _log_in(world, username):
    from fastapi.testclient import TestClient

    client = TestClient(world.app, follow_redirects=False)
    page = client.get("/logga-in")
    done = client.post("/logga-in", data={"username": username, "password": DEMO_PASSWORD,
                                          "csrf_token": CSRF.search(page.text).group(1)})
    assert done.status_code == 303
    return client


def test_a_value_above_the_target_notifies_the_unit_that_set_it_and_waits_on_idag_until_handled(world):
    target = world.client.put(f"/api/persons/{world.tolvan}/measurement-targets/blood_pressure",
                              headers=world.headers["distriktsskoterska"], json=BP_TARGET)
    assert target.status_code == 200, target.text
    assert target.json()["bands"]["systolic"] == {"low": 100, "high": 140, "unit": "mm[Hg]"}
    inside = _report(world, "tolvan", {"systolic": 130, "diastolic": 80})
    assert inside.status_code == 201 and inside.json()["outside_target"] is False
    above = _report(world, "tolvan", {"systolic": 162, "diastolic": 95})
    assert above.status_code == 201, above.text
    assert above.json()["outside_target"] is True
    assert above.json()["values"]["systolic"] == {"value": 162, "unit": "mm[Hg]"}
    nurse = _nurse(world)
    with world.db.transaction() as s:
        notes = list(s.scalars(select(NotificationRow).where(NotificationRow.kind == "measurement_outside_target")))
        assert [(n.recipient_unit_id, n.person_id) for n in notes] == [(nurse.unit_id, world.tolvan)]
        assert "162" not in notes[0].text and "blodtryck" in notes[0].text
        tasks = service.measurements_today(s, nurse, world.app.state.clock)
    assert [(t.person_id, t.kind.value, t.count) for t in tasks] == [(world.tolvan, "blood_pressure", 1)]
    # Idag on the Arbetsyta shows it, linking to the chart page
    page = _log_in(world, "distriktsskoterska").get("/arbetsyta")
    assert f"/personer/{world.tolvan}/matvarden/blodtryck" in page.text
    assert "Mätvärden utanför målområdet" in html.unescape(page.text)
    handled = world.client.post(f"/api/measurements/{above.json()['id']}/handled",
                                headers=world.headers["distriktsskoterska"])
    assert handled.status_code == 200 and handled.json()["handled_at"] is not None
    with world.db.transaction() as s:
        assert service.measurements_today(s, nurse, world.app.state.clock) == ()


def test_systolic_400_is_refused_in_swedish_and_nothing_is_stored(world):
    refused = _report(world, "tolvan", {"systolic": 400, "diastolic": 90})
    assert refused.status_code == 422
    body = refused.json()
    assert body["field"] == "systolic"
    assert "mellan 50 och 300 mm Hg" in body["detail"]
    with world.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(MeasurementRow)) == 0


def test_without_a_target_the_persons_value_goes_to_the_vardcentral_where_he_is_listed(world):
    done = _report(world, "tolvan", {"value": 72}, kind="pulse")
    assert done.status_code == 201 and done.json()["outside_target"] is False
    nurse = _nurse(world)
    with world.db.transaction() as s:
        row = s.scalar(select(MeasurementRow))
        assert (row.owner_unit_id, row.owner_provider_id, row.by_person) == (nurse.unit_id, nurse.provider_id, True)
        assert row.target_id is None


def test_staff_record_in_their_own_units_record(world):
    done = _report(world, "lakare", {"value": 81.5}, kind="weight")
    assert done.status_code == 201, done.text
    with world.db.transaction() as s:
        row = s.scalar(select(MeasurementRow))
        assert (row.by_person, row.value) == (False, 81.5)
    listed = world.client.get(f"/api/persons/{world.tolvan}/measurements?kind=weight",
                              headers=world.headers["tolvan"]).json()
    assert listed[0]["values"][0]["values"]["value"] == {"value": 81.5, "unit": "kg"}


def test_the_resident_form_refuses_400_in_swedish_and_keeps_what_he_typed(world):
    client = _log_in(world, "tolvan")
    page = client.get("/min-sida/matvarden/blodtryck")
    assert page.status_code == 200
    token = CSRF.search(page.text).group(1)
    refused = client.post("/min-sida/matvarden/blodtryck",
                          data={"systolic": "400", "diastolic": "85", "csrf_token": token})
    assert refused.status_code == 422
    text = html.unescape(refused.text)
    assert "Värdet kan inte stämma. Det måste vara mellan 50 och 300 mm Hg." in text
    assert 'value="400"' in refused.text and 'value="85"' in refused.text
    assert 'aria-invalid="true"' in refused.text
    not_a_number = client.post("/min-sida/matvarden/blodtryck",
                               data={"systolic": "hundra", "diastolic": "85", "csrf_token": token})
    assert not_a_number.status_code == 422 and 'value="hundra"' in not_a_number.text
    with world.db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(MeasurementRow)) == 0
    ok = client.post("/min-sida/matvarden/blodtryck", data={"systolic": "135", "diastolic": "85",
                                                            "csrf_token": token})
    assert ok.status_code == 303
    assert "Värdet är sparat" in html.unescape(client.get(ok.headers["location"]).text)


def test_the_chart_page_has_an_svg_with_a_text_alternative_and_a_data_table(world, clock):
    world.client.put(f"/api/persons/{world.tolvan}/measurement-targets/blood_pressure",
                     headers=world.headers["distriktsskoterska"], json=BP_TARGET)
    for values in ({"systolic": 130, "diastolic": 80}, {"systolic": 150, "diastolic": 85},
                   {"systolic": 128, "diastolic": 79}):
        clock.advance(minutes=60)
        assert _report(world, "tolvan", values).status_code == 201
    for who, path in (("distriktsskoterska", f"/personer/{world.tolvan}/matvarden/blodtryck"),
                      ("tolvan", "/min-sida/matvarden/blodtryck")):
        page = _log_in(world, who).get(path)
        assert page.status_code == 200, page.text
        text = html.unescape(page.text)
        assert '<svg class="chart"' in text and 'role="img"' in text and "<desc" in text
        assert "Linjediagram över blodtryck med 3 värden" in text
        assert "1 värden ligger utanför målområdet." in text
        assert "<table" in text and "<caption>Blodtryck, alla värden, senaste först</caption>" in text
        assert '<th scope="col">Övre (mm Hg)</th>' in text
        for code in ("mm[Hg]", "blood_pressure", "systolic_low"):
            assert code not in re.sub(r"<[^>]*>", "", text), code


def test_the_service_takes_a_symptom_score_from_the_person_himself(world):
    actor = Actor(account_id=world.accounts["tolvan"], username="tolvan", display_name="Tolvan",
                  role=Role.RESIDENT, person_id=world.tolvan)
    with world.db.transaction() as s:
        done = service.report(s, actor, world.app.state.clock, world.tolvan, service.Kind.SYMPTOM_SCORE,
                              {"value": 3})
    assert done.values == {"value": 3}
