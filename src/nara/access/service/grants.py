"""Use cases that change who may see a person's data (DOMAIN §5): care relationships (vårdrelationer), consent
(samtycke), spärr, nödåtkomst and "cannot consent" assessments.

Each takes the caller's session (its unit of work), the actor and the injected clock. Each is itself an access
to the person's data: it is checked by the policy and logged through nara.access.service.guard (one audit entry, a
denied attempt kept even though the unit of work rolls back), then the change is made. Changes take effect at
once — the next request is decided on the new facts. Nothing is deleted: ending, revoking and lifting record who
and when.

Listing at a vårdcentral and residence at a SäBo are care relationships too; they live in the directory and the
policy reads them there (nara.access.store.load_facts), so they are not recorded here.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access.model import (
    BLOCKABLE,
    DERIVED_RELATIONSHIPS,
    MAX_BLOCK_LIFT_DURATION,
    MAX_EMERGENCY_REASON_LENGTH,
    Block,
    BlockKind,
    ConsentGivenBy,
    Decision,
    EmergencyScope,
    InformationCategory,
    Reason,
    RelationshipKind,
    block_lift_end,
    consent_refusal,
    end_relationship_refusal,
    lift_block_refusal,
    lift_temporarily_refusal,
    may_use_emergency_access,
    meaningful_reason,
    self_registered_end,
    set_block_refusal,
    staff_only_refusal,
    starting_relationship,
)
from nara.access.service.guard import conclude, evaluate, expires
from nara.access.store import (
    BlockLiftRow,
    BlockRow,
    CannotConsentAssessmentRow,
    CareRelationshipRow,
    ConsentRow,
    EmergencyAccessRow,
    to_block,
)
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import Clock
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.directory import service as directory

# How long the relationships a process gave outlive it (expire_with_source): the SIP after a discharge is called
# within 3 calendar days and often held within a month (DOMAIN §4).
SOURCE_FOLLOW_UP = timedelta(days=30)


def _purpose(actor: Actor) -> Purpose:
    return Purpose.EGEN_INSYN if actor.role is Role.RESIDENT else Purpose.VARD


def _check(
    session: Session, actor: Actor, person_id: int, action: AuditAction, clock: Clock, resource: tuple[str, object],
    refusal: Reason | None = None, *, blocking: Block | None = None, starts_relationship_for: int | None = None,
) -> Decision:
    """The policy's answer for a change to the person's access settings (category ATKOMST), with the use case's
    own ``refusal`` on top; logged, and raised when denied."""
    decision, attempt = evaluate(session, actor, person_id, InformationCategory.ATKOMST, action, _purpose(actor),
                                 clock, resource=resource)
    if starts_relationship_for is not None:
        decision = starting_relationship(decision, actor, starts_relationship_for)
    if decision.allowed and refusal is not None:
        decision = decision.refused(refusal, blocking)
    return conclude(session, attempt, decision)


def _given_by(actor: Actor) -> str:
    """Who recorded the person's consent: the person in the portal, or staff as the person said."""
    return (ConsentGivenBy.INVANARE if actor.role is Role.RESIDENT else ConsentGivenBy.PERSONAL).value


def _period(start: datetime, end: datetime | None, key: str) -> None:
    if start.tzinfo is None or (end is not None and end.tzinfo is None):
        raise ValueError("times are timezone-aware")
    if end is not None and end <= start:
        raise ValidationFailed(key)


_Row = TypeVar("_Row")


def _get(session: Session, row_type: type[_Row], row_id: int, not_found: str) -> _Row:
    row = session.get(row_type, row_id)
    if row is None:
        raise NotFound(not_found)
    return row


def belongs_to(
    session: Session, row_type: type[CareRelationshipRow | ConsentRow | BlockRow | BlockLiftRow], row_id: int,
    person_id: int, not_found: str,
) -> None:
    """A care relationship, consent, spärr or lift named in a URL must belong to the person in it; else
    ``not_found``, as if it did not exist."""
    if session.scalar(select(row_type.person_id).where(row_type.id == row_id)) != person_id:
        raise NotFound(not_found)


