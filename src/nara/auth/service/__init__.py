"""Account and session use cases: create accounts, log in, resolve a session to an Actor, log out, switch
the unit a staff member works for, and refuse to run production with demo accounts.

Passwords are hashed with argon2id (argon2-cffi's RFC 9106 defaults). Sessions live in the database and
only the SHA-256 of the token is stored. Every time comes from the injected clock.
"""

from __future__ import annotations

from nara.auth.service.accounts import (
    account_names,
    accounts_like,
    check_production_ready,
    demo_accounts,
    has_demo_accounts,
    resident_account_ids,
)
from nara.auth.service.common import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    AccountLocked,
    AuthRequired,
    BadCredentials,
    DemoAccount,
    DemoInProduction,
    IssuedSession,
    ResolvedSession,
    SessionExpired,
    TooManyAttempts,
    UnitChoice,
    _dummy_hash,
    hash_password,
    normalise_username,
    policy,
    staff_units,
    token_hash,
)
from nara.auth.service.login import (
    RATE_LIMIT_FAILURES,
    RATE_LIMIT_WINDOW,
    LoginRateLimiter,
    create_account,
    log_in,
    open_session,
    rate_limiter,
    set_password,
)
from nara.auth.service.sessions import (
    AccountSessions,
    act_for,
    cached_api_session,
    csrf_token_for,
    log_out,
    resolve_session,
    switch_unit,
    unit_choices,
)

__all__ = [
    "MAX_PASSWORD_LENGTH",
    "MIN_PASSWORD_LENGTH",
    "RATE_LIMIT_FAILURES",
    "RATE_LIMIT_WINDOW",
    "AccountLocked",
    "AccountSessions",
    "AuthRequired",
    "BadCredentials",
    "DemoAccount",
    "DemoInProduction",
    "IssuedSession",
    "LoginRateLimiter",
    "ResolvedSession",
    "SessionExpired",
    "TooManyAttempts",
    "UnitChoice",
    "_dummy_hash",
    "account_names",
    "accounts_like",
    "act_for",
    "cached_api_session",
    "check_production_ready",
    "create_account",
    "csrf_token_for",
    "demo_accounts",
    "has_demo_accounts",
    "hash_password",
    "log_in",
    "log_out",
    "normalise_username",
    "open_session",
    "policy",
    "rate_limiter",
    "resident_account_ids",
    "resolve_session",
    "set_password",
    "staff_units",
    "switch_unit",
    "token_hash",
    "unit_choices",
]
