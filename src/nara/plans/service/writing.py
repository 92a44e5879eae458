"""Creating and changing plans (DOMAIN §2–3): optimistic versions (412 when another writer got there first), the
indexes, and the references a change brings in."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara.access.model import InformationCategory, Reason, starting_relationship
from nara.access.service import Owner, conclude, evaluate
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import Clock
from nara.core.errors import Conflict, NotFound, PreconditionFailed, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.plans import model, store
from nara.plans.model import (
    FINALISE_FROM,
    FINALISE_TO,
    RESIDENT_ONLY,
    UNIT_RESPONSIBLE,
    AnswerInvitation,
    ApproveSip,
    InvitationStatus,
    Operation,
    PlanDocument,
    PlanKind,
    PlanStatus,
    ResponsibleKind,
    SipPhase,
    UnitRole,
)
from nara.plans.service import commitments, pieces
from nara.plans.service.access import ask, author_of, authorize_write, context_of
from nara.plans.service.notify import DEFAULT_NOTIFIER, Notifier, notify_change
from nara.plans.service.reading import parse_document, plan_row, shown_plan
from nara.plans.service.relationships import consent_for_plan, start_relationship, update_relationships
from nara.plans.service.results import PlanView, Written, etag
from nara.plans.store import PlanRow, PlanVersionRow

MAX_OPERATIONS = 50  # per request: one change to a plan is read by a person


def create_plan(session: Session, actor: Actor, clock: Clock, *, person_id: int, kind: PlanKind | str,
                operations: Sequence[Operation] = (), notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """Create a Patientkontrakt or a SIP for the person, owned by the actor's unit and care provider, with
    ``operations`` as its first content (version 1). Staff only (the person is refused, logged). One CREATE entry,
    plus the entries of the care relationships it starts. A person has at most one active Patientkontrakt
    (Conflict, 409); a SIP starts in the phase kallelse. Raises AccessDenied, ValidationFailed, NotFound (a unit,
    staff member or care provider the content names)."""
    kind = PlanKind(kind)
    now = clock.now()
    refusal = None if actor.role is Role.STAFF else Reason.STAFF_ONLY
    # A resident or another role has no provider to own the plan; the policy (or the refusal) says no anyway.
    # The new plan is the actor's unit's record; a SIP, or a plan made at a social-services unit, concerns social
    # services (nara.plans.model.frame_piece).
    created = Owner(InformationCategory.PLAN, actor.provider_id or 0, actor.unit_id,
                    kind is PlanKind.SIP or actor.unit_kind in model.SOCIAL_UNIT_KINDS)
    decision = ask(session, actor, clock, person_id, None, AuditAction.CREATE, created, refusal)
    if len(operations) > MAX_OPERATIONS:
        raise ValidationFailed("plans.too_many", limit=MAX_OPERATIONS)
    if any(isinstance(op, RESIDENT_ONLY) for op in operations):
        raise ValidationFailed("plans.resident_only")
    assert actor.provider_id is not None and actor.unit_id is not None  # the policy allows only staff with a unit
    single_key = _single_key(kind, person_id)
    existing = store.plan_with_key(session, single_key)
    if existing is not None:
        # One active Patientkontrakt, and one open SIP, per person (DOMAIN §2–3): the open one is used instead.
        raise Conflict("plans.exists" if kind is PlanKind.PATIENTKONTRAKT else "plans.sip_exists",
                       plan_id=existing, extra={"plan_id": existing})
    author = author_of(actor, now)
    empty = model.new_document(kind)
    doc = model.apply_operations(empty, operations, author)
    _check_references(session, doc, empty)
    doc = commitments.with_requests(session, empty, doc, author, 1)  # another principal's commitments it names
    plan = PlanRow(person_id=person_id, kind=kind.value, owner_provider_id=actor.provider_id,
                   owner_unit_id=actor.unit_id, version=1, document=doc.model_dump_json(),
                   status=model.state_of(doc), open_requests=model.open_requests(doc),
                   follow_ups=len(doc.sip.follow_ups) if doc.sip else 0, single_key=single_key, created_at=now,
                   created_by=actor.account_id, updated_at=now, updated_by=actor.account_id)
    session.add(plan)
    try:
        session.flush()
    except IntegrityError:  # another request created it a moment ago; the caller's unit of work rolls back
        raise Conflict("plans.exists_active" if kind is PlanKind.PATIENTKONTRAKT else "plans.sip_exists_now") from None
    _add_version(session, actor, plan, doc, t("plans.diff.created"), now)
    _index(session, plan.id, doc, actor.unit_id, fresh=True)
    update_relationships(session, actor, clock, plan, empty, doc)
    notify_change(session, actor, plan, empty, doc, model.diff_documents(empty, doc), now, notifier, created=True)
    commitments.notify_requests(session, plan, empty, doc, now, notifier)
    return shown_plan(session, actor, clock, plan, doc, AuditAction.READ, {created: decision})


def _single_key(kind: PlanKind, person_id: int) -> str:
    """The key that keeps a person's plans of a kind one while open: one active Patientkontrakt (DOMAIN §2) and one
    open SIP (DOMAIN §3: one coordinated plan with every principal and the person; a kallelse adds a meeting to
    it)."""
    return f"{'patientkontrakt' if kind is PlanKind.PATIENTKONTRAKT else 'sip'}:{person_id}"


def open_sip(session: Session, person_id: int) -> int | None:
    """The person's open SIP (not avslutad), if any: there is at most one."""
    return store.plan_with_key(session, _single_key(PlanKind.SIP, person_id))


