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
import time
import unicodedata
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, ClassVar, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Row, and_, bindparam, delete, exists, or_, select, update
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
from nara.directory.store import (
    PersonRow,
    StaffAssignmentRow,
    StaffRow,
    UnitRow,
    active_assignments,
    assignment_active_on,
)

_A = TypeVar("_A")
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a bound keeps a request from costing too much
_USERNAME_RE = re.compile(r"^[a-z0-9._-]{2,64}$")
_MAX_TOKEN_LENGTH = 200

_hasher = PasswordHasher()


# --- errors ---------------------------------------------------------------------------------------------


class AuthRequired(Unauthenticated):
    """No credentials, or ones that are not (or no longer) valid. The challenge tells API clients how."""

    default_headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="nara"'}


class BadCredentials(Unauthenticated):
    """Wrong user name or password — the same answer whether or not the account exists."""

    code = "bad-credentials"
    default_headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="nara"'}


class SessionExpired(Unauthenticated):
    code = "session-expired"
    default_headers: ClassVar[dict[str, str]] = {"WWW-Authenticate": 'Bearer realm="nara", error="invalid_token"'}


class AccountLocked(NaraError):
    """Too many failed log-ins; the answer says when to try again (Retry-After, seconds)."""

    status = 429
    code = "login-locked"

    def __init__(self, until: datetime, now: datetime) -> None:
        self.retry_after = seconds_left(until, now)
        super().__init__("auth.locked", headers={"Retry-After": str(self.retry_after)},
                         minutes=minutes_left(until, now))


