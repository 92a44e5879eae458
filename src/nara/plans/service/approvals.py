"""A principal approves or declines the changes to its commitments in a Patientkontrakt (nara.plans.model.approvals:
the rules and the decisions behind them)."""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.orm import Session

from nara.audit.model import AuditAction
from nara.core.actor import Actor
from nara.core.clock import Clock
from nara.core.errors import ValidationFailed
from nara.plans.model.approvals import AnswerCommitments, answer_commitments
from nara.plans.service.access import author_of, authorize_write
from nara.plans.service.commitments import notify_answers
from nara.plans.service.notify import DEFAULT_NOTIFIER, Notifier
from nara.plans.service.reading import parse_document, plan_row, shown_plan
from nara.plans.service.results import PlanView
from nara.plans.service.writing import commit_version, expect_version


def answer_approvals(session: Session, actor: Actor, clock: Clock, plan_id: int, expected_version: int, *,
                     accept: bool, reason: str | None = None, notifier: Notifier = DEFAULT_NOTIFIER) -> PlanView:
    """The actor's care provider approves (``accept``) or declines, with a ``reason``, every change to its
    commitments waiting in version ``expected_version`` of the plan: "Godkänn ändringen" / "Avböj". Recorded
    with the actor's name, role (profession, unit) and the time in a new version; the units that made the changes
    are told. A write to the plan through the policy as :func:`nara.plans.service.change_plan` asks it: staff of
    another provider than the plan's READ it (care relationship and consent), then WRITE their own record — one
    entry each; the person is refused (STAFF_ONLY: they cannot answer for a principal). Raises AccessDenied,
    NotFound, PreconditionFailed (412), NothingToApprove (409: nothing waits for the actor's care provider),
    Conflict (409: the plan has ended), ValidationFailed (422: a SIP, or declining without a reason)."""
    plan = plan_row(session, plan_id)
    now = clock.now()
    author = author_of(actor, now)
    doc = parse_document(plan.document)
    try:
        op = AnswerCommitments(op="answer_commitments", accept=accept, reason=(reason or "").strip() or None)
    except ValidationError:
        raise ValidationFailed("plans.approval.reason_invalid") from None
    decided = authorize_write(session, actor, clock, plan, doc, [op], author)
    expect_version(plan, expected_version)
    new = answer_commitments(doc, op, author)
    commit_version(session, actor, clock, plan, expected_version, doc, new, now, notifier)
    notify_answers(session, plan, doc, new, now, notifier)
    return shown_plan(session, actor, clock, plan, new, AuditAction.READ, decided)
