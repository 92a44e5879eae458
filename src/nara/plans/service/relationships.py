"""Care relationships a plan gives (DOMAIN §5): a unit added to the care team, made responsible for an activity or an
intervention, or accepting a SIP invitation gets one (kind care_team, or sip for a SIP) with ``source_ref``
``plan:<id>``; the unit that no longer takes part ends its own. The access policy's own calls log their entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from nara.access.model import RelationshipKind
from nara.access.service import (
    current_relationships,
    end_care_relationship,
    give_consent,
    has_consent_for_plan,
    start_care_relationship,
)
from nara.core.actor import Actor, Role
from nara.core.clock import Clock
from nara.plans import model
from nara.plans.model import PlanDocument, PlanKind
from nara.plans.store import PlanRow


def _source(plan: PlanRow) -> str:
    return f"plan:{plan.id}"


def _current_relationships(session: Session, plan: PlanRow, now: datetime) -> dict[int, list[Any]]:
    current: dict[int, list[Any]] = {}
    for row in current_relationships(session, plan.person_id, _source(plan), now):
        current.setdefault(row.unit_id, []).append(row)
    return current


def start_relationship(session: Session, actor: Actor, clock: Clock, plan: PlanRow, unit_id: int) -> None:
    if unit_id in _current_relationships(session, plan, clock.now()):
        return
    kind = RelationshipKind.SIP if plan.kind == PlanKind.SIP.value else RelationshipKind.CARE_TEAM
    start_care_relationship(session, actor, clock, person_id=plan.person_id, kind=kind, unit_id=unit_id,
                            source_ref=_source(plan))


def update_relationships(session: Session, actor: Actor, clock: Clock, plan: PlanRow, old: PlanDocument,
                         new: PlanDocument) -> None:
    """Start care relationships for units that now take part in the plan and end those of units that no longer do
    (source_ref ``plan:<id>``). Only staff change who takes part (the person's operations name no units)."""
    before, after = model.care_units(old), model.care_units(new)
    if before == after or actor.role is not Role.STAFF:
        return
    current = _current_relationships(session, plan, clock.now())
    for unit_id in sorted(after - set(current)):
        start_relationship(session, actor, clock, plan, unit_id)
    # Only the unit that holds a relationship ends it (DOMAIN §5); another unit's ends at its own end date (a
    # self-registered relationship always has one, nara.access.model.self_registered_end) or when it leaves.
    for unit_id in sorted((before - after) & {actor.unit_id}):
        for row in current.get(unit_id, []):
            end_care_relationship(session, actor, clock, row.id)


def consent_for_plan(session: Session, actor: Actor, clock: Clock, plan: PlanRow) -> None:
    """Record the person's SIP consent for the actor's care provider and this plan, unless a consent covers it."""
    assert actor.provider_id is not None
    if not has_consent_for_plan(session, plan.person_id, actor.provider_id, str(plan.id), clock.now()):
        give_consent(session, actor, clock, person_id=plan.person_id, care_provider_id=actor.provider_id,
                     plan_ref=str(plan.id))