# --- vårdrelation ---------------------------------------------------------------------------------------------------


def start_care_relationship(
    session: Session, actor: Actor, clock: Clock, *, person_id: int, kind: RelationshipKind | str,
    unit_id: int | None = None, valid_from: datetime | None = None, valid_to: datetime | None = None,
    source_ref: str | None = None,
) -> CareRelationshipRow:
    """Start a vårdrelation between a unit (by default the actor's) and the person: an admission or discharge
    process, care-team membership, an accepted SIP invitation, or an explicit uppdrag (which must end).

    A unit may start one for itself; bringing in another unit needs a relationship of one's own (DOMAIN §5)."""
    kind = RelationshipKind(kind)
    if kind in DERIVED_RELATIONSHIPS:
        raise ValidationFailed("access.relationship.derived")
    if kind is RelationshipKind.ASSIGNMENT and valid_to is None:
        raise ValidationFailed("access.relationship.end_required")
    now = clock.now()
    valid_from = valid_from or now
    _period(valid_from, valid_to, "access.relationship.period")
    valid_to = self_registered_end(kind, valid_from, valid_to)
    unit_id = actor.unit_id if unit_id is None else unit_id
    if unit_id is not None and directory.unit(session, unit_id) is None:
        raise NotFound("unit.not_found")
    _check(session, actor, person_id, AuditAction.CREATE, clock, ("care_relationship", None),
           staff_only_refusal(actor), starts_relationship_for=unit_id)
    row = CareRelationshipRow(person_id=person_id, unit_id=unit_id, kind=kind.value, source_ref=source_ref,
                              valid_from=valid_from, valid_to=valid_to, created_by=actor.account_id, created_at=now)
    session.add(row)
    session.flush()
    return row


def end_care_relationship(session: Session, actor: Actor, clock: Clock, relationship_id: int) -> CareRelationshipRow:
    """End a vårdrelation now: from the next request it gives no access. Only the unit that holds it may
    (DOMAIN §5)."""
    row = _get(session, CareRelationshipRow, relationship_id, "access.relationship.not_found")
    now = clock.now()
    _check(session, actor, row.person_id, AuditAction.WRITE, clock, ("care_relationship", row.id),
           end_relationship_refusal(actor, row.unit_id))
    if row.valid_to is not None and row.valid_to <= now:
        raise Conflict("access.relationship.ended")
    row.valid_to = max(now, row.valid_from)
    row.ended_by = actor.account_id
    session.flush()
    return row


def expire_with_source(session: Session, clock: Clock, *, person_id: int, source_ref: str,
                       after: timedelta = SOURCE_FOLLOW_UP) -> int:
    """The relationships a process gave (``source_ref``, e.g. ``discharge:42``) run out ``after`` it ended: the
    units keep access for the follow-up that comes after (a SIP within days, kvittenser, the payment report) and
    lose it without another unit ending it for them (DOMAIN §5). Part of the process's own logged write; returns
    how many were given an end."""
    end = clock.now() + after
    rows = session.scalars(select(CareRelationshipRow).where(
        CareRelationshipRow.person_id == person_id, CareRelationshipRow.source_ref == source_ref,
        (CareRelationshipRow.valid_to.is_(None)) | (CareRelationshipRow.valid_to > end))).all()
    for row in rows:
        row.valid_to = max(end, row.valid_from)
    session.flush()
    return len(rows)


# --- samtycke ------------------------------------------------------------------------------------------------------


