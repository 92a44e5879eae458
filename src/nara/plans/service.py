"""Use cases of the Patientkontrakt and SIP (DOMAIN §2–3, §5). Each takes the caller's session (its unit of work),
the :class:`~nara.auth.model.Actor` and the injected :class:`~nara.core.clock.Clock`; the caller commits (e.g.
``with db.transaction() as s``). Each asks the access policy (:func:`nara.access.guard.evaluate` /
``conclude``, i.e. :func:`~nara.access.guard.authorize` with the use case's own rules on top) before it reads or
changes anything about the person, and every such call leaves exactly one audit entry. A denial raises
:class:`~nara.access.guard.AccessDenied` (403).

Who may do what (the policy decides; the use cases add the rules written here):

- **Reading** a plan: one READ of category PLAN whose owner is the plan's care provider — the plan is that
  provider's record, showing what every provider recorded in it together. Staff of another provider need a care
  relationship and the person's consent (lag 2022:913); the person reads their own plans.
- **Changing** a plan: one WRITE per care provider whose record the change writes
  (:func:`nara.plans.model.write_owner`): adding an element writes one's own record; changing an element writes the
  record of the provider that recorded it, which the policy refuses for another provider (OTHER_PROVIDER_WRITE);
  the unit responsible for an activity documents its status in its own record. Staff of another provider than the
  plan's first also READ the plan (they see it to change it, which needs consent). The returned view is covered by
  those entries. The person may add their own activities and notes, mark self-care done, ask to move or cancel a
  time (:func:`nara.plans.model.resident_may`); anything else is refused (STAFF_ONLY), logged.
- **Care relationships**: a unit added to the care team, made responsible for an activity or an intervention, or
  accepting a SIP invitation gets a care relationship (kind care_team, or sip for a SIP) through
  :func:`nara.access.grants.start_care_relationship` with ``source_ref`` ``plan:<id>``; when it no longer takes
  part and it is the acting unit, its relationship ends (:func:`~nara.access.grants.end_care_relationship`: only
  the unit that holds a relationship ends it, DOMAIN §5; another unit's ends at its end date, which a
  self-registered relationship always has). Those calls log their own entries.

Writes are optimistic: the caller names the version it started from; a write on any other version
raises :class:`~nara.core.errors.PreconditionFailed` (412), also when another writer commits first
(nara.plans.store.advance). Every write makes one new version with its author and a readable summary, and tells the
team and the person through the :class:`~nara.plans.notify.Notifier` in the same transaction.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import Connection, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara.access import grants
from nara.access.audit import AuditAction
from nara.access.grants_store import BlockRow, CareRelationshipRow, ConsentRow
from nara.access.guard import (
    AccessDenied,
    Owner,
    blocked_notices,
    conclude,
    evaluate,
)
from nara.access.model import (
    Decision,
    InformationCategory,
    Purpose,
    Reason,
    RelationshipKind,
    starting_relationship,
)
from nara.auth.model import Actor, Role
from nara.auth.store import AccountRow
from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.core.errors import Conflict, Forbidden, NotFound, PreconditionFailed, ValidationFailed
from nara.core.i18n import t
from nara.directory.store import CareProviderRow, PersonRow, StaffRow, UnitRow
from nara.plans import model, pieces, store
from nara.plans.model import (
    FINALISE_TO,
    RESIDENT_ONLY,
    UNIT_RESPONSIBLE,
    AnswerInvitation,
    Author,
    DiffEntry,
    InvitationStatus,
    Key,
    Operation,
    Piece,
    PlanContext,
    PlanDocument,
    PlanKind,
    PlanStatus,
    ResponsibleKind,
    SipPhase,
    UnitRole,
)
from nara.plans.notify import InAppNotifier, Notification, Notifier
from nara.plans.store import PlanRow, PlanVersionRow

DEFAULT_NOTIFIER: Notifier = InAppNotifier()
MAX_OPERATIONS = 50
WORKLIST_LIMIT = 100


# --- what the service returns --------------------------------------------------------------------------------------


class UnitRef(BaseModel):
    id: int
    name: str
    kind: str
    phone: str | None
    provider_id: int
    provider_name: str


class StaffRef(BaseModel):
    id: int
    name: str
    profession: str


class ProviderRef(BaseModel):
    id: int
    name: str
    kind: str


class NextStepOut(BaseModel):
    kind: str
    element_id: str | None
    text: str
    on: date | None
    at: datetime | None


class MissingOut(BaseModel):
    part: str
    element_ids: list[str]
    detail: str


class WithheldOut(BaseModel):
    """Something in the plan the reader may not see: which part of the plan, how many pieces, and why — who set
    the spärr, or that consent for the provider that documented it is missing — never its content (DOMAIN §5)."""

    section: str
    count: int
    text: str


class PlanView(BaseModel):
    """A plan as its reader sees it: the document and what is computed from it today. ``units``, ``staff`` and
    ``providers`` name the ids the document holds. Pieces documented by a provider or unit whose information the
    reader may not see are left out of ``document`` and named in ``withheld``."""

    id: int
    person_id: int
    kind: PlanKind
    status: str
    version: int
    etag: str
    owner_provider_id: int
    owner_unit_id: int
    created_at: datetime
    updated_at: datetime
    document: PlanDocument
    next_step: NextStepOut | None
    overdue_activity_ids: list[str]
    open_requests: int
    missing_for_finalising: list[MissingOut]
    blocked: list[str]
    withheld: list[WithheldOut] = []
    via_emergency: bool
    units: list[UnitRef]
    staff: list[StaffRef]
    providers: list[ProviderRef]


class PlanSummary(BaseModel):
    id: int
    kind: PlanKind
    status: str
    version: int
    etag: str
    owner_provider_id: int
    owner_unit_id: int
    updated_at: datetime
    next_step: NextStepOut | None
    overdue: int
    open_requests: int


class Written(BaseModel):
    """What a write returns when the writer may not read the plan (e.g. answering a SIP invitation)."""

    id: int
    version: int
    etag: str


class VersionInfo(BaseModel):
    version: int
    created_at: datetime
    author_name: str
    author_hsa_id: str | None
    author_unit_id: int | None
    author_provider_id: int | None
    by_person: bool
    summary: str


class ChangeOut(BaseModel):
    section: str
    element_id: str | None
    change: str
    title: str
    fields: list[dict[str, Any]]
    text: str


class VersionView(VersionInfo):
    """A version as the reader may see it, with what changed from the version before (empty for the first)."""

    document: PlanDocument
    withheld: list[WithheldOut] = []
    changes: list[ChangeOut] = []


class DiffView(BaseModel):
    plan_id: int
    from_version: int
    to_version: int
    changes: list[ChangeOut]
    withheld: list[WithheldOut] = []


class WorkItem(BaseModel):
    """One row of the staff worklist. ``access`` is None when the plan could be shown; otherwise the reason code
    of the denial (logged), or "invited" for a SIP the unit is invited to and has not answered — then only the
    plan's id, kind and version are given (answer with :func:`answer_invitation`)."""

    plan_id: int
    kind: PlanKind
    status: str
    version: int
    etag: str
    roles: list[str]
    access: str | None
    person_id: int | None = None
    person_name: str | None = None
    updated_at: datetime | None = None
    overdue: int = 0
    overdue_mine: int = 0
    open_requests: int = 0
    next_on: date | None = None


