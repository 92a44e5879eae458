"""The person's own choices of how to be reached. The e-mail address and mobile number are contact details
(category ADRESS): every read and every change goes through the access policy and leaves one audit entry
(DOMAIN §5). Queuing a notice (:mod:`.outbox`) reads them without an actor: that is the system keeping its promise
to the person, not someone opening their data."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import authorize
from nara.audit.model import AuditAction
from nara.core.actor import Actor, purpose_of
from nara.core.clock import Clock
from nara.core.errors import Forbidden, ValidationFailed
from nara.outreach import model, store
from nara.outreach.model import Event, Preferences
from nara.outreach.store import PreferenceRow

RESOURCE = "outreach_preferences"


def _of(row: PreferenceRow | None) -> Preferences:
    if row is None:
        return Preferences()
    return Preferences(email=row.email, sms=row.sms, events=model.decode_events(row.events))


def read_preferences(session: Session, actor: Actor, clock: Clock, person_id: int) -> Preferences:
    """The person's preferences as ``actor`` may read them (one READ of category ADRESS; AccessDenied else)."""
    authorize(session, actor, person_id, InformationCategory.ADRESS, AuditAction.READ, purpose_of(actor), clock,
              resource=(RESOURCE, person_id))
    return _of(store.preference(session, person_id))


def checked(email: str | None, sms: str | None, events: Iterable[Event | str]) -> Preferences:
    """Preferences from what was typed; raises ValidationFailed naming the first thing to fix (the page checks
    field by field with the same rules, nara.outreach.model)."""
    mail = model.valid_email(email) if email and email.strip() else None
    if email and email.strip() and mail is None:
        raise ValidationFailed("outreach.error.email_invalid")
    mobile = model.valid_mobile(sms) if sms and sms.strip() else None
    if sms and sms.strip() and mobile is None:
        raise ValidationFailed("outreach.error.sms_invalid")
    chosen = frozenset(Event(e) for e in events)
    if chosen and mail is None and mobile is None:
        raise ValidationFailed("outreach.error.events_without_address")
    return Preferences(email=mail, sms=mobile, events=chosen)


def save_preferences(session: Session, actor: Actor, clock: Clock, person_id: int,
                     preferences: Preferences) -> Preferences:
    """Store the person's preferences (one WRITE of category ADRESS). Only the person themselves may: the policy
    decides too — nobody else chooses where a person's notices go, not staff and not a proxy."""
    if actor.person_id != person_id:
        raise Forbidden("auth.forbidden")  # refused before anything of the person is touched: nothing to log
    authorize(session, actor, person_id, InformationCategory.ADRESS, AuditAction.WRITE, purpose_of(actor), clock,
              resource=(RESOURCE, person_id))
    row = store.preference(session, person_id)
    if row is None:
        row = PreferenceRow(person_id=person_id)
        session.add(row)
    row.email, row.sms = preferences.email, preferences.sms
    row.events = model.encode_events(preferences.events)
    row.updated_at, row.updated_by = clock.now(), actor.account_id
    session.flush()
    return preferences


def stored_preferences(session: Session, person_id: int) -> Preferences:
    """For queuing only (module docstring): no actor, no audit entry."""
    return _of(store.preference(session, person_id))
