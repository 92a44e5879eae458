"""Who is acting: accounts, roles and the actor a request runs as, and the rules for sessions and lock-out.

Plain Python, no I/O: every rule takes the time it applies at.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from nara.core.actor import SessionKind


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long sessions live and when log-in locks (from Settings)."""

    idle: timedelta
    max_age: timedelta
    api_lifetime: timedelta
    max_failures: int
    lockout: timedelta

    def expires_at(self, kind: SessionKind, created: datetime) -> datetime:
        return created + (self.api_lifetime if kind is SessionKind.API else self.max_age)

    def is_idle(self, kind: SessionKind, last_seen: datetime, now: datetime) -> bool:
        """A browser session left alone longer than the idle limit is over. API tokens live out their
        lifetime: the programs that hold them poll irregularly."""
        return kind is SessionKind.WEB and now - last_seen > self.idle


@dataclass(frozen=True, slots=True)
class FailureOutcome:
    failed_attempts: int
    locked_until: datetime | None


def register_failure(policy: SessionPolicy, failed_attempts: int, now: datetime) -> FailureOutcome:
    """One more failed log-in. The attempt that reaches the limit locks the name and starts the count over."""
    failed = failed_attempts + 1
    if failed >= policy.max_failures:
        return FailureOutcome(0, now + policy.lockout)
    return FailureOutcome(failed, None)


def is_locked(locked_until: datetime | None, now: datetime) -> bool:
    return locked_until is not None and locked_until > now


def seconds_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


def minutes_left(until: datetime, now: datetime) -> int:
    return max(1, math.ceil(seconds_left(until, now) / 60))
