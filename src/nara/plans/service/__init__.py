"""Use cases of the Patientkontrakt and SIP (DOMAIN §2–3, §5). Each takes the caller's session (its unit of work),
the :class:`~nara.core.actor.Actor` and the injected :class:`~nara.core.clock.Clock`; the caller commits (e.g.
``with db.transaction() as s``). Each asks the access policy (:func:`nara.access.service.evaluate` /
``conclude``, i.e. :func:`~nara.access.service.authorize` with the use case's own rules on top) before it reads or
changes anything about the person, and every such call leaves exactly one audit entry. A denial raises
:class:`~nara.access.service.AccessDenied` (403).

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
  :func:`nara.access.service.start_care_relationship` with ``source_ref`` ``plan:<id>``; when it no longer takes
  part and it is the acting unit, its relationship ends (:func:`~nara.access.service.end_care_relationship`: only
  the unit that holds a relationship ends it, DOMAIN §5; another unit's ends at its end date, which a
  self-registered relationship always has). Those calls log their own entries.

Writes are optimistic: the caller names the version it started from; a write on any other version raises
:class:`~nara.core.errors.PreconditionFailed` (412), also when another writer commits first
(:func:`nara.plans.store.advance`). Every write makes one new version with its author and a readable summary, and
tells the team and the person through the :class:`~nara.plans.service.notify.Notifier` in the same transaction.

The use cases live by concept: :mod:`.reading`, :mod:`.writing`, :mod:`.history`, :mod:`.worklist`,
:mod:`.relationships` (care relationships a plan gives), :mod:`.notify` (notifications), :mod:`.pieces` (each piece
decided by who documented it), :mod:`.access` (the questions to the policy) and :mod:`.results` (what they return).
"""

from nara.plans.service.approvals import answer_approvals
from nara.plans.service.commitments import ApprovalsWaiting, approvals_waiting
from nara.plans.service.history import diff, history, read_version
from nara.plans.service.notify import (
    DEFAULT_NOTIFIER,
    InAppNotifier,
    Notification,
    NotificationGroup,
    Notifier,
    Outbox,
    ProcessCheck,
    ShownNotification,
    grouped,
    mark_all_read,
    mark_many_read,
    mark_read,
    mark_read_about_process,
    my_notifications,
    shown,
    shown_notifications,
    unread_count,
)
from nara.plans.service.reading import (
    person_has_plans,
    plan_kind_and_person,
    plan_person,
    plan_unit_ids,
    plans_for_person,
    read_plan,
)
from nara.plans.service.results import (
    ApprovalOut,
    ChangeOut,
    DiffView,
    MissingOut,
    NextStepOut,
    PlanSummary,
    PlanView,
    ProviderRef,
    StaffRef,
    UnitRef,
    VersionInfo,
    VersionView,
    WithheldOut,
    WorkItem,
    Written,
    etag,
)
from nara.plans.service.today import ApprovalWaiting, OpenRequests, PlansToday, PlanTask, plans_today
from nara.plans.service.worklist import WORKLIST_LIMIT, plan_version, sip_meetings, worklist
from nara.plans.service.writing import (
    MAX_OPERATIONS,
    answer_invitation,
    approve_sip,
    change_plan,
    create_plan,
    finalise_sip,
    open_sip,
    transition_sip,
)

__all__ = [
    "DEFAULT_NOTIFIER", "MAX_OPERATIONS", "WORKLIST_LIMIT", "ApprovalOut", "ChangeOut", "DiffView", "InAppNotifier",
    "MissingOut", "NextStepOut", "Notification", "Notifier", "Outbox", "PlanSummary", "PlanView", "ProviderRef",
    "ShownNotification", "StaffRef", "UnitRef", "VersionInfo", "VersionView", "WithheldOut", "WorkItem", "Written",
    "answer_invitation", "approve_sip", "change_plan", "create_plan", "diff", "etag", "finalise_sip", "history",
    "mark_read", "my_notifications", "open_sip", "person_has_plans", "plan_kind_and_person", "plan_person",
    "plan_unit_ids", "plan_version", "plans_for_person", "read_plan", "read_version", "shown",
    "shown_notifications", "sip_meetings", "transition_sip", "worklist",
]
# what the start page "Idag" reads
__all__ += ["ApprovalWaiting", "OpenRequests", "PlanTask", "PlansToday", "plans_today"]
__all__ += ["NotificationGroup", "ProcessCheck", "grouped", "mark_all_read", "mark_many_read",
            "mark_read_about_process", "unread_count"]  # the notifications page and the kvittens
__all__ += ["ApprovalsWaiting", "answer_approvals", "approvals_waiting"]  # changes to a principal's commitments
