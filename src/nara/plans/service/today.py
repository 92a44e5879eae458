"""What the staff start page "Idag" reads of plans (DOMAIN §2–3): the unit's dated items of today and those
overdue — activities, agreed times, SIP meetings — and the person's unanswered requests, for the plans the unit
takes part in. Found through the worklist (:func:`nara.plans.service.worklist`), which asks the policy once per
plan (a SEARCH entry each); items of a plan the unit may not see are not given."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.core.actor import Actor
from nara.core.clock import Clock, local_today
from nara.plans.model import PlanKind
from nara.plans.service.worklist import worklist
from nara.plans.store import PlanAgendaRow

TODAY_LIMIT = 50


@dataclass(frozen=True, slots=True)
class PlanTask:
    plan_id: int
    plan_kind: PlanKind
    person_id: int
    person_name: str
    kind: str  # "activity", "time" or "sip_meeting"
    due_on: date
    starts_at: datetime | None
    mine: bool  # an activity the unit is responsible for
    overdue: bool


@dataclass(frozen=True, slots=True)
class OpenRequests:
    plan_id: int
    plan_kind: PlanKind
    person_id: int
    person_name: str
    count: int


@dataclass(frozen=True, slots=True)
class PlansToday:
    tasks: tuple[PlanTask, ...]
    requests: tuple[OpenRequests, ...]
    plan_count: int  # plans the unit takes part in and may see
    person_ids: frozenset[int]  # whose plans those are


def plans_today(session: Session, actor: Actor, clock: Clock) -> PlansToday:
    """Today's and overdue items of the plans the actor's unit takes part in, the unit's own activities and the
    times and meetings first. Staff acting for a unit only (Forbidden otherwise, from the worklist)."""
    today = local_today(clock)
    shown = {i.plan_id: i for i in worklist(session, actor, clock) if i.access is None and i.person_id}
    rows = session.execute(
        select(PlanAgendaRow.plan_id, PlanAgendaRow.kind, PlanAgendaRow.unit_id, PlanAgendaRow.due_on,
               PlanAgendaRow.starts_at)
        .where(PlanAgendaRow.plan_id.in_(list(shown)), PlanAgendaRow.due_on <= today)
        .order_by(PlanAgendaRow.due_on, PlanAgendaRow.starts_at, PlanAgendaRow.plan_id, PlanAgendaRow.id)
        .limit(TODAY_LIMIT)
    ).all() if shown else []
    tasks = []
    for plan_id, kind, unit_id, due_on, starts_at in rows:
        item = shown[plan_id]
        if kind != "activity" and due_on < today:
            continue  # a time or a meeting of an earlier day has passed; an activity stays until it is done
        tasks.append(PlanTask(plan_id=plan_id, plan_kind=item.kind, person_id=item.person_id or 0,
                              person_name=item.person_name or "", kind=kind, due_on=due_on, starts_at=starts_at,
                              mine=kind == "activity" and unit_id == actor.unit_id,
                              overdue=kind == "activity" and due_on < today))
    tasks.sort(key=lambda t: (t.kind == "activity", not t.mine, t.due_on,
                              t.starts_at.timestamp() if t.starts_at else 0.0, t.plan_id))
    requests = tuple(OpenRequests(plan_id=i.plan_id, plan_kind=i.kind, person_id=i.person_id or 0,
                                  person_name=i.person_name or "", count=i.open_requests)
                     for i in shown.values() if i.open_requests)
    return PlansToday(tasks=tuple(tasks), requests=requests, plan_count=len(shown),
                      person_ids=frozenset(i.person_id for i in shown.values() if i.person_id))