def etag(plan_id: int, version: int) -> str:
    """The entity tag of a plan version: strong, ``"<plan_id>-<version>"``. It names the stored version of the
    document, which is what If-Match compares."""
    return f'"{plan_id}-{version}"'


# --- access ---------------------------------------------------------------------------------------------------------


def _purpose(actor: Actor) -> Purpose:
    return Purpose.EGEN_INSYN if actor.role is Role.RESIDENT else Purpose.VARD


def _access(session: Session, actor: Actor, clock: Clock, person_id: int, plan_id: int | None,
            action: AuditAction, piece: Piece | Owner, refusal: Reason | None = None) -> Decision:
    """Ask the policy about one piece (the plan's frame or an element, with who documented it), add ``refusal`` on
    top; one entry."""
    decision, attempt = evaluate(session, actor, person_id, piece.category, action, _purpose(actor), clock,
                                 owner_provider_id=piece.provider_id, resource=("plan", plan_id), plan_id=plan_id,
                                 owner_unit_id=piece.unit_id, social_scope=piece.social_scope)
    if decision.allowed and refusal is not None:
        decision = decision.refused(refusal)
    return conclude(session, attempt, decision)


def _author(actor: Actor, now: datetime) -> Author:
    if actor.role is Role.RESIDENT:
        return Author(provider_id=None, unit_id=None, by_person=True, at=now)
    return Author(provider_id=actor.provider_id, unit_id=actor.unit_id, by_person=False, at=now)


def _context(session: Session | Connection, plan: Any, *docs: PlanDocument) -> tuple[PlanContext,
                                                                                     pieces.Directory]:
    names = pieces.directory(session, plan.owner_provider_id, plan.owner_unit_id, docs)
    return pieces.context(plan.owner_provider_id, plan.owner_unit_id, names), names


def _authorize_write(session: Session, actor: Actor, clock: Clock, plan: PlanRow, doc: PlanDocument,
                     ops: Sequence[Any], author: Author) -> dict[Owner, Decision]:
    """The policy's answers for applying ``ops`` (module docstring): one WRITE per distinct piece written, with
    who documents it (:func:`nara.plans.model.write_piece`), after one READ of the plan for staff of another
    provider. Returns those decisions: what they cover need not be asked again for the view."""
    ctx, _names = _context(session, plan, doc)
    frame = model.frame_piece(doc, ctx)
    if actor.role is Role.RESIDENT:
        refused = any(not model.resident_may(op, doc) for op in ops)
        written = _access(session, actor, clock, plan.person_id, plan.id, AuditAction.WRITE, frame,
                          Reason.STAFF_ONLY if refused else None)
        return {pieces.owner(frame): written}
    decisions: dict[Owner, Decision] = {}
    if actor.provider_id != plan.owner_provider_id:
        decisions[pieces.owner(frame)] = _access(session, actor, clock, plan.person_id, plan.id, AuditAction.READ,
                                                 frame)
    written_pieces = {model.write_piece(op, doc, author, ctx) for op in ops} or {frame}
    for piece in sorted(written_pieces, key=lambda p: (p.provider_id, p.unit_id or 0, p.category.value,
                                                       p.social_scope)):
        decisions[pieces.owner(piece)] = _access(session, actor, clock, plan.person_id, plan.id,
                                                 AuditAction.WRITE, piece)
    if any(isinstance(op, RESIDENT_ONLY) for op in ops):
        raise ValidationFailed("plans.resident_only")
    return decisions


# --- reading --------------------------------------------------------------------------------------------------------


def _plan(session: Session, plan_id: int) -> PlanRow:
    plan = session.get(PlanRow, plan_id)
    if plan is None:
        raise NotFound("plans.not_found")
    return plan


def _document(text: str) -> PlanDocument:
    return PlanDocument.model_validate_json(text)


