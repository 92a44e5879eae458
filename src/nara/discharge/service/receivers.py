"""Who receives (DOMAIN §4): the units concerned, from the directory, and the ADMISSION care relationships the
process gives the ward and every receiver (DOMAIN §5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from nara.access import service as access
from nara.access.model import RelationshipKind
from nara.core.actor import Actor
from nara.core.clock import Clock
from nara.core.errors import NotFound, ValidationFailed
from nara.directory import service as directory
from nara.directory.model import ProviderKind, UnitKind
from nara.directory.service import current_listing, current_sabo, find_units
from nara.discharge.model import (
    ReceiverRole,
)
from nara.discharge.service.common import MUNICIPAL_ROLES, source_ref
from nara.discharge.store import DischargeProcessRow


def receiver_role(session: Session, unit: Any, person_id: int, on: date) -> ReceiverRole:
    """The role ``unit`` has as a receiver for the person; ValidationFailed when it cannot receive."""
    if unit.kind in MUNICIPAL_ROLES:
        return MUNICIPAL_ROLES[unit.kind]
    if unit.kind == UnitKind.VARDCENTRAL.value:
        listing = current_listing(session, person_id, on)
        return ReceiverRole.VARDCENTRAL if listing is not None and listing.unit_id == unit.id \
            else ReceiverRole.OTHER_OUTPATIENT
    raise ValidationFailed("discharge.receiver.kind", unit=unit.name)

def find_receivers(session: Session, person_id: int, on: date) -> list[tuple[Any, ReceiverRole]]:
    """The units concerned, from the directory (DOMAIN §4): the vårdcentral the person is listed at, the
    municipality's hemsjukvård, hemtjänst and biståndshandläggning (socialtjänst) of the person's
    folkbokföringskommun (the first of each kind by name, a municipal care provider's), and the SäBo the person
    lives at. Not an access check: the callers have made one."""
    person = directory.person(session, person_id)
    found: list[tuple[Any, ReceiverRole]] = []
    listing = current_listing(session, person_id, on)
    if listing is not None:
        found.append((listing.unit, ReceiverRole.VARDCENTRAL))
    if person is not None and person.kommun_code:
        for kind in (UnitKind.HEMSJUKVARD, UnitKind.HEMTJANST, UnitKind.SOCIALTJANST):
            units = [u for u in find_units(session, kind, person.kommun_code)
                     if u.provider.kind == ProviderKind.KOMMUN.value]
            if units:
                found.append((units[0], MUNICIPAL_ROLES[kind.value]))
    sabo = current_sabo(session, person_id, on)
    if sabo is not None and all(u.id != sabo.unit_id for u, _ in found):
        found.append((sabo.unit, ReceiverRole.OTHER_MUNICIPAL))
    return found

def receivers_for(session: Session, row: DischargeProcessRow, unit_ids: Sequence[int] | None,
                   today: date) -> list[tuple[Any, ReceiverRole]]:
    if unit_ids is None:
        found = find_receivers(session, row.person_id, today)
        if not found:
            raise ValidationFailed("discharge.no_receivers")
        return found
    out: list[tuple[Any, ReceiverRole]] = []
    for unit_id in dict.fromkeys(unit_ids):
        unit = directory.unit(session, unit_id)
        if unit is None:
            raise NotFound("discharge.receiver.not_found", unit=unit_id)
        out.append((unit, receiver_role(session, unit, row.person_id, today)))
    if not out:
        raise ValidationFailed("discharge.no_receivers")
    return out

def start_relationship(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow,
                        unit_id: int) -> None:
    if not access.current_relationships(session, row.person_id, source_ref(row.id), clock.now(), unit_id):
        access.start_care_relationship(session, actor, clock, person_id=row.person_id,
                                       kind=RelationshipKind.ADMISSION, unit_id=unit_id, source_ref=source_ref(row.id))

def end_relationships(session: Session, actor: Actor, clock: Clock, row: DischargeProcessRow) -> None:
    """When the process ends, so do the ADMISSION relationships it gave: the acting unit ends its own now (logged);
    another unit's is not ended by someone else (DOMAIN §5) but runs out with its source, after the follow-up
    time the parties still need (nara.access.service.expire_with_source)."""
    now = clock.now()
    for relationship in access.current_relationships(session, row.person_id, source_ref(row.id), now):
        if relationship.unit_id == actor.unit_id:
            access.end_care_relationship(session, actor, clock, relationship.id)
    access.expire_with_source(session, clock, person_id=row.person_id, source_ref=source_ref(row.id))

