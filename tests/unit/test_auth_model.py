"""The pure session and lock-out rules (no database)."""

from datetime import UTC, datetime, timedelta

from nara.auth.model import SessionPolicy, is_locked, minutes_left, register_failure, seconds_left
from nara.core.actor import SessionKind

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
POLICY = SessionPolicy(idle=timedelta(minutes=30), max_age=timedelta(hours=12),
                       api_lifetime=timedelta(hours=8), max_failures=5, lockout=timedelta(minutes=15))


def test_failures_count_up_and_the_last_allowed_one_locks():
    assert register_failure(POLICY, 0, NOW).failed_attempts == 1
    assert register_failure(POLICY, 3, NOW).locked_until is None
    locked = register_failure(POLICY, 4, NOW)
    assert locked.locked_until == NOW + timedelta(minutes=15) and locked.failed_attempts == 0


def test_a_lock_holds_until_its_end():
    until = NOW + timedelta(minutes=15)
    assert is_locked(until, NOW) and is_locked(until, until - timedelta(seconds=1))
    assert not is_locked(until, until) and not is_locked(None, NOW)


def test_time_left_rounds_up_so_nobody_is_told_zero():
    assert seconds_left(NOW + timedelta(seconds=0.2), NOW) == 1
    assert minutes_left(NOW + timedelta(minutes=14, seconds=1), NOW) == 15
    assert minutes_left(NOW + timedelta(seconds=5), NOW) == 1


def test_web_sessions_have_an_idle_limit_and_api_tokens_do_not():
    assert not POLICY.is_idle(SessionKind.WEB, NOW, NOW + timedelta(minutes=30))
    assert POLICY.is_idle(SessionKind.WEB, NOW, NOW + timedelta(minutes=30, seconds=1))
    assert not POLICY.is_idle(SessionKind.API, NOW, NOW + timedelta(hours=7))


def test_expiry_depends_on_the_kind_of_session():
    assert POLICY.expires_at(SessionKind.WEB, NOW) == NOW + timedelta(hours=12)
    assert POLICY.expires_at(SessionKind.API, NOW) == NOW + timedelta(hours=8)