class _ParsedDocuments:
    """Plan documents this process parsed lately, keyed by their JSON text: the same text always parses to the
    same document, so nothing here can go stale. Parsing was the largest single cost of a read. Only read_plan's
    own read path uses these, and only to read: nothing may change a document from here (the write paths parse
    their own copy)."""

    MAX_ENTRIES = 512

    def __init__(self) -> None:
        self._entries: OrderedDict[str, PlanDocument] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, text: str) -> PlanDocument:
        with self._lock:
            doc = self._entries.get(text)
            if doc is not None:
                self._entries.move_to_end(text)
                return doc
        doc = _document(text)
        with self._lock:
            self._entries[text] = doc
            while len(self._entries) > self.MAX_ENTRIES:
                self._entries.popitem(last=False)
        return doc


_parsed = _ParsedDocuments()


def read_plan(session: Session | Database, actor: Actor, clock: Clock, plan_id: int, *,
              action: AuditAction = AuditAction.READ) -> PlanView:
    """The plan as ``actor`` may see it (staff: care relationship, and consent for another provider's
    information; the person: their own). The plan's frame is decided first (denied: AccessDenied, 403), then each
    distinct provider and unit that documented a piece of it — one audit entry per distinct decision (``action``:
    READ, or PRINT for the written plan); pieces the actor may not see are withheld (nara.plans.pieces). Raises
    NotFound, AccessDenied.

    Given a Session, the read is part of the caller's unit of work and its entries are appended when that commits.
    Given the Database, the read is a unit of work of its own — the API's GET, the busiest route there is: no
    transaction, the facts loaded once and the entries committed before the plan is returned
    (guard.authorize_pieces on an autocommit connection)."""
    if isinstance(session, Database):
        with session.read_connection() as conn:
            plan = store.current(conn, plan_id)
            if plan is None:
                raise NotFound("plans.not_found")
            return _shown(conn, actor, clock, plan, _parsed.get(plan.document), action)
    plan = store.current(session, plan_id)
    if plan is None:
        raise NotFound("plans.not_found")
    return _shown(session, actor, clock, plan, _document(plan.document), action)


def _shown(session: Session | Connection, actor: Actor, clock: Clock, plan: Any, doc: PlanDocument,
           action: AuditAction, decided: dict[Owner, Decision] | None = None) -> PlanView:
    """Decide the plan's pieces for ``actor`` (those in ``decided`` already are) and build what they may see."""
    ctx, names = _context(session, plan, doc)
    all_pieces = model.plan_pieces(doc, ctx)
    frame = model.frame_piece(doc, ctx, all_pieces)
    decisions = pieces.decide(session, actor, clock, plan.person_id, plan.id, frame, all_pieces.values(),
                              _purpose(actor), action=action, decided=decided)
    return _view(plan, doc, pieces.Withholding(decisions, names), all_pieces, names, clock.now())


def plans_for_person(session: Session, actor: Actor, clock: Clock, person_id: int) -> list[PlanSummary]:
    """The person's plans that ``actor`` may see, each decided as :func:`read_plan` does (its frame, then each
    provider and unit that documented a piece: one READ entry each; one SEARCH entry when there is no plan), with
    the next step among what the actor may see. Raises the first denial when the actor may see none of them. For
    staff lists and the person's Min plan."""
    now = clock.now()
    rows = store.plans_of_person(session, person_id)
    if not rows:
        decision, attempt = evaluate(session, actor, person_id, InformationCategory.GRUNDUPPGIFTER,
                                     AuditAction.SEARCH, _purpose(actor), clock, resource=("plan", None))
        conclude(session, attempt, decision)
        return []
    shown: list[PlanSummary] = []
    denial: AccessDenied | None = None
    for plan in rows:
        doc = _document(plan.document)
        ctx, names = _context(session, plan, doc)
        all_pieces = model.plan_pieces(doc, ctx)
        try:
            decisions = pieces.decide(session, actor, clock, person_id, plan.id,
                                      model.frame_piece(doc, ctx, all_pieces), all_pieces.values(), _purpose(actor))
        except AccessDenied as exc:
            denial = denial or exc
            continue
        doc = model.redact(doc, pieces.Withholding(decisions, names).keys(all_pieces))
        step = model.next_step(doc, now)
        shown.append(PlanSummary(
            id=plan.id, kind=PlanKind(plan.kind), status=plan.status, version=plan.version,
            etag=etag(plan.id, plan.version), owner_provider_id=plan.owner_provider_id,
            owner_unit_id=plan.owner_unit_id, updated_at=plan.updated_at, next_step=_step(step),
            overdue=len(model.overdue_activities(doc, now)), open_requests=plan.open_requests))
    if not shown and denial is not None:
        raise denial
    return shown


def _step(step: model.NextStep | None) -> NextStepOut | None:
    if step is None:
        return None
    return NextStepOut(kind=step.kind, element_id=step.element_id, text=step.text, on=step.on, at=step.at)


