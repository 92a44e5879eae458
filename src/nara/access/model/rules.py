"""Rules of the use cases that change access (DOMAIN.md §5): who may start and end a care relationship, record a
consent, set, lift or temporarily lift a spärr, and how long nödåtkomst and a lift last. Plain Python."""

from __future__ import annotations

from datetime import datetime, timedelta

from nara.access.model.policy import (
    DEFAULT_EMERGENCY_DURATION,
    MAX_BLOCK_LIFT_DURATION,
    MAX_EMERGENCY_DURATION,
    MAX_SELF_REGISTERED_RELATIONSHIP,
    Block,
    BlockKind,
    Decision,
    Reason,
    RelationshipKind,
)
from nara.core.actor import Actor, Role


def staff_only_refusal(actor: Actor) -> Reason | None:
    """Care relationships and "cannot consent" assessments are recorded by staff, not by the resident."""
    return None if actor.role is Role.STAFF else Reason.STAFF_ONLY


def starting_relationship(decision: Decision, actor: Actor, unit_id: int) -> Decision:
    """A unit may start a care relationship of its own with a person it has none with yet (a new patient,
    logged like every access); bringing in another unit (care team, SIP) needs one's own relationship, which
    ``decision`` already checked."""
    if not decision.allowed and decision.reason is Reason.NO_CARE_RELATIONSHIP and unit_id == actor.unit_id:
        return Decision(True, Reason.OWN_UNIT, hide_address=decision.hide_address)
    return decision


def end_relationship_refusal(actor: Actor, relationship_unit_id: int) -> Reason | None:
    """Only the unit that holds a care relationship ends it (DOMAIN §5: never another unit or provider) — so a ward
    cannot lose access to its own discharge because someone elsewhere ended it."""
    if actor.role is not Role.STAFF:
        return Reason.STAFF_ONLY
    if actor.unit_id != relationship_unit_id:
        return Reason.RELATIONSHIP_HELD_BY_OTHER_UNIT
    return None


def self_registered_end(kind: RelationshipKind, valid_from: datetime, valid_to: datetime | None) -> datetime | None:
    """Care-team membership and an uppdrag are registered by the units themselves, so they always end: at the
    given time, or MAX_SELF_REGISTERED_RELATIONSHIP after they start (DOMAIN §5). Other kinds end with their
    source (a discharge, a SIP)."""
    if kind in (RelationshipKind.CARE_TEAM, RelationshipKind.ASSIGNMENT):
        latest = valid_from + MAX_SELF_REGISTERED_RELATIONSHIP
        return latest if valid_to is None else min(valid_to, latest)
    return valid_to


def lift_temporarily_refusal(actor: Actor, block: Block) -> Reason | None:
    """A temporary lift is for an inre spärr (a yttre one is lifted only by its provider); the person consents —
    in the portal, or to staff of the provider that set the spärr, who record it."""
    if block.kind is not BlockKind.INRE:
        return Reason.LIFT_ONLY_INRE
    if actor.role is Role.STAFF and block.provider_id != actor.provider_id:
        return Reason.SPARR_SET_BY_OTHER_PROVIDER
    return None


def block_lift_end(starts_at: datetime, duration: timedelta) -> datetime:
    """When a temporary lift started at ``starts_at`` ends; more than the maximum is refused."""
    if duration <= timedelta(0) or duration > MAX_BLOCK_LIFT_DURATION:
        raise ValueError(f"a temporary lift lasts more than 0 and at most {MAX_BLOCK_LIFT_DURATION}")
    return starts_at + duration


def consent_refusal(actor: Actor, care_provider_id: int) -> Reason | None:
    """Who may record or revoke a consent: the resident for any provider; staff only for their own provider, as
    the resident said (they cannot let their provider read more on someone else's behalf)."""
    if actor.role is Role.STAFF and care_provider_id != actor.provider_id:
        return Reason.CONSENT_FOR_OTHER_PROVIDER
    return None


def set_block_refusal(actor: Actor, kind: BlockKind, unit_id: int | None, provider_id: int) -> Reason | None:
    """Who may set a spärr: the resident, at any unit or provider; staff at their own unit (inre) or their own
    provider (yttre), at the resident's request."""
    if actor.role is not Role.STAFF:
        return None
    if provider_id != actor.provider_id or (kind is BlockKind.INRE and unit_id != actor.unit_id):
        return Reason.SPARR_OUTSIDE_OWN_UNIT
    return None


def lift_block_refusal(actor: Actor, block: Block) -> Reason | None:
    """Only the provider that set a spärr can lift it, at the person's request (DOMAIN §5); the resident asks
    the provider rather than lifting it in the portal."""
    if actor.role is Role.RESIDENT:
        return Reason.SPARR_LIFTED_BY_PROVIDER
    if block.provider_id != actor.provider_id:
        return Reason.SPARR_SET_BY_OTHER_PROVIDER
    return None


def emergency_expiry(started_at: datetime, duration: timedelta | None = None) -> datetime:
    """When a nödåtkomst opened at ``started_at`` ends."""
    duration = DEFAULT_EMERGENCY_DURATION if duration is None else duration
    if duration <= timedelta(0) or duration > MAX_EMERGENCY_DURATION:
        raise ValueError(f"nödåtkomst lasts more than 0 and at most {MAX_EMERGENCY_DURATION}")
    return started_at + duration
