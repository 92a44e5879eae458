"""Notifications about plans (DOMAIN §2): team members are told about changes to plans they are in; the
person about new or moved times and new activities for them.

One interface, :class:`Notifier`, with one method; the service calls it in the same transaction as the change, so a
notification exists exactly when the change does. :class:`InAppNotifier` (the default, wired in nara.app as
``app.state.notifier``) stores rows that the person and staff read in the app; e-mail or SMS delivery can later be
another Notifier (or one that stores and also sends). :class:`Outbox` only records, for tests.

What staff are told names the plan and what kind of thing changed, never its content: reading the content is an
access to the person's data and goes through the access policy when they open the plan (DOMAIN §5). What the person
is told is their own data. Every notification concerns a person, so showing one is an access too:
:func:`shown_notifications` asks the policy once per person listed and leaves one audit entry each (like the
worklists); a person the reader may no longer see is withheld from what is shown. A person the reader may see is
named (name and personnummer) and each notification links to what it is about — the plan, the SIP, the discharge
process — only where the policy lets the reader open that page (one logged decision per plan and per process),
else to the person's page; the page groups them by person (:func:`grouped`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import AccessDenied, authorize, provider_blocked_plan
from nara.audit.model import AuditAction
from nara.auth.service import resident_account_ids
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import Clock, local_minute
from nara.core.errors import NotFound
from nara.core.i18n import SV, t
from nara.directory import service as directory
from nara.directory.model import IdentifierKind, PersonIdentifier
from nara.plans import model, store
from nara.plans.model import DiffEntry, PlanDocument, ResponsibleKind, UnitRole
from nara.plans.service.access import ask, context_of
from nara.plans.service.reading import parse_document
from nara.plans.store import NotificationRow, PlanRow

MAX_LISTED = 200


@dataclass(frozen=True, slots=True)
class Notification:
    """To an account (``recipient_account_id``, e.g. the person's) or to a unit (``recipient_unit_id``: its
    staff), about a person and usually a plan or a discharge process (``process_id``, so the page can link to
    it). ``kind`` is machine-readable, ``text`` Swedish."""

    person_id: int
    kind: str
    text: str
    created_at: datetime
    plan_id: int | None = None
    recipient_account_id: int | None = None
    recipient_unit_id: int | None = None
    process_id: int | None = None

    def __post_init__(self) -> None:
        if (self.recipient_account_id is None) == (self.recipient_unit_id is None):
            raise ValueError("a notification goes to one account or one unit")


class Notifier(Protocol):
    def deliver(self, session: Session, notification: Notification) -> None:
        """Deliver (or queue) ``notification`` as part of the caller's transaction."""
        ...


class InAppNotifier:
    """Stores notifications in the ``notification`` table, read in the app."""

    def deliver(self, session: Session, notification: Notification) -> None:
        session.add(NotificationRow(
            recipient_account_id=notification.recipient_account_id,
            recipient_unit_id=notification.recipient_unit_id, person_id=notification.person_id,
            plan_id=notification.plan_id, process_id=notification.process_id, kind=notification.kind,
            text=notification.text, created_at=notification.created_at,
        ))


DEFAULT_NOTIFIER: Notifier = InAppNotifier()
"""Where the use cases deliver unless told otherwise (the application wires its own, nara.app)."""


@dataclass
class Outbox:
    """Records what would be delivered (tests); ``also`` passes each one on, e.g. to an InAppNotifier."""

    sent: list[Notification] = field(default_factory=list)
    also: Notifier | None = None

    def deliver(self, session: Session, notification: Notification) -> None:
        self.sent.append(notification)
        if self.also is not None:
            self.also.deliver(session, notification)


# --- reading one's notifications -------------------------------------------------------------------------------


def _unit(actor: Actor) -> int | None:
    """The unit whose notifications the actor reads too: staff's, the one they act for."""
    return actor.unit_id if actor.is_staff else None


def my_notifications(session: Session, actor: Actor, *, unread_only: bool = False,
                     limit: int = MAX_LISTED) -> list[NotificationRow]:
    """The actor's notifications, newest first: their own and, for staff, those of the unit they act for.
    Any logged-in account may call it; it holds no plan content (module docstring), so it is not an access to
    person data."""
    return store.notifications_to(session, actor.account_id, _unit(actor), unread_only=unread_only,
                                  limit=min(limit, MAX_LISTED))


