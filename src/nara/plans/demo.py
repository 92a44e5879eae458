"""A demo Patientkontrakt (SYNTETISKA DATA), so the demo shows a plan from the start: the demo GP's plan for a
synthetic person listed at his vårdcentral — not Tolvan, whose plan people make themselves in the demo (and the
browser test makes). Made through nara.plans.service like any plan, so it is versioned, logged in the access log and
starts the care relationships and notifications a real one would.

Idempotent: a person who already has a plan gets no second one. Without the demo personas or a suitable synthetic
person (e.g. a directory without the synthetic population) nothing is made.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from nara.auth.demo import TOLVAN, demo_staff_actor
from nara.core.actor import Actor
from nara.core.clock import STOCKHOLM, Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.plans import service
from nara.plans.model import (
    AddActivity,
    AddGoal,
    AddSelfCare,
    AddTeamMember,
    AddTime,
    MeetingMode,
    Operation,
    PlanKind,
    Responsible,
    ResponsibleKind,
    SelfCareKind,
    TeamRole,
)

MIN_AGE = 18  # an adult; the oldest one listed is chosen (care from both the region and the municipality)


def create_demo_plan(db: Database, clock: Clock) -> int | None:
    """Create the demo GP's Patientkontrakt for a synthetic person; the plan's id, or None when none was made."""
    today = local_today(clock)
    with db.transaction() as s:
        gp = demo_staff_actor(s, "lakare", today)
        if gp is None or gp.unit_id is None:
            return None
        person_id = _person(s, gp.unit_id, today)
        if person_id is None or service.person_has_plans(s, person_id):
            return None
        nurse = demo_staff_actor(s, "distriktsskoterska", today)
        home_care = demo_staff_actor(s, "hemsjukvard", today)
        operations = _content(gp, nurse, home_care, today)
        view = service.create_plan(s, gp, clock, person_id=person_id, kind=PlanKind.PATIENTKONTRAKT,
                                   operations=operations)
        return view.id


def _person(s: Session, unit_id: int, today: date) -> int | None:
    """The oldest living synthetic adult listed at the unit, without protected identity (not Tolvan)."""
    born_before = date(today.year - MIN_AGE, today.month, min(today.day, 28))
    return directory.oldest_synthetic_listed(s, unit_id, today, born_before, TOLVAN)


def _content(gp: Actor, nurse: Actor | None, home_care: Actor | None, today: date) -> list[Operation]:
    """A plan in the shape of DOMAIN §2: the person's own goal, who does what, egenvård, the team, a time."""
    assert gp.unit_id is not None
    ops: list[Operation] = [
        AddGoal(op="add_goal", text="Jag vill orka gå ut med hunden varje dag", own_words=True,
                follow_up="Vi pratar om det vid varje besök"),
        AddGoal(op="add_goal", text="Blodtrycket under 140/90", follow_up="Blodtryckskontroll varje månad"),
        AddActivity(op="add_activity", text="Promenad med hunden, 20 minuter", recurrence="varje dag",
                    responsible=Responsible(kind=ResponsibleKind.PERSON)),
        AddActivity(op="add_activity", text="Handlar mat tillsammans", recurrence="en gång i veckan",
                    responsible=Responsible(kind=ResponsibleKind.NARSTAENDE, name="Dottern")),
        AddActivity(op="add_activity", text="Läkemedelsgenomgång", due=today + timedelta(days=14),
                    responsible=Responsible(kind=ResponsibleKind.REGION_UNIT, unit_id=gp.unit_id)),
        AddActivity(op="add_activity", text="Provtagning: blodstatus och njurfunktion", due=today - timedelta(days=2),
                    responsible=Responsible(kind=ResponsibleKind.REGION_UNIT, unit_id=gp.unit_id)),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.GOR_SJALV,
                    text="Jag tar mina blodtryckstabletter varje morgon."),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.HALLER_KOLL,
                    text="Jag väger mig varje måndag. Ökar vikten mer än 2 kg på en vecka ringer jag vårdcentralen."),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.SOKA_VARD,
                    text="Vid bröstsmärta eller svår andnöd ringer jag 112."),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.VANDA_MIG_TILL,
                    text="Vardagar: min fasta vårdkontakt. Kvällar och helger: 1177."),
        AddTeamMember(op="add_team_member", role=TeamRole.FAST_LAKARKONTAKT, staff_id=gp.staff_id,
                      unit_id=gp.unit_id),
        AddTime(op="add_time", start=datetime.combine(today + timedelta(days=7), time(10, 0), tzinfo=STOCKHOLM),
                with_whom=f"{nurse.display_name}, distriktssköterska" if nurse else gp.display_name,
                mode=MeetingMode.BESOK, place=gp.unit_name, purpose="Uppföljning: blodtryck och vikt"),
    ]
    if nurse is not None and nurse.unit_id is not None:
        ops.append(AddTeamMember(op="add_team_member", role=TeamRole.FAST_VARDKONTAKT, staff_id=nurse.staff_id,
                                 unit_id=nurse.unit_id, phone="070-174 06 50",  # PTS's range for fiction
                                 reach="Ring vardagar 8–10 eller skriv via 1177"))
    if home_care is not None and home_care.unit_id is not None and home_care.unit_kind == "hemsjukvard":
        ops += [
            AddActivity(op="add_activity", text="Blodtryckskontroll i hemmet", due=today + timedelta(days=5),
                        recurrence="en gång i månaden",
                        responsible=Responsible(kind=ResponsibleKind.MUNICIPAL_UNIT, unit_id=home_care.unit_id)),
            AddTeamMember(op="add_team_member", role=TeamRole.OMVARDNADSANSVARIG_SJUKSKOTERSKA,
                          staff_id=home_care.staff_id, unit_id=home_care.unit_id),
        ]
    return ops

