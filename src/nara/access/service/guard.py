"""The one way into person data (DOMAIN §5): every API route, page, export and later interface that reads or
writes anything about a person calls :func:`authorize` first, and shows or changes nothing when it raises.

    with db.transaction() as s:
        decision = authorize(s, actor, person_id, InformationCategory.PLAN, AuditAction.READ, Purpose.VARD, clock,
                             owner_provider_id=plan.provider_id, resource=("plan", plan.id), plan_id=plan.id)
        ...  # read; strip address and location when decision.hide_address

:func:`authorize` loads the facts with a few indexed queries, asks :func:`nara.access.model.decide`, and writes
exactly one audit entry per call (HSLF-FS 2016:40 4 kap., DOMAIN §5):

- **allowed**: in the caller's transaction, appended when it commits — so the entry commits or rolls back with
  the change it records, and the chain head (which serialises all appends) is locked only during the commit;
- **denied**: in a transaction of its own, written as soon as the caller's transaction ends, whether it commits
  or rolls back. The request fails (:class:`AccessDenied`, 403) and its unit of work is rolled back, but the
  denied attempt must stay in the log; writing it while the caller's transaction is still open could wait for a
  lock that transaction holds (SQLite's writer lock), so it waits for that transaction to end instead.

The caller's session must therefore end its transaction (``Database.transaction()`` does). Given a
:class:`~nara.core.db.Database` instead of a session, :func:`authorize` runs in a transaction of its own.
Entries follow the outermost transaction (a rolled-back savepoint does not take an allowed entry with it), and
a denial caught by the caller is appended after that transaction's allowed entries: ``occurred_at`` gives the
order in which things happened, the sequence number the order in which they were logged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session, SessionTransaction

from nara.access.model import (
    MAX_EMERGENCY_DURATION,
    MAX_EMERGENCY_REASON_LENGTH,
    ROLE_GOVERNED,
    AccessFacts,
    AccessRequest,
    Block,
    BlockKind,
    Decision,
    InformationCategory,
    Level,
    Reason,
    action_of,
    decide,
    default_table,
    emergency_expiry,
    meaningful_reason,
)
from nara.access.store import EmergencyAccessRow, load_facts, load_proxy_facts
from nara.audit.model import AuditAction, AuditEvent, Outcome
from nara.audit.service import record, record_now
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import Clock, local_date
from nara.core.db import Database
from nara.core.errors import Forbidden, ValidationFailed
from nara.core.i18n import t

_ALLOWED = "nara.access.audit_allowed"  # session.info keys: events waiting for the transaction's end
_DENIED = "nara.access.audit_denied"


class AccessDenied(Forbidden):
    """403: the policy said no. ``decision`` tells the UI more (e.g. whether nödåtkomst would open it); the
    message names why, e.g. which unit set the spärr."""

    code = "access-denied"

    def __init__(self, decision: Decision, **params: object) -> None:
        if decision.blocking is not None:
            # Before the first step of a nödåtkomst the spärr is anonymous: who holds it is not said (DOMAIN §5).
            params.setdefault("unit", decision.blocking.unit_name or t("access.blocked_notice.some_unit"))
            params.setdefault("provider", decision.blocking.provider_name or t("access.blocked_notice.some_provider"))
        # The problem's members besides the message: why, whether nödåtkomst would open it, which spärrar exist.
        extra = {"reason": decision.reason.value, "emergency_possible": decision.emergency_possible,
                 "blocked": blocked_notices(decision)}
        super().__init__(f"access.denied.{decision.reason.value}", extra=extra, **params)
        self.decision = decision


@dataclass(frozen=True, slots=True)
class Attempt:
    """One call's request and what its audit entry needs besides the decision."""

    request: AccessRequest
    audit_action: AuditAction
    resource_type: str
    resource_id: str | None
    unit_hsa_id: str | None
    request_id: str | None
    emergency_duration: timedelta | None


