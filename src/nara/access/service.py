"""The access policy's public face (DOMAIN.md §5): every read and write of person data is asked here and
logged; care relationships, consents and spärrar as other parts need them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access.grants import (
    end_care_relationship,
    expire_with_source,
    give_consent,
    start_care_relationship,
)
from nara.access.grants_store import BlockRow, CareRelationshipRow, ConsentRow, emergencies_of
from nara.access.guard import (
    AccessDenied,
    Owner,
    PieceDecisions,
    authorize,
    authorize_pieces,
    blocked_notice,
    blocked_notices,
    conclude,
    emergency_offers,
    evaluate,
)
from nara.access.model import InformationCategory

__all__ = [
    "AccessDenied", "Owner", "PieceDecisions", "authorize", "authorize_pieces", "blocked_notice", "blocked_notices",
    "conclude", "current_relationships", "emergencies_of", "emergency_offers", "end_care_relationship", "evaluate",
    "expire_with_source", "give_consent", "has_consent_for_plan", "provider_blocked_plan",
    "start_care_relationship",
]


def current_relationships(session: Session, person_id: int, source_ref: str, now: datetime,
                          unit_id: int | None = None) -> list[CareRelationshipRow]:
    """The person's care relationships that rest on ``source_ref`` (a plan, a discharge) and have not ended by
    ``now``; only ``unit_id``'s when given. Read-only rows."""
    query = select(CareRelationshipRow).where(
        CareRelationshipRow.person_id == person_id, CareRelationshipRow.source_ref == source_ref,
        (CareRelationshipRow.valid_to.is_(None)) | (CareRelationshipRow.valid_to > now))
    if unit_id is not None:
        query = query.where(CareRelationshipRow.unit_id == unit_id)
    return list(session.scalars(query.order_by(CareRelationshipRow.id)))


def has_consent_for_plan(session: Session, person_id: int, provider_id: int | None, plan_ref: str,
                         now: datetime) -> bool:
    """Whether the person's consent to ``provider_id`` covers the plan now (all their data, or this plan)."""
    return session.scalar(select(ConsentRow.id).where(
        ConsentRow.person_id == person_id, ConsentRow.care_provider_id == provider_id,
        ConsentRow.revoked_at.is_(None), ConsentRow.valid_from <= now,
        (ConsentRow.valid_to.is_(None)) | (ConsentRow.valid_to > now),
        (ConsentRow.plan_ref.is_(None)) | (ConsentRow.plan_ref == plan_ref)).limit(1)) is not None


def provider_blocked_plan(session: Session, person_id: int, provider_id: int | None, plan_ref: str,
                          now: datetime) -> bool:
    """Whether the person has a spärr in force at ``provider_id`` over plans, or over this plan."""
    return session.scalar(select(BlockRow.id).where(
        BlockRow.person_id == person_id, BlockRow.provider_id == provider_id, BlockRow.set_at <= now,
        (BlockRow.lifted_at.is_(None)) | (BlockRow.lifted_at > now),
        (BlockRow.category == InformationCategory.PLAN.value) | (BlockRow.plan_ref == plan_ref)).limit(1)) is not None
