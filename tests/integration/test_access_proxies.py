"""Access scenarios of närstående and ombud (DOMAIN §5, nara.access.model.proxies), on SQLite and PostgreSQL:
Tolvan grants his daughter Eva plan access with an end date; her reads are allowed while the grant holds, denied
when it has ended, when he has revoked it, and for another person; every attempt is logged with her account, and
Tolvan's log extract names her."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from nara.access import service as access
from nara.access.model import InformationCategory
from nara.audit.model import AuditAction
from nara.audit.store import AuditEntryRow
from nara.auth.demo import DEMO_PASSWORD, TOLVAN
from nara.auth.service import act_for, log_in, resolve_session
from nara.core.actor import Actor, Purpose, SessionKind
from nara.core.errors import ValidationFailed
from nara.review.service import extract as review_extract

OWNER = 1  # the provider recorded on the plan piece; the proxy rules do not depend on it


def _actor(db, settings, clock, username: str) -> Actor:
    issued = log_in(db, settings, clock, username, DEMO_PASSWORD, SessionKind.API)
    return resolve_session(db, settings, clock, issued.token, SessionKind.API).actor


def _read_plan(db, eva: Actor, clock, person_id: int):
    return access.authorize(db, eva, person_id, InformationCategory.PLAN, AuditAction.READ, Purpose.NARSTAENDE,
                            clock, owner_provider_id=OWNER, resource=("plan", 1))


def _entries(db, account_id: int) -> list[AuditEntryRow]:
    with db.transaction() as s:
        return list(s.scalars(select(AuditEntryRow).where(AuditEntryRow.account_id == account_id)
                              .order_by(AuditEntryRow.seq)))


@pytest.fixture
def world(db, demo, clock):
    tolvan, eva = _actor(db, demo, clock, "tolvan"), _actor(db, demo, clock, "eva")
    line = access.grant_proxy(db, tolvan, clock, personnummer="19580614-9828", kind="narstaende", scopes=["plan"],
                              end_day=date(2026, 12, 31))
    return tolvan, eva, line, demo


def test_the_proxy_chooses_the_person_and_reads_the_granted_plan(db, clock, world):
    tolvan, eva, line, settings = world
    assert line.proxy_name == "Eva Tolvansson" and line.status == "active"
    assert [r.name for r in access.represented(db, eva, clock)] == ["Tolvan Tolvansson"]
    acting = access.check_act_for(db, eva, clock, tolvan.person_id)
    act_for(db, eva, acting.acting_for)
    eva = _actor(db, settings, clock, "eva")  # a fresh session starts as herself
    assert eva.acting_for is None
    decision = _read_plan(db, acting, clock, tolvan.person_id)
    assert decision.allowed
    plan_reads = [e for e in _entries(db, eva.account_id) if e.information_category == "plan"]
    assert [(e.outcome, e.person_id, e.purpose) for e in plan_reads] == [("allowed", tolvan.person_id,
                                                                          "narstaende")]
    extract = review_extract.log_extract(db, tolvan, clock)
    sentences = [g.sentence for g in extract.groups]
    assert "Eva Tolvansson (närstående) läste din plan den 22 november." in sentences


def test_what_the_grant_does_not_cover_is_denied_and_logged(db, clock, world):
    tolvan, eva, _line, _settings = world
    acting = replace(eva, acting_for=tolvan.person_id)
    with pytest.raises(access.AccessDenied) as denied:
        access.authorize(db, acting, tolvan.person_id, InformationCategory.LOGG, AuditAction.READ,
                         Purpose.NARSTAENDE, clock, resource=("access_log", None))
    assert denied.value.decision.reason.value == "proxy_scope_missing"
    assert [(e.outcome, e.denial_reason) for e in _entries(db, eva.account_id)] == [
        ("denied", "proxy_scope_missing")]


def test_an_expired_grant_is_denied(db, clock, world):
    tolvan, eva, _line, _settings = world
    acting = replace(eva, acting_for=tolvan.person_id)
    later = type(clock)(clock.now() + timedelta(days=40))
    with pytest.raises(access.AccessDenied) as denied:
        _read_plan(db, acting, later, tolvan.person_id)
    assert denied.value.decision.reason.value == "proxy_grant_ended"
    assert [(e.outcome, e.denial_reason) for e in _entries(db, eva.account_id)] == [
        ("denied", "proxy_grant_ended")]
    assert access.represented(db, eva, later) == []


def test_a_revoked_grant_is_denied_at_once(db, clock, world):
    tolvan, eva, line, _settings = world
    acting = replace(eva, acting_for=tolvan.person_id)
    assert _read_plan(db, acting, clock, tolvan.person_id).allowed
    assert access.revoke_proxy(db, tolvan, clock, line.id) == "Eva Tolvansson"
    with pytest.raises(access.AccessDenied) as denied:
        _read_plan(db, acting, clock, tolvan.person_id)
    assert denied.value.decision.reason.value == "proxy_grant_ended"
    assert [(e.outcome, e.denial_reason) for e in _entries(db, eva.account_id)
            if e.information_category == "plan"] == [("allowed", None), ("denied", "proxy_grant_ended")]
    assert [g.status for g in access.my_grants(db, tolvan, clock)] == ["revoked"]


def test_another_persons_data_is_denied(db, clock, world):
    tolvan, eva, _line, _settings = world
    with db.transaction() as s:
        from nara.directory import service as directory
        other = directory.add_person(s, identifier="191010101010", given_name="Annan", family_name="Person",
                                     today=date(2026, 11, 22), kommun_code="1881", synthetic=True).id
    with pytest.raises(access.AccessDenied) as denied:
        access.check_act_for(db, eva, clock, other)
    assert denied.value.decision.reason.value == "proxy_no_grant"
    acting = replace(eva, acting_for=tolvan.person_id)
    with pytest.raises(access.AccessDenied) as not_own:
        _read_plan(db, acting, clock, other)
    assert not_own.value.decision.reason.value == "not_own_data"
    assert [(e.person_id, e.outcome) for e in _entries(db, eva.account_id)] == [
        (other, "denied"), (other, "denied")]


def test_a_grant_needs_a_kind_an_end_date_and_a_known_person(db, clock, world):
    tolvan, *_ = world
    cases = [
        (dict(personnummer="19580614-9828", kind="narstaende", scopes=[], end_day=date(2026, 12, 1)),
         "proxies.scopes_required"),
        (dict(personnummer="19580614-9828", kind="narstaende", scopes=["plan"], end_day=None),
         "proxies.end_required"),
        (dict(personnummer="19580614-9828", kind="narstaende", scopes=["plan"], end_day=date(2028, 1, 1)),
         "proxies.end_too_far"),
        (dict(personnummer="19580614-9829", kind="ombud", scopes=["plan"], end_day=date(2026, 12, 1)),
         "proxies.personnummer_invalid"),
        (dict(personnummer=TOLVAN, kind="ombud", scopes=["plan"], end_day=date(2026, 12, 1)),
         "proxies.not_yourself"),
    ]
    for fields, key in cases:
        with pytest.raises(ValidationFailed) as refused:
            access.grant_proxy(db, tolvan, clock, **fields)
        assert refused.value.key == key
