"""Accounts as other parts read them, demo accounts and the production guard."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from nara.auth.service.common import (
    DemoAccount,
    DemoInProduction,
)
from nara.auth.store import (
    AccountRow,
)
from nara.core.actor import Role
from nara.core.db import Database
from nara.core.settings import Settings

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
