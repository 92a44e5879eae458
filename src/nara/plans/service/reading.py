"""Reading plans (DOMAIN §2, §5): one plan as the reader may see it, and a person's plans."""

from __future__ import annotations

import threading
from collections import OrderedDict
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from nara.access.model import Decision, InformationCategory
from nara.access.service import AccessDenied, Owner, blocked_notices, conclude, evaluate
from nara.audit.model import AuditAction
from nara.core.actor import Actor, purpose_of
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.errors import NotFound
from nara.core.i18n import t
from nara.plans import model, store
from nara.plans.model import Key, Piece, PlanDocument, PlanKind
from nara.plans.service import pieces
from nara.plans.service.access import context_of
from nara.plans.service.results import (
    ApprovalOut,
    MissingOut,
    NextStepOut,
    PlanSummary,
    PlanView,
    ProviderRef,
    StaffRef,
    UnitRef,
    WithheldOut,
    etag,
)
from nara.plans.store import PlanRow

# --- reading --------------------------------------------------------------------------------------------------------


def plan_row(session: Session, plan_id: int) -> PlanRow:
    plan = session.get(PlanRow, plan_id)
    if plan is None:
        raise NotFound("plans.not_found")
    return plan


def parse_document(text: str) -> PlanDocument:
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
        doc = parse_document(text)
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
    READ, or PRINT for the written plan); pieces the actor may not see are withheld (nara.plans.service.pieces). Raises
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
            return shown_plan(conn, actor, clock, plan, _parsed.get(plan.document), action)
    plan = store.current(session, plan_id)
    if plan is None:
        raise NotFound("plans.not_found")
    return shown_plan(session, actor, clock, plan, parse_document(plan.document), action)


def shown_plan(session: Session | Connection, actor: Actor, clock: Clock, plan: Any, doc: PlanDocument,
           action: AuditAction, decided: dict[Owner, Decision] | None = None) -> PlanView:
    """Decide the plan's pieces for ``actor`` (those in ``decided`` already are) and build what they may see."""
    ctx, names = context_of(session, plan, doc)
    all_pieces = model.plan_pieces(doc, ctx)
    frame = model.frame_piece(doc, ctx, all_pieces)
    decisions = pieces.decide(session, actor, clock, plan.person_id, plan.id, frame, all_pieces.values(),
                              purpose_of(actor), action=action, decided=decided)
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
                                     AuditAction.SEARCH, purpose_of(actor), clock, resource=("plan", None))
        conclude(session, attempt, decision)
        return []
    shown: list[PlanSummary] = []
    denial: AccessDenied | None = None
    for plan in rows:
        doc = parse_document(plan.document)
        ctx, names = context_of(session, plan, doc)
        all_pieces = model.plan_pieces(doc, ctx)
        try:
            decisions = pieces.decide(session, actor, clock, person_id, plan.id,
                                      model.frame_piece(doc, ctx, all_pieces), all_pieces.values(), purpose_of(actor))
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
        approvals=_approvals(full, names),
        id=plan.id, person_id=plan.person_id, kind=PlanKind(plan.kind), status=plan.status, version=plan.version,
        etag=etag(plan.id, plan.version), owner_provider_id=plan.owner_provider_id,
        owner_unit_id=plan.owner_unit_id, created_at=plan.created_at, updated_at=plan.updated_at, document=doc,
        next_step=_step(model.next_step(doc, now)),
        overdue_activity_ids=[a.id for a in model.overdue_activities(doc, now)],
        open_requests=model.open_requests(doc), missing_for_finalising=missing,
        blocked=blocked_notices(decision), withheld=[WithheldOut(**w) for w in withholding.listed(all_pieces)],
        via_emergency=decision.via_emergency, units=units, staff=staff, providers=providers,
    )


def _approvals(doc: PlanDocument, names: pieces.Directory) -> list[ApprovalOut]:
    """Each party of a SIP and its approval, or that it is missing (a plan-wide fact, like what it lacks)."""
    if doc.sip is None:
        return []
    given = {a.provider_id: a for a in doc.sip.approvals}
    out: list[ApprovalOut] = []
    for party in model.parties(doc):
        approval = given.get(party)
        named = names.providers.get(party) if party is not None else None
        label = t("plans.approval.person") if party is None else (named[1] if named else t("plans.approval.principal"))
        out.append(ApprovalOut(
            principal_provider_id=party, person=party is None, party=label, approved=approval is not None,
            name=approval.name if approval else None, role=approval.role if approval else None,
            representative=approval.representative if approval else None,
            at=approval.recorded.at if approval else None))
    return out


# --- what a page names besides the plan -----------------------------------------------------------------------


def plan_person(session: Session, plan_id: int) -> int | None:
    """Whose plan this is, or None: for the denial page's nödåtkomst form, which asks the policy itself."""
    plan = store.current(session, plan_id)
    return plan.person_id if plan is not None else None


def person_has_plans(session: Session, person_id: int) -> bool:
    """Whether the person has any plan (demo data is made only for a person without one)."""
    return store.has_plans(session, person_id)


def plan_kind_and_person(session: Session, plan_id: int) -> tuple[str, int]:
    """The plan's kind and whose it is, for the heading of a page the service has let the actor see. Raises
    NotFound."""
    plan = store.current(session, plan_id)
    if plan is None:
        raise NotFound("plans.not_found")
    return plan.kind, plan.person_id


def plan_unit_ids(session: Session, plan_id: int) -> set[int]:
    """The units a plan names (from its index): to accept them as choices when checking a posted form without
    opening the plan; the write that follows is what the policy is asked about."""
    return store.unit_ids_of(session, plan_id)