def authorize(
    db_or_session: Database | Session, actor: Actor, person_id: int, category: InformationCategory | str,
    action: AuditAction | str, purpose: Purpose | str, clock: Clock, *, owner_provider_id: int | None = None,
    resource: tuple[str, object] | None = None, plan_id: object | None = None,
    emergency_reason: str | None = None, request_id: str | None = None,
    emergency_duration: timedelta | None = None, owner_unit_id: int | None = None, social_scope: bool = False,
) -> Decision:
    """Allow or refuse one read or write of a person's data, and log it. Returns the :class:`Decision` when
    allowed (mind ``hide_address`` and ``blocked``); raises :class:`AccessDenied` (403) when not.

    ``category``: what is touched; ``action``: what is logged (read, export, create, ...); ``owner_provider_id``:
    the care provider that recorded the information (required for plans, contacts, notes, discharge);
    ``resource``: (type, id) for the log, by default ("person", person_id); ``plan_id``: the plan the information
    belongs to (a consent or spärr may be per plan; taken from ``resource`` when that is a plan);
    ``emergency_reason``: the actor asks for nödåtkomst, with this reason, lasting ``emergency_duration``;
    ``owner_unit_id``: the unit that documented it (an inre spärr is per unit); ``social_scope``: it concerns, or is
    addressed to, social services (what a role at level "social" may reach, nara.access.model.roles)."""
    unit_of_work = (db_or_session.transaction() if isinstance(db_or_session, Database)
                    else nullcontext(db_or_session))
    with unit_of_work as session:
        decision, attempt = evaluate(
            session, actor, person_id, category, action, purpose, clock, owner_provider_id=owner_provider_id,
            resource=resource, plan_id=plan_id, emergency_reason=emergency_reason, request_id=request_id,
            emergency_duration=emergency_duration, owner_unit_id=owner_unit_id, social_scope=social_scope,
        )
        return conclude(session, attempt, decision)


def evaluate(
    session: Session | Connection, actor: Actor, person_id: int, category: InformationCategory | str,
    action: AuditAction | str, purpose: Purpose | str, clock: Clock, *, owner_provider_id: int | None = None,
    resource: tuple[str, object] | None = None, plan_id: object | None = None,
    emergency_reason: str | None = None, request_id: str | None = None,
    emergency_duration: timedelta | None = None, owner_unit_id: int | None = None, social_scope: bool = False,
) -> tuple[Decision, Attempt]:
    """The decision, not yet logged or enforced: for the use cases of nara.access.service.grants, which add rules of
    their own before :func:`conclude`. Anything else calls :func:`authorize`."""
    if emergency_reason is not None:
        if len(emergency_reason.strip()) > MAX_EMERGENCY_REASON_LENGTH:
            raise ValidationFailed("access.emergency.reason_too_long", length=MAX_EMERGENCY_REASON_LENGTH)
        if meaningful_reason(emergency_reason) is None:
            raise ValidationFailed("access.emergency.reason_required")
    if emergency_duration is not None:
        expires(clock.now(), emergency_duration)  # refuses a duration beyond the maximum now, not later
    resource_type, resource_id = resource if resource is not None else ("person", person_id)
    if plan_id is None and resource_type == "plan":
        plan_id = resource_id
    audit_action = AuditAction(action)
    request = AccessRequest(
        actor=actor, person_id=person_id, category=InformationCategory(category), action=action_of(audit_action),
        purpose=Purpose(purpose), at=clock.now(), owner_provider_id=owner_provider_id,
        plan_ref=None if plan_id is None else str(plan_id), emergency_reason=emergency_reason,
        owner_unit_id=owner_unit_id, social_scope=social_scope,
    )
    unit_hsa_id, facts = _facts(session, request)
    attempt = Attempt(request, audit_action, resource_type, None if resource_id is None else str(resource_id),
                      unit_hsa_id, request_id, emergency_duration)
    return decide(request, facts), attempt


