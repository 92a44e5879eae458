"""The proxy rules of the access policy (nara.access.model.proxies): grants valid, expired, revoked, of the wrong
kind; guardians before and after the child's 13th and 18th birthdays."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from nara.access.model import AccessFacts, AccessRequest, Action, InformationCategory, Reason, decide
from nara.access.model.proxies import (
    Guardianship,
    ProxyFacts,
    ProxyGrant,
    ProxyKind,
    ProxyScope,
    grant_end_refusal,
)
from nara.core.actor import Actor, Purpose, Role
from nara.core.clock import STOCKHOLM

NOW = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
PERSON, EVA = 1, 2
OWNER = 7  # the provider that documented the plan

eva = Actor(account_id=20, username="eva", display_name="Eva Tolvansson", role=Role.RESIDENT, person_id=EVA,
            acting_for=PERSON)


def _grant(*scopes: ProxyScope, until: datetime = NOW + timedelta(days=30), revoked: datetime | None = None):
    return ProxyGrant(EVA, ProxyKind.NARSTAENDE, frozenset(scopes), NOW - timedelta(days=1), until, revoked)


def _ask(facts: ProxyFacts, category=InformationCategory.PLAN, action=Action.READ, *, actor: Actor = eva,
         person_id: int = PERSON, at: datetime = NOW):
    request = AccessRequest(actor=actor, person_id=person_id, category=category, action=action,
                            purpose=Purpose.NARSTAENDE, at=at, owner_provider_id=OWNER)
    return decide(request, AccessFacts(proxy=facts))


def test_a_valid_grant_covering_the_plan_allows_reading_it():
    decision = _ask(ProxyFacts(grants=(_grant(ProxyScope.PLAN),)))
    assert decision.allowed and decision.reason is Reason.PROXY_GRANT


def test_an_expired_grant_is_denied_from_its_end_on():
    grant = _grant(ProxyScope.PLAN, until=NOW)
    assert _ask(ProxyFacts(grants=(grant,)), at=NOW - timedelta(seconds=1)).allowed
    decision = _ask(ProxyFacts(grants=(grant,)))
    assert not decision.allowed and decision.reason is Reason.PROXY_GRANT_ENDED


def test_a_revoked_grant_is_denied_at_once():
    decision = _ask(ProxyFacts(grants=(_grant(ProxyScope.PLAN, revoked=NOW),)))
    assert not decision.allowed and decision.reason is Reason.PROXY_GRANT_ENDED


def test_a_grant_of_another_kind_does_not_open_the_plan():
    decision = _ask(ProxyFacts(grants=(_grant(ProxyScope.TIDER),)))
    assert not decision.allowed and decision.reason is Reason.PROXY_SCOPE_MISSING


def test_no_grant_at_all_is_denied():
    decision = _ask(ProxyFacts())
    assert not decision.allowed and decision.reason is Reason.PROXY_NO_GRANT


def test_a_proxy_reads_but_never_writes_the_plan_and_writes_messages_only_with_that_kind():
    facts = ProxyFacts(grants=(_grant(ProxyScope.PLAN, ProxyScope.MEDDELANDEN),))
    assert _ask(facts, action=Action.WRITE).reason is Reason.PROXY_READ_ONLY
    assert _ask(facts, InformationCategory.MEDDELANDEN, Action.WRITE).allowed


@pytest.mark.parametrize("category", [InformationCategory.LOGG, InformationCategory.ATKOMST,
                                      InformationCategory.ADRESS, InformationCategory.LAKEMEDEL])
def test_what_no_grant_covers_stays_the_persons(category):
    decision = _ask(ProxyFacts(grants=(_grant(*ProxyScope),)), category)
    assert not decision.allowed


def test_a_grant_is_for_the_person_it_was_given_by_not_for_another():
    other = Actor(account_id=20, username="eva", display_name="Eva", role=Role.RESIDENT, person_id=EVA,
                  acting_for=PERSON)
    decision = _ask(ProxyFacts(grants=(_grant(ProxyScope.PLAN),)), actor=other, person_id=3)
    assert not decision.allowed and decision.reason is Reason.NOT_OWN_DATA


def test_the_proxy_still_reads_their_own_data():
    decision = _ask(ProxyFacts(), actor=eva, person_id=EVA)
    assert decision.allowed and decision.reason is Reason.OWN_DATA


# --- guardians ------------------------------------------------------------------------------------------------

CHILD_BORN = date(2013, 12, 9)  # 13 on 9 December 2026, Swedish day


def _guardian_facts(at: datetime) -> ProxyFacts:
    return ProxyFacts(guardianships=(Guardianship(EVA, CHILD_BORN, datetime(2013, 12, 9, tzinfo=UTC)),),
                      today=at.astimezone(STOCKHOLM).date())


def test_a_guardian_reads_a_12_year_olds_messages_until_the_13th_birthday():
    eve = datetime(2026, 12, 8, 22, 59, tzinfo=UTC)  # 23:59 on the 8th in Sweden: still 12
    decision = _ask(_guardian_facts(eve), InformationCategory.MEDDELANDEN, at=eve)
    assert decision.allowed and decision.reason is Reason.GUARDIAN


def test_from_the_13th_birthday_the_guardian_loses_the_childs_messages_but_not_the_plan():
    birthday = datetime(2026, 12, 8, 23, 0, tzinfo=UTC)  # 00:00 on the 9th in Sweden: 13
    decision = _ask(_guardian_facts(birthday), InformationCategory.MEDDELANDEN, at=birthday)
    assert not decision.allowed and decision.reason is Reason.GUARDIAN_CHILD_13
    assert _ask(_guardian_facts(birthday), InformationCategory.PLAN, at=birthday).reason is Reason.GUARDIAN


def test_guardianship_ends_at_18():
    at = datetime(2031, 12, 9, 12, 0, tzinfo=UTC)
    decision = _ask(_guardian_facts(at), InformationCategory.PLAN, at=at)
    assert not decision.allowed and decision.reason is Reason.PROXY_NO_GRANT


# --- the end date ---------------------------------------------------------------------------------------------


def test_the_end_date_is_required_not_past_and_at_most_a_year_away():
    today = date(2026, 12, 8)
    assert grant_end_refusal(today, None) == "proxies.end_required"
    assert grant_end_refusal(today, date(2026, 12, 7)) == "proxies.end_past"
    assert grant_end_refusal(today, today + timedelta(days=366)) == "proxies.end_too_far"
    assert grant_end_refusal(today, today + timedelta(days=365)) is None
    assert grant_end_refusal(today, today) is None


def test_every_verdict_is_a_reason_with_a_swedish_message():
    from nara.access.messages import MESSAGES
    for reason in (Reason.PROXY_GRANT, Reason.GUARDIAN, Reason.PROXY_NO_GRANT, Reason.PROXY_GRANT_ENDED,
                   Reason.PROXY_SCOPE_MISSING, Reason.PROXY_READ_ONLY, Reason.GUARDIAN_CHILD_13):
        assert f"access.denied.{reason.value}" in MESSAGES