ProcessCheck = Callable[[Session, Actor, Clock, int], bool]
"""May the actor open the page of discharge process ``process_id``? Asked of the part that owns the process, which
logs it like its own lists do (nara.discharge.service.may_open_process; the application wires it as
``app.state.process_check``: this part does not know the discharge part)."""

# Where a notification leads: the pages of the plans part and of the parts it links to. A link is given only when
# the policy lets the reader open that page (:func:`shown`): never a dead end.
STAFF_PATHS = {"plan": "/planer/{id}", "sip": "/planer/{id}/sip", "discharge": "/utskrivning/{id}",
               "person": "/personer/{id}", "worklist": "/planer"}
RESIDENT_PATHS = {"plan": "/min-sida/plan/{id}", "sip": "/min-sida/plan/{id}", "discharge": "/min-sida/utskrivning",
                  "person": "/min-sida"}
SIP_KINDS = frozenset({"sip_invited", "discharge_sip"})
ACKNOWLEDGED_KINDS = ("discharge_message", "discharge_sip")
"""Notifications of a discharge message: read once the unit has given its kvittens of every message it got in
that process (:func:`mark_read_about_process`)."""


@dataclass(frozen=True, slots=True)
class ShownNotification:
    """A notification as it may be shown to this reader. ``withheld``: the policy did not let the reader see the
    person; then ``person_id``, the person's name and number and the link are None and, for a notification to the
    reader's own account (which may hold the person's data), the text is replaced. A notification to a unit names
    only a plan or process and who acted, never a person (module docstring), so its text stays.

    ``what``: what happened, in a few Swedish words; ``link``: the page it is about that the reader may open (the
    plan, the SIP, the discharge process, or else the person), with ``link_kind`` saying which."""

    id: int
    kind: str
    text: str
    person_id: int | None
    plan_id: int | None
    recipient_unit_id: int | None
    created_at: datetime
    read_at: datetime | None
    withheld: bool
    what: str = ""
    person_name: str | None = None
    person_identifier: str | None = None
    process_id: int | None = None
    link: str | None = None
    link_kind: str | None = None


@dataclass(frozen=True, slots=True)
class NotificationGroup:
    """The reader's notifications about one person, newest first; those about persons the reader may not see
    are one group of their own (``withheld``), which names no one."""

    person_id: int | None
    person_name: str | None
    person_identifier: str | None
    withheld: bool
    items: tuple[ShownNotification, ...]

    @property
    def unread(self) -> int:
        return sum(1 for n in self.items if n.read_at is None)

    @property
    def unread_ids(self) -> list[int]:
        return [n.id for n in self.items if n.read_at is None]

    @property
    def latest(self) -> datetime:
        return self.items[0].created_at


def shown_notifications(session: Session, actor: Actor, clock: Clock, *, unread_only: bool = False,
                        limit: int = MAX_LISTED, process_check: ProcessCheck | None = None
                        ) -> list[ShownNotification]:
    """:func:`my_notifications` for showing: each person the listed notifications concern is one access through
    the policy (grunduppgifter, action search, DOMAIN §5) and one audit entry, allowed or denied — however many
    of their notifications are listed; each plan and process linked to is one more (see :func:`shown`)."""
    return shown(session, actor, clock, my_notifications(session, actor, unread_only=unread_only, limit=limit),
                 process_check)


