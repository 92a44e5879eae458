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
worklists); a person the reader may no longer see is withheld from what is shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from nara.access.audit import AuditAction
from nara.access.guard import AccessDenied, authorize
from nara.access.model import InformationCategory, Purpose
from nara.auth.model import Actor, Role
from nara.core.clock import Clock
from nara.core.errors import NotFound
from nara.core.i18n import SV, t
from nara.plans.store import NotificationRow

MAX_LISTED = 200
SV.setdefault("notify.withheld", "Ett meddelande om en person som du inte har åtkomst till just nu.")
SV.setdefault("notify.withheld_hint", "Du har inte åtkomst till personen som meddelandet gäller just nu.")


@dataclass(frozen=True, slots=True)
class Notification:
    """To an account (``recipient_account_id``, e.g. the person's) or to a unit (``recipient_unit_id``: its
    staff), about a person and usually a plan. ``kind`` is machine-readable, ``text`` Swedish."""

    person_id: int
    kind: str
    text: str
    created_at: datetime
    plan_id: int | None = None
    recipient_account_id: int | None = None
    recipient_unit_id: int | None = None

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
            plan_id=notification.plan_id, kind=notification.kind, text=notification.text,
            created_at=notification.created_at,
        ))


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


def _mine(actor: Actor):  # type: ignore[no-untyped-def]
    clauses = [NotificationRow.recipient_account_id == actor.account_id]
    if actor.unit_id is not None and actor.is_staff:
        clauses.append(NotificationRow.recipient_unit_id == actor.unit_id)
    return or_(*clauses)


def my_notifications(session: Session, actor: Actor, *, unread_only: bool = False,
                     limit: int = MAX_LISTED) -> list[NotificationRow]:
    """The actor's notifications, newest first: their own and, for staff, those of the unit they act for.
    Any logged-in account may call it; it holds no plan content (module docstring), so it is not an access to
    person data."""
    query = select(NotificationRow).where(_mine(actor))
    if unread_only:
        query = query.where(NotificationRow.read_at.is_(None))
    return list(session.scalars(query.order_by(NotificationRow.created_at.desc(), NotificationRow.id.desc())
                                .limit(min(limit, MAX_LISTED))))


@dataclass(frozen=True, slots=True)
class ShownNotification:
    """A notification as it may be shown to this reader. ``withheld``: the policy did not let the reader see the
    person; then ``person_id`` is None and, for a notification to the reader's own account (which may hold the
    person's data), the text is replaced. A notification to a unit names only a plan or process and who acted,
    never a person (module docstring), so its text stays."""

    id: int
    kind: str
    text: str
    person_id: int | None
    plan_id: int | None
    recipient_unit_id: int | None
    created_at: datetime
    read_at: datetime | None
    withheld: bool


def shown_notifications(session: Session, actor: Actor, clock: Clock, *, unread_only: bool = False,
                        limit: int = MAX_LISTED) -> list[ShownNotification]:
    """:func:`my_notifications` for showing: each person the listed notifications concern is one access through
    the policy (grunduppgifter, action search, DOMAIN §5) and one audit entry, allowed or denied — however many
    of their notifications are listed."""
    return shown(session, actor, clock, my_notifications(session, actor, unread_only=unread_only, limit=limit))


def shown(session: Session, actor: Actor, clock: Clock, rows: list[NotificationRow]) -> list[ShownNotification]:
    """``rows`` as they may be shown to ``actor``: one policy decision (and audit entry) per person."""
    purpose = Purpose.EGEN_INSYN if actor.role is Role.RESIDENT else Purpose.VARD
    visible: dict[int, bool] = {}
    for person_id in dict.fromkeys(row.person_id for row in rows):
        try:
            authorize(session, actor, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.SEARCH, purpose,
                      clock)
            visible[person_id] = True
        except AccessDenied:  # logged as denied when the caller's transaction ends
            visible[person_id] = False
    return [_shown(row, visible[row.person_id]) for row in rows]


def _shown(row: NotificationRow, visible: bool) -> ShownNotification:
    text = row.text if visible or row.recipient_unit_id is not None else t("notify.withheld")
    return ShownNotification(id=row.id, kind=row.kind, text=text, person_id=row.person_id if visible else None,
                             plan_id=row.plan_id, recipient_unit_id=row.recipient_unit_id,
                             created_at=row.created_at, read_at=row.read_at, withheld=not visible)


def mark_read(session: Session, actor: Actor, clock: Clock, notification_id: int) -> NotificationRow:
    """Mark one of the actor's notifications read (a unit's: read for the whole unit). Raises NotFound for a
    notification that is not theirs."""
    row = session.scalar(select(NotificationRow).where(NotificationRow.id == notification_id, _mine(actor)))
    if row is None:
        raise NotFound("notification.not_found")
    if row.read_at is None:
        row.read_at = clock.now()
        row.read_by = actor.account_id
        session.flush()
    return row