def change_plan(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                operations: Sequence[Operation], notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """Apply ``operations`` to version ``expected_version`` of the plan, making one new version (module
    docstring for who may). Raises NotFound, AccessDenied, PreconditionFailed (412: not the current version),
    ValidationFailed, Conflict."""
    if not operations:
        raise ValidationFailed("plans.operations_empty")
    if len(operations) > MAX_OPERATIONS:
        raise ValidationFailed("plans.too_many", limit=MAX_OPERATIONS)
    plan = plan_row(session, plan_id)
    now = clock.now()
    author = author_of(actor, now)
    doc = parse_document(plan.document)
    decided = authorize_write(session, actor, clock, plan, doc, operations, author)
    expect_version(plan, expected_version)
    new = model.apply_operations(doc, operations, author)
    new = commitments.with_requests(session, doc, new, author, expected_version + 1)  # nara.plans.model.approvals
    commit_version(session, actor, clock, plan, expected_version, doc, new, now, notifier)
    commitments.notify_requests(session, plan, doc, new, now, notifier)
    return shown_plan(session, actor, clock, plan, new, AuditAction.READ, decided)


def transition_sip(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                   to: SipPhase | str, notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """Move a SIP to phase ``to`` (nara.plans.model.check_transition). A plan-wide fact: the plan's care provider
    records it (staff of other providers are refused, OTHER_PROVIDER_WRITE; the person, STAFF_ONLY). Fastställa —
    plan → uppföljning, also :func:`finalise_sip` — raises SipIncomplete (422) naming each missing statutory part
    and a missing consent. Raises NotFound, AccessDenied, PreconditionFailed, Conflict, ValidationFailed."""
    plan = plan_row(session, plan_id)
    now = clock.now()
    refusal = None if actor.role is Role.STAFF else Reason.STAFF_ONLY
    doc = parse_document(plan.document)
    ctx, _names = context_of(session, plan, doc)
    frame = pieces.owner(model.frame_piece(doc, ctx))
    decision = ask(session, actor, clock, plan.person_id, plan.id, AuditAction.WRITE, frame, refusal)
    expect_version(plan, expected_version)
    new = model.transition(doc, to, author_of(actor, now))
    if doc.sip is not None and doc.sip.phase is FINALISE_FROM and new.sip is not None \
            and new.sip.phase is FINALISE_TO:
        missing = model.missing_approvals(doc)
        if missing:  # decided together: fastställd only when every party has approved (DOMAIN §3)
            raise model.SipNotApproved(missing)
    commit_version(session, actor, clock, plan, expected_version, doc, new, now, notifier)
    return shown_plan(session, actor, clock, plan, new, AuditAction.READ, {frame: decision})


def finalise_sip(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                 notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """The actor's party approves the SIP (:func:`approve_sip`): no party fastställer it alone. It is fastställd —
    from the plan phase into follow-up (nara.plans.model.FINALISE_FROM/FINALISE_TO) — with the last approval
    missing; before that the four statutory parts and the person's consent must be there (SipIncomplete, 422)."""
    return approve_sip(session, actor, clock, plan_id, expected_version, notifier=notifier)


def approve_sip(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int, *,
                representative: str | None = None, notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """Decided together (DOMAIN §3): the actor's party approves the SIP as it reads now — staff for their care
    provider, a principal of the plan; the person in Min plan; staff recording the approval of the person's ombud
    (``representative``). Recorded with name, role and time in a new version; the last approval missing makes the
    SIP fastställd. A later change to what the plan states clears the approvals (nara.plans.model.reopens).
    Access as :func:`change_plan` (the approval is the approver's own record). Raises SipIncomplete (422),
    ValidationFailed (not a party), Conflict (phase), NotFound, AccessDenied, PreconditionFailed."""
    op = ApproveSip(op="approve_sip", representative=representative or None)
    return change_plan(session, actor, clock, plan_id, expected_version, [op], notifier)


def answer_invitation(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                      accept: bool, notifier: Notifier = DEFAULT_NOTIFIER) -> Written:
    """The invited unit (the actor's) accepts or declines its SIP invitation. It writes only the unit's own
    answer (one WRITE entry, own provider): it does not read the plan, so it works before the unit has a care
    relationship. Accepting starts the unit's care relationship (kind sip) and, when the person's consent to the
    SIP is registered, records that consent for the unit's care provider for this plan (the SIP consent covers
    sharing the plan among its participants, DOMAIN §3, §5). Raises NotFound (no open invitation for the unit),
    AccessDenied, PreconditionFailed."""
    plan = plan_row(session, plan_id)
    now = clock.now()
    doc = parse_document(plan.document)
    invitation = None
    if doc.sip is not None and actor.unit_id is not None:
        invitation = next((i for i in doc.sip.invitations
                           if i.unit_id == actor.unit_id and i.status is InvitationStatus.INBJUDEN), None)
    if actor.role is Role.STAFF and actor.unit_id is not None and invitation is not None and accept:
        # The unit takes part from now: its own relationship (a unit may start one for itself, logged).
        start_relationship(session, actor, clock, plan, actor.unit_id)
    op = AnswerInvitation(op="answer_invitation", id=invitation.id if invitation else "i0", accept=accept)
    owner = actor.provider_id if actor.provider_id is not None else plan.owner_provider_id
    decision, attempt = evaluate(session, actor, plan.person_id, InformationCategory.PLAN, AuditAction.WRITE,
                                 purpose_of(actor), clock, owner_provider_id=owner, resource=("plan", plan.id),
                                 owner_unit_id=actor.unit_id, social_scope=True)  # participants: the SIP's frame
    if actor.role is not Role.STAFF:
        decision = decision.refused(Reason.STAFF_ONLY) if decision.allowed else decision
    elif invitation is not None and actor.unit_id is not None:
        # Declining is the invited unit's own answer about itself: like starting a relationship of its own, it
        # needs none beforehand (nara.access.model.starting_relationship).
        decision = starting_relationship(decision, actor, actor.unit_id)
    conclude(session, attempt, decision)
    if invitation is None:
        raise NotFound("plans.element_not_found", id="kallelse")
    expect_version(plan, expected_version)
    new = model.apply_operation(doc, op, author_of(actor, now))
    commit_version(session, actor, clock, plan, expected_version, doc, new, now, notifier, relationships=False)
    if accept and doc.sip is not None and doc.sip.consent is not None and doc.sip.consent.given:
        consent_for_plan(session, actor, clock, plan)
    return Written(id=plan.id, version=plan.version, etag=etag(plan.id, plan.version))


def expect_version(plan: PlanRow, expected_version: int) -> None:
    if plan.version != expected_version:
        raise _stale(plan.id, plan.version, expected_version)


def _stale(plan_id: int, current: int, expected: int) -> PreconditionFailed:
    tag = etag(plan_id, current)
    return PreconditionFailed("plans.precondition_failed", current=current, expected=expected,
                              extra={"current_version": current, "current_etag": tag}, headers={"ETag": tag})


def commit_version(session: Session, actor: Actor, clock: Clock, plan: PlanRow, expected: int,
                    old: PlanDocument, new: PlanDocument, now: datetime, notifier: Notifier, *,
                    relationships: bool = True) -> None:
    """Write ``new`` as version ``expected + 1`` (412 when another writer got there first), its history row, the
    indexes, the care relationships and the notifications."""
    _check_references(session, new, old)
    entries = model.diff_documents(old, new)
    values = {"document": new.model_dump_json(), "status": model.state_of(new),
              "open_requests": model.open_requests(new), "follow_ups": len(new.sip.follow_ups) if new.sip else 0,
              "updated_at": now, "updated_by": actor.account_id}
    if new.kind is PlanKind.PATIENTKONTRAKT and new.status is not old.status:
        values["single_key"] = f"patientkontrakt:{plan.person_id}" if new.status is PlanStatus.AKTIV else None
    if new.sip is not None and new.sip.phase is SipPhase.AVSLUTAD and old.sip is not None \
            and old.sip.phase is not SipPhase.AVSLUTAD:
        values["single_key"] = None  # a closed SIP: a new one may be made
    try:
        advanced = store.advance(session, plan.id, expected, values)
    except IntegrityError:  # reopened while another Patientkontrakt is active; the unit of work rolls back
        raise Conflict("plans.exists_active") from None
    if not advanced:
        current = store.current_version(session, plan.id, fresh=True)
        raise _stale(plan.id, current or expected, expected)
    session.refresh(plan)
    _add_version(session, actor, plan, new, model.summary(entries), now)
    _index(session, plan.id, new, plan.owner_unit_id)
    if relationships:
        update_relationships(session, actor, clock, plan, old, new)
    notify_change(session, actor, plan, old, new, entries, now, notifier)


def _add_version(session: Session, actor: Actor, plan: PlanRow, doc: PlanDocument, summary: str,
                 now: datetime) -> None:
    session.add(PlanVersionRow(
        plan_id=plan.id, version=plan.version, document=doc.model_dump_json(), author_account_id=actor.account_id,
        author_name=actor.display_name[:200], author_staff_id=actor.staff_id, author_hsa_id=actor.staff_hsa_id,
        author_unit_id=actor.unit_id if actor.role is Role.STAFF else None,
        author_provider_id=actor.provider_id if actor.role is Role.STAFF else None,
        by_person=actor.role is Role.RESIDENT, created_at=now, summary=summary))
    session.flush()


def _index(session: Session, plan_id: int, doc: PlanDocument, owner_unit_id: int, *, fresh: bool = False) -> None:
    units = model.involved_units(doc)
    units.setdefault(owner_unit_id, set()).add(UnitRole.OWNER)
    store.replace_indexes(session, plan_id, units, model.agenda(doc), fresh=fresh)


def _check_references(session: Session, new: PlanDocument, old: PlanDocument) -> None:
    """Units, staff and care providers the change brings into the plan exist, and are of the right kind: a region
    unit belongs to a region (or a private provider working for it), a municipal unit to a municipality, a
    principal (huvudman) is a region or a municipality."""
    new_units, new_staff, new_providers = model.referenced_ids(new)
    old_units, old_staff, old_providers = model.referenced_ids(old)
    responsible = {a.responsible.unit_id for a in new.activities if a.responsible.unit_id is not None}
    units = {i: row.provider_id for i, row in directory.units(session, (new_units - old_units) | responsible).items()}
    for unit_id in sorted(new_units - old_units):
        if unit_id not in units:
            raise NotFound("plans.unit_unknown", id=unit_id)
    kinds = {i: row.kind for i, row in directory.providers(
        session, set(units.values()) | (new_providers - old_providers)).items()}
    for activity in new.activities:
        responsible = activity.responsible
        if responsible.kind in UNIT_RESPONSIBLE and responsible.unit_id in units:
            kind = kinds[units[responsible.unit_id]]
            wanted = ("region", "privat") if responsible.kind is ResponsibleKind.REGION_UNIT else ("kommun",)
            if kind not in wanted:
                raise ValidationFailed("plans.responsible_kind", id=responsible.unit_id)
    for provider_id in sorted(new_providers - old_providers):
        if provider_id not in kinds:
            raise NotFound("plans.provider_unknown", id=provider_id)
        if kinds[provider_id] not in ("region", "kommun"):
            raise ValidationFailed("plans.principal_kind", id=provider_id)
    staff = directory.staff_members(session, new_staff - old_staff)
    for staff_id in sorted(new_staff - old_staff):
        if staff_id not in staff:
            raise NotFound("plans.staff_unknown", id=staff_id)