def shown(session: Session, actor: Actor, clock: Clock, rows: list[NotificationRow],
          process_check: ProcessCheck | None = None) -> list[ShownNotification]:
    """``rows`` as they may be shown to ``actor``: one policy decision (and audit entry) per person; for the
    persons the reader may see, their name and number, and a link to what happened where the reader may open it —
    one decision per plan (category PLAN, action search, like the worklist) and per discharge process
    (``process_check``), each logged. What the reader may not open is not linked: the person's page is, which
    seeing the person allows (for the person themselves, Min sida)."""
    purpose = purpose_of(actor)
    visible: dict[int, bool] = {}
    for person_id in dict.fromkeys(row.person_id for row in rows):
        try:
            authorize(session, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.SEARCH, purpose,
                      clock)
            visible[person_id] = True
        except AccessDenied:  # logged as denied when the caller's transaction ends
            visible[person_id] = False
    seen = [row for row in rows if visible[row.person_id]]
    persons = directory.persons(session, {row.person_id for row in seen})
    plans = {plan_id: _may_open_plan(session, actor, clock, plan_id)
             for plan_id in dict.fromkeys(row.plan_id for row in seen if row.plan_id is not None)}
    processes = {process_id: process_check is not None and process_check(session, actor, clock, process_id)
                 for process_id in dict.fromkeys(row.process_id for row in seen if row.process_id is not None)}
    out = []
    for row in rows:
        if not visible[row.person_id]:
            out.append(_shown(row, visible=False))
            continue
        person = persons.get(row.person_id)
        kind, target = _link(actor, row, plans, processes)
        paths = RESIDENT_PATHS if actor.role is Role.RESIDENT else STAFF_PATHS
        out.append(_shown(
            row, visible=True,
            person_name=f"{person.given_name} {person.family_name}".strip() if person else None,
            person_identifier=PersonIdentifier(IdentifierKind(person.identifier_kind), person.identifier).display()
            if person else None,
            link=paths[kind].format(id=target) if kind in paths else None, link_kind=kind if kind in paths else None,
        ))
    return out


def _may_open_plan(session: Session, actor: Actor, clock: Clock, plan_id: int) -> bool:
    """Whether the plan page would open for the actor: its frame, as :func:`nara.plans.service.read_plan` asks
    it (one SEARCH entry)."""
    plan = session.get(PlanRow, plan_id)
    if plan is None:
        return False
    doc = parse_document(plan.document)
    ctx, _names = context_of(session, plan, doc)
    try:
        ask(session, actor, clock, plan.person_id, plan.id, AuditAction.SEARCH, model.frame_piece(doc, ctx))
    except AccessDenied:
        return False
    return True


def _link(actor: Actor, row: NotificationRow, plans: dict[int, bool],
          processes: dict[int, bool]) -> tuple[str, int | None]:
    """Which page a notification about a person the reader may see leads to, and its id."""
    if row.process_id is not None and processes.get(row.process_id):
        return "discharge", row.process_id
    if row.plan_id is not None and plans.get(row.plan_id):
        return ("sip" if row.kind in SIP_KINDS else "plan"), row.plan_id
    if row.kind == "sip_invited" and actor.role is Role.STAFF:
        return "worklist", None  # not in the SIP before it answers: the worklist offers the answer
    return "person", row.person_id


def _what(kind: str) -> str:
    key = f"notify.what.{kind}"
    return t(key) if key in SV else t("notify.what.other")


def _shown(row: NotificationRow, *, visible: bool, **named: Any) -> ShownNotification:
    text = row.text if visible or row.recipient_unit_id is not None else t("notify.withheld")
    return ShownNotification(id=row.id, kind=row.kind, text=text, person_id=row.person_id if visible else None,
                             plan_id=row.plan_id if visible else None, recipient_unit_id=row.recipient_unit_id,
                             created_at=row.created_at, read_at=row.read_at, withheld=not visible,
                             what=_what(row.kind), process_id=row.process_id if visible else None, **named)


def grouped(notifications: Sequence[ShownNotification]) -> list[NotificationGroup]:
    """``notifications`` (newest first) by person: a group per person the reader may see, and one for those the
    reader may not, each newest first; the group with the newest notification first."""
    groups: dict[int | None, list[ShownNotification]] = {}
    for n in notifications:
        groups.setdefault(n.person_id, []).append(n)
    out = [NotificationGroup(person_id=person_id, person_name=items[0].person_name,
                             person_identifier=items[0].person_identifier, withheld=person_id is None,
                             items=tuple(sorted(items, key=lambda n: (n.created_at, n.id), reverse=True)))
           for person_id, items in groups.items()]
    return sorted(out, key=lambda g: (g.latest, g.items[0].id), reverse=True)