def give_consent(
    session: Session, actor: Actor, clock: Clock, *, person_id: int, care_provider_id: int,
    plan_ref: str | None = None, valid_from: datetime | None = None, valid_to: datetime | None = None,
) -> ConsentRow:
    """Record the person's consent that ``care_provider_id`` may read what other providers recorded about them
    (lag 2022:913), for everything or one plan, from now (or ``valid_from``) until revoked or ``valid_to``.
    Given by the resident in the portal, or recorded by staff of that provider as the resident said."""
    now = clock.now()
    valid_from = valid_from or now
    _period(valid_from, valid_to, "access.consent.period")
    if directory.provider(session, care_provider_id) is None:
        raise NotFound("unit.not_found")
    _check(session, actor, person_id, AuditAction.CREATE, clock, ("consent", None),
           consent_refusal(actor, care_provider_id))
    row = ConsentRow(
        person_id=person_id, care_provider_id=care_provider_id, plan_ref=None if plan_ref is None else str(plan_ref),
        valid_from=valid_from, valid_to=valid_to,
        given_by=_given_by(actor),
        recorded_by=actor.account_id, recorded_at=now,
    )
    session.add(row)
    session.flush()
    return row


def revoke_consent(session: Session, actor: Actor, clock: Clock, consent_id: int) -> ConsentRow:
    """Revoke a consent, at any time, with effect at once: the next request is denied (DOMAIN §5)."""
    row = _get(session, ConsentRow, consent_id, "access.consent.not_found")
    now = clock.now()
    _check(session, actor, row.person_id, AuditAction.WRITE, clock, ("consent", row.id),
           consent_refusal(actor, row.care_provider_id))
    if row.revoked_at is not None:
        raise Conflict("access.consent.revoked")
    row.revoked_at = now
    row.revoked_by = actor.account_id
    session.flush()
    return row


# --- spärr ---------------------------------------------------------------------------------------------------------


def set_block(
    session: Session, actor: Actor, clock: Clock, *, person_id: int, kind: BlockKind | str,
    category: InformationCategory | str | None = None, plan_ref: str | None = None, unit_id: int | None = None,
    provider_id: int | None = None, reason: str | None = None,
) -> BlockRow:
    """Register a spärr at the person's request, on one information category or one plan: inre (hides the
    unit's provider's information from its other units) or yttre (hides the provider's information from other
    providers). Staff set it for their own unit and provider; the resident names them."""
    kind = BlockKind(kind)
    if (category is None) == (plan_ref is None):
        raise ValidationFailed("access.sparr.target")
    if category is not None:
        category = InformationCategory(category)
        if category not in BLOCKABLE:
            raise ValidationFailed("access.sparr.category")
    if actor.role is Role.STAFF:
        provider_id = actor.provider_id if provider_id is None else provider_id
        unit_id = actor.unit_id if unit_id is None else unit_id
    if kind is BlockKind.INRE and unit_id is None:
        raise ValidationFailed("access.sparr.unit_required")
    if provider_id is None:
        raise ValidationFailed("access.sparr.unit_provider")
    if unit_id is not None:
        unit = directory.unit(session, unit_id)
        if unit is None:
            raise NotFound("unit.not_found")
        if unit.provider_id != provider_id:
            raise ValidationFailed("access.sparr.unit_provider")
    elif directory.provider(session, provider_id) is None:
        raise NotFound("unit.not_found")
    _check(session, actor, person_id, AuditAction.CREATE, clock, ("sparr", None),
           set_block_refusal(actor, kind, unit_id, provider_id))
    row = BlockRow(
        person_id=person_id, kind=kind.value, category=None if category is None else category.value,
        plan_ref=None if plan_ref is None else str(plan_ref), unit_id=unit_id, provider_id=provider_id,
        reason=reason, set_at=clock.now(), set_by=actor.account_id,
    )
    session.add(row)
    session.flush()
    return row


