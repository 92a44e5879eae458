"""What the access-scenario suites (test_access_matrix, test_access_plan_elements) share: a small directory of
care providers and units, staff accounts at them, and every account logged in once — a bearer token for the API,
a browser session with its CSRF token for the pages.

Passwords are hashed cheaply here (a test world, not a login benchmark)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from nara.audit.store import AuditEntryRow
from nara.auth import service
from nara.auth.service import common
from nara.core.actor import Role
from nara.directory.store import (
    CareProviderRow,
    MunicipalityRow,
    RegionRow,
    StaffAssignmentRow,
    StaffRow,
    UnitRow,
)

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
PROVIDER_NAMES = {"region": "Region Örebro län", "kommun": "Kumla kommun", "privat": "Hälsohuset AB"}


@contextmanager
def cheap_passwords() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(common, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@dataclass
class Directory:
    providers: dict[str, int]  # "region", "kommun", "privat"
    units: dict[str, int]
    unit_provider: dict[str, str]


def build_directory(s: Any, unit_specs: Mapping[str, tuple[str, str, str]], hsa_letter: str) -> Directory:
    """Region Örebro län, Kumla, the three care providers and the units named (key: (name, kind, provider))."""
    region = RegionRow(code="18", name="Region Örebro län")
    s.add(region)
    s.flush()
    kumla = MunicipalityRow(kommun_code="1881", name="Kumla", region_id=region.id)
    s.add(kumla)
    s.flush()
    rows = {
        "region": CareProviderRow(name=PROVIDER_NAMES["region"], kind="region", region_id=region.id),
        "kommun": CareProviderRow(name=PROVIDER_NAMES["kommun"], kind="kommun", region_id=region.id,
                                  municipality_id=kumla.id),
        "privat": CareProviderRow(name=PROVIDER_NAMES["privat"], kind="privat", region_id=region.id),
    }
    s.add_all(rows.values())
    s.flush()
    providers = {k: p.id for k, p in rows.items()}
    units, unit_provider = {}, {}
    for n, (key, (name, kind, provider)) in enumerate(unit_specs.items(), start=1):
        row = UnitRow(hsa_id=f"SE2321000131-{hsa_letter}{n:012d}", name=name, kind=kind,
                      provider_id=providers[provider], kommun_code="1881")
        s.add(row)
        s.flush()
        units[key], unit_provider[key] = row.id, provider
    return Directory(providers, units, unit_provider)


def add_staff(s: Any, staff: Mapping[str, tuple[str | None, str]], units: Mapping[str, int], hsa_letter: str,
              family_name: str, password: str, now: datetime) -> tuple[dict[str, int], dict[str, int]]:
    """A staff member and account per key (key: (unit key or None for no unit, profession)); returns (accounts,
    staff ids)."""
    accounts, staff_ids = {}, {}
    for n, (who, (unit, profession)) in enumerate(staff.items(), start=1):
        row = StaffRow(hsa_id=f"SE2321000131-{hsa_letter}{n:012d}", given_name="Anna",
                       family_name=f"{family_name}{n}", profession=profession)
        s.add(row)
        s.flush()
        staff_ids[who] = row.id
        if unit is not None:
            s.add(StaffAssignmentRow(staff_id=row.id, unit_id=units[unit], valid_from=date(2020, 1, 1)))
        accounts[who] = service.create_account(s, username=who, password=password, role=Role.STAFF,
                                               display_name=row.full_name, now=now, staff_id=row.id).id
    return accounts, staff_ids


@dataclass
class Sessions:
    api: TestClient
    tokens: dict[str, dict[str, str]]  # who -> bearer header
    pages: dict[str, TestClient]  # who -> a browser session
    csrf: dict[str, str]

    def close(self) -> None:
        for client in self.pages.values():
            client.close()
        self.api.close()


def log_in_everyone(app: Any, usernames: Iterator[str] | list[str], password: str) -> Sessions:
    api = TestClient(app, follow_redirects=False)
    tokens, pages, csrf = {}, {}, {}
    for who in usernames:
        response = api.post("/api/auth/token", json={"username": who, "password": password})
        assert response.status_code == 200, response.text
        tokens[who] = {"Authorization": f"Bearer {response.json()['access_token']}"}
        client = TestClient(app, follow_redirects=False)
        login = client.get("/logga-in")
        done = client.post("/logga-in", data={"username": who, "password": password,
                                              "csrf_token": CSRF_RE.search(login.text).group(1)})
        assert done.status_code == 303, done.text
        # The search page (a 403 page for other roles) carries the session's CSRF token and logs nothing.
        csrf[who] = CSRF_RE.search(client.get("/personer").text).group(1)
        pages[who] = client
    return Sessions(api, tokens, pages, csrf)


def last_seq(db: Any) -> int:
    """The audit log's newest sequence number: what a step wrote is what comes after it."""
    with db.transaction() as s:
        return s.scalar(select(func.coalesce(func.max(AuditEntryRow.seq), 0)))


def entries_since(db: Any, seq: int) -> list[AuditEntryRow]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.seq > seq).order_by(AuditEntryRow.seq)))
