"""A small world for the outreach tests: the Örebro directory with the demo personas (tests/integration/conftest
``demo``), Tolvan as a resident actor, the demo GP, and a plan of Tolvan's with agreed times made through the plans
part — one in winter time and one in summer time (across the change of 29 March 2027)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from nara.auth.demo import TOLVAN, demo_staff_actor
from nara.auth.store import AccountRow
from nara.core.actor import Actor, Role
from nara.core.clock import STOCKHOLM, Clock, local_today
from nara.directory.store import PersonRow
from nara.outreach.service import OutreachNotifier
from nara.plans import service as plans
from nara.plans.model import AddTime, MeetingMode, PlanKind
from nara.plans.service import InAppNotifier

WINTER = datetime(2027, 3, 26, 10, 0, tzinfo=STOCKHOLM)  # CET, UTC+1: 09:00 UTC
SUMMER = datetime(2027, 3, 30, 10, 0, tzinfo=STOCKHOLM)  # CEST, UTC+2: 08:00 UTC
PURPOSE = "Uppföljning av blodtryck och vikt"


@dataclass
class World:
    tolvan: Actor
    gp: Actor
    plan_id: int | None = None


def resident(db, username: str = "tolvan", identifier: str = TOLVAN) -> Actor:
    with db.transaction() as s:
        account = s.scalar(select(AccountRow).where(AccountRow.username == username))
        person_id = s.scalar(select(PersonRow.id).where(PersonRow.identifier == identifier))
        return Actor(account_id=account.id, username=username, display_name=username, role=Role.RESIDENT,
                     person_id=person_id)


def staff(db, clock: Clock, username: str) -> Actor:
    with db.transaction() as s:
        actor = demo_staff_actor(s, username, local_today(clock))
    assert actor is not None
    return actor


def world(db, clock: Clock) -> World:
    return World(tolvan=resident(db), gp=staff(db, clock, "lakare"))


def make_plan(db, clock: Clock, w: World) -> int:
    """The GP's Patientkontrakt for Tolvan with two agreed times (the plans part notifies through the outreach
    notifier, as the application does)."""
    ops = [AddTime(op="add_time", start=start, with_whom="Distriktssköterskan", mode=MeetingMode.BESOK,
                   place="Vårdcentralen Kumla", purpose=PURPOSE) for start in (WINTER, SUMMER)]
    with db.transaction() as s:
        view = plans.create_plan(s, w.gp, clock, person_id=w.tolvan.person_id, kind=PlanKind.PATIENTKONTRAKT,
                                 operations=ops, notifier=OutreachNotifier(InAppNotifier()))
    w.plan_id = view.id
    return view.id
