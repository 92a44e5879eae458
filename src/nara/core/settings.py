"""Typed settings from the environment (prefix NARA_)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NARA_", extra="ignore")

    environment: Literal["development", "production"] = "development"
    data_dir: Path = Path("data")
    # Default: an embedded SQLite file in data_dir. PostgreSQL: postgresql+psycopg://user@host:5432/db
    database_url: str | None = None
    session_idle_minutes: int = Field(default=30, ge=1)
    session_max_hours: int = Field(default=12, ge=1)
    api_token_hours: int = Field(default=8, ge=1)
    # How long a process may answer an API token from memory (nara.auth.service._TokenCache); 0: never. Also the
    # longest a token logged out through another process of the same server keeps working.
    api_token_cache_seconds: float = Field(default=2.0, ge=0, le=60)
    login_max_failures: int = Field(default=5, ge=1)
    login_lockout_minutes: int = Field(default=15, ge=1)
    # Rate limit of failed log-ins per client address; None: the documented defaults (nara.auth.service).
    login_rate_max_failures: int | None = Field(default=None, ge=1)
    login_rate_window_minutes: int | None = Field(default=None, ge=1)
    # Logguppföljning (DOMAIN §5); None: the documented defaults (nara.review.model.ReviewRules).
    review_sample_share: float | None = Field(default=None, gt=0, le=1)
    review_sample_min: int | None = Field(default=None, ge=0)
    review_sample_max: int | None = Field(default=None, ge=0)
    review_many_staff_threshold: int | None = Field(default=None, ge=2)
    # Live streams (server push) end after this many seconds and the browser reconnects, which checks the
    # session again; heartbeats keep proxies from closing a quiet stream.
    live_stream_seconds: float = Field(default=300, ge=0)
    live_heartbeat_seconds: float = Field(default=15, gt=0)
    # Threads per process for the routes that use the database (sync SQLAlchemy, in AnyIO's thread pool; 40 by
    # default there). Python runs one thread at a time, so beyond a couple they mostly queue for each other:
    # reading a plan on 2 cores, 2 processes, 32 clients, 320 reads/s offered: p95 12–33 ms with 2 threads, 30 ms
    # to over a second with 4, over a second with 8 (bench/bench_plan_read.py, the benchmark's notes). The database
    # pool holds twice as many connections, so no request waits for one and none is opened per request.
    worker_threads: int = Field(default=2, ge=1, le=64)
    # Set when served behind TLS; cookies then carry Secure. Requests over https set it per request too.
    secure_cookies: bool = False
    # The audit log's signed checkpoints (DOMAIN §5; nara.audit.model): the Ed25519 key that signs them, kept
    # where the database's administrators cannot reach it (required in production; `nara audit keygen` makes
    # one; elsewhere a key in data_dir is made when first needed), the directory of the append-only checkpoint
    # file (default data_dir/audit-checkpoints), and how often a running server writes one when the log has
    # grown (0: never; then run `nara audit checkpoint` from cron).
    audit_signing_key: Path | None = None
    audit_checkpoint_dir: Path | None = None
    audit_checkpoint_minutes: float = Field(default=10, ge=0)
    # Notices outside the page (nara.outreach): e-mail through this SMTP server (none: e-mail waits in the outbox,
    # as in the demo), SMS through a gateway ("logging" writes them to the server log), the site's address for
    # the link in every notice, how often a running server sends what is due (0: never; then run
    # `nara outreach send` from cron), and how many attempts before a message is left failed for an operator.
    smtp_host: str | None = None
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_from: str = "Nära <noreply@nara.invalid>"
    smtp_starttls: bool = False
    smtp_username: str | None = None
    smtp_password: SecretStr | None = None
    smtp_timeout_seconds: float = Field(default=10, gt=0)
    sms_gateway: Literal["off", "logging"] = "off"
    public_url: str = "http://localhost:8000"
    outreach_send_seconds: float = Field(default=30, ge=0)
    outreach_max_attempts: int = Field(default=8, ge=1)

    @property
    def effective_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'nara.db').resolve()}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