def lift_block(session: Session, actor: Actor, clock: Clock, block_id: int) -> BlockRow:
    """Lift a spärr at the person's request. Only the provider that set it can (DOMAIN §5); who and when is kept."""
    row = _get(session, BlockRow, block_id, "access.sparr.not_found")
    unit = directory.unit(session, row.unit_id) if row.unit_id is not None else None
    provider = directory.provider(session, row.provider_id)
    block = to_block(row, unit.name if unit else None, provider.name if provider else None)
    # The person knows their own spärrar; staff of another provider learn no more than that one exists.
    shown = block if actor.role is Role.RESIDENT or block.provider_id == actor.provider_id else block.anonymous()
    _check(session, actor, row.person_id, AuditAction.WRITE, clock, ("sparr", row.id),
           lift_block_refusal(actor, block), blocking=shown)
    if row.lifted_at is not None:
        raise Conflict("access.sparr.lifted")
    row.lifted_at = clock.now()
    row.lifted_by = actor.account_id
    session.flush()
    return row


# --- nödåtkomst ----------------------------------------------------------------------------------------------------


def start_emergency_access(
    session: Session, actor: Actor, clock: Clock, *, person_id: int, reason: str,
    duration: timedelta | None = None,
) -> EmergencyAccessRow:
    """Open nödåtkomst to a person in the unit's care right now, with a stated reason, for a limited time (by
    default nara.access.model.DEFAULT_EMERGENCY_DURATION): it lifts a missing consent and opens inre spärrar of the
    own provider — never data of a person the unit has no relationship with, and a yttre spärr only through the two
    further steps (:func:`reveal_blocked_providers`, :func:`open_blocked_provider`). Logged as one EMERGENCY_ACCESS
    entry with the reason and queued for mandatory review; the person is told in their own view (DOMAIN §5).
    An active nödåtkomst of the same account and unit is returned as it is."""
    reason = _stated(reason)
    now = clock.now()
    expires_at = expires(now, duration)
    _emergency_step(session, actor, clock, person_id, reason, "emergency_access")
    active = _active_emergency(session, actor, person_id, now, EmergencyScope.PERSON)
    if active is not None:
        return active
    return _add_emergency(session, actor, person_id, reason, now, expires_at, EmergencyScope.PERSON)


def reveal_blocked_providers(
    session: Session, actor: Actor, clock: Clock, *, person_id: int, reason: str,
) -> tuple[EmergencyAccessRow, Decision]:
    """The first step through a yttre spärr in an emergency: which care providers hold information blocked from
    the actor (DOMAIN §5). An active nödåtkomst is needed (it is opened with this reason when there is none); the
    step is logged with its reason, reviewed, and lasts as long as that nödåtkomst. The returned decision's
    ``blocked_providers`` names them."""
    reason = _stated(reason)
    now = clock.now()
    _emergency_step(session, actor, clock, person_id, reason, "sparr_providers")
    person = _active_emergency(session, actor, person_id, now, EmergencyScope.PERSON)
    expires_at = person.expires_at if person is not None else expires(now, None)
    if person is None:
        _add_emergency(session, actor, person_id, reason, now, expires_at, EmergencyScope.PERSON)
    row = _add_emergency(session, actor, person_id, reason, now, expires_at, EmergencyScope.SPARR_PROVIDERS)
    decision, _ = evaluate(session, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.READ,
                           Purpose.VARD, clock)
    return row, decision


def open_blocked_provider(
    session: Session, actor: Actor, clock: Clock, *, person_id: int, provider_id: int, reason: str,
) -> EmergencyAccessRow:
    """The second step: the content one provider blocked with a yttre spärr, for as long as the nödåtkomst lasts,
    with its own reason, logged and reviewed (DOMAIN §5). Refused until the first step is taken, and for a provider
    that holds no blocked information about the person."""
    reason = _stated(reason)
    now = clock.now()
    step_one = _active_emergency(session, actor, person_id, now, EmergencyScope.SPARR_PROVIDERS)
    decision, attempt = evaluate(session, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.READ,
                                 Purpose.VARD, clock, resource=("sparr_open", provider_id), emergency_reason=reason)
    if decision.allowed:
        if step_one is None:
            decision = decision.refused(Reason.EMERGENCY_STEP_ONE_FIRST)
        elif provider_id not in dict(decision.blocked_providers):
            decision = decision.refused(Reason.NO_BLOCKED_INFORMATION)
        else:
            decision = replace(decision, via_emergency=True, starts_emergency=False, emergency_reason=reason)
    conclude(session, replace(attempt, audit_action=AuditAction.EMERGENCY_ACCESS), decision)
    assert step_one is not None
    return _add_emergency(session, actor, person_id, reason, now, step_one.expires_at, EmergencyScope.SPARR_OPEN,
                          provider_id)


