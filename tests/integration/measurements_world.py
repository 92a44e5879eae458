"""The measurement tests' world: the Örebro directory with the demo personas (Tolvan listed at Vårdcentralen Kumla,
where the district nurse and the GP work; Kumla kommun's hemsjukvård with no care relationship to him), the app,
and an API token per persona."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.app import create_app
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD
from nara.auth.store import AccountRow
from nara.directory.store import PersonRow

PERSONAS = ("tolvan", "distriktsskoterska", "lakare", "hemsjukvard", "avdelning")
BP_TARGET = {"bands": {"systolic": {"low": 100, "high": 140}, "diastolic": {"low": 60, "high": 90}}}


@dataclass
class World:
    app: Any
    db: Any
    client: TestClient
    tolvan: int
    headers: dict[str, dict[str, str]]
    accounts: dict[str, int]

    def seq(self) -> int:
        with self.db.transaction() as s:
            return s.scalar(select(func.coalesce(func.max(AuditEntryRow.seq), 0)))

    def entries_since(self, seq: int) -> list[AuditEntryRow]:
        with self.db.transaction() as s:
            return list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > seq)
                                  .order_by(AuditEntryRow.seq)))


def build(db, demo, clock) -> World:  # type: ignore[no-untyped-def]
    app = create_app(demo, database=db, clock=clock)
    client = TestClient(app, follow_redirects=False)
    headers = {}
    for name in PERSONAS:
        token = client.post("/api/auth/token", json={"username": name, "password": DEMO_PASSWORD}).json()
        headers[name] = {"Authorization": f"Bearer {token['access_token']}"}
    with db.transaction() as s:
        tolvan = s.scalar(select(PersonRow.id).where(PersonRow.identifier == "191212121212"))
        accounts = dict(s.execute(select(AccountRow.username, AccountRow.id)
                                  .where(AccountRow.username.in_(PERSONAS))).all())
    return World(app=app, db=db, client=client, tolvan=tolvan, headers=headers, accounts=accounts)
