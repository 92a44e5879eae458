"""Care relationships, consents, spärrar and nödåtkomster as other parts read them (DOMAIN.md §5). The rows
returned are read-only: changes go through the use cases (nara.access.service.grants)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from nara.access import store
from nara.access.store import CareRelationshipRow, EmergencyAccessRow


def current_relationships(session: Session, person_id: int, source_ref: str, now: datetime,
                          unit_id: int | None = None) -> list[CareRelationshipRow]:
    """The person's care relationships that rest on ``source_ref`` (a plan, a discharge) and have not ended by
    ``now``; only ``unit_id``'s when given."""
    return store.current_relationships(session, person_id, source_ref, now, unit_id)


def has_consent_for_plan(session: Session, person_id: int, provider_id: int | None, plan_ref: str,
                         now: datetime) -> bool:
    """Whether the person's consent to ``provider_id`` covers the plan now (all their data, or this plan)."""
    return store.has_consent_for_plan(session, person_id, provider_id, plan_ref, now)


def provider_blocked_plan(session: Session, person_id: int, provider_id: int | None, plan_ref: str,
                          now: datetime) -> bool:
    """Whether the person has a spärr in force at ``provider_id`` over plans, or over this plan."""
    return store.provider_blocked_plan(session, person_id, provider_id, plan_ref, now)


def emergencies_of(session: Session, person_id: int) -> list[EmergencyAccessRow]:
    """Every nödåtkomst to the person, newest first: the person is told about each (DOMAIN.md §5)."""
    return store.emergencies_of(session, person_id)
