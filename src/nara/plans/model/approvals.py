"""A Patientkontrakt change that alters another principal's commitments is approved by that principal (DOMAIN §2:
a documented agreement about who does what; §3: if one principal plans, the other takes part).

Decisions, so no one has to rediscover them:

- A *principal* (huvudman) is the care provider of a unit. A *commitment* is an activity (insats) a unit is
  responsible for. A change by principal A that adds, edits (text, responsible unit, due date, recurrence),
  re-assigns or removes an activity whose responsible unit belongs to principal B ≠ A makes that change "waiting
  for B's approval": one :class:`~nara.plans.model.document.CommitmentApproval` per activity and principal, with what
  changed (:class:`~nara.plans.model.document.CommitmentChange`), by whom and since which version. Re-assigning
  from B to C asks both: B that the commitment left it, C that it has a new one. Creating a plan with B's
  activity in it asks B too. Changes by B to B's own activities ask nothing.
- The status of an activity, and its note, ask nothing: the responsible unit documents them itself
  (nara.plans.model.write_owner) — they record what was done, not what was agreed.
- The person's approval is not asked for a Patientkontrakt change. The Patientkontrakt is the person's own plan,
  which they read in Min plan as it changes (DOMAIN §2: an agreement between the person and care, "for both patient
  and staff"); the rule that every party approves, the person included, is the SIP's (DOMAIN §3), and the SIP keeps
  it (nara.plans.model.sip.parties). The person cannot approve for a principal either.
- B's responsible person — staff acting for any unit of B that may write in the plan (the access policy decides) —
  approves ("Godkänn ändringen") or declines with a reason ("Avböj") everything waiting for B in the version they
  saw (If-Match), recorded with name, role (profession, unit) and time. Declining reverts nothing: the record says
  declined and why, the activity shows it, and the author's unit is told. The plan is data several providers
  documented; silently undoing A's entry would rewrite A's record (DOMAIN §5).
- A later change to the same commitment opens the question again (``reopened`` when B had answered) and says whose
  approval is missing. A change that was never approved and is then withdrawn (an activity added for B and removed
  again before B answered) leaves nothing to approve: its record goes.
- Only a Patientkontrakt: a SIP is approved as a whole by every party (nara.plans.model.sip).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from nara.core.errors import Conflict, ValidationFailed
from nara.core.values import Text
from nara.plans.model.document import (
    UNIT_RESPONSIBLE,
    Activity,
    ApprovalState,
    CommitmentApproval,
    CommitmentChange,
    PlanDocument,
    PlanKind,
    PlanStatus,
)
from nara.plans.model.operations import Author, OperationBase

COMMITMENT_FIELDS = ("text", "responsible", "due", "recurrence")
"""What an activity commits its responsible unit to; a change to any of them needs the unit's principal's approval."""

MAX_APPROVALS = 400  # records kept per plan: answered ones of removed activities go first


@dataclass(frozen=True, slots=True)
class Touched:
    """A commitment of principal ``provider_id`` that a change touched."""

    activity_id: str
    provider_id: int
    unit_id: int | None
    title: str
    change: CommitmentChange


def _principal(activity: Activity | None, unit_providers: Mapping[int, int]) -> tuple[int, int] | None:
    """(principal, unit) responsible for ``activity``, when a unit is."""
    if activity is None or activity.responsible.kind not in UNIT_RESPONSIBLE:
        return None
    unit = activity.responsible.unit_id
    provider = unit_providers.get(unit or 0)
    return (provider, unit) if provider is not None and unit is not None else None


def touched_commitments(old: PlanDocument, new: PlanDocument, author: Author,
                        unit_providers: Mapping[int, int]) -> list[Touched]:
    """The commitments of principals other than the author's that ``new`` changes from ``old`` (module
    docstring). ``unit_providers`` maps each responsible unit to its care provider."""
    if new.kind is not PlanKind.PATIENTKONTRAKT:
        return []
    before = {a.id: a for a in old.activities}
    after = {a.id: a for a in new.activities}
    touched: list[Touched] = []
    for activity_id in dict.fromkeys([*before, *after]):
        was, now = before.get(activity_id), after.get(activity_id)
        if was is not None and now is not None and all(
                getattr(was, f) == getattr(now, f) for f in COMMITMENT_FIELDS):
            continue
        had, has = _principal(was, unit_providers), _principal(now, unit_providers)
        title = (now or was).text  # type: ignore[union-attr]
        if now is None:
            changes = [(had, CommitmentChange.BORTTAGEN)]
        elif was is None:
            changes = [(has, CommitmentChange.TILLAGD)]
        elif had is not None and has is not None and had[0] == has[0]:
            changes = [(has, CommitmentChange.ANDRAD)]
        else:
            changes = [(had, CommitmentChange.FLYTTAD), (has, CommitmentChange.TILLAGD)]
        for principal, change in changes:
            if principal is not None and principal[0] != author.provider_id:
                touched.append(Touched(activity_id, principal[0], principal[1], title, change))
    return touched


def request_approvals(old: PlanDocument, new: PlanDocument, author: Author, unit_providers: Mapping[int, int],
                      version: int) -> PlanDocument:
    """``new`` with the approvals its change asks for (module docstring), as of ``version``."""
    touched = touched_commitments(old, new, author, unit_providers)
    if not touched:
        return new
    records = {r.id: r for r in new.commitment_approvals}
    for t in touched:
        key = f"{t.activity_id}.{t.provider_id}"
        earlier = records.pop(key, None)
        waiting = earlier is not None and earlier.state is ApprovalState.VANTAR
        if waiting and earlier.change is CommitmentChange.TILLAGD and t.change in (
                CommitmentChange.BORTTAGEN, CommitmentChange.FLYTTAD):
            continue  # never agreed, now withdrawn: nothing left to approve
        change = CommitmentChange.TILLAGD if waiting and earlier.change is CommitmentChange.TILLAGD \
            and t.change is CommitmentChange.ANDRAD else t.change
        records[key] = CommitmentApproval(
            activity_id=t.activity_id, provider_id=t.provider_id, unit_id=t.unit_id, title=t.title, change=change,
            since_version=version, requested=author.recorded(),
            reopened=earlier is not None and (earlier.reopened if waiting else True))
    return new.model_copy(update={"commitment_approvals": _bounded(tuple(records.values()), new)})


def _bounded(records: tuple[CommitmentApproval, ...], doc: PlanDocument) -> tuple[CommitmentApproval, ...]:
    if len(records) <= MAX_APPROVALS:
        return records
    present = {a.id for a in doc.activities}
    spare = [r for r in records if r.state is not ApprovalState.VANTAR and r.activity_id not in present]
    spare += [r for r in records if r.state is not ApprovalState.VANTAR and r.activity_id in present]
    drop = {id(r) for r in spare[:len(records) - MAX_APPROVALS]}
    return tuple(r for r in records if id(r) not in drop)


def waiting(doc: PlanDocument, provider_id: int | None = None) -> tuple[CommitmentApproval, ...]:
    """The approvals still waiting — all, or those of one principal."""
    return tuple(r for r in doc.commitment_approvals if r.state is ApprovalState.VANTAR
                 and (provider_id is None or r.provider_id == provider_id))


def approval_of(doc: PlanDocument, activity_id: str) -> tuple[CommitmentApproval, ...]:
    """What is recorded about approving the activity's latest changes, waiting first (for its "Väntar på
    godkännande av …" and a declined change's reason)."""
    records = [r for r in doc.commitment_approvals if r.activity_id == activity_id]
    return tuple(sorted(records, key=lambda r: r.state is not ApprovalState.VANTAR))