def _view(plan: Any, full: PlanDocument, withholding: pieces.Withholding, all_pieces: dict[Key, Piece],
          names: pieces.Directory, now: datetime) -> PlanView:
    """The plan as the reader may see it: withheld pieces left out of the document and listed in ``withheld``;
    what is computed (next step, overdue, names) from what is shown. What a SIP still lacks is the plan's own
    fact (its statutory parts, DOMAIN §3), so it is asked of the whole document and names no content."""
    doc = model.redact(full, withholding.keys(all_pieces))
    unit_ids, staff_ids, provider_ids = model.referenced_ids(doc)
    recorded_units, recorded_providers = model.recorders(doc)
    unit_ids |= recorded_units | {plan.owner_unit_id}
    provider_ids |= recorded_providers | {plan.owner_provider_id}
    units = [UnitRef(id=i, name=name, kind=kind, phone=phone, provider_id=provider_id, provider_name=provider)
             for i, name, kind, phone, provider_id, provider in (names.units[u] for u in sorted(unit_ids)
                                                                   if u in names.units)]
    staff = [StaffRef(id=i, name=name, profession=profession)
             for i, name, profession in (names.staff[x] for x in sorted(staff_ids) if x in names.staff)]
    providers = [ProviderRef(id=i, name=name, kind=kind)
                 for i, name, kind in (names.providers[p] for p in sorted(provider_ids) if p in names.providers)]
    missing = [MissingOut(part=m.part.value, element_ids=list(m.element_ids), detail=m.message)
               for m in model.missing_for_finalising(full)]
    decision = withholding.decisions.frame
    return PlanView(
        id=plan.id, person_id=plan.person_id, kind=PlanKind(plan.kind), status=plan.status, version=plan.version,
        etag=etag(plan.id, plan.version), owner_provider_id=plan.owner_provider_id,
        owner_unit_id=plan.owner_unit_id, created_at=plan.created_at, updated_at=plan.updated_at, document=doc,
        next_step=_step(model.next_step(doc, now)),
        overdue_activity_ids=[a.id for a in model.overdue_activities(doc, now)],
        open_requests=model.open_requests(doc), missing_for_finalising=missing,
        blocked=blocked_notices(decision), withheld=[WithheldOut(**w) for w in withholding.listed(all_pieces)],
        via_emergency=decision.via_emergency, units=units, staff=staff, providers=providers,
    )


# --- creating and changing ------------------------------------------------------------------------------------------


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
    decision = _access(session, actor, clock, person_id, None, AuditAction.CREATE, created, refusal)
    if len(operations) > MAX_OPERATIONS:
        raise ValidationFailed("plans.too_many", limit=MAX_OPERATIONS)
    if any(isinstance(op, RESIDENT_ONLY) for op in operations):
        raise ValidationFailed("plans.resident_only")
    assert actor.provider_id is not None and actor.unit_id is not None  # the policy allows only staff with a unit
    single_key = f"patientkontrakt:{person_id}" if kind is PlanKind.PATIENTKONTRAKT else None
    if single_key is not None:
        existing = session.scalar(select(PlanRow.id).where(PlanRow.single_key == single_key))
        if existing is not None:
            raise Conflict("plans.exists", plan_id=existing)
    author = _author(actor, now)
    empty = model.new_document(kind)
    doc = model.apply_operations(empty, operations, author)
    _check_references(session, doc, empty)
    plan = PlanRow(person_id=person_id, kind=kind.value, owner_provider_id=actor.provider_id,
                   owner_unit_id=actor.unit_id, version=1, document=doc.model_dump_json(),
                   status=model.state_of(doc), open_requests=model.open_requests(doc),
                   follow_ups=len(doc.sip.follow_ups) if doc.sip else 0, single_key=single_key, created_at=now,
                   created_by=actor.account_id, updated_at=now, updated_by=actor.account_id)
    session.add(plan)
    try:
        session.flush()
    except IntegrityError:  # another request created it a moment ago; the caller's unit of work rolls back
        raise Conflict("plans.exists_active") from None
    _add_version(session, actor, plan, doc, t("plans.diff.created"), now)
    _index(session, plan.id, doc, actor.unit_id, fresh=True)
    _relationships(session, actor, clock, plan, empty, doc)
    _notify(session, actor, plan, empty, doc, model.diff_documents(empty, doc), now, notifier, created=True)
    return _shown(session, actor, clock, plan, doc, AuditAction.READ, {created: decision})


