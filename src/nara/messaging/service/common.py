"""What the messaging use cases share: whose messages a request is about, the access policy's questions (one
audit entry each), the model's view of a thread and its writer, and where a change is announced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from nara.access import service as access
from nara.access.model import Decision, InformationCategory
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of, subject_of
from nara.core.clock import Clock
from nara.core.errors import Forbidden, NotFound
from nara.directory import service as directory
from nara.directory.model import ProviderKind
from nara.live.service import Broker, announce
from nara.messaging import store
from nara.messaging.model import Side, Source, Status, ThreadFacts, ThreadKind
from nara.messaging.store import ThreadRow

CATEGORY = InformationCategory.MEDDELANDEN
LIVE_KIND = "meddelande"


@dataclass(frozen=True, slots=True)
class Outlets:
    """Where a change is told: the live broker (None: nobody listens)."""

    broker: Broker | None = None


def outlets_of(app_state: Any) -> Outlets:
    return Outlets(broker=getattr(app_state, "live", None))


def person_of(actor: Actor) -> int:
    """Whose messages a person-side request is about: the person's own, or those of the person a närstående,
    ombud or vårdnadshavare acts for (chosen in the session); what a proxy may read and write the access policy
    decides per request from the grants (purpose närstående)."""
    if actor.role is not Role.RESIDENT:
        raise Forbidden("auth.forbidden")
    person_id = subject_of(actor)
    if person_id is None:
        raise Forbidden("resident.no_person")
    return person_id


def load(session: Session, thread_id: int, *, lock: bool = False) -> ThreadRow:
    row = store.thread(session, thread_id, lock=lock)
    if row is None:
        raise NotFound("messaging.not_found")
    return row


def facts_of(row: ThreadRow) -> ThreadFacts:
    return ThreadFacts(kind=ThreadKind(row.kind), status=Status(row.status), unit_id=row.unit_id,
                       from_unit_id=row.from_unit_id, source=Source(row.source_kind) if row.source_kind else None)


def side_of(session: Session, actor: Actor) -> Side:
    if actor.role is not Role.STAFF:
        return Side(by_person=True)
    provider = directory.provider(session, actor.provider_id)
    return Side(by_person=False, unit_id=actor.unit_id,
                provider_is_municipality=provider is not None and provider.kind == ProviderKind.KOMMUN.value)


def _read_owner(actor: Actor, row: ThreadRow) -> tuple[int, int]:
    """Whose record the actor reads the thread in: a message is sent from one party's record and delivered into
    the other's, as a discharge's information is (nara.discharge.service), so staff of a party's provider read
    their own provider's copy; anyone else reads the receiving provider's record (and needs consent)."""
    if actor.role is Role.STAFF and actor.provider_id in (row.provider_id, row.from_provider_id):
        own_unit = actor.unit_id if actor.unit_id in (row.unit_id, row.from_unit_id) else (
            row.unit_id if actor.provider_id == row.provider_id else row.from_unit_id)
        return actor.provider_id, own_unit  # type: ignore[return-value]
    return row.provider_id, row.unit_id


def ask(session: Session, actor: Actor, clock: Clock, row: ThreadRow, action: AuditAction) -> Decision:
    """One read (READ, SEARCH) or write of the thread, decided and logged; raises AccessDenied when refused. A
    write is recorded in the writer's own provider's record (a person's post in the receiving unit's). Staff's
    threads between units are not the person's inbox: a resident is told there is no such thread."""
    if actor.role is not Role.STAFF and row.kind != ThreadKind.PERSON.value:
        raise NotFound("messaging.not_found")
    if action in (AuditAction.READ, AuditAction.SEARCH):
        provider_id, unit_id = _read_owner(actor, row)
    elif actor.role is Role.STAFF:
        provider_id, unit_id = actor.provider_id or row.provider_id, actor.unit_id or row.unit_id
    else:
        provider_id, unit_id = row.provider_id, row.unit_id
    return access.authorize(session, actor, row.person_id, CATEGORY, action, purpose_of(actor), clock,
                            owner_provider_id=provider_id, owner_unit_id=unit_id,
                            resource=("message_thread", row.id))


def ask_person(session: Session, actor: Actor, clock: Clock, person_id: int, action: AuditAction,
               provider_id: int | None, unit_id: int | None) -> Decision:
    """A question about the person's messages before a thread exists (a new thread, the list of one's own)."""
    return access.authorize(session, actor, person_id, CATEGORY, action, purpose_of(actor), clock,
                            owner_provider_id=provider_id, owner_unit_id=unit_id, resource=("person", person_id))


def tell(session: Session, outlets: Outlets, row: ThreadRow) -> None:
    """Open inboxes, threads and the person's pages reload their list: no person data in the announcement."""
    units = [f"unit:{u}" for u in (row.unit_id, row.from_unit_id) if u is not None]
    announce(session, outlets.broker, units, LIVE_KIND, f"thread:{row.id}")
    if row.kind == ThreadKind.PERSON.value:  # apart: a unit's stream never names the person
        announce(session, outlets.broker, [f"person:{row.person_id}"], LIVE_KIND, f"thread:{row.id}")
