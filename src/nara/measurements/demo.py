"""Demo measurements (SYNTETISKA DATA): the district nurse at Tolvan's vårdcentral has set his blood-pressure
target, and he has reported a value every other day for two weeks, all inside it — so the chart and the table
have something to show, and a value above the target (which people report themselves in the demo and the browser
tests) makes the team's task. Made through nara.measurements.service, so it is logged like any other write.

Idempotent: when Tolvan already has a blood-pressure target, nothing is made."""

from __future__ import annotations

from datetime import timedelta

from nara.auth.demo import TOLVAN, demo_staff_actor
from nara.auth.service import resident_account_ids
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.measurements import service, store
from nara.measurements.model import Kind

READINGS = ((132, 84), (128, 82), (136, 86), (130, 80), (138, 88), (126, 79), (134, 85))


def create_demo_measurements(db: Database, clock: Clock) -> bool:
    """Tolvan's blood-pressure target and values; whether anything was made."""
    today = local_today(clock)
    with db.transaction() as s:
        nurse = demo_staff_actor(s, "distriktsskoterska", today)
        person = directory.person_by_number(s, TOLVAN)
        if nurse is None or person is None or store.current_target(s, person.id, Kind.BLOOD_PRESSURE.value):
            return False
        service.set_target(s, nurse, clock, person.id, Kind.BLOOD_PRESSURE,
                           {"systolic": (100, 140), "diastolic": (60, 90)})
        accounts = resident_account_ids(s, person.id)
        if not accounts:
            return False
        tolvan = Actor(account_id=accounts[0], username="tolvan", display_name=person.full_name,
                       role=Role.RESIDENT, person_id=person.id, is_demo=True)
        now = clock.now()
        for days_ago, (systolic, diastolic) in zip(range(14, 0, -2), READINGS, strict=False):
            service.report(s, tolvan, clock, person.id, Kind.BLOOD_PRESSURE,
                           {"systolic": systolic, "diastolic": diastolic},
                           measured_at=now - timedelta(days=days_ago, hours=2))
    return True

