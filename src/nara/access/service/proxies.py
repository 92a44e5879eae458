"""Närstående, ombud and vårdnadshavare as use cases (DOMAIN.md §5; the rules: nara.access.model.proxies).

The person lists, gives and revokes grants under /min-sida (their access settings: category ATKOMST, logged like
every access). A proxy lists whom they may act for and chooses one (:func:`check_act_for`, then
nara.auth.service.act_for records the choice in the session); from then on every read goes through the policy
with ``actor.acting_for`` set, which decides from the grants as they are at that moment.

For other parts (e.g. messages): whose data a resident's page shows is ``nara.core.actor.subject_of(actor)``, the
purpose ``purpose_of(actor)``; ask :func:`nara.access.service.authorize` for that person and category
(MEDDELANDEN, VARDKONTAKTER, PLAN) as for any read — a proxy is allowed only with a valid grant covering it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.model.proxies import MAX_GRANT_DURATION, ProxyKind, ProxyScope, grant_end_refusal
from nara.access.service.guard import authorize
from nara.access.service.resident import person_of
from nara.access.store import GuardianshipRow, ProxyGrantRow
from nara.audit.model import AuditAction
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import STOCKHOLM, Clock, local_today
from nara.core.db import Database
from nara.core.errors import Forbidden, NotFound, ValidationFailed
from nara.directory import service as directory
from nara.directory.model.identifiers import IdentifierError, parse_identifier


@dataclass(frozen=True, slots=True)
class GrantLine:
    id: int
    proxy_name: str
    kind: ProxyKind
    scopes: tuple[ProxyScope, ...]
    valid_from: datetime
    valid_to: datetime
    revoked_at: datetime | None
    status: str  # active, revoked, ended, future

    @property
    def last_moment(self) -> datetime:
        """Within the last day it holds (``valid_to`` is the start of the day after)."""
        return self.valid_to - timedelta(seconds=1)


@dataclass(frozen=True, slots=True)
class Represented:
    """A person the actor may act for now."""

    person_id: int
    name: str
    kind: ProxyKind
    scopes: tuple[ProxyScope, ...]
    valid_to: datetime | None  # None for a guardianship (it ends with the child's 18th birthday)

    @property
    def last_moment(self) -> datetime | None:
        return None if self.valid_to is None else self.valid_to - timedelta(seconds=1)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, STOCKHOLM).astimezone(UTC)


def _scopes(raw: str) -> tuple[ProxyScope, ...]:
    return tuple(ProxyScope(x) for x in raw.split(",") if x)


def my_grants(db: Database, actor: Actor, clock: Clock) -> list[GrantLine]:
    """The person's grants, newest first; reading them is logged (their access settings)."""
    person_id = person_of(actor)
    now = clock.now()
    with db.transaction() as s:
        authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.READ, Purpose.EGEN_INSYN, clock,
                  resource=("proxy_grant", None))
        rows = list(s.scalars(select(ProxyGrantRow).where(ProxyGrantRow.person_id == person_id)
                              .order_by(ProxyGrantRow.created_at.desc(), ProxyGrantRow.id.desc())))
        names = {p: directory.person_full_name(s, p) or "" for p in {r.proxy_person_id for r in rows}}
        return [GrantLine(r.id, names[r.proxy_person_id], ProxyKind(r.kind), _scopes(r.scopes), r.valid_from,
                          r.valid_to, r.revoked_at, r.grant().status(now)) for r in rows]


def grant_proxy(db: Database, actor: Actor, clock: Clock, *, personnummer: str, kind: str,
                scopes: list[str], end_day: date | None) -> GrantLine:
    """The person lets a named närstående or ombud act for them in ``scopes`` until the end of ``end_day``
    (Swedish day). Raises ValidationFailed with a Swedish message for what is to fix."""
    person_id = person_of(actor)
    today = local_today(clock)
    now = clock.now()
    try:
        kind_ = ProxyKind(kind)
    except ValueError:
        raise ValidationFailed("proxies.kind_required") from None
    if kind_ is ProxyKind.VARDNADSHAVARE:
        raise ValidationFailed("proxies.kind_required")  # guardianship comes from the register, not a grant
    chosen = sorted({ProxyScope(x) for x in scopes if x in ProxyScope.__members__.values()})
    if not chosen:
        raise ValidationFailed("proxies.scopes_required")
    refusal = grant_end_refusal(today, end_day)
    if refusal is not None:
        raise ValidationFailed(refusal, days=MAX_GRANT_DURATION.days)
    assert end_day is not None
    try:
        identifier = parse_identifier(personnummer, today)
    except IdentifierError:
        raise ValidationFailed("proxies.personnummer_invalid") from None
    with db.transaction() as s:
        proxy_id = directory.person_id_with_identifier(s, identifier.value)
        if proxy_id is None:
            raise ValidationFailed("proxies.personnummer_unknown")
        if proxy_id == person_id:
            raise ValidationFailed("proxies.not_yourself")
        row = ProxyGrantRow(person_id=person_id, proxy_person_id=proxy_id, kind=kind_.value,
                            scopes=",".join(x.value for x in chosen), valid_from=now,
                            valid_to=_day_start(end_day + timedelta(days=1)), created_by=actor.account_id,
                            created_at=now)
        s.add(row)
        s.flush()
        authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.CREATE, Purpose.EGEN_INSYN, clock,
                  resource=("proxy_grant", row.id))
        name = directory.person_full_name(s, proxy_id) or ""
        return GrantLine(row.id, name, kind_, tuple(chosen), row.valid_from, row.valid_to, None, "active")


