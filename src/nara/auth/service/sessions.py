"""Sessions: the actor behind a token on every request, the CSRF token, log-out, the unit one works for."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, select, update

from nara.auth.model import SessionPolicy
from nara.auth.service.accounts import (
    has_demo_accounts,
)
from nara.auth.service.common import (
    _MAX_TOKEN_LENGTH,
    AuthRequired,
    ResolvedSession,
    SessionExpired,
    UnitChoice,
    _earliest_per_unit,
    _today,
    policy,
    staff_units,
    token_hash,
)
from nara.auth.store import (
    AccountRow,
    AuthSessionRow,
    session_by_token_hash,
)
from nara.core.actor import Actor, Role, SessionKind
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.errors import Forbidden, NaraError
from nara.core.settings import Settings
from nara.directory import service as directory
from nara.directory.service import OnDuty

# --- sessions -------------------------------------------------------------------------------------------


def resolve_session(
    db: Database, settings: Settings, clock: Clock, token: str | None, kind: SessionKind, *, touch: bool = True
) -> ResolvedSession:
    """The actor behind a session token; touches the session (idle timer) unless ``touch`` is False — a live
    stream an open page keeps must not keep an unattended session alive. Raises Unauthenticated, or
    SessionExpired when the session ran out (idle or absolute limit).

    This runs on every request, so it is one indexed statement outside any transaction (the session, its account,
    the staff member or person, and the units of today's assignments: :data:`_LOOKUP`). Only when something must
    be written — a browser session's idle timer, a session to end, an active unit whose assignment ended — does
    one single-row UPDATE follow; an API request writes nothing here."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise AuthRequired("auth.required")
    now = clock.now()
    with db.read_connection() as conn:
        row = conn.execute(_LOOKUP, {"token_hash": token_hash(token)}).first()
        duty = person_name = None
        if row is not None and row.staff_id is not None:
            duty = directory.staff_on_duty(conn, row.staff_id, _today(now))
        if row is not None and row.person_id is not None:
            person_name = directory.person_full_name(conn, row.person_id)
    outcome, changes = _resolve(row, duty, person_name, policy(settings), kind, now, touch=touch)
    if changes and row is not None:
        with db.engine.begin() as conn:
            conn.execute(update(AuthSessionRow).where(AuthSessionRow.id == row.session_id).values(changes))
    if isinstance(outcome, NaraError):
        raise outcome
    if kind is SessionKind.API and settings.api_token_cache_seconds > 0:
        _token_cache.put(db, token, outcome, settings.api_token_cache_seconds)
    return outcome


class _TokenCache:
    """API tokens this process resolved in the last few seconds (Settings.api_token_cache_seconds): a program
    polling the API asks with the same token many times a second, and the session, account and assignments
    behind it do not change in between. Only the identity is kept — every access decision still reads its facts
    (care relationships, consents, spärrar) fresh and logs its entry.

    A token logged out or a unit switched in this process is dropped at once. In another process of the same
    server the old answer lives at most the cache's seconds: the bound on how late a revocation takes effect
    there (2 s by default; 0 turns the cache off). A session past its expiry is never answered from here."""

    MAX_ENTRIES = 10_000

    def __init__(self) -> None:
        self._entries: dict[tuple[str, str], tuple[float, ResolvedSession]] = {}

    def get(self, db: Database, token: str | None, now: datetime) -> ResolvedSession | None:
        if not self._entries or not token or len(token) > _MAX_TOKEN_LENGTH:
            return None
        key = (db.url, token_hash(token))
        hit = self._entries.get(key)
        if hit is None:
            return None
        until, resolved = hit
        if time.monotonic() >= until or now >= resolved.expires_at:
            self._entries.pop(key, None)
            return None
        return resolved

    def put(self, db: Database, token: str, resolved: ResolvedSession, seconds: float) -> None:
        if len(self._entries) >= self.MAX_ENTRIES:
            self._entries.clear()
        self._entries[(db.url, token_hash(token))] = (time.monotonic() + seconds, resolved)

    def drop_token(self, db: Database, token: str) -> None:
        self._entries.pop((db.url, token_hash(token)), None)

    def drop_session(self, db: Database, session_id: int) -> None:
        for key, (_until, resolved) in list(self._entries.items()):
            if key[0] == db.url and resolved.actor.session_id == session_id:
                self._entries.pop(key, None)


_token_cache = _TokenCache()


def cached_api_session(db: Database, clock: Clock, token: str | None) -> ResolvedSession | None:
    """The API token's session when this process resolved it moments ago (:class:`_TokenCache`), else None:
    then call :func:`resolve_session`. No I/O, so it can run on the event loop."""
    return _token_cache.get(db, token, clock.now())


_LOOKUP = (
    select(AuthSessionRow.id.label("session_id"), AuthSessionRow.kind, AuthSessionRow.revoked_at,
           AuthSessionRow.expires_at, AuthSessionRow.last_seen_at, AuthSessionRow.active_unit_id,
           AuthSessionRow.acting_for_person_id,
           AuthSessionRow.csrf_token, AccountRow.id.label("account_id"), AccountRow.username,
           AccountRow.display_name, AccountRow.role, AccountRow.is_active, AccountRow.is_demo, AccountRow.person_id,
           AccountRow.staff_id)
    .select_from(AuthSessionRow)
    .outerjoin(AccountRow, AccountRow.id == AuthSessionRow.account_id)
    .where(AuthSessionRow.token_hash == bindparam("token_hash"))
)
"""A session and its account, one indexed statement; who the staff member or person is, and where a staff member
works today, the directory answers (nara.directory.service.staff_on_duty) in one more."""


def _resolve(
    row: Row[Any] | None, duty: OnDuty | None, person_name: str | None, pol: SessionPolicy, kind: SessionKind,
    now: datetime, *, touch: bool = True,
) -> tuple[ResolvedSession | NaraError, dict[str, object]]:
    """What the looked-up session means, and what must be written to the session row because of it."""
    if row is None:
        return AuthRequired("auth.required"), {}
    if row.revoked_at is not None or row.kind != kind.value:
        return AuthRequired("auth.required"), {}
    if now >= row.expires_at or pol.is_idle(kind, row.last_seen_at, now):
        return SessionExpired("auth.session_expired"), {"revoked_at": now}
    if row.account_id is None or not row.is_active:
        return AuthRequired("auth.required"), {"revoked_at": now}
    changes: dict[str, object] = {}
    if touch and kind is SessionKind.WEB:  # only browser sessions idle out (SessionPolicy.is_idle): an API
        changes["last_seen_at"] = now       # request writes nothing here, so resolving its token is a read
    display_name = row.display_name
    unit = None
    staff_id = row.staff_id if duty is not None else None
    if duty is not None:
        display_name = duty.full_name
        # The chosen unit stays while its assignment lasts; when it ends, fall back to another one.
        units = _earliest_per_unit(duty.units, unit=lambda u: u.unit_id,
                                   started=lambda u: (u.valid_from, u.assignment_id))
        unit = next((u for u in units if u.unit_id == row.active_unit_id), units[0] if units else None)
        if (unit.unit_id if unit else None) != row.active_unit_id:
            changes["active_unit_id"] = unit.unit_id if unit else None
    if row.person_id is not None and person_name is not None:
        display_name = person_name
    actor = Actor(
        account_id=row.account_id, username=row.username, display_name=display_name, role=Role(row.role),
        staff_id=staff_id, staff_hsa_id=duty.hsa_id if duty else None, person_id=row.person_id,
        unit_id=unit.unit_id if unit else None, unit_name=unit.unit_name if unit else None,
        provider_id=unit.provider_id if unit else None, session_id=row.session_id,
        unit_kind=unit.unit_kind if unit else None, profession=duty.profession if duty else None,
        is_demo=row.is_demo,
        acting_for=row.acting_for_person_id if row.role == Role.RESIDENT.value else None,
    )
    return ResolvedSession(actor=actor, kind=kind, csrf_token=row.csrf_token, expires_at=row.expires_at), changes


def csrf_token_for(db: Database, settings: Settings, clock: Clock, token: str | None) -> str | None:
    """The CSRF token of a live browser session, without touching it; None when there is none."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return None
    now = clock.now()
    pol = policy(settings)
    with db.transaction() as s:
        row = session_by_token_hash(s, token_hash(token))
        if row is None or row.revoked_at is not None or row.kind != SessionKind.WEB.value:
            return None
        if now >= row.expires_at or pol.is_idle(SessionKind.WEB, row.last_seen_at, now):
            return None
        return row.csrf_token


def log_out(db: Database, clock: Clock, token: str | None) -> bool:
    """Revoke the session or API token; True when there was one to revoke."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return False
    with db.transaction() as s:
        row = session_by_token_hash(s, token_hash(token))
        revoked = row is not None and row.revoked_at is None
        if revoked:
            row.revoked_at = clock.now()
    _token_cache.drop_token(db, token)  # after the commit: a lookup meanwhile cannot put it back
    return revoked



def unit_choices(db: Database, clock: Clock, staff_id: int) -> list[UnitChoice]:
    with db.transaction() as s:
        return [
            UnitChoice(id=u.id, name=u.name, kind=u.kind, parent_name=u.parent_name)
            for u in staff_units(s, staff_id, _today(clock.now()))
        ]


def switch_unit(db: Database, clock: Clock, actor: Actor, unit_id: int) -> None:
    """Choose which of one's units one works for now ("du arbetar nu för"); only an active assignment."""
    if actor.staff_id is None or actor.session_id is None:
        raise Forbidden("auth.forbidden")
    with db.transaction() as s:
        if unit_id not in {u.id for u in staff_units(s, actor.staff_id, _today(clock.now()))}:
            raise Forbidden("auth.unit_not_assigned")
        row = s.get(AuthSessionRow, actor.session_id)
        if row is None or row.revoked_at is not None:
            raise AuthRequired("auth.required")
        row.active_unit_id = unit_id
    _token_cache.drop_session(db, actor.session_id)


def act_for(db: Database, actor: Actor, person_id: int | None) -> None:
    """Record in the session whom a resident acts for now (None: themself). The caller has asked the access
    policy first (nara.access.service.proxies.check_act_for); the policy asks again on every request."""
    if actor.role is not Role.RESIDENT or actor.session_id is None:
        raise Forbidden("auth.forbidden")
    with db.transaction() as s:
        row = s.get(AuthSessionRow, actor.session_id)
        if row is None or row.revoked_at is not None:
            raise AuthRequired("auth.required")
        row.acting_for_person_id = None if person_id == actor.person_id else person_id
    _token_cache.drop_session(db, actor.session_id)



class AccountSessions:
    """The sessions the web kit asks about (nara.web.sessions.Sessions), backed by this part's tables;
    the composition puts one on ``app.state.sessions``."""

    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock

    def resolve(self, token: str, kind: SessionKind, *, touch: bool) -> ResolvedSession:
        return resolve_session(self.db, self.settings, self.clock, token, kind, touch=touch)

    def cached(self, token: str | None) -> ResolvedSession | None:
        return cached_api_session(self.db, self.clock, token)

    def csrf_token(self, token: str | None) -> str | None:
        return csrf_token_for(self.db, self.settings, self.clock, token)

    def demo_accounts_exist(self) -> bool:
        return has_demo_accounts(self.db)