def unread_count(session: Session, actor: Actor) -> int:
    """How many of the actor's notifications are unread (a count: no person data, no entry)."""
    return store.unread_count(session, actor.account_id, _unit(actor))


def mark_read(session: Session, actor: Actor, clock: Clock, notification_id: int) -> NotificationRow:
    """Mark one of the actor's notifications read (a unit's: read for the whole unit). Raises NotFound for a
    notification that is not theirs."""
    row = store.notification_to(session, notification_id, actor.account_id, _unit(actor))
    if row is None:
        raise NotFound("notification.not_found")
    if row.read_at is None:
        row.read_at = clock.now()
        row.read_by = actor.account_id
        session.flush()
    return row


def mark_many_read(session: Session, actor: Actor, clock: Clock, notification_ids: Iterable[int]) -> int:
    """Mark those of ``notification_ids`` that are the actor's (or their unit's) read; others are left alone.
    Returns how many were marked."""
    wanted = list(dict.fromkeys(notification_ids))[:MAX_LISTED]
    if not wanted:
        return 0
    return store.mark_read(session, actor.account_id, _unit(actor), clock.now(), ids=wanted)


def mark_all_read(session: Session, actor: Actor, clock: Clock) -> int:
    """Mark every unread notification of the actor read: their own and their unit's — all of them, not only the
    ones a page lists. Returns how many."""
    return store.mark_read(session, actor.account_id, _unit(actor), clock.now())


def mark_read_about_process(session: Session, actor: Actor, now: datetime, process_id: int) -> int:
    """The actor's unit has given its kvittens of every message it got in discharge process ``process_id`` (at
    ``now``, in the caller's transaction): the notifications of those messages (:data:`ACKNOWLEDGED_KINDS`) are
    read too. Returns how many."""
    return store.mark_read(session, actor.account_id, _unit(actor), now, process_id=process_id,
                           kinds=ACKNOWLEDGED_KINDS)


# --- telling the team and the person about a change ------------------------------------------------------------


def notify_change(session: Session, actor: Actor, plan: PlanRow, old: PlanDocument, new: PlanDocument,
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
    for account_id in resident_account_ids(session, plan.person_id):
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
    if not provider_blocked_plan(session, plan.person_id, actor.provider_id, str(plan.id), now):
        return wanted
    units = directory.units(session, wanted)
    return {u for u in wanted if u in units and units[u].provider_id == actor.provider_id}


def _resident_texts(old: PlanDocument, new: PlanDocument, entries: Sequence[DiffEntry]) -> list[tuple[str, str]]:
    texts: list[tuple[str, str]] = []
    old_times = {b.id: b for b in old.times}
    new_times = {b.id: b for b in new.times}
    activities = {a.id: a for a in new.activities}
    for entry in entries:
        if entry.section == "times" and entry.element_id in new_times:
            booked = new_times[entry.element_id]
            fields = dict(when=local_minute(booked.start), with_whom=booked.with_whom, purpose=booked.purpose)
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
    return texts + _meeting_texts(old, new)


def _meeting_texts(old: PlanDocument, new: PlanDocument) -> list[tuple[str, str]]:
    """The person's invitation to a SIP meeting: one per meeting, when it is set or a kallelse adds it — not one
    per invited unit, nor when the invited, the attendance or the minutes change — and a notice when it moves.
    A meeting the person is not invited to (named participants without them) tells them nothing."""
    if new.sip is None or new.sip.meeting is None:
        return []
    meeting = new.sip.meeting
    if meeting.participants and not meeting.person_invited:
        return []
    where = meeting.place or (t("notify.resident.sip_video") if meeting.video_link else "")
    fields = dict(when=local_minute(meeting.start), where=f" {where}." if where else "")
    before = old.sip.meetings if old.sip is not None else ()
    if len(new.sip.meetings) > len(before):
        return [("sip_meeting", t("notify.resident.sip_meeting", **fields))]
    previous = old.sip.meeting if old.sip is not None else None
    if previous is not None and previous.participants and not previous.person_invited:
        return [("sip_meeting", t("notify.resident.sip_meeting", **fields))]  # invited only now
    if previous is not None and previous.start != meeting.start:
        return [("sip_meeting_moved", t("notify.resident.sip_meeting_moved", **fields))]
    return []