def _facts(session: Session | Connection, request: AccessRequest) -> tuple[str | None, AccessFacts]:
    actor = request.actor
    if isinstance(session, Session):
        session.connection()  # the session's transaction begins now, so its end writes what this call logs
    if (actor.role is Role.RESIDENT and actor.acting_for == request.person_id and actor.person_id is not None
            and actor.person_id != request.person_id):
        exists, proxy = load_proxy_facts(session, person_id=request.person_id, proxy_person_id=actor.person_id,
                                         at=request.at)
        return None, AccessFacts(person_exists=exists, proxy=proxy)  # a proxy: their grants (model.proxies)
    if actor.role is not Role.STAFF or actor.unit_id is None or actor.provider_id is None:
        return None, AccessFacts()  # residents: their own data; other roles: no person data (decide)
    return load_facts(session, person_id=request.person_id, unit_id=actor.unit_id, provider_id=actor.provider_id,
                      account_id=actor.account_id, at=request.at)


def conclude(session: Session, attempt: Attempt, decision: Decision) -> Decision:
    """Log ``decision`` (one entry) and enforce it: return it when allowed, raise :class:`AccessDenied` when not.
    Opens the nödåtkomst the decision starts, in the caller's transaction."""
    request = attempt.request
    actor = request.actor
    if decision.allowed and decision.starts_emergency:
        assert actor.staff_id is not None and actor.unit_id is not None
        session.add(EmergencyAccessRow(
            person_id=request.person_id, account_id=actor.account_id, staff_id=actor.staff_id,
            unit_id=actor.unit_id, reason=decision.emergency_reason, started_at=request.at,
            expires_at=expires(request.at, attempt.emergency_duration), reviewed=False,
        ))
    entry = _entry(attempt, decision)
    return log_and_enforce(session, entry, decision)


def authorize_read_now(
    conn: Connection, actor: Actor, person_id: int, category: InformationCategory | str, purpose: Purpose | str,
    clock: Clock, *, owner_provider_id: int | None = None, resource: tuple[str, object] | None = None,
    plan_id: object | None = None, request_id: str | None = None, owner_unit_id: int | None = None,
    social_scope: bool = False,
) -> Decision:
    """:func:`authorize` for a read that is a unit of work of its own, on ``conn``, an autocommit connection
    (``Database.read_connection()``): the facts are read there and the entry — allowed or denied — is appended and
    committed before this returns or raises. Nothing waits for a transaction to end, and the chain head is held
    only for the one statement (nara.audit.store.entries.append_entry_now). Not for nödåtkomst (that writes more)."""
    decision, attempt = evaluate(conn, actor, person_id, category, AuditAction.READ, purpose, clock,
                                 owner_provider_id=owner_provider_id, resource=resource, plan_id=plan_id,
                                 request_id=request_id, owner_unit_id=owner_unit_id, social_scope=social_scope)
    record_now(conn, _entry(attempt, decision))
    if not decision.allowed:
        raise AccessDenied(decision)
    return decision


def _entry(attempt: Attempt, decision: Decision) -> AuditEvent:
    request = attempt.request
    return AuditEvent.for_actor(
        request.actor, occurred_at=request.at, action=attempt.audit_action,
        outcome=Outcome.ALLOWED if decision.allowed else Outcome.DENIED, unit_hsa_id=attempt.unit_hsa_id,
        person_id=request.person_id, resource_type=attempt.resource_type, resource_id=attempt.resource_id,
        information_category=request.category.value, purpose=request.purpose.value,
        # The stated reason of a nödåtkomst, and of an attempted one that was refused, goes to review.
        emergency_reason=decision.emergency_reason if decision.allowed else request.emergency_reason,
        denial_reason=None if decision.allowed else decision.reason.value, request_id=attempt.request_id,
    )


def expires(started_at: datetime, duration: timedelta | None) -> datetime:
    """When a nödåtkomst started at ``started_at`` ends; a duration beyond the maximum is refused (DOMAIN §5)."""
    try:
        return emergency_expiry(started_at, duration)
    except ValueError:
        raise ValidationFailed("access.emergency.duration", days=MAX_EMERGENCY_DURATION.days) from None


def log_and_enforce(session: Session, entry: AuditEvent, decision: Decision, **params: object) -> Decision:
    """Queue ``entry`` as described in the module docstring; raise :class:`AccessDenied` when denied."""
    session.connection()  # make sure a transaction is there to end
    if decision.allowed:
        session.info.setdefault(_ALLOWED, []).append(entry)
        return decision
    session.info.setdefault(_DENIED, []).append(entry)
    raise AccessDenied(decision, **params)