def revoke_proxy(db: Database, actor: Actor, clock: Clock, grant_id: int) -> str:
    """Revoke one of the person's grants at once; returns the proxy's name. Revoking an ended grant is a no-op."""
    person_id = person_of(actor)
    now = clock.now()
    with db.transaction() as s:
        row = s.get(ProxyGrantRow, grant_id)
        if row is None or row.person_id != person_id:
            raise NotFound("proxies.not_found")
        authorize(s, actor, person_id, InformationCategory.ATKOMST, AuditAction.WRITE, Purpose.EGEN_INSYN, clock,
                  resource=("proxy_grant", row.id))
        if row.revoked_at is None and row.valid_to > now:
            row.revoked_at = now
            row.revoked_by = actor.account_id
        return directory.person_full_name(s, row.proxy_person_id) or ""


def represented(db: Database, actor: Actor, clock: Clock) -> list[Represented]:
    """Whom the actor may act for now: valid grants to them, and children they are guardian of (under 18)."""
    if actor.role is not Role.RESIDENT or actor.person_id is None:
        return []
    now = clock.now()
    today = local_today(clock)
    with db.transaction() as s:
        out: dict[int, Represented] = {}
        for r in s.scalars(select(ProxyGrantRow).where(ProxyGrantRow.proxy_person_id == actor.person_id)):
            grant = r.grant()
            if grant.is_valid(now):
                known = out.get(r.person_id)
                scopes = tuple(sorted(set(grant.scopes) | set(known.scopes if known else ())))
                out[r.person_id] = Represented(r.person_id, "", ProxyKind(r.kind), scopes,
                                               max(r.valid_to, known.valid_to or r.valid_to) if known else r.valid_to)
        for g in s.scalars(select(GuardianshipRow).where(GuardianshipRow.guardian_person_id == actor.person_id)):
            exists, born = directory.person_birth(s, g.child_person_id)
            if not exists or born is None or (g.ended_at is not None and g.ended_at <= now):
                continue
            age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
            if age < 18:
                scopes = tuple(ProxyScope) if age < 13 else (ProxyScope.PLAN, ProxyScope.TIDER)
                out[g.child_person_id] = Represented(g.child_person_id, "", ProxyKind.VARDNADSHAVARE, scopes, None)
        return sorted((replace(r, name=directory.person_full_name(s, r.person_id) or "") for r in out.values()),
                      key=lambda r: (r.name, r.person_id))


def check_act_for(db: Database, actor: Actor, clock: Clock, person_id: int) -> Actor:
    """The actor acting for ``person_id``, when the policy lets them (their name: GRUNDUPPGIFTER, logged);
    raises AccessDenied otherwise. Choosing oneself is always allowed."""
    if actor.role is not Role.RESIDENT or actor.person_id is None:
        raise Forbidden("auth.forbidden")
    if person_id == actor.person_id:
        return replace(actor, acting_for=None)
    acting = replace(actor, acting_for=person_id)
    authorize(db, acting, person_id, InformationCategory.GRUNDUPPGIFTER, AuditAction.READ, Purpose.NARSTAENDE,
              clock, resource=("person", person_id))
    return acting


def add_guardianship(session: Session, *, guardian_person_id: int, child_person_id: int,
                     valid_from: datetime) -> GuardianshipRow:
    """Record a guardianship (from the population register; the demo and tests call this)."""
    row = GuardianshipRow(guardian_person_id=guardian_person_id, child_person_id=child_person_id,
                          valid_from=valid_from, created_at=valid_from)
    session.add(row)
    session.flush()
    return row
