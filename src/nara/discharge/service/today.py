"""What the staff start page "Idag" reads of discharge (lag 2017:612, DOMAIN §4): the unit's deadlines with the
time left, its SIP meetings of today, and — for a ward — its inpatients in an open process and those
utskrivningsklara. Found through the worklist (:func:`nara.discharge.service.worklist`), which asks the policy once
per process (a SEARCH entry each); a process the unit may not see is not given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from nara.core.actor import Actor
from nara.core.clock import Clock, local_date, local_today
from nara.discharge.model import ProcessPhase
from nara.discharge.service.reading import worklist
from nara.discharge.service.results import StepOut, WorkItem


@dataclass(frozen=True, slots=True)
class Deadline:
    process_id: int
    person_id: int
    person_name: str
    step: StepOut
    left: timedelta | None  # time left until the deadline; negative when passed


@dataclass(frozen=True, slots=True)
class DischargeToday:
    deadlines: tuple[Deadline, ...]  # the unit's own steps due, nearest first
    sip_today: tuple[WorkItem, ...]  # processes whose SIP meeting is today
    inpatients: tuple[WorkItem, ...]  # the ward's open processes
    ready: tuple[WorkItem, ...]  # of those, utskrivningsklara
    unacknowledged: int  # messages the unit has not acknowledged


def discharge_today(session: Session, actor: Actor, clock: Clock) -> DischargeToday:
    """The discharge part of the actor's working day. Staff acting for a unit only (Forbidden otherwise, from the
    worklist)."""
    now = clock.now()
    today = local_today(clock)
    items = [i for i in worklist(session, actor, clock) if i.access is None and i.person_id]
    deadlines = [
        Deadline(process_id=i.process_id, person_id=i.person_id or 0, person_name=i.person_name or "", step=s,
                 left=(s.due_at - now) if s.due_at else None)
        for i in items for s in i.due if s.mine and s.due_at is not None
    ]
    deadlines.sort(key=lambda d: (d.step.due_at or now, d.process_id))
    wards = [i for i in items if "ward" in i.roles]
    return DischargeToday(
        deadlines=tuple(deadlines),
        sip_today=tuple(i for i in items if i.sip_at is not None and local_date(i.sip_at) == today),
        inpatients=tuple(wards),
        ready=tuple(i for i in wards if i.phase is ProcessPhase.READY),
        unacknowledged=sum(i.unacknowledged_mine for i in items),
    )


__all__ = ["Deadline", "DischargeToday", "discharge_today"]