def _stated(reason: str | None) -> str:
    stated = meaningful_reason(reason)
    if stated is None:
        raise ValidationFailed("access.emergency.reason_required")
    if len(stated) > MAX_EMERGENCY_REASON_LENGTH:
        raise ValidationFailed("access.emergency.reason_too_long", length=MAX_EMERGENCY_REASON_LENGTH)
    return stated


def _emergency_step(session: Session, actor: Actor, clock: Clock, person_id: int, reason: str,
                    resource_type: str) -> Decision:
    decision, attempt = evaluate(session, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.READ,
                                 Purpose.VARD, clock, resource=(resource_type, None), emergency_reason=reason)
    refusal = staff_only_refusal(actor)
    if refusal is None and not may_use_emergency_access(actor):
        refusal = Reason.EMERGENCY_NOT_FOR_ROLE  # the role's profile has no nödåtkomst (nara.access.model.roles)
    if decision.allowed and refusal is not None:
        decision = decision.refused(refusal)
    elif decision.allowed:
        decision = replace(decision, via_emergency=True, starts_emergency=False, emergency_reason=reason)
    return conclude(session, replace(attempt, audit_action=AuditAction.EMERGENCY_ACCESS), decision)


def _active_emergency(session: Session, actor: Actor, person_id: int, now: datetime,
                      scope: EmergencyScope) -> EmergencyAccessRow | None:
    return session.scalar(
        select(EmergencyAccessRow)
        .where(EmergencyAccessRow.person_id == person_id, EmergencyAccessRow.account_id == actor.account_id,
               EmergencyAccessRow.unit_id == actor.unit_id, EmergencyAccessRow.scope == scope.value,
               EmergencyAccessRow.started_at <= now, EmergencyAccessRow.expires_at > now)
        .order_by(EmergencyAccessRow.expires_at.desc()).limit(1)
    )


def _add_emergency(session: Session, actor: Actor, person_id: int, reason: str, now: datetime,
                   expires_at: datetime, scope: EmergencyScope, provider_id: int | None = None) -> EmergencyAccessRow:
    assert actor.staff_id is not None and actor.unit_id is not None  # the policy allows only staff
    row = EmergencyAccessRow(person_id=person_id, account_id=actor.account_id, staff_id=actor.staff_id,
                             unit_id=actor.unit_id, reason=reason, started_at=now, expires_at=expires_at,
                             reviewed=False, scope=scope.value, opened_provider_id=provider_id)
    session.add(row)
    session.flush()
    return row


# --- tillfälligt hävd inre spärr ---------------------------------------------------------------------------------


