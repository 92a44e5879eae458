"""Care relationships, consents, spärrar and nödåtkomster as other parts read them (DOMAIN.md §5). The rows
returned are read-only: changes go through the use cases (nara.access.service.grants)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy.orm import Session

from nara.access import store
from nara.access.model import RelationshipKind
from nara.access.store import CareRelationshipRow, EmergencyAccessRow


def current_relationships(session: Session, person_id: int, source_ref: str, now: datetime,
                          unit_id: int | None = None) -> list[CareRelationshipRow]:
    """The person's care relationships that rest on ``source_ref`` (a plan, a discharge) and have not ended by
    ``now``; only ``unit_id``'s when given."""
    return store.current_relationships(session, person_id, source_ref, now, unit_id)


def persons_in_care_of(session: Session, unit_id: int, now: datetime, kinds: Iterable[RelationshipKind],
                       limit: int = 200) -> list[int]:
    """The persons in the unit's care now through a relationship of one of ``kinds`` (not listing or SäBo, which
    the directory holds), by id: e.g. those enrolled in a hemsjukvård unit's care team. Only ids: the caller asks
    the policy before it shows anyone."""
    return store.persons_in_care_of(session, unit_id, now, [k.value for k in kinds], limit)


def care_unit_ids(session: Session, person_id: int, now: datetime) -> set[int]:
    """The units with a recorded care relationship to the person now (listing and SäBo are the directory's)."""
    return {r.unit_id for r in store.relationships_of(session, person_id)
            if r.valid_from <= now and (r.valid_to is None or r.valid_to > now)}


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


# --- read by log follow-up (nara.review) ------------------------------------------------------------------------


def emergencies_started(session: Session, start: datetime, end: datetime) -> list[EmergencyAccessRow]:
    """The nödåtkomster opened in [start, end), oldest first: each goes to log follow-up (DOMAIN.md §5)."""
    return store.emergencies_started(session, start, end)


def emergency(session: Session, emergency_id: int | None) -> EmergencyAccessRow | None:
    return session.get(EmergencyAccessRow, emergency_id) if emergency_id is not None else None


def relationships_registered(session: Session, start: datetime,
                             end: datetime) -> list[tuple[int, int, int, datetime]]:
    """(person, account, unit, time) of each uppdrag or care-team membership a unit registered for itself around
    [start, end) (DOMAIN.md §5); the caller matches them to their audit entries."""
    return store.relationships_registered(session, start, end)


def relationship_kinds_at(session: Session, *, person_id: int, unit_id: int, provider_id: int, account_id: int,
                          at: datetime) -> list[str]:
    """The kinds of care relationship the unit had with the person at ``at`` (listing and SäBo included), as the
    policy saw them."""
    _hsa, facts = store.load_facts(session, person_id=person_id, unit_id=unit_id, provider_id=provider_id,
                                   account_id=account_id, at=at)
    return sorted({r.kind.value for r in facts.relationships if r.is_current(at)})
