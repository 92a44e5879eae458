"""Auth tables: local accounts, server-side sessions and the log-in throttle for unknown user names."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.core.db import Base, IdType, UTCDateTime


class AccountRow(Base):
    """A local account (konto). Staff accounts point at a staff member, resident accounts at a person."""

    __tablename__ = "account"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # normalised: stripped, lower case
    password_hash: Mapped[str] = mapped_column(String(255))  # argon2id, PHC string
    role: Mapped[str] = mapped_column(String(16))  # Role
    display_name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(300))  # who the account is, e.g. for demo personas
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"), index=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    __table_args__ = (
        CheckConstraint("role in ('resident','staff','leader','reviewer','admin')", name="role"),
    )


class AuthSessionRow(Base):
    """A server-side session: a browser session ('web') or an API bearer token ('api').

    Only the SHA-256 of the random token is stored, so a copy of the database does not let anyone in.
    """

    __tablename__ = "auth_session"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # SessionKind
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active_unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # "du arbetar nu för"
    # A resident acting for another person ("du företräder nu"): the choice only; the access policy decides
    # per request whether a grant or guardianship lets them (nara.access.model.proxies).
    acting_for_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id"))
    __table_args__ = (CheckConstraint("kind in ('web','api')", name="kind"),)


class LoginThrottleRow(Base):
    """Failed log-ins for user names without an account, so a lock-out looks the same whether or not the
    account exists. The name is stored hashed: people type passwords into the user name field."""

    __tablename__ = "login_throttle"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    username_hash: Mapped[str] = mapped_column(String(64), unique=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


def account_by_username(session: Session, username: str) -> AccountRow | None:
    return session.scalar(select(AccountRow).where(AccountRow.username == username))


def session_by_token_hash(session: Session, token_hash: str) -> AuthSessionRow | None:
    return session.scalar(select(AuthSessionRow).where(AuthSessionRow.token_hash == token_hash))
