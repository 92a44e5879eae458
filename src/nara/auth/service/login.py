"""Log in: accounts and passwords, the per-name lock-out and the per-address rate limit, new sessions."""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict, deque
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from nara.auth.model import SessionPolicy, is_locked, register_failure, seconds_left
from nara.auth.service import common
from nara.auth.service.common import (
    _USERNAME_RE,
    MAX_PASSWORD_LENGTH,
    AccountLocked,
    AuthRequired,
    BadCredentials,
    IssuedSession,
    _dummy_hash,
    _today,
    _verify,
    hash_password,
    normalise_username,
    policy,
    staff_units,
    token_hash,
)
from nara.auth.store import (
    AccountRow,
    AuthSessionRow,
    LoginThrottleRow,
    account_by_username,
)
from nara.core.actor import Role, SessionKind
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.errors import Conflict, NaraError, ValidationFailed
from nara.core.settings import Settings

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
    if common._hasher.check_needs_rehash(account.password_hash):
        account.password_hash = common._hasher.hash(password)
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
