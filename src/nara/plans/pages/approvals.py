"""Approving a change to one's commitments in a Patientkontrakt (nara.plans.model.approvals): the one form on the plan
page (plan_change_approval.html) posts "Godkänn ändringen" or "Avböj" with a reason. The service asks the policy
and logs; a form that declines without a reason comes back with what was typed and what to fix, and a stale one
(someone saved first) with what changed since."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from nara.access.service import AccessDenied
from nara.core.actor import Actor
from nara.plans import service
from nara.plans.pages.common import Outcome, Staff, denied_plan, notifier_of, version_of, write
from nara.plans.pages.staff import plan_view_response
from nara.web.deps import IdPath
from nara.web.forms import FormReader, Posted

router = APIRouter(include_in_schema=False)

APPROVE, DECLINE = "godkann", "avboj"


@router.post("/planer/{plan_id}/godkannande")
def answer(request: Request, plan_id: IdPath, actor: Staff, data: Posted) -> Response:
    form = FormReader(data)
    base = version_of(form.raw("version"))
    choice = form.choice("svar", (APPROVE, DECLINE), required="planform.choose_from_list")
    reason = form.text("reason")
    if choice == DECLINE and not reason and "reason" not in form.errors:
        form.fail("reason", "plans.approval.reason_required")
    if not form.ok:
        return _again(request, actor, plan_id, form, status_code=422)
    outcome, error, _ = write(request, actor, plan_id, base, [], lambda s, clock: service.answer_approvals(
        s, actor, clock, plan_id, base, accept=choice == APPROVE, reason=reason, notifier=notifier_of(request)))
    if outcome == Outcome.DENIED:
        assert isinstance(error, AccessDenied)
        return denied_plan(request, actor, error, plan_id)
    if outcome == Outcome.STALE:
        return _again(request, actor, plan_id, form, base=base, status_code=409)
    if error is not None:
        return _again(request, actor, plan_id, form, error=error.message, status_code=error.status)
    saved = "andring-godkand" if choice == APPROVE else "andring-avbojd"
    return RedirectResponse(f"/planer/{plan_id}?sparat={saved}#godkannande", status_code=303)


def _again(request: Request, actor: Actor, plan_id: int, form: FormReader, *, error: str | None = None,
           base: int | None = None, status_code: int) -> Response:
    """The plan page again, the approval form keeping what was typed and saying what to fix."""
    return plan_view_response(request, actor, plan_id, error=error, base=base, status_code=status_code,
                              approval_values=form.values, approval_errors=form.errors)
