"""Asking principals to approve changes to their commitments in a Patientkontrakt (nara.plans.model.approvals, where
the rules and the decisions behind them are): which principal each responsible unit belongs to, the approvals a
change asks for, telling the units, and what waits for the acting unit's care provider (the start page "Idag").

Notifications name the plan and that an approval is asked or answered, never the activity or who asked: reading
that is reading the plan, through the access policy (as nara.plans.service.notify has it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from nara.core.actor import Actor, Role
from nara.core.i18n import t
from nara.directory import service as directory
from nara.plans import store
from nara.plans.model import Author, PlanDocument, PlanKind
from nara.plans.model.approvals import request_approvals, waiting
from nara.plans.model.document import ApprovalState
from nara.plans.service.notify import Notification, Notifier
from nara.plans.service.reading import parse_document
from nara.plans.store import PlanRow


def with_requests(session: Session, old: PlanDocument, new: PlanDocument, author: Author,
                  version: int) -> PlanDocument:
    """``new`` (to be stored as ``version``) with the approvals its change from ``old`` asks for."""
    if new.kind is not PlanKind.PATIENTKONTRAKT:
        return new
    units = {a.responsible.unit_id for a in (*old.activities, *new.activities) if a.responsible.unit_id is not None}
    if not units:
        return new
    providers = {unit_id: row.provider_id for unit_id, row in directory.units(session, units).items()}
    return request_approvals(old, new, author, providers, version)


def notify_requests(session: Session, plan: PlanRow, old: PlanDocument, new: PlanDocument, now: datetime,
                    notifier: Notifier) -> None:
    """Each responsible unit whose principal's approval the change newly asks for hears that it waits."""
    before = {(r.id, r.since_version) for r in waiting(old)}
    units = sorted({r.unit_id for r in waiting(new) if (r.id, r.since_version) not in before and r.unit_id})
    for unit_id in units:
        notifier.deliver(session, Notification(
            person_id=plan.person_id, plan_id=plan.id, kind="approval_requested", created_at=now,
            text=t("notify.approval_requested", plan_id=plan.id), recipient_unit_id=unit_id))


def notify_answers(session: Session, plan: PlanRow, old: PlanDocument, new: PlanDocument, now: datetime,
                   notifier: Notifier) -> None:
    """The units that made the changes just answered hear whether they were approved or declined."""
    was_waiting = {r.id for r in waiting(old)}
    told: dict[tuple[int, ApprovalState], None] = {}
    for record in new.commitment_approvals:
        if record.id in was_waiting and record.state is not ApprovalState.VANTAR \
                and record.requested.unit_id is not None:
            told[(record.requested.unit_id, record.state)] = None
    for unit_id, state in sorted(told):
        notifier.deliver(session, Notification(
            person_id=plan.person_id, plan_id=plan.id, kind="approval_answered", created_at=now,
            text=t(f"notify.approval_{state.value}", plan_id=plan.id), recipient_unit_id=unit_id))


@dataclass(frozen=True, slots=True)
class ApprovalsWaiting:
    """A Patientkontrakt with changes waiting for the approval of the acting unit's care provider."""

    plan_id: int
    person_id: int
    count: int
    since: datetime  # the earliest change waiting


def approvals_waiting(session: Session, actor: Actor, plan_ids: Iterable[int]) -> list[ApprovalsWaiting]:
    """Of ``plan_ids`` — plans the caller has already let the actor see (the policy asked and logged, as Idag
    does) — the Patientkontrakt with changes waiting for the approval of the actor's care provider, the longest
    waiting first."""
    if actor.role is not Role.STAFF or actor.provider_id is None:
        return []
    found: list[ApprovalsWaiting] = []
    for plan_id in dict.fromkeys(plan_ids):
        plan = store.current(session, plan_id)
        if plan is None or plan.kind != PlanKind.PATIENTKONTRAKT.value or '"vantar"' not in plan.document:
            continue
        mine = waiting(parse_document(plan.document), actor.provider_id)
        if mine:
            found.append(ApprovalsWaiting(plan.id, plan.person_id, len(mine), min(r.requested.at for r in mine)))
    return sorted(found, key=lambda w: (w.since, w.plan_id))
