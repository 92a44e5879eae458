"""Demo medication lists (SYNTETISKA DATA — invented, marked ``synthetic``): for Tolvan and for the person of the
demo Patientkontrakt (nara.plans.demo: the oldest synthetic adult listed at the demo GP's vårdcentral), prescribed
by the demo GP through nara.medicines.service like any entry, so they are logged like any other write.

Idempotent: a person who already has medicines gets none added. Without the demo personas nothing is made."""

from __future__ import annotations

from datetime import date, timedelta

from nara.auth.demo import TOLVAN, demo_staff_actor
from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.medicines import service

MIN_AGE = 18  # as nara.plans.demo chooses the demo plan's person
# (substance, ATC, strength, dose, reason, days ago it started) — common medicines, invented lists.
_TOLVAN = (
    ("Enalapril", "C09AA02", "5 mg", "1 tablett morgon", "Högt blodtryck", 400),
    ("Atorvastatin", "C10AA05", "20 mg", "1 tablett kväll", "Förebygga hjärt-kärlsjukdom", 300),
    ("Paracetamol", "N02BE01", "500 mg", "1–2 tabletter vid behov, högst 6 per dygn", "Värk i knäna", 60),
)
_PLAN_PERSON = (
    ("Metformin", "A10BA02", "500 mg", "1 tablett morgon och kväll", "Typ 2-diabetes", 700),
    ("Furosemid", "C03CA01", "40 mg", "1 tablett morgon", "Hjärtsvikt med svullna ben", 200),
    ("Bisoprolol", "C07AB07", "2,5 mg", "1 tablett morgon", "Hjärtsvikt", 200),
)


def create_demo_medicines(db: Database, clock: Clock) -> int:
    """Add the demo lists; how many medicines were added."""
    today = local_today(clock)
    added = 0
    with db.transaction() as s:
        gp = demo_staff_actor(s, "lakare", today)
        if gp is None or gp.unit_id is None:
            return 0
        born_before = date(today.year - MIN_AGE, today.month, min(today.day, 28))
        people = [(directory.person_id_with_identifier(s, TOLVAN), _TOLVAN),
                  (directory.oldest_synthetic_listed(s, gp.unit_id, today, born_before, TOLVAN), _PLAN_PERSON)]
        for person_id, entries in people:
            if person_id is None or service.has_medicines(s, person_id):
                continue
            for substance, atc, strength, dose, reason, days in entries:
                service.add_medicine(s, gp, clock, person_id, substance=substance, atc=atc, strength=strength,
                                     dose=dose, reason=reason, started_on=today - timedelta(days=days),
                                     synthetic=True)
                added += 1
            service.record_review(s, gp, clock, person_id, reviewed_on=today - timedelta(days=30),
                                  findings="Genomgång av alla läkemedel med patienten. Inga interaktioner. "
                                           "Fortsätter som tidigare; ny genomgång om ett år.")
    return added
