"""Account and session use cases: create accounts, log in, resolve a session to an Actor, log out, switch
the unit a staff member works for, and refuse to run production with demo accounts.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 defaults). Sessions live in the database and
only the SHA-256 of the token is stored. Every time comes from the injected clock.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import unicodedata
from collections import OrderedDict, deque
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import ClassVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, exists, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

import nara.auth.messages  # noqa: F401  (registers the auth texts in the catalogue)
from nara.auth.messages import merge_messages
from nara.auth.model import (
    Actor,
    Role,
    SessionKind,
    SessionPolicy,
    is_locked,
    minutes_left,
    register_failure,
    seconds_left,
)
from nara.auth.store import (
    AccountRow,
    AuthSessionRow,
    LoginThrottleRow,
    account_by_username,
    session_by_token_hash,
)
from nara.core.clock import STOCKHOLM, Clock
from nara.core.db import Database
from nara.core.errors import Conflict, Forbidden, NaraError, Unauthenticated, ValidationFailed
from nara.core.i18n import SV
from nara.core.settings import Settings
from nara.directory.store import PersonRow, StaffRow, UnitRow, active_assignments

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a bound keeps a request from costing too much
_USERNAME_RE = re.compile(r"^[a-z0-9._-]{2,64}$")
_MAX_TOKEN_LENGTH = 200

_hasher = PasswordHasher()


# --- errors ---------------------------------------------------------------------------------------------


class AuthRequired(Unauthenticated):
    """No credentials, or ones that are not (or no longer) valid. The challenge tells API clients how."""

    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="nara"'}


class BadCredentials(Unauthenticated):
    """Wrong user name or password — the same answer whether or not the account exists."""

    code = "bad-credentials"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="nara"'}


class SessionExpired(Unauthenticated):
    code = "session-expired"
    headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="nara", error="invalid_token"'}


class AccountLocked(NaraError):
    """Too many failed log-ins; the answer says when to try again (Retry-After, seconds)."""

    status = 429
    code = "login-locked"

    def __init__(self, until: datetime, now: datetime) -> None:
        super().__init__("auth.locked", minutes=minutes_left(until, now))
        self.retry_after = seconds_left(until, now)

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class TooManyAttempts(NaraError):
    """Too many failed log-ins from one client address; the answer says when to try again (Retry-After)."""

    status = 429
    code = "login-rate-limited"

    def __init__(self, retry_after: int) -> None:
        super().__init__("auth.rate_limited", minutes=max(1, -(-retry_after // 60)))
        self.retry_after = retry_after

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


class DemoInProduction(NaraError):
    status = 503
    code = "demo-in-production"


# --- results --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedSession:
    """A new session. ``token`` is shown once (cookie or bearer token) and never stored."""

    token: str
    session_id: int
    account_id: int
    kind: SessionKind
    csrf_token: str
    expires_at: datetime
    role: Role


@dataclass(frozen=True, slots=True)
class ResolvedSession:
    actor: Actor
    kind: SessionKind
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class UnitChoice:
    """A unit a staff member has an active assignment at (medarbetaruppdrag)."""

    id: int
    name: str
    kind: str
    parent_name: str | None


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    display_name: str
    description: str | None
    role: Role


# --- helpers --------------------------------------------------------------------------------------------


def policy(settings: Settings) -> SessionPolicy:
    return SessionPolicy(
        idle=timedelta(minutes=settings.session_idle_minutes),
        max_age=timedelta(hours=settings.session_max_hours),
        api_lifetime=timedelta(hours=settings.api_token_hours),
        max_failures=settings.login_max_failures,
        lockout=timedelta(minutes=settings.login_lockout_minutes),
    )


def normalise_username(raw: str) -> str:
    return unicodedata.normalize("NFKC", raw).strip().lower()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _today(now: datetime) -> date:
    return now.astimezone(STOCKHOLM).date()


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed("auth.password_too_short", length=MIN_PASSWORD_LENGTH)
    return _hasher.hash(password)


# --- accounts -------------------------------------------------------------------------------------------


def create_account(
    session: Session, *, username: str, password: str, role: Role, display_name: str, now: datetime,
    staff_id: int | None = None, person_id: int | None = None, is_demo: bool = False,
    description: str | None = None,
) -> AccountRow:
    name = normalise_username(username)
    if not _USERNAME_RE.match(name):
        raise ValidationFailed("auth.username_invalid")
    if account_by_username(session, name) is not None:
        raise Conflict("auth.username_taken")
    account = AccountRow(
        username=name, password_hash=hash_password(password), role=role.value, display_name=display_name,
        description=description, staff_id=staff_id, person_id=person_id, is_demo=is_demo, is_active=True,
        failed_attempts=0, created_at=now,
    )
    session.add(account)
    session.flush()
    return account


def set_password(session: Session, account_id: int, password: str) -> None:
    account = session.get(AccountRow, account_id)
    if account is None:
        raise AuthRequired("auth.required")
    account.password_hash = hash_password(password)
    account.failed_attempts = 0
    account.locked_until = None


# --- log in ---------------------------------------------------------------------------------------------

merge_messages(SV, {
    "auth.rate_limited": "För många inloggningsförsök från din uppkoppling. Försök igen om {minutes} minuter.",
})

# Failed log-ins per client address (besides the per-name lock-out): guessing many names from one address, or one
# name slowly enough to stay under its lock-out, is stopped too. High enough for a shared address (a hospital's
# NAT) where people mistype now and then; successful log-ins do not count.
RATE_LIMIT_FAILURES = 20
RATE_LIMIT_WINDOW = timedelta(minutes=10)


class LoginRateLimiter:
    """Sliding window of failed log-ins per client address: at most ``max_failures`` within ``window``; then
    every attempt from that address is refused, before the password is checked, until the oldest failure in the
    window has aged out. Kept in the memory of one process (one per application); with several worker processes
    each counts on its own, so the effective limit is that many times higher. At most ``max_addresses`` are
    remembered (the least recently failing are forgotten first), so memory stays bounded under a flood."""

    def __init__(self, max_failures: int = RATE_LIMIT_FAILURES, window: timedelta = RATE_LIMIT_WINDOW,
                 max_addresses: int = 100_000) -> None:
        if max_failures < 1 or window <= timedelta(0):
            raise ValueError("a rate limit needs at least one attempt and a positive window")
        self.max_failures = max_failures
        self.window = window
        self.max_addresses = max_addresses
        self._failures: OrderedDict[str, deque[datetime]] = OrderedDict()
        self._lock = threading.Lock()

    def retry_after(self, address: str, now: datetime) -> int | None:
        """Seconds until ``address`` may try again, or None when it may try now."""
        with self._lock:
            times = self._recent(address, now)
            if times is None or len(times) < self.max_failures:
                return None
            return seconds_left(times[-self.max_failures] + self.window, now)

    def failed(self, address: str, now: datetime) -> None:
        with self._lock:
            times = self._recent(address, now)
            if times is None:
                times = self._failures[address] = deque()
            times.append(now)
            while len(times) > self.max_failures:
                times.popleft()
            self._failures.move_to_end(address)
            while len(self._failures) > self.max_addresses:
                self._failures.popitem(last=False)

    def _recent(self, address: str, now: datetime) -> deque[datetime] | None:
        times = self._failures.get(address)
        if times is None:
            return None
        while times and times[0] <= now - self.window:
            times.popleft()
        if not times:
            del self._failures[address]
            return None
        return times


def rate_limiter(settings: Settings) -> LoginRateLimiter:
    """The limiter for an application, from settings where set (NARA_LOGIN_RATE_*), else the defaults above."""
    return LoginRateLimiter(
        max_failures=settings.login_rate_max_failures or RATE_LIMIT_FAILURES,
        window=timedelta(minutes=settings.login_rate_window_minutes) if settings.login_rate_window_minutes
        else RATE_LIMIT_WINDOW,
    )



def log_in(
    db: Database, settings: Settings, clock: Clock, username: str, password: str, kind: SessionKind
) -> IssuedSession:
    """Check the password and open a session. Raises BadCredentials or AccountLocked.

    A failed attempt is counted in the same transaction, which must commit: the error is raised after it.
    """
    now = clock.now()
    with db.transaction() as s:
        outcome = _authenticate(s, policy(settings), normalise_username(username), password, kind, now)
    if isinstance(outcome, NaraError):
        raise outcome
    return outcome


def _authenticate(
    s: Session, pol: SessionPolicy, name: str, password: str, kind: SessionKind, now: datetime
) -> IssuedSession | NaraError:
    password = password[:MAX_PASSWORD_LENGTH]
    account = None
    if _USERNAME_RE.match(name):
        account = s.scalar(select(AccountRow).where(AccountRow.username == name).with_for_update())
    if account is None:
        return _unknown_user_failure(s, pol, name, password, now)
    if is_locked(account.locked_until, now):
        assert account.locked_until is not None
        return AccountLocked(account.locked_until, now)
    if not _verify(account.password_hash, password) or not account.is_active:
        outcome = register_failure(pol, account.failed_attempts, now)
        account.failed_attempts = outcome.failed_attempts
        account.locked_until = outcome.locked_until
        if outcome.locked_until is not None:
            return AccountLocked(outcome.locked_until, now)
        return BadCredentials("auth.bad_credentials")
    account.failed_attempts = 0
    account.locked_until = None
    account.last_login_at = now
    if _hasher.check_needs_rehash(account.password_hash):
        account.password_hash = _hasher.hash(password)
    return open_session(s, account, kind, pol, now)


def _unknown_user_failure(
    s: Session, pol: SessionPolicy, name: str, password: str, now: datetime
) -> NaraError:
    """No such account: spend the same work as a real check and count the failure under the name, so the
    answers (and their timing) do not tell whether the account exists."""
    key = token_hash(name)
    row = s.scalar(select(LoginThrottleRow).where(LoginThrottleRow.username_hash == key).with_for_update())
    if row is not None and is_locked(row.locked_until, now):
        assert row.locked_until is not None
        return AccountLocked(row.locked_until, now)
    _verify(_dummy_hash(), password)
    if row is None:
        row = LoginThrottleRow(username_hash=key, failed_attempts=0, last_failed_at=now)
        try:
            with s.begin_nested():
                s.add(row)
        except IntegrityError:  # a concurrent attempt created it
            row = s.scalar(select(LoginThrottleRow).where(LoginThrottleRow.username_hash == key))
            assert row is not None
    outcome = register_failure(pol, row.failed_attempts, now)
    row.failed_attempts = outcome.failed_attempts
    row.locked_until = outcome.locked_until
    row.last_failed_at = now
    # Forget names that have been quiet for a lock-out period: the table stays small.
    s.execute(
        delete(LoginThrottleRow).where(
            LoginThrottleRow.last_failed_at < now - pol.lockout,
            or_(LoginThrottleRow.locked_until.is_(None), LoginThrottleRow.locked_until < now),
        )
    )
    if outcome.locked_until is not None:
        return AccountLocked(outcome.locked_until, now)
    return BadCredentials("auth.bad_credentials")


def open_session(
    s: Session, account: AccountRow, kind: SessionKind, pol: SessionPolicy, now: datetime
) -> IssuedSession:
    """A fresh session for an authenticated account (a new token on every log-in: no session fixation)."""
    s.execute(
        delete(AuthSessionRow).where(
            AuthSessionRow.account_id == account.id,
            or_(AuthSessionRow.expires_at < now, AuthSessionRow.revoked_at.is_not(None)),
        )
    )
    token = secrets.token_urlsafe(32)
    unit_id = None
    if account.staff_id is not None:
        units = staff_units(s, account.staff_id, _today(now))
        unit_id = units[0].id if units else None
    row = AuthSessionRow(
        token_hash=token_hash(token), account_id=account.id, kind=kind.value,
        csrf_token=secrets.token_urlsafe(32), created_at=now, last_seen_at=now,
        expires_at=pol.expires_at(kind, now), active_unit_id=unit_id,
    )
    s.add(row)
    s.flush()
    return IssuedSession(
        token=token, session_id=row.id, account_id=account.id, kind=kind, csrf_token=row.csrf_token,
        expires_at=row.expires_at, role=Role(account.role),
    )


# --- sessions -------------------------------------------------------------------------------------------


def resolve_session(
    db: Database, settings: Settings, clock: Clock, token: str | None, kind: SessionKind, *, touch: bool = True
) -> ResolvedSession:
    """The actor behind a session token; touches the session (idle timer) unless ``touch`` is False — a live
    stream an open page keeps must not keep an unattended session alive. Raises Unauthenticated, or
    SessionExpired when the session ran out (idle or absolute limit)."""
    now = clock.now()
    pol = policy(settings)
    if kind is SessionKind.API or not touch:
        # Usually a pure read (API tokens do not idle out): no transaction. When something must be written
        # (a session to revoke, an active unit that ended), it is done again below in one.
        with db.reading() as s:
            outcome = _resolve(s, pol, token, kind, now, touch=touch)
            needs_write = bool(s.new) or any(s.is_modified(o) for o in s.dirty)  # a same-value set is no write
        if not needs_write:
            if isinstance(outcome, NaraError):
                raise outcome
            return outcome
    with db.transaction() as s:
        outcome = _resolve(s, pol, token, kind, now, touch=touch)
    if isinstance(outcome, NaraError):
        raise outcome
    return outcome


def _resolve(
    s: Session, pol: SessionPolicy, token: str | None, kind: SessionKind, now: datetime, *, touch: bool = True
) -> ResolvedSession | NaraError:
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        return AuthRequired("auth.required")
    found = s.execute(  # the session and its account in one round trip: this runs on every request
        select(AuthSessionRow, AccountRow).outerjoin(AccountRow, AccountRow.id == AuthSessionRow.account_id)
        .where(AuthSessionRow.token_hash == token_hash(token))
    ).first()
    if found is None:
        return AuthRequired("auth.required")
    row, account = found
    if row.revoked_at is not None or row.kind != kind.value:
        return AuthRequired("auth.required")
    if now >= row.expires_at or pol.is_idle(kind, row.last_seen_at, now):
        row.revoked_at = now
        return SessionExpired("auth.session_expired")
    if account is None or not account.is_active:
        row.revoked_at = now
        return AuthRequired("auth.required")
    if touch and kind is SessionKind.WEB:  # only browser sessions idle out (SessionPolicy.is_idle): an API
        row.last_seen_at = now               # request writes nothing here, so resolving its token is a read
    actor = _actor(s, account, row, _today(now))
    return ResolvedSession(actor=actor, kind=kind, csrf_token=row.csrf_token, expires_at=row.expires_at)


def _actor(s: Session, account: AccountRow, row: AuthSessionRow, today: date) -> Actor:
    display_name = account.display_name
    staff = s.get(StaffRow, account.staff_id) if account.staff_id is not None else None
    unit: UnitRow | None = None
    if staff is not None:
        display_name = staff.full_name
        units = staff_units(s, staff.id, today)
        # The chosen unit stays while the assignment lasts; when it ends, fall back to another one.
        unit = next((u for u in units if u.id == row.active_unit_id), units[0] if units else None)
        row.active_unit_id = unit.id if unit else None
    if account.person_id is not None:
        person = s.get(PersonRow, account.person_id)
        if person is not None:
            display_name = person.full_name
    return Actor(
        account_id=account.id, username=account.username, display_name=display_name, role=Role(account.role),
        staff_id=staff.id if staff else None, staff_hsa_id=staff.hsa_id if staff else None,
        person_id=account.person_id, unit_id=unit.id if unit else None, unit_name=unit.name if unit else None,
        provider_id=unit.provider_id if unit else None, session_id=row.id,
        unit_kind=unit.kind if unit else None, profession=staff.profession if staff else None,
        is_demo=account.is_demo,
    )


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
        if row is None or row.revoked_at is not None:
            return False
        row.revoked_at = clock.now()
        return True


def staff_units(s: Session, staff_id: int, today: date) -> list[UnitRow]:
    """The units a staff member has an active assignment at today, earliest assignment first."""
    seen: dict[int, UnitRow] = {}
    for a in sorted(active_assignments(s, staff_id, today), key=lambda a: (a.valid_from, a.id)):
        seen.setdefault(a.unit_id, a.unit)
    return list(seen.values())


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


# --- demo accounts and the production guard -------------------------------------------------------------


def has_demo_accounts(db: Database) -> bool:
    with db.transaction() as s:
        return bool(s.scalar(select(exists().where(AccountRow.is_demo.is_(True)))))


def demo_accounts(db: Database) -> list[DemoAccount]:
    with db.transaction() as s:
        rows = s.scalars(select(AccountRow).where(AccountRow.is_demo.is_(True)).order_by(AccountRow.id))
        return [DemoAccount(r.username, r.display_name, r.description, Role(r.role)) for r in rows]


def check_production_ready(db: Database, settings: Settings) -> None:
    """Production must not start while demo accounts (with their published password) exist."""
    if settings.environment == "production" and has_demo_accounts(db):
        raise DemoInProduction("auth.demo_in_production")
