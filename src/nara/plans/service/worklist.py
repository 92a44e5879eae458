"""The staff worklist, "Mina personer och planer" (DOMAIN §2), and what the discharge part reads of plans."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import AccessDenied, Owner
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, local_today
from nara.core.errors import Forbidden
from nara.directory import service as directory
from nara.plans import store
from nara.plans.model import PlanKind, UnitRole
from nara.plans.service.access import ask
from nara.plans.service.results import WorkItem, etag

WORKLIST_LIMIT = 100


# --- the staff worklist ------------------------------------------------------------------------------------------


def worklist(session: Session, actor: Actor, clock: Clock, limit: int = WORKLIST_LIMIT) -> list[WorkItem]:
    """"Mina personer och planer": plans the actor's unit takes part in (care team, responsible for an activity or
    an intervention, in the SIP, or owner), what needs attention first — overdue activities (all, and the unit's
    own), the person's open requests, the next dated step. Read from the indexes, not the documents. Each plan
    shown is one SEARCH entry of category PLAN (denied ones too, and then only the plan's id and the reason are
    given); a SIP the unit is only invited to is listed without person data and without an access check. Staff
    acting for a unit only (Forbidden otherwise)."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        raise Forbidden("auth.forbidden")
    rows = store.worklist(session, actor.unit_id, local_today(clock), min(limit, WORKLIST_LIMIT))
    items: list[WorkItem] = []
    shown: list[WorkItem] = []
    for row in rows:
        base = dict(plan_id=row.plan_id, kind=PlanKind(row.kind), status=row.status, version=row.version,
                    etag=etag(row.plan_id, row.version), roles=list(row.roles))
        if set(row.roles) == {UnitRole.INVITED.value}:
            items.append(WorkItem(**base, access="invited"))
            continue
        try:
            # The unit takes part in the plan: when it is a social-services unit, the plan has a part that
            # concerns social services (nara.plans.model.frame_piece).
            listed = Owner(InformationCategory.PLAN, row.owner_provider_id, row.owner_unit_id, True)
            ask(session, actor, clock, row.person_id, row.plan_id, AuditAction.SEARCH, listed)
        except AccessDenied as exc:
            items.append(WorkItem(**base, access=exc.decision.reason.value))
            continue
        item = WorkItem(**base, access=None, person_id=row.person_id, updated_at=row.updated_at, overdue=row.overdue,
                        overdue_mine=row.overdue_mine, open_requests=row.open_requests, next_on=row.next_on)
        items.append(item)
        shown.append(item)
    persons = directory.persons(session, {i.person_id for i in shown if i.person_id})
    for item in shown:
        person = persons.get(item.person_id or 0)
        item.person_name = (f"{person.given_name} {person.family_name}".strip() or None) if person else None
    return items


# --- read by the discharge part -------------------------------------------------------------------------------


def plan_version(session: Session, plan_id: int) -> int | None:
    """The current version of a plan, or None when there is no such plan."""
    return store.current_version(session, plan_id)


def sip_meetings(session: Session, person_ids: Iterable[int]) -> list[tuple[int, int, int, datetime | None]]:
    """(plan id, person id, owner unit id, first meeting's start) of the persons' SIP plans, by plan id; the start
    is None for a SIP without a meeting time."""
    out: list[tuple[int, int, int, datetime | None]] = []
    for plan in store.sip_plans_of(session, person_ids):
        sip = json.loads(plan.document).get("sip") or {}
        if sip.get("merged_into"):
            continue  # a duplicate merged into the person's one SIP: its meeting is listed there
        meeting = (sip.get("earlier_meetings") or [None])[0] or sip.get("meeting") or {}
        start = meeting.get("start")
        out.append((plan.id, plan.person_id, plan.owner_unit_id, datetime.fromisoformat(start) if start else None))
    return out