def change_plan(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                operations: Sequence[Operation], notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """Apply ``operations`` to version ``expected_version`` of the plan, making one new version (module
    docstring for who may). Raises NotFound, AccessDenied, PreconditionFailed (412: not the current version),
    ValidationFailed, Conflict."""
    if not operations:
        raise ValidationFailed("plans.operations_empty")
    if len(operations) > MAX_OPERATIONS:
        raise ValidationFailed("plans.too_many", limit=MAX_OPERATIONS)
    plan = _plan(session, plan_id)
    now = clock.now()
    author = _author(actor, now)
    doc = _document(plan.document)
    decided = _authorize_write(session, actor, clock, plan, doc, operations, author)
    _expect(plan, expected_version)
    new = model.apply_operations(doc, operations, author)
    _commit_version(session, actor, clock, plan, expected_version, doc, new, now, notifier)
    return _shown(session, actor, clock, plan, new, AuditAction.READ, decided)


def transition_sip(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                   to: SipPhase | str, notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """Move a SIP to phase ``to`` (nara.plans.model.check_transition). A plan-wide fact: the plan's care provider
    records it (staff of other providers are refused, OTHER_PROVIDER_WRITE; the person, STAFF_ONLY). Fastställa —
    plan → uppföljning, also :func:`finalise_sip` — raises SipIncomplete (422) naming each missing statutory part
    and a missing consent. Raises NotFound, AccessDenied, PreconditionFailed, Conflict, ValidationFailed."""
    plan = _plan(session, plan_id)
    now = clock.now()
    refusal = None if actor.role is Role.STAFF else Reason.STAFF_ONLY
    doc = _document(plan.document)
    ctx, _names = _context(session, plan, doc)
    frame = pieces.owner(model.frame_piece(doc, ctx))
    decision = _access(session, actor, clock, plan.person_id, plan.id, AuditAction.WRITE, frame, refusal)
    _expect(plan, expected_version)
    new = model.transition(doc, to, _author(actor, now))
    _commit_version(session, actor, clock, plan, expected_version, doc, new, now, notifier)
    return _shown(session, actor, clock, plan, new, AuditAction.READ, {frame: decision})


def finalise_sip(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                 notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """Fastställ the SIP: from the plan phase into follow-up (nara.plans.model.FINALISE_FROM/FINALISE_TO), only
    when the four statutory parts and the person's consent are there (SipIncomplete, 422, otherwise)."""
    return transition_sip(session, actor, clock, plan_id, expected_version, FINALISE_TO, notifier)


def answer_invitation(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int,
                      accept: bool, notifier: Notifier = DEFAULT_NOTIFIER) -> Written:
    """The invited unit (the actor's) accepts or declines its SIP invitation. It writes only the unit's own
    answer (one WRITE entry, own provider): it does not read the plan, so it works before the unit has a care
    relationship. Accepting starts the unit's care relationship (kind sip) and, when the person's consent to the
    SIP is registered, records that consent for the unit's care provider for this plan (the SIP consent covers
    sharing the plan among its participants, DOMAIN §3, §5). Raises NotFound (no open invitation for the unit),
    AccessDenied, PreconditionFailed."""
    plan = _plan(session, plan_id)
    now = clock.now()
    doc = _document(plan.document)
    invitation = None
    if doc.sip is not None and actor.unit_id is not None:
        invitation = next((i for i in doc.sip.invitations
                           if i.unit_id == actor.unit_id and i.status is InvitationStatus.INBJUDEN), None)
    if actor.role is Role.STAFF and actor.unit_id is not None and invitation is not None and accept:
        # The unit takes part from now: its own relationship (a unit may start one for itself, logged).
        _start_relationship(session, actor, clock, plan, actor.unit_id)
    op = AnswerInvitation(op="answer_invitation", id=invitation.id if invitation else "i0", accept=accept)
    owner = actor.provider_id if actor.provider_id is not None else plan.owner_provider_id
    decision, attempt = evaluate(session, actor, plan.person_id, InformationCategory.PLAN, AuditAction.WRITE,
                                 _purpose(actor), clock, owner_provider_id=owner, resource=("plan", plan.id),
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
    _expect(plan, expected_version)
    new = model.apply_operation(doc, op, _author(actor, now))
    _commit_version(session, actor, clock, plan, expected_version, doc, new, now, notifier, relationships=False)
    if accept and doc.sip is not None and doc.sip.consent is not None and doc.sip.consent.given:
        _consent_for_plan(session, actor, clock, plan)
    return Written(id=plan.id, version=plan.version, etag=etag(plan.id, plan.version))


def _expect(plan: PlanRow, expected_version: int) -> None:
    if plan.version != expected_version:
        raise _stale(plan.id, plan.version, expected_version)


def _stale(plan_id: int, current: int, expected: int) -> PreconditionFailed:
    error = PreconditionFailed("plans.precondition_failed", current=current, expected=expected)
    error.extra = {"current_version": current, "current_etag": etag(plan_id, current)}  # type: ignore[attr-defined]
    error.headers = {"ETag": etag(plan_id, current)}  # type: ignore[attr-defined]
    return error


def _commit_version(session: Session, actor: Actor, clock: Clock, plan: PlanRow, expected: int,
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
    try:
        advanced = store.advance(session, plan.id, expected, values)
    except IntegrityError:  # reopened while another Patientkontrakt is active; the unit of work rolls back
        raise Conflict("plans.exists_active") from None
    if not advanced:
        current = session.scalar(select(PlanRow.version).where(PlanRow.id == plan.id).execution_options(
            populate_existing=True))
        raise _stale(plan.id, current or expected, expected)
    session.refresh(plan)
    _add_version(session, actor, plan, new, model.summary(entries), now)
    _index(session, plan.id, new, plan.owner_unit_id)
    if relationships:
        _relationships(session, actor, clock, plan, old, new)
    _notify(session, actor, plan, old, new, entries, now, notifier)


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
    units = store.names(session, UnitRow, (new_units - old_units) | responsible, UnitRow.provider_id)
    for unit_id in sorted(new_units - old_units):
        if unit_id not in units:
            raise NotFound("plans.unit_unknown", id=unit_id)
    kinds = store.names(session, CareProviderRow, {p for (p,) in units.values()} | (new_providers - old_providers),
                        CareProviderRow.kind)
    for activity in new.activities:
        responsible = activity.responsible
        if responsible.kind in UNIT_RESPONSIBLE and responsible.unit_id in units:
            kind = kinds[units[responsible.unit_id][0]][0]
            wanted = ("region", "privat") if responsible.kind is ResponsibleKind.REGION_UNIT else ("kommun",)
            if kind not in wanted:
                raise ValidationFailed("plans.responsible_kind", id=responsible.unit_id)
    for provider_id in sorted(new_providers - old_providers):
        if provider_id not in kinds:
            raise NotFound("plans.provider_unknown", id=provider_id)
        if kinds[provider_id][0] not in ("region", "kommun"):
            raise ValidationFailed("plans.principal_kind", id=provider_id)
    staff = store.names(session, StaffRow, new_staff - old_staff, StaffRow.id)
    for staff_id in sorted(new_staff - old_staff):
        if staff_id not in staff:
            raise NotFound("plans.staff_unknown", id=staff_id)


# --- care relationships ------------------------------------------------------------------------------------------


def _source(plan: PlanRow) -> str:
    return f"plan:{plan.id}"


def _current_relationships(session: Session, plan: PlanRow, now: datetime) -> dict[int, list[CareRelationshipRow]]:
    rows = session.scalars(select(CareRelationshipRow).where(
        CareRelationshipRow.person_id == plan.person_id, CareRelationshipRow.source_ref == _source(plan),
        (CareRelationshipRow.valid_to.is_(None)) | (CareRelationshipRow.valid_to > now)))
    current: dict[int, list[CareRelationshipRow]] = {}
    for row in rows:
        current.setdefault(row.unit_id, []).append(row)
    return current


def _start_relationship(session: Session, actor: Actor, clock: Clock, plan: PlanRow, unit_id: int) -> None:
    if unit_id in _current_relationships(session, plan, clock.now()):
        return
    kind = RelationshipKind.SIP if plan.kind == PlanKind.SIP.value else RelationshipKind.CARE_TEAM
    grants.start_care_relationship(session, actor, clock, person_id=plan.person_id, kind=kind, unit_id=unit_id,
                                   source_ref=_source(plan))


def _relationships(session: Session, actor: Actor, clock: Clock, plan: PlanRow, old: PlanDocument,
                   new: PlanDocument) -> None:
    """Start care relationships for units that now take part in the plan and end those of units that no longer do
    (source_ref ``plan:<id>``). Only staff change who takes part (the person's operations name no units)."""
    before, after = model.care_units(old), model.care_units(new)
    if before == after or actor.role is not Role.STAFF:
        return
    current = _current_relationships(session, plan, clock.now())
    for unit_id in sorted(after - set(current)):
        _start_relationship(session, actor, clock, plan, unit_id)
    # Only the unit that holds a relationship ends it (DOMAIN §5); another unit's ends at its own end date (a
    # self-registered relationship always has one, nara.access.model.self_registered_end) or when it leaves.
    for unit_id in sorted((before - after) & {actor.unit_id}):
        for row in current.get(unit_id, []):
            grants.end_care_relationship(session, actor, clock, row.id)


def _consent_for_plan(session: Session, actor: Actor, clock: Clock, plan: PlanRow) -> None:
    now = clock.now()
    assert actor.provider_id is not None
    existing = session.scalar(select(ConsentRow.id).where(
        ConsentRow.person_id == plan.person_id, ConsentRow.care_provider_id == actor.provider_id,
        ConsentRow.revoked_at.is_(None), ConsentRow.valid_from <= now,
        (ConsentRow.valid_to.is_(None)) | (ConsentRow.valid_to > now),
        (ConsentRow.plan_ref.is_(None)) | (ConsentRow.plan_ref == str(plan.id))).limit(1))
    if existing is None:
        grants.give_consent(session, actor, clock, person_id=plan.person_id, care_provider_id=actor.provider_id,
                            plan_ref=str(plan.id))


# --- notifications --------------------------------------------------------------------------------------------------


def _local(at: datetime) -> str:
    return model.local_day(at).isoformat() + at.astimezone(model.STOCKHOLM).strftime(" %H:%M")


def _notify(session: Session, actor: Actor, plan: PlanRow, old: PlanDocument, new: PlanDocument,
            entries: Sequence[DiffEntry], now: datetime, notifier: Notifier, *, created: bool = False) -> None:
    """Team units hear that the plan changed (what kind of thing, not the content); newly invited units that they
    are invited; the person about new, moved and cancelled times and new activities for them, unless they made
    the change themselves."""
    if not entries and not created:
        return
    by_named = t("notify.by_person") if actor.role is Role.RESIDENT else (actor.unit_name or actor.display_name)
    kind = t(f"plans.value.{plan.kind}")
    kind = kind[:1].upper() + kind[1:]
    units_before, units_after = model.involved_units(old), model.involved_units(new)
    invited_now = {u for u, roles in units_after.items()
                   if UnitRole.INVITED in roles and UnitRole.INVITED not in units_before.get(u, set())}
    sections = list(dict.fromkeys(t(f"plans.section.{e.section}").lower() for e in entries))
    team = (set(units_after) | {plan.owner_unit_id}) - invited_now - {actor.unit_id}
    named_to = _author_named_to(session, actor, plan, team | invited_now, now)
    anonymous = t("access.blocked_notice.some_provider")
    for unit_id in sorted(u for u in team if u is not None):
        roles = units_after.get(unit_id, set())
        if roles == {UnitRole.INVITED}:
            continue  # not in the plan before it answers
        by = by_named if unit_id in named_to else anonymous
        text = (t("notify.plan_created", kind=kind, plan_id=plan.id, by=by) if created
                else t("notify.plan_changed", kind=kind, plan_id=plan.id, by=by, what=", ".join(sections)))
        notifier.deliver(session, Notification(person_id=plan.person_id, plan_id=plan.id,
                                               kind="plan_created" if created else "plan_changed", text=text,
                                               created_at=now, recipient_unit_id=unit_id))
    for unit_id in sorted(invited_now - {actor.unit_id}):
        invited_by = by_named if unit_id in named_to else anonymous
        notifier.deliver(session, Notification(person_id=plan.person_id, plan_id=plan.id, kind="sip_invited",
                                               text=t("notify.sip_invited", plan_id=plan.id, by=invited_by),
                                               created_at=now, recipient_unit_id=unit_id))
    if actor.role is Role.RESIDENT:
        return
    texts = _resident_texts(old, new, entries)
    if not texts:
        return
    accounts = session.scalars(select(AccountRow.id).where(AccountRow.person_id == plan.person_id,
                                                           AccountRow.is_active.is_(True))).all()
    for account_id in accounts:
        for kind_code, text in texts:
            notifier.deliver(session, Notification(person_id=plan.person_id, plan_id=plan.id, kind=kind_code,
                                                   text=text, created_at=now, recipient_account_id=account_id))


def _author_named_to(session: Session, actor: Actor, plan: PlanRow, units: set[int | None],
                     now: datetime) -> set[int]:
    """The recipient units a staff notification may name the author's unit to: those of the author's own care
    provider, and others only while no spärr of the author's provider hides its plan entries from them — under a
    yttre spärr which provider holds information is shown only in an emergency (DOMAIN §5). The person's own
    changes are named to everyone."""
    wanted = {u for u in units if u is not None}
    if actor.role is not Role.STAFF or actor.provider_id is None:
        return wanted
    providers = store.names(session, UnitRow, wanted, UnitRow.provider_id)
    blocked = session.scalar(select(BlockRow.id).where(
        BlockRow.person_id == plan.person_id, BlockRow.provider_id == actor.provider_id, BlockRow.set_at <= now,
        (BlockRow.lifted_at.is_(None)) | (BlockRow.lifted_at > now),
        (BlockRow.category == InformationCategory.PLAN.value) | (BlockRow.plan_ref == str(plan.id))).limit(1))
    return {u for u in wanted if blocked is None or providers.get(u, (None,))[0] == actor.provider_id}


def _resident_texts(old: PlanDocument, new: PlanDocument, entries: Sequence[DiffEntry]) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    old_times = {b.id: b for b in old.times}
    new_times = {b.id: b for b in new.times}
    activities = {a.id: a for a in new.activities}
    for entry in entries:
        if entry.section == "times" and entry.element_id in new_times:
            booked = new_times[entry.element_id]
            fields = dict(when=_local(booked.start), with_whom=booked.with_whom, purpose=booked.purpose)
            before = old_times.get(entry.element_id)
            if before is None and booked.status is model.TimeStatus.BOKAD:
                texts.append(("new_time", t("notify.resident.new_time", **fields)))
            elif before is not None and before.start != booked.start and booked.status is model.TimeStatus.BOKAD:
                texts.append(("moved_time", t("notify.resident.moved_time", **fields)))
            elif before is not None and before.status is not booked.status \
                    and booked.status is model.TimeStatus.INSTALLD:
                texts.append(("cancelled_time", t("notify.resident.cancelled_time", **fields)))
        elif entry.section == "activities" and entry.change == "added" and entry.element_id in activities:
            activity = activities[entry.element_id]
            if activity.responsible.kind is ResponsibleKind.PERSON:
                texts.append(("new_activity", t("notify.resident.new_activity", text=activity.text)))
    return texts


# --- history ---------------------------------------------------------------------------------------------------------


def history(session: Session, actor: Actor, clock: Clock, plan_id: int) -> list[VersionInfo]:
    """Every version of the plan, newest first, with author, time and summary — as the actor may see them: a
    change to a withheld piece is named as withheld in the summary, and the author of a version is not named when
    their provider's or unit's information is withheld (nara.plans.pieces). One READ entry per distinct decision."""
    plan = _plan(session, plan_id)
    rows = store.versions_of(session, plan.id, documents=True)
    docs = {row.version: _document(row.document) for row in rows}
    seen = _versions_seen(session, actor, clock, plan, docs, rows)
    return [seen.info(row) for row in rows]


class _VersionsSeen:
    """Versions of a plan decided for one reader: each piece of each version and each version's author."""

    def __init__(self, docs: dict[int, PlanDocument], maps: dict[int, dict[Key, Piece]], ctx: PlanContext,
                 frame: Piece, withholding: pieces.Withholding) -> None:
        self.docs, self.maps, self.ctx, self.frame, self.withholding = docs, maps, ctx, frame, withholding

    def changes(self, old: int, new: int) -> tuple[list[DiffEntry], list[str]]:
        notice_of = pieces.notice_lookup(self.withholding, self.maps[old], self.maps[new])
        return pieces.visible_changes(model.diff_documents(self.docs[old], self.docs[new]), notice_of)

    def info(self, row: PlanVersionRow) -> VersionInfo:
        info = _info(row)
        previous = row.version - 1
        if previous in self.docs and (self.withholding.keys(self.maps[previous])
                                      or self.withholding.keys(self.maps[row.version])):
            entries, notices = self.changes(previous, row.version)
            info.summary = pieces.summary(entries, notices)
        if not self.withholding.author(row.author_provider_id, row.author_unit_id, row.by_person, self.ctx,
                                       self.frame):
            info.author_name, info.author_hsa_id = t("plans.withheld.author"), None
            info.author_unit_id = info.author_provider_id = None
        return info

    def document(self, version: int) -> PlanDocument:
        return model.redact(self.docs[version], self.withholding.keys(self.maps[version]))


def _versions_seen(session: Session, actor: Actor, clock: Clock, plan: PlanRow, docs: dict[int, PlanDocument],
                   rows: Sequence[PlanVersionRow]) -> _VersionsSeen:
    """Decide the pieces of ``docs`` and the authors of ``rows`` for ``actor``: the facts once, one entry per
    distinct decision; the frame is the plan's newest version's among them."""
    names = pieces.directory(session, plan.owner_provider_id, plan.owner_unit_id, docs.values(),
                             authors=[(r.author_provider_id, r.author_unit_id) for r in rows])
    ctx = pieces.context(plan.owner_provider_id, plan.owner_unit_id, names)
    maps = {version: model.plan_pieces(doc, ctx) for version, doc in docs.items()}
    newest = max(docs) if docs else None
    frame = (model.frame_piece(docs[newest], ctx, maps[newest]) if newest is not None
             else model.frame_piece(_document(plan.document), ctx))
    authors = [model.author_piece(r.author_provider_id, r.author_unit_id, r.by_person, ctx, frame) for r in rows]
    every = [piece for found in maps.values() for piece in found.values()]
    decisions = pieces.decide(session, actor, clock, plan.person_id, plan.id, frame, [*every, *authors],
                              _purpose(actor))
    return _VersionsSeen(docs, maps, ctx, frame, pieces.Withholding(decisions, names))


def _info(row: PlanVersionRow) -> VersionInfo:
    return VersionInfo(version=row.version, created_at=row.created_at, author_name=row.author_name,
                       author_hsa_id=row.author_hsa_id, author_unit_id=row.author_unit_id,
                       author_provider_id=row.author_provider_id, by_person=row.by_person, summary=row.summary)


def _load_versions(session: Session, plan: PlanRow, *versions: int) -> tuple[dict[int, PlanDocument],
                                                                              list[PlanVersionRow]]:
    rows = [row for row in (store.version_of(session, plan.id, v) for v in sorted(set(versions)) if v >= 1)
            if row is not None]
    return {row.version: _document(row.document) for row in rows}, rows


def read_version(session: Session, actor: Actor, clock: Clock, plan_id: int, version: int) -> VersionView:
    """One earlier (or the current) version of the plan as it was, as the actor may see it (withheld pieces left
    out and listed). One READ entry per distinct decision. Raises NotFound."""
    plan = _plan(session, plan_id)
    docs, rows = _load_versions(session, plan, version - 1, version)
    seen = _versions_seen(session, actor, clock, plan, docs, [r for r in rows if r.version == version])
    row = next((r for r in rows if r.version == version), None)
    if row is None:
        raise NotFound("plans.version_not_found")
    withheld = [WithheldOut(**w) for w in seen.withholding.listed(seen.maps[version])]
    changes: list[ChangeOut] = []
    if version - 1 in docs:
        entries, notices = seen.changes(version - 1, version)
        changes = _changes_out(entries)
        withheld += [WithheldOut(section="plan", count=1, text=n) for n in notices
                     if n not in {w.text for w in withheld}]
    return VersionView(**seen.info(row).model_dump(), document=seen.document(version), withheld=withheld,
                       changes=changes)


def _changes_out(entries: Sequence[DiffEntry]) -> list[ChangeOut]:
    return [ChangeOut(section=e.section, element_id=e.element_id, change=e.change, title=e.title,
                      fields=[{"field": f.field, "before": f.before, "after": f.after} for f in e.fields],
                      text=model.describe(e)) for e in entries]


def diff(session: Session, actor: Actor, clock: Clock, plan_id: int, from_version: int,
         to_version: int) -> DiffView:
    """What changed between two versions, each change also as a Swedish sentence; a change to a piece the actor
    may not see is not shown, only that something withheld changed and why. One READ entry per distinct
    decision."""
    plan = _plan(session, plan_id)
    docs, _rows = _load_versions(session, plan, from_version, to_version)
    seen = _versions_seen(session, actor, clock, plan, docs, [])
    if from_version not in docs or to_version not in docs:
        raise NotFound("plans.version_not_found")
    entries, notices = seen.changes(from_version, to_version)
    return DiffView(plan_id=plan.id, from_version=from_version, to_version=to_version,
                    changes=_changes_out(entries),
                    withheld=[WithheldOut(section="plan", count=1, text=n) for n in notices])


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
            _access(session, actor, clock, row.person_id, row.plan_id, AuditAction.SEARCH, listed)
        except AccessDenied as exc:
            items.append(WorkItem(**base, access=exc.decision.reason.value))
            continue
        item = WorkItem(**base, access=None, person_id=row.person_id, updated_at=row.updated_at, overdue=row.overdue,
                        overdue_mine=row.overdue_mine, open_requests=row.open_requests, next_on=row.next_on)
        items.append(item)
        shown.append(item)
    persons = store.names(session, PersonRow, {i.person_id for i in shown if i.person_id}, PersonRow.given_name,
                          PersonRow.family_name)
    for item in shown:
        given, family = persons.get(item.person_id or 0, ("", ""))
        item.person_name = f"{given} {family}".strip() or None
    return items


# --- read by the discharge part -------------------------------------------------------------------------------


def plan_version(session: Session, plan_id: int) -> int | None:
    """The current version of a plan, or None when there is no such plan."""
    return session.scalar(select(PlanRow.version).where(PlanRow.id == plan_id))


def sip_meetings(session: Session, person_ids: Iterable[int]) -> list[tuple[int, int, int, datetime | None]]:
    """(plan id, person id, owner unit id, meeting start) of the persons' SIP plans, by plan id; the start is None
    for a SIP without a meeting time."""
    wanted = set(person_ids)
    if not wanted:
        return []
    out: list[tuple[int, int, int, datetime | None]] = []
    for plan in session.scalars(select(PlanRow).where(PlanRow.person_id.in_(wanted), PlanRow.kind == "sip")
                                .order_by(PlanRow.id)):
        meeting = (json.loads(plan.document).get("sip") or {}).get("meeting") or {}
        start = meeting.get("start")
        out.append((plan.id, plan.person_id, plan.owner_unit_id, datetime.fromisoformat(start) if start else None))
    return out

