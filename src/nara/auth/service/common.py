"""The log-in part's shared pieces: errors, results, hashing, and the units a staff member works at."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any, ClassVar, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from nara.auth.model import SessionPolicy, minutes_left, seconds_left
from nara.core.actor import Actor, Role, SessionKind
from nara.core.clock import STOCKHOLM
from nara.core.errors import NaraError, Unauthenticated, ValidationFailed
from nara.core.settings import Settings
from nara.directory import service as directory

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



def staff_units(s: Session, staff_id: int, today: date) -> list[Any]:
    """The units (the directory's rows) a staff member has an active assignment at today, earliest first."""
    assignments = directory.active_assignments(s, staff_id, today)
    return [a.unit for a in _earliest_per_unit(assignments, unit=lambda a: a.unit_id,
                                               started=lambda a: (a.valid_from, a.id))]


def _earliest_per_unit(assignments: Iterable[_A], *, unit: Callable[[_A], int],
                       started: Callable[[_A], Any]) -> list[_A]:
    """One assignment per unit, the earliest started, in the order they started: the order a staff member's units
    are offered in, the first being the default."""
    seen: dict[int, _A] = {}
    for assignment in sorted(assignments, key=started):
        seen.setdefault(unit(assignment), assignment)
    return list(seen.values())
