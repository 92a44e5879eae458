"""Shared by the discharge use cases: constants, small helpers, loading a process and the access checks on it
(the access rules are in the package docstring, nara.discharge.service)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from nara.access.model import Decision, InformationCategory, Reason
from nara.access.service import authorize, conclude, evaluate
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Role, purpose_of
from nara.core.clock import Clock
from nara.core.errors import Forbidden, NotFound, ValidationFailed
from nara.core.i18n import t
from nara.directory import service as directory
from nara.directory.model import IdentifierKind, PersonIdentifier, UnitKind
from nara.discharge import store
from nara.discharge.model import (
    Agreement,
    Event,
    Principal,
    ProcessPhase,
    ReceiverRole,
    StepState,
    default_library,
)
from nara.discharge.service.results import CareContactOut, ReceiverOut, UnitOut
from nara.discharge.store import DischargeEventRow, DischargeProcessRow, DischargeReceiverRow
from nara.plans.service import InAppNotifier, Notifier

DEFAULT_NOTIFIER: Notifier = InAppNotifier()
WORKLIST_LIMIT = 500
NOTE_MAX_LENGTH = 4000
BACKDATE_LIMIT = timedelta(days=30)  # how far back an admission or a discharge may be registered
SOURCE_PREFIX = "discharge:"
LIVE_KIND = "utskrivning"
ENDED_PHASES = frozenset({ProcessPhase.COMPLETED, ProcessPhase.CANCELLED, ProcessPhase.INTERRUPTED})
PENDING = frozenset({StepState.OPEN, StepState.SOON_DUE, StepState.OVERDUE})
WARD_KINDS = frozenset({UnitKind.VARDAVDELNING.value})
ASSIGN = ""  # a message id the service assigns when it stores the event ("m<seq>")

# Unit kinds that can receive, and their role (DOMAIN §4: "the units concerned"). A vårdcentral is the
# conductor (VARDCENTRAL) when the person is listed there, other region outpatient care otherwise.
MUNICIPAL_ROLES = {
    UnitKind.HEMSJUKVARD.value: ReceiverRole.HEMSJUKVARD,
    UnitKind.HEMTJANST.value: ReceiverRole.HEMTJANST,
    UnitKind.SOCIALTJANST.value: ReceiverRole.BISTANDSHANDLAGGNING,
    UnitKind.SABO.value: ReceiverRole.OTHER_MUNICIPAL,
}

def checked_note(note: str | None) -> str | None:
    text = (note or "").strip()
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationFailed("discharge.note.too_long", length=NOTE_MAX_LENGTH)
    return text or None

def source_ref(process_id: int) -> str:
    return f"{SOURCE_PREFIX}{process_id}"

def agreement_of(row: DischargeProcessRow) -> Agreement:
    return default_library().get(row.agreement_key)

def load_process(session: Session, process_id: int, *, lock: bool = False) -> DischargeProcessRow:
    row = store.process(session, process_id, lock=lock)
    if row is None:
        raise NotFound("discharge.not_found")
    return row

def decoded_events(rows: Sequence[DischargeEventRow]) -> list[Event]:
    return [store.decode_event(r.kind, r.at, r.data) for r in rows]

def unit_outs(session: Session, unit_ids: set[int]) -> dict[int, UnitOut]:
    if not unit_ids:
        return {}
    found = directory.units(session, unit_ids)
    providers = directory.providers(session, {u.provider_id for u in found.values()})
    return {u.id: UnitOut(id=u.id, name=u.name, kind=u.kind, hospital=u.parent_name, phone=u.phone,
                          provider_id=u.provider_id, provider_name=providers[u.provider_id].name)
            for u in found.values() if u.provider_id in providers}

def identifier_text(person: Any) -> str:
    return PersonIdentifier(IdentifierKind(person.identifier_kind), person.identifier).display()

def receiver_out(unit: UnitOut, role: ReceiverRole, added_at: datetime | None = None) -> ReceiverOut:
    return ReceiverOut(unit=unit, role=role, role_label=t(f"discharge.role.{role}"), principal=role.principal,
                       added_at=added_at)

def _party_providers(row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow]) -> set[int]:
    return {row.provider_id} | {r.provider_id for r in receivers}

def read_owner(actor: Actor, row: DischargeProcessRow, receivers: Sequence[DischargeReceiverRow]) -> int:
    """Whose record ``actor`` reads the process in (module docstring): their own provider's copy when that
    provider is a party of the process, else the ward's provider's record."""
    if actor.role is Role.STAFF and actor.provider_id in _party_providers(row, receivers):
        return actor.provider_id  # type: ignore[return-value]
    return row.provider_id

def authorize_read(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
                    receivers: Sequence[DischargeReceiverRow], action: AuditAction = AuditAction.READ) -> Decision:
    return authorize(session, actor, row.person_id, InformationCategory.UTSKRIVNING, action, purpose_of(actor), clock,
                     owner_provider_id=read_owner(actor, row, receivers), resource=("discharge", row.id),
                     social_scope=receiver_row_of(actor, receivers) is not None)

def authorize_write(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
                     receivers: Sequence[DischargeReceiverRow] = ()) -> Decision:
    """One WRITE in the actor's own provider's record; residents and other roles are refused (logged). What is
    addressed to the actor's unit is in social scope: social services reach that and no more (DOMAIN §5)."""
    decision, attempt = evaluate(session, actor, row.person_id, InformationCategory.UTSKRIVNING, AuditAction.WRITE,
                                 purpose_of(actor), clock, owner_provider_id=actor.provider_id or row.provider_id,
                                 resource=("discharge", row.id),
                                 social_scope=receiver_row_of(actor, receivers) is not None)
    if decision.allowed and actor.role is not Role.STAFF:
        decision = decision.refused(Reason.STAFF_ONLY)
    return conclude(session, attempt, decision)

def is_ward(actor: Actor, row: DischargeProcessRow) -> bool:
    """A ward of the recording provider acts for the ward (the admitting ward, or one the patient moved to)."""
    return actor.unit_id is not None and (
        actor.unit_id == row.ward_unit_id
        or (actor.unit_kind in WARD_KINDS and actor.provider_id == row.provider_id))

def receiver_row_of(actor: Actor, receivers: Sequence[DischargeReceiverRow]) -> DischargeReceiverRow | None:
    return next((r for r in receivers if r.unit_id == actor.unit_id), None)

def is_outpatient(actor: Actor, receivers: Sequence[DischargeReceiverRow]) -> bool:
    mine = receiver_row_of(actor, receivers)
    return mine is not None and ReceiverRole(mine.role).principal is Principal.REGION

def require(ok: bool, key: str) -> None:
    if not ok:
        raise Forbidden(key)

def care_contact_of(session: Session, row: DischargeProcessRow) -> CareContactOut | None:
    if row.care_contact_staff_id is None or row.care_contact_unit_id is None:
        return None
    staff = directory.staff_member(session, row.care_contact_staff_id)
    unit = unit_outs(session, {row.care_contact_unit_id}).get(row.care_contact_unit_id)
    if staff is None or unit is None:
        return None
    return CareContactOut(staff_id=staff.id, name=staff.full_name, profession=staff.profession, unit=unit,
                          appointed_at=row.care_contact_at)