@event.listens_for(Session, "before_commit")
def _append_allowed(session: Session) -> None:
    """The allowed entries go in last, in the transaction that commits the change they record."""
    entries = session.info.pop(_ALLOWED, None)
    for entry in entries or ():
        record(session, entry)


@event.listens_for(Session, "after_transaction_end")
def _append_denied(session: Session, transaction: SessionTransaction) -> None:
    """When the caller's transaction has ended, committed or not: allowed entries not yet written were rolled
    back with it; denied ones are written now, in their own transaction, and kept."""
    if transaction.parent is not None:
        return  # a savepoint; the outer transaction goes on
    session.info.pop(_ALLOWED, None)
    entries = session.info.pop(_DENIED, None)
    if not entries:
        return
    bind = session.get_bind()
    engine = bind.engine if isinstance(bind, Connection) else bind
    with Session(engine) as apart, apart.begin():
        for entry in entries:
            record(apart, entry)


# --- what the UI says about a decision -------------------------------------------------------------------------


def emergency_offers(decision: Decision, actor: Actor) -> dict[str, bool]:
    """What a denial page offers a staff member (DOMAIN §5): the plain nödåtkomst past a missing consent or an
    inre spärr of the own provider, or — through another provider's spärr — the first of the two steps. Nothing
    without a patient relationship or past what the role may reach (``emergency_possible`` is then false)."""
    possible = decision.emergency_possible and actor.role is Role.STAFF
    through_sparr = decision.reason in (Reason.YTTRE_SPARR, Reason.INRE_SPARR_OTHER_PROVIDER)
    return {"offer_emergency": possible and not through_sparr, "offer_step_one": possible and through_sparr}


def denial_page(exc: AccessDenied, actor: Actor, person_id: int | None) -> dict[str, Any]:
    """What every part's denial page (the kit's person_denied.html) shows: why, the spärrar that exist, and — when
    the page knows whose data it was — nödåtkomst where it would open it."""
    offers = emergency_offers(exc.decision, actor) if person_id else {}
    return {"message": exc.message, "notices": blocked_notices(exc.decision), "person_id": person_id or 0,
            "error": None, **offers}


def blocked_notices(decision: Decision) -> list[str]:
    """"Det finns spärrad information (…), spärrad av … den …" for each spärr hiding something from the actor:
    blocked content is never shown, but that it exists and who set the block always is (DOMAIN §5)."""
    return [_notice(block) for block in decision.blocked]


def _notice(block: Block) -> str:
    what = t(f"access.category.{block.category.value}") if block.category else t("access.blocked_notice.plan")
    if block.provider_name is None:  # another provider's, before the first step of a nödåtkomst (DOMAIN §5)
        return t("access.blocked_notice.anonymous", what=what)
    if block.kind is BlockKind.INRE and block.unit_name:
        by = f"{block.unit_name} ({block.provider_name})"
    else:
        by = block.provider_name
    return t("access.blocked_notice", what=what, by=by, date=local_date(block.set_at).isoformat())


# --- many pieces of one record, for one reader ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Owner:
    """Who documented one piece of information, as the policy asks about it: its kind, the care provider and unit
    that documented it, and whether it concerns or is addressed to social services (DOMAIN §5)."""

    category: InformationCategory
    provider_id: int | None
    unit_id: int | None = None
    social_scope: bool = False


@dataclass(frozen=True, slots=True)
class PieceDecisions:
    """The decisions of :func:`authorize_pieces`: the frame's (allowed, or it would have raised) and one per
    distinct owner. ``of`` answers for any owner that was asked about."""

    frame: Decision
    decisions: dict[Owner, Decision]
    actor: Actor

    def of(self, owner: Owner) -> Decision:
        return self.decisions[_group(owner, self.actor, self.frame_owner)]

    @property
    def frame_owner(self) -> Owner:
        return next(iter(self.decisions))

    def withheld(self, owner: Owner) -> bool:
        return not self.of(owner).allowed