class TooManyAttempts(NaraError):
    """Too many failed log-ins from one client address; the answer says when to try again (Retry-After)."""

    status = 429
    code = "login-rate-limited"

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__("auth.rate_limited", headers={"Retry-After": str(retry_after)},
                         minutes=max(1, -(-retry_after // 60)))


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
    SessionExpired when the session ran out (idle or absolute limit).

    This runs on every request, so it is one indexed statement outside any transaction (the session, its account,
    the staff member or person, and the units of today's assignments: :data:`_LOOKUP`). Only when something must
    be written — a browser session's idle timer, a session to end, an active unit whose assignment ended — does
    one single-row UPDATE follow; an API request writes nothing here."""
    if not token or len(token) > _MAX_TOKEN_LENGTH:
        raise AuthRequired("auth.required")
    now = clock.now()
    with db.read_connection() as conn:
        rows = conn.execute(_LOOKUP, {"token_hash": token_hash(token), "today": _today(now)}).all()
    outcome, changes = _resolve(rows, policy(settings), kind, now, touch=touch)
    if changes:
        with db.engine.begin() as conn:
            conn.execute(update(AuthSessionRow).where(AuthSessionRow.id == rows[0].session_id).values(changes))
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
           AuthSessionRow.csrf_token, AccountRow.id.label("account_id"), AccountRow.username,
           AccountRow.display_name, AccountRow.role, AccountRow.is_active, AccountRow.is_demo, AccountRow.person_id,
           StaffRow.id.label("staff_id"), StaffRow.given_name.label("staff_given"),
           StaffRow.family_name.label("staff_family"), StaffRow.hsa_id, StaffRow.profession,
           PersonRow.given_name.label("person_given"), PersonRow.family_name.label("person_family"),
           StaffAssignmentRow.id.label("assignment_id"), StaffAssignmentRow.valid_from,
           UnitRow.id.label("unit_id"), UnitRow.name.label("unit_name"), UnitRow.kind.label("unit_kind"),
           UnitRow.provider_id)
    .select_from(AuthSessionRow)
    .outerjoin(AccountRow, AccountRow.id == AuthSessionRow.account_id)
    .outerjoin(StaffRow, StaffRow.id == AccountRow.staff_id)
    .outerjoin(PersonRow, PersonRow.id == AccountRow.person_id)
    .outerjoin(StaffAssignmentRow, and_(StaffAssignmentRow.staff_id == StaffRow.id,
                                        assignment_active_on(bindparam("today"))))
    .outerjoin(UnitRow, UnitRow.id == StaffAssignmentRow.unit_id)
    .where(AuthSessionRow.token_hash == bindparam("token_hash"))
)
"""A session with everything its actor is made of, one row per assignment active today (one row for none)."""


def _resolve(
    rows: Sequence[Row[Any]], pol: SessionPolicy, kind: SessionKind, now: datetime, *, touch: bool = True
) -> tuple[ResolvedSession | NaraError, dict[str, object]]:
    """What the looked-up rows mean, and what must be written to the session row because of it."""
    if not rows:
        return AuthRequired("auth.required"), {}
    row = rows[0]
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
    if row.staff_id is not None:
        display_name = f"{row.staff_given} {row.staff_family}"
        # The chosen unit stays while its assignment lasts; when it ends, fall back to another one.
        units = _earliest_per_unit([r for r in rows if r.assignment_id is not None],
                                   unit=lambda r: r.unit_id, started=lambda r: (r.valid_from, r.assignment_id))
        unit = next((u for u in units if u.unit_id == row.active_unit_id), units[0] if units else None)
        if (unit.unit_id if unit else None) != row.active_unit_id:
            changes["active_unit_id"] = unit.unit_id if unit else None
    if row.person_id is not None and row.person_given is not None:
        display_name = f"{row.person_given} {row.person_family}"
    actor = Actor(
        account_id=row.account_id, username=row.username, display_name=display_name, role=Role(row.role),
        staff_id=row.staff_id, staff_hsa_id=row.hsa_id, person_id=row.person_id,
        unit_id=unit.unit_id if unit else None, unit_name=unit.unit_name if unit else None,
        provider_id=unit.provider_id if unit else None, session_id=row.session_id,
        unit_kind=unit.unit_kind if unit else None, profession=row.profession, is_demo=row.is_demo,
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


def staff_units(s: Session, staff_id: int, today: date) -> list[UnitRow]:
    """The units a staff member has an active assignment at today, earliest assignment first."""
    return [a.unit for a in _earliest_per_unit(active_assignments(s, staff_id, today), unit=lambda a: a.unit_id,
                                               started=lambda a: (a.valid_from, a.id))]


def _earliest_per_unit(assignments: Iterable[_A], *, unit: Callable[[_A], int],
                       started: Callable[[_A], Any]) -> list[_A]:
    """One assignment per unit, the earliest started, in the order they started: the order a staff member's units
    are offered in, the first being the default."""
    seen: dict[int, _A] = {}
    for assignment in sorted(assignments, key=started):
        seen.setdefault(unit(assignment), assignment)
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
    _token_cache.drop_session(db, actor.session_id)


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


# --- accounts, as other parts read them ---------------------------------------------------------------------


def account_names(session: Session, account_ids: Iterable[int]) -> dict[int, str]:
    """The display names of accounts (who did what, in a log or a history)."""
    ids = set(account_ids)
    if not ids:
        return {}
    return dict(session.execute(select(AccountRow.id, AccountRow.display_name).where(AccountRow.id.in_(ids))).all())


def resident_account_ids(session: Session, person_id: int) -> list[int]:
    """The active accounts a person logs in with (where their notifications go)."""
    return list(session.scalars(select(AccountRow.id).where(AccountRow.person_id == person_id,
                                                           AccountRow.is_active.is_(True))))


def accounts_like(session: Session, text: str, pattern: str, staff_ids: Iterable[int], *,
                  limit: int = 1000) -> list[tuple[int, str, str, int | None]]:
    """Accounts whose user name is ``text``, whose name matches the LIKE ``pattern`` (escaped with ``\\``), or
    that belong to one of ``staff_ids``: (id, user name, display name, staff id), by id."""
    staff = set(staff_ids)
    rows = session.execute(
        select(AccountRow.id, AccountRow.username, AccountRow.display_name, AccountRow.staff_id)
        .where(or_(AccountRow.username == text.lower(), AccountRow.display_name.ilike(pattern, escape="\\"),
                   AccountRow.staff_id.in_(staff) if staff else AccountRow.id.is_(None)))
        .order_by(AccountRow.id).limit(limit))
    return [(r.id, r.username, r.display_name, r.staff_id) for r in rows]