class AnswerCommitments(OperationBase):
    """The author's principal approves (``accept``) or declines, with a ``reason``, every change waiting for its
    approval in the version it saw. Not one of the plan's free operations (nara.plans.model.Operation): it has
    its own use case and route."""

    op: Literal["answer_commitments"]
    accept: bool
    reason: Text | None = None


class NothingToApprove(Conflict):
    """409: nothing in the plan waits for the approval of the actor's care provider."""

    code = "nothing-to-approve"


def answer_commitments(doc: PlanDocument, op: AnswerCommitments, author: Author) -> PlanDocument:
    """``doc`` with the author's principal's answer (module docstring). Raises ValidationFailed (not a
    Patientkontrakt, not staff, a decline without a reason), Conflict (the plan has ended), NothingToApprove."""
    if doc.kind is not PlanKind.PATIENTKONTRAKT:
        raise ValidationFailed("plans.approval.contract_only")
    if author.by_person or author.provider_id is None:
        raise ValidationFailed("plans.approval.staff_only")
    if doc.status is PlanStatus.AVSLUTAD:
        raise Conflict("plans.approval.plan_ended")
    mine = {r.id for r in waiting(doc, author.provider_id)}
    if not mine:
        raise NothingToApprove("plans.approval.nothing_waiting")
    if not op.accept and not (op.reason or "").strip():
        raise ValidationFailed("plans.approval.reason_required")
    answer = {"state": ApprovalState.GODKAND if op.accept else ApprovalState.AVBOJD, "answered": author.recorded(),
              "name": (author.name or "-")[:200], "role": (author.role or None) and author.role[:200],
              "reason": None if op.accept else op.reason}
    records = tuple(r.model_copy(update=answer) if r.id in mine else r for r in doc.commitment_approvals)
    return doc.model_copy(update={"commitment_approvals": records})