def _group(owner: Owner, actor: Actor, frame: Owner) -> Owner:
    """Owners the policy cannot tell apart for this actor decide as one (one decision, one audit entry): the
    resident reads all of their own data, other roles none; and whether a piece concerns social services matters
    only to a role that reaches just those pieces (nara.access.model.roles, level "social")."""
    if actor.role is not Role.STAFF:
        return frame
    if owner.social_scope and (owner.category not in ROLE_GOVERNED or default_table().level(
            actor.profession, actor.unit_kind, owner.category.value) is not Level.SOCIAL):
        return Owner(owner.category, owner.provider_id, owner.unit_id, False)
    return owner


def authorize_pieces(
    session: Session | Connection, actor: Actor, person_id: int, frame: Owner, pieces: Iterable[Owner],
    action: AuditAction | str, purpose: Purpose | str, clock: Clock, *, resource: tuple[str, object],
    plan_id: object | None = None, request_id: str | None = None,
    decided: Mapping[Owner, Decision] | None = None,
) -> PieceDecisions:
    """Decide many pieces of one record (a plan holds pieces documented by several providers and units) for one
    reader: the facts are loaded once, :func:`~nara.access.model.decide` is asked once per distinct owner, and
    each distinct decision — allowed or denied — writes exactly one audit entry (DOMAIN §5).

    ``frame`` is the record itself (its owner's): it is decided first, and when it is denied nothing is shown — its
    entry is written and :class:`AccessDenied` raised, as :func:`authorize` does. A denied piece does not raise: the
    caller withholds it, and shows that it is withheld and by whom (:func:`blocked_notice`). ``decided``: owners
    the caller has already decided and logged in this request (e.g. what a write wrote), not asked or logged
    again; the frame may be among them.

    On a :class:`Session` the entries follow its transaction as :func:`log_and_enforce` has it (allowed ones with
    the commit, denied ones kept even on a rollback). On an autocommit :class:`Connection`
    (``Database.read_connection()``) they are appended and committed before this returns or raises, as
    :func:`authorize_read_now` does."""
    resource_type, resource_id = resource
    if plan_id is None and resource_type == "plan":
        plan_id = resource_id
    audit_action = AuditAction(action)
    at = clock.now()

    def request(owner: Owner) -> AccessRequest:
        return AccessRequest(
            actor=actor, person_id=person_id, category=owner.category, action=action_of(audit_action),
            purpose=Purpose(purpose), at=at, owner_provider_id=owner.provider_id,
            plan_ref=None if plan_id is None else str(plan_id), owner_unit_id=owner.unit_id,
            social_scope=owner.social_scope)

    frame_group = _group(frame, actor, frame)
    known = {_group(o, actor, frame): d for o, d in (decided or {}).items()}
    unit_hsa_id, facts = _facts(session, request(frame_group))
    entries: list[AuditEvent] = []
    decisions: dict[Owner, Decision] = {}
    for owner in dict.fromkeys([frame_group, *(_group(o, actor, frame) for o in pieces)]):
        if owner in known:
            decisions[owner] = known[owner]
            continue
        asked = request(owner)
        decision = decide(asked, facts)
        decisions[owner] = decision
        entries.append(_entry(Attempt(asked, audit_action, resource_type, None if resource_id is None
                                      else str(resource_id), unit_hsa_id, request_id, None), decision))
        if owner == frame_group and not decision.allowed:
            break  # nothing of the record is shown: the one entry of the denial, and no more
    if isinstance(session, Session):
        session.connection()
        for entry in entries:
            key = _ALLOWED if entry.outcome == Outcome.ALLOWED else _DENIED
            session.info.setdefault(key, []).append(entry)
    else:
        for entry in entries:
            record_now(session, entry)
    frame_decision = decisions[frame_group]
    if not frame_decision.allowed:
        raise AccessDenied(frame_decision)
    return PieceDecisions(frame_decision, decisions, actor)


def blocked_notice(block: Block) -> str:
    """The notice of :func:`blocked_notices` for one spärr: for the piece a spärr withholds from a reader."""
    return _notice(block)
