"""A demo discharge (SYNTETISKA DATA), so Utskrivningar shows a process from the start: the demo ward nurse at USÖ
admitted a synthetic Kumla resident listed at Vårdcentralen Kumla yesterday and has sent the inskrivningsmeddelande,
which the vårdcentral and Kumla kommun have still to acknowledge — not Tolvan, whose discharge people run themselves
in the demo (and the browser test runs). Made through nara.discharge.service like any process, so it is logged in
the access log and starts the care relationships and notifications a real one would.

Idempotent: once the ward has any process, nothing more is made. Without the demo personas or a suitable synthetic
person (e.g. a directory without the synthetic population) nothing is made.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from nara.auth.demo import TOLVAN, demo_staff_actor
from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.discharge import service

ADMITTED_HOURS_AGO = 20  # within the 24 hours of the inskrivningsmeddelande (DOMAIN §4)
DAYS_TO_ESTIMATED_DISCHARGE = 3


def create_demo_discharge(db: Database, clock: Clock) -> int | None:
    """Admit a synthetic person to the demo ward with the inskrivningsmeddelande sent; the process id, or None
    when none was made."""
    today = local_today(clock)
    with db.transaction() as s:
        ward = demo_staff_actor(s, "avdelning", today)
        vc = demo_staff_actor(s, "distriktsskoterska", today)
        if ward is None or ward.unit_id is None or vc is None or vc.unit_id is None:
            return None
        if service.ward_has_processes(s, ward.unit_id):
            return None
        person_id = _person(s, vc.unit_id, today)
        if person_id is None:
            return None
        view = service.open_process(s, ward, clock, person_id=person_id,
                                    admitted_at=clock.now() - timedelta(hours=ADMITTED_HOURS_AGO),
                                    estimated_discharge=today + timedelta(days=DAYS_TO_ESTIMATED_DISCHARGE),
                                    note="Behöver troligen hemsjukvård och hjälp i hemmet efter utskrivningen.")
        return view.id


def _person(s: Session, unit_id: int, today: date) -> int | None:
    """The youngest living synthetic person of 75 or more listed at the unit, without protected identity (not
    Tolvan; the demo plan takes the oldest)."""
    born_before = date(today.year - 75, today.month, min(today.day, 28))
    return directory.youngest_synthetic_listed(s, unit_id, today, born_before, TOLVAN)
