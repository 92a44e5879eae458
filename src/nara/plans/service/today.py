"""What the staff start page "Idag" reads of plans (DOMAIN §2–3): the unit's dated items of today and those
overdue — activities, agreed times, SIP meetings — the person's unanswered requests and notes, and the SIPs waiting
for the approval of the unit's care provider, for the plans the unit takes part in. Found from the worklist's index
(the plans the unit takes part in); the policy is asked once per plan as the worklist asks it, and each plan shown
is one SEARCH entry. A plan the unit may not see (say the person has not consented) is left out without an entry:
Idag shows nothing of it, not even that it exists — the worklist ("Mina personer och planer") lists it, with the
reason, and logs the denial there.

An item's own text (what the activity is) is not shown: it is the plan's content, which a SEARCH does not open —
showing it would be a READ of every plan on the list each time the page is opened. The item links to the plan."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import Owner, conclude, evaluate
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import Clock, local_today
from nara.core.errors import Forbidden
from nara.directory import service as directory
from nara.plans import store
from nara.plans.model import APPROVABLE, PlanKind, SipPhase, UnitRole, missing_approvals, missing_for_finalising
from nara.plans.service.commitments import approvals_waiting
from nara.plans.service.reading import parse_document
from nara.plans.service.worklist import WORKLIST_LIMIT
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
class ApprovalWaiting:
    """A plan waiting for the approval of the acting unit's care provider: a SIP (``kind`` "sip") complete and
    in a phase where the parties approve it, the provider a party whose approval of this version is missing; or a
    Patientkontrakt (``kind`` "patientkontrakt") with changes to the provider's commitments waiting for it."""

    plan_id: int
    plan_kind: PlanKind
    person_id: int
    person_name: str
    kind: str  # what waits: "sip" or "patientkontrakt"


@dataclass(frozen=True, slots=True)
class PlansToday:
    tasks: tuple[PlanTask, ...]
    requests: tuple[OpenRequests, ...]
    plan_count: int  # plans the unit takes part in and may see
    person_ids: frozenset[int]  # whose plans those are
    approvals: tuple[ApprovalWaiting, ...] = ()  # waiting for the unit's care provider, oldest plan first


@dataclass(frozen=True, slots=True)
class _Shown:
    plan_id: int
    kind: PlanKind
    person_id: int
    open_requests: int
    status: str


def plans_today(session: Session, actor: Actor, clock: Clock) -> PlansToday:
    """Today's and overdue items of the plans the actor's unit takes part in, the unit's own activities and the
    times and meetings first. Staff acting for a unit only (Forbidden otherwise)."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        raise Forbidden("auth.forbidden")
    today = local_today(clock)
    shown: dict[int, _Shown] = {}
    for row in store.worklist(session, actor.unit_id, today, WORKLIST_LIMIT):
        if set(row.roles) == {UnitRole.INVITED.value}:
            continue  # invited, not yet answered: no person data (the worklist offers the answer)
        listed = Owner(InformationCategory.PLAN, row.owner_provider_id, row.owner_unit_id, True)
        decision, attempt = evaluate(session, actor, row.person_id, listed.category, AuditAction.SEARCH,
                                     purpose_of(actor), clock, owner_provider_id=listed.provider_id,
                                     resource=("plan", row.plan_id), plan_id=row.plan_id,
                                     owner_unit_id=listed.unit_id, social_scope=listed.social_scope)
        if not decision.allowed:
            continue
        conclude(session, attempt, decision)
        shown[row.plan_id] = _Shown(row.plan_id, PlanKind(row.kind), row.person_id, row.open_requests, row.status)
    names = {p.id: p.full_name for p in directory.persons(session, {i.person_id for i in shown.values()}).values()}
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
        tasks.append(PlanTask(plan_id=plan_id, plan_kind=item.kind, person_id=item.person_id,
                              person_name=names.get(item.person_id, ""), kind=kind, due_on=due_on, starts_at=starts_at,
                              mine=kind == "activity" and unit_id == actor.unit_id,
                              overdue=kind == "activity" and due_on < today))
    tasks.sort(key=lambda t: (t.kind == "activity", not t.mine, t.due_on,
                              t.starts_at.timestamp() if t.starts_at else 0.0, t.plan_id))
    requests = tuple(OpenRequests(plan_id=i.plan_id, plan_kind=i.kind, person_id=i.person_id,
                                  person_name=names.get(i.person_id, ""), count=i.open_requests)
                     for i in shown.values() if i.open_requests)
    approvals = tuple(ApprovalWaiting(plan_id=i.plan_id, plan_kind=i.kind, person_id=i.person_id,
                                      person_name=names.get(i.person_id, ""), kind="sip")
                      for i in _sips_awaiting(session, actor, shown.values()))
    approvals += tuple(ApprovalWaiting(plan_id=w.plan_id, plan_kind=PlanKind.PATIENTKONTRAKT, person_id=w.person_id,
                                       person_name=names.get(w.person_id, ""), kind="patientkontrakt")
                       for w in approvals_waiting(session, actor, [i.plan_id for i in shown.values()
                                                                   if i.kind is PlanKind.PATIENTKONTRAKT]))
    return PlansToday(tasks=tuple(tasks), requests=requests, plan_count=len(shown),
                      person_ids=frozenset(i.person_id for i in shown.values()), approvals=approvals)


_APPROVABLE_STATUS = frozenset(p.value for p in APPROVABLE)


def _sips_awaiting(session: Session, actor: Actor, shown: Iterable[_Shown]) -> list[_Shown]:
    """Of the SIPs shown, those whose approval by the actor's care provider is missing (decided together, DOMAIN
    §3: nara.plans.model.missing_approvals), and that the provider can approve now — complete, in a phase where the
    parties approve. Only these SIPs' documents are opened (their status comes from the index)."""
    if actor.provider_id is None:
        return []
    out = []
    for item in sorted(shown, key=lambda i: i.plan_id):
        if item.kind is not PlanKind.SIP or item.status not in _APPROVABLE_STATUS:
            continue
        row = store.current(session, item.plan_id)
        if row is None:
            continue
        doc = parse_document(row.document)
        if doc.sip is None or doc.sip.merged_into or doc.sip.phase is SipPhase.AVSLUTAD:
            continue
        if actor.provider_id in missing_approvals(doc) and not missing_for_finalising(doc):
            out.append(item)
    return out
