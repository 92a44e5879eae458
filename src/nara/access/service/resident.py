"""The person's own view of who may see their data (DOMAIN.md §5), under /min-sida: their consents and spärrar.
Reading them goes through the policy (purpose egen_insyn) and is logged like every access; giving and withdrawing
consent and setting a spärr go through the use cases of nara.access.service.grants and take effect at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from nara.access import store
from nara.access.model import BLOCKABLE, BlockKind, InformationCategory
from nara.access.service import grants
from nara.access.service.guard import authorize
from nara.access.store import BlockRow, ConsentRow
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from nara.directory import service as directory


def person_of(actor: Actor) -> int:
    if actor.role is not Role.RESIDENT:
        raise Forbidden("auth.forbidden")
    if actor.person_id is None:
        raise Forbidden("resident.no_person")
    return actor.person_id


@dataclass(frozen=True, slots=True)
class ProviderChoice:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class ConsentLine:
    id: int
    provider_id: int
    provider_name: str
    plan_ref: str | None
    valid_from: datetime
    valid_to: datetime | None
    revoked_at: datetime | None
    given_by: str
    status: str  # active, revoked, ended, future


@dataclass(frozen=True, slots=True)
class MyConsents:
    consents: list[ConsentLine]
    my_providers: list[ProviderChoice]  # have or had a care relationship with me
    all_providers: list[ProviderChoice]


def _status(row: ConsentRow, now: datetime) -> str:
    if row.revoked_at is not None and row.revoked_at <= now:
        return "revoked"
    if row.valid_to is not None and row.valid_to <= now:
        return "ended"
    if row.valid_from > now:
        return "future"
    return "active"


def _consent_line(row: ConsentRow, provider_name: str, now: datetime) -> ConsentLine:
    return ConsentLine(row.id, row.care_provider_id, provider_name, row.plan_ref, row.valid_from, row.valid_to,
                       row.revoked_at, row.given_by, _status(row, now))


def _my_units(s: Session, person_id: int) -> list[Any]:
    """Units that have or had a care relationship with the person: listing, SäBo, recorded relationships."""
    ids = directory.person_unit_ids(s, person_id) | store.relationship_unit_ids(s, person_id)
    return sorted(directory.units(s, ids).values(), key=lambda u: (u.name, u.id))


def my_consents(db: Database, actor: Actor, clock: Clock) -> MyConsents:
    person_id = person_of(actor)
    now = clock.now()
    with db.transaction() as s:
        authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.READ, Purpose.EGEN_INSYN, clock,
                  resource=("consent", None))
        providers = {p.id: p.name for p in directory.all_providers(s)}
        rows = store.consents_of(s, person_id)
        mine = {u.provider_id for u in _my_units(s, person_id)} | {r.care_provider_id for r in rows}
        consents = [_consent_line(r, providers.get(r.care_provider_id, ""), now) for r in reversed(rows)]
    ordered = sorted(providers.items(), key=lambda p: (p[1], p[0]))
    return MyConsents(consents, [ProviderChoice(i, n) for i, n in ordered if i in mine],
                      [ProviderChoice(i, n) for i, n in ordered])


def give_my_consent(db: Database, actor: Actor, clock: Clock, care_provider_id: int) -> ConsentLine:
    """I let ``care_provider_id`` read what other providers recorded about me, from now until I revoke it."""
    person_id = person_of(actor)
    now = clock.now()
    with db.transaction() as s:
        provider = directory.provider(s, care_provider_id)
        if provider is None:
            raise NotFound("unit.not_found")
        if any(r.care_provider_id == care_provider_id and r.plan_ref is None and _status(r, now) == "active"
               for r in store.consents_of(s, person_id)):
            raise Conflict("resident.consent.exists", provider=provider.name)
        row = grants.give_consent(s, actor, clock, person_id=person_id, care_provider_id=care_provider_id)
        return _consent_line(row, provider.name, now)


def revoke_my_consent(db: Database, actor: Actor, clock: Clock, consent_id: int) -> ConsentLine:
    """Withdraw a consent, with effect from the next request (DOMAIN §5). Another person's consent is denied
    by the policy (and logged)."""
    person_of(actor)
    with db.transaction() as s:
        row = grants.revoke_consent(s, actor, clock, consent_id)
        provider = directory.provider(s, row.care_provider_id)
        return _consent_line(row, provider.name if provider else "", clock.now())


@dataclass(frozen=True, slots=True)
class BlockLine:
    id: int
    kind: BlockKind
    category: str | None
    plan_ref: str | None
    unit_name: str | None
    provider_name: str
    set_at: datetime
    lifted_at: datetime | None


@dataclass(frozen=True, slots=True)
class UnitChoice:
    id: int
    name: str
    provider_name: str


@dataclass(frozen=True, slots=True)
class MyBlocks:
    blocks: list[BlockLine]
    units: list[UnitChoice]  # where a spärr can be asked for: the units I have or had contact with
    categories: list[str]


def my_blocks(db: Database, actor: Actor, clock: Clock) -> MyBlocks:
    """My spärrar, lifted ones too, with who set them (always shown, DOMAIN §5)."""
    person_id = person_of(actor)
    with db.transaction() as s:
        authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.READ, Purpose.EGEN_INSYN, clock,
                  resource=("sparr", None))
        providers = {p.id: p.name for p in directory.all_providers(s)}
        rows = store.blocks_of(s, person_id)
        unit_ids = {r.unit_id for r in rows if r.unit_id is not None}
        unit_names = {i: u.name for i, u in directory.units(s, unit_ids).items()}
        blocks = [BlockLine(r.id, BlockKind(r.kind), r.category, r.plan_ref, unit_names.get(r.unit_id or 0),
                            providers.get(r.provider_id, ""), r.set_at, r.lifted_at) for r in reversed(rows)]
        units = [UnitChoice(u.id, u.name, providers.get(u.provider_id, "")) for u in _my_units(s, person_id)]
    order = list(InformationCategory)
    return MyBlocks(blocks, units, sorted((c.value for c in BLOCKABLE), key=lambda c: order.index(
        InformationCategory(c))))


def set_my_block(db: Database, actor: Actor, clock: Clock, *, unit_id: int, kind: str, category: str) -> BlockRow:
    """I ask for a spärr on what ``unit_id`` (inre) or its care provider (yttre) recorded in ``category``."""
    person_id = person_of(actor)
    try:
        block_kind, block_category = BlockKind(kind), InformationCategory(category)
    except ValueError:
        raise ValidationFailed("resident.block.fields_missing") from None
    with db.transaction() as s:
        unit = directory.unit(s, unit_id)
        if unit is None:
            raise NotFound("unit.not_found")
        return grants.set_block(s, actor, clock, person_id=person_id, kind=block_kind, category=block_category,
                                unit_id=unit.id, provider_id=unit.provider_id)
