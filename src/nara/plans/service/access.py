"""The plan use cases' questions to the access policy (DOMAIN §5): one piece at a time, or every piece a write
writes; one audit entry per decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.orm import Session

from nara.access.model import Decision, Reason
from nara.access.service import Owner, conclude, evaluate
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import Clock
from nara.core.errors import ValidationFailed
from nara.core.i18n import t
from nara.plans import model
from nara.plans.model import RESIDENT_ONLY, Author, Piece, PlanContext, PlanDocument
from nara.plans.service import pieces
from nara.plans.store import PlanRow


def ask(session: Session, actor: Actor, clock: Clock, person_id: int, plan_id: int | None,
            action: AuditAction, piece: Piece | Owner, refusal: Reason | None = None) -> Decision:
    """Ask the policy about one piece (the plan's frame or an element, with who documented it), add ``refusal`` on
    top; one entry."""
    decision, attempt = evaluate(session, actor, person_id, piece.category, action, purpose_of(actor), clock,
                                 owner_provider_id=piece.provider_id, resource=("plan", plan_id), plan_id=plan_id,
                                 owner_unit_id=piece.unit_id, social_scope=piece.social_scope)
    if decision.allowed and refusal is not None:
        decision = decision.refused(refusal)
    return conclude(session, attempt, decision)


def author_of(actor: Actor, now: datetime) -> Author:
    if actor.role is Role.RESIDENT:
        return Author(provider_id=None, unit_id=None, by_person=True, at=now, name=actor.display_name)
    role = ", ".join(x for x in (t(f"web.profession.{actor.profession}") if actor.profession else None,
                                 actor.unit_name) if x)
    return Author(provider_id=actor.provider_id, unit_id=actor.unit_id, by_person=False, at=now,
                  name=actor.display_name, role=role or None)


def context_of(session: Session | Connection, plan: Any, *docs: PlanDocument) -> tuple[PlanContext,
                                                                                     pieces.Directory]:
    names = pieces.directory(session, plan.owner_provider_id, plan.owner_unit_id, docs)
    return pieces.context(plan.owner_provider_id, plan.owner_unit_id, names), names


def authorize_write(session: Session, actor: Actor, clock: Clock, plan: PlanRow, doc: PlanDocument,
                     ops: Sequence[Any], author: Author) -> dict[Owner, Decision]:
    """The policy's answers for applying ``ops`` (module docstring): one WRITE per distinct piece written, with
    who documents it (:func:`nara.plans.model.write_piece`), after one READ of the plan for staff of another
    provider. Returns those decisions: what they cover need not be asked again for the view."""
    ctx, _names = context_of(session, plan, doc)
    frame = model.frame_piece(doc, ctx)
    if actor.role is Role.RESIDENT:
        refused = any(not model.resident_may(op, doc) for op in ops)
        written = ask(session, actor, clock, plan.person_id, plan.id, AuditAction.WRITE, frame,
                          Reason.STAFF_ONLY if refused else None)
        return {pieces.owner(frame): written}
    decisions: dict[Owner, Decision] = {}
    if actor.provider_id != plan.owner_provider_id:
        decisions[pieces.owner(frame)] = ask(session, actor, clock, plan.person_id, plan.id, AuditAction.READ,
                                                 frame)
    written_pieces = {model.write_piece(op, doc, author, ctx) for op in ops} or {frame}
    for piece in sorted(written_pieces, key=lambda p: (p.provider_id, p.unit_id or 0, p.category.value,
                                                       p.social_scope)):
        decisions[pieces.owner(piece)] = ask(session, actor, clock, plan.person_id, plan.id,
                                                 AuditAction.WRITE, piece)
    if any(isinstance(op, RESIDENT_ONLY) for op in ops):
        raise ValidationFailed("plans.resident_only")
    return decisions