def lift_block_temporarily(
    session: Session, actor: Actor, clock: Clock, block_id: int, *, reason: str, unit_id: int | None = None,
    account_id: int | None = None, duration: timedelta = MAX_BLOCK_LIFT_DURATION,
) -> BlockLiftRow:
    """Lift an inre spärr for one unit or one user for a limited time (at most 7 days), with the person's consent
    and a reason; it ends by itself (DOMAIN §5). Recorded by the person in the portal, or by staff of the provider
    that set the spärr as the person said; logged like every change of access."""
    stated = meaningful_reason(reason)
    if stated is None:
        raise ValidationFailed("access.lift.reason_required")
    if (unit_id is None) == (account_id is None):
        raise ValidationFailed("access.lift.scope")
    row = _get(session, BlockRow, block_id, "access.sparr.not_found")
    now = clock.now()
    try:
        ends_at = block_lift_end(now, duration)
    except ValueError:
        raise ValidationFailed("access.lift.duration", days=MAX_BLOCK_LIFT_DURATION.days) from None
    if unit_id is not None and directory.unit(session, unit_id) is None:
        raise NotFound("unit.not_found")
    _check(session, actor, row.person_id, AuditAction.CREATE, clock, ("sparr_lift", row.id),
           lift_temporarily_refusal(actor, to_block(row)), blocking=to_block(row))
    if row.lifted_at is not None:
        raise Conflict("access.sparr.lifted")
    lift = BlockLiftRow(person_id=row.person_id, block_id=row.id, unit_id=unit_id, account_id=account_id,
                        reason=stated, starts_at=now, ends_at=ends_at, recorded_by=actor.account_id,
                        given_by=_given_by(actor))
    session.add(lift)
    session.flush()
    return lift


def end_block_lift(session: Session, actor: Actor, clock: Clock, lift_id: int) -> BlockLiftRow:
    """End a temporary lift before its time: the spärr hides again from the next request."""
    lift = _get(session, BlockLiftRow, lift_id, "access.lift.not_found")
    block = session.get(BlockRow, lift.block_id)
    assert block is not None
    _check(session, actor, lift.person_id, AuditAction.WRITE, clock, ("sparr_lift", lift.id),
           lift_temporarily_refusal(actor, to_block(block)))
    now = clock.now()
    if lift.revoked_at is None and lift.ends_at > now:
        lift.revoked_at, lift.revoked_by = now, actor.account_id
        session.flush()
    return lift


def mark_emergency_reviewed(session: Session, actor: Actor, clock: Clock, emergency_id: int) -> EmergencyAccessRow:
    """Logguppföljning: a reviewer marks a nödåtkomst as reviewed (the verdict itself is kept by the review)."""
    if actor.role is not Role.REVIEWER:
        raise Forbidden("auth.forbidden")
    row = _get(session, EmergencyAccessRow, emergency_id, "access.emergency.not_found")
    row.reviewed, row.reviewed_by, row.reviewed_at = True, actor.account_id, clock.now()
    session.flush()
    return row


# --- varaktigt oförmögen att samtycka -------------------------------------------------------------------------------


def record_cannot_consent(
    session: Session, actor: Actor, clock: Clock, *, person_id: int, note: str,
) -> CannotConsentAssessmentRow:
    """Record that the person permanently cannot consent, and how their attitude was clarified (lag 2022:913,
    DOMAIN §5). For the actor's provider it then takes the place of consent."""
    note = (note or "").strip()
    if not note:
        raise ValidationFailed("access.assessment.note_required")
    _check(session, actor, person_id, AuditAction.CREATE, clock, ("cannot_consent_assessment", None),
           staff_only_refusal(actor))
    assert actor.provider_id is not None  # the policy allows only staff acting for a unit
    row = CannotConsentAssessmentRow(person_id=person_id, care_provider_id=actor.provider_id,
                                     assessed_by=actor.account_id, assessed_at=clock.now(), note=note)
    session.add(row)
    session.flush()
    return row


def withdraw_cannot_consent(
    session: Session, actor: Actor, clock: Clock, assessment_id: int,
) -> CannotConsentAssessmentRow:
    """Withdraw an assessment (e.g. the person can consent after all): consent is needed again at once."""
    row = _get(session, CannotConsentAssessmentRow, assessment_id, "access.assessment.not_found")
    _check(session, actor, row.person_id, AuditAction.WRITE, clock, ("cannot_consent_assessment", row.id),
           staff_only_refusal(actor) or consent_refusal(actor, row.care_provider_id))
    if row.withdrawn_at is None:
        row.withdrawn_at, row.withdrawn_by = clock.now(), actor.account_id
        session.flush()
    return row
