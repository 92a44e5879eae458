"""The rules of a message thread (nara.messaging.model): who waits for whom, who may take, close and write what,
what is unread and how long a thread has waited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from nara.core.errors import Forbidden, ValidationFailed
from nara.messaging import model
from nara.messaging.model import PostKind, Side, Source, Status, ThreadFacts, ThreadKind

PERSON = Side(by_person=True)
VC = Side(by_person=False, unit_id=1)
WARD = Side(by_person=False, unit_id=2)
KOMMUN = Side(by_person=False, unit_id=3, provider_is_municipality=True)
OUTSIDER = Side(by_person=False, unit_id=9)


def person_thread(status=Status.OPEN):
    return ThreadFacts(kind=ThreadKind.PERSON, status=status, unit_id=1, from_unit_id=None)


def discharge_thread(status=Status.OPEN, source=Source.DISCHARGE):
    return ThreadFacts(kind=ThreadKind.TEAM, status=status, unit_id=3, from_unit_id=2, source=source)


def test_a_person_thread_waits_for_its_unit_after_the_person_writes_and_for_nobody_after_an_answer():
    assert model.awaiting_after(person_thread(), PERSON) == 1
    assert model.awaiting_after(person_thread(), VC) is None


def test_a_team_thread_waits_for_the_party_that_did_not_write_last():
    assert model.awaiting_after(discharge_thread(), WARD) == 3
    assert model.awaiting_after(discharge_thread(), KOMMUN) == 2


def test_only_parties_write_and_nobody_writes_in_a_closed_thread():
    assert model.post_refusal(person_thread(), PERSON, PostKind.MESSAGE) is None
    assert model.post_refusal(person_thread(), VC, PostKind.MESSAGE) is None
    assert model.post_refusal(person_thread(), WARD, PostKind.MESSAGE) == "messaging.not_party"
    assert model.post_refusal(discharge_thread(), PERSON, PostKind.MESSAGE) == "messaging.not_party"
    assert model.post_refusal(person_thread(Status.CLOSED), PERSON, PostKind.MESSAGE) == "messaging.closed"


def test_ready_to_receive_comes_from_the_municipality_on_a_discharge_only():
    assert model.post_refusal(discharge_thread(), KOMMUN, PostKind.READY) is None
    assert model.post_refusal(discharge_thread(), WARD, PostKind.READY) == "messaging.ready_municipality_only"
    assert model.post_refusal(discharge_thread(source=Source.PLAN), KOMMUN, PostKind.READY) == \
        "messaging.ready_municipality_only"
    assert model.post_refusal(person_thread(), VC, PostKind.QUESTION) == "messaging.kind_team_only"


def test_only_the_receiving_unit_takes_a_thread_and_only_staff_close_it():
    assert model.take_refusal(person_thread(), VC) is None
    assert model.take_refusal(person_thread(), PERSON) == "messaging.take_unit_only"
    assert model.take_refusal(discharge_thread(), WARD) == "messaging.take_unit_only"
    assert model.close_refusal(person_thread(), VC) is None
    assert model.close_refusal(person_thread(), PERSON) == "messaging.close_staff_only"
    assert model.close_refusal(person_thread(Status.CLOSED), VC) == "messaging.closed"


def test_refusals_are_forbidden_for_outsiders_and_form_errors_otherwise():
    with pytest.raises(Forbidden):
        model.refuse("messaging.not_party")
    with pytest.raises(ValidationFailed):
        model.refuse("messaging.closed")
    model.refuse(None)


def test_subject_and_body_are_required_and_limited():
    assert model.checked_subject("  Fråga   om   tid ") == "Fråga om tid"
    assert model.checked_body(" Hej \n") == "Hej"
    for bad in (None, "", "   "):
        with pytest.raises(ValidationFailed):
            model.checked_body(bad)
        with pytest.raises(ValidationFailed):
            model.checked_subject(bad)
    with pytest.raises(ValidationFailed):
        model.checked_body("x" * (model.MAX_BODY + 1))
    with pytest.raises(ValidationFailed):
        model.checked_subject("x" * (model.MAX_SUBJECT + 1))


def test_unread_counts_the_posts_after_the_readers_mark():
    assert model.unread_posts([3, 5, 8], None) == 3
    assert model.unread_posts([3, 5, 8], 5) == 1
    assert model.unread_posts([], 5) == 0


def test_age_is_given_in_the_largest_whole_unit():
    start = datetime(2026, 12, 1, 8, tzinfo=UTC)
    assert model.waited(start, start + timedelta(minutes=59)) == model.Age(59, "minutes")
    assert model.waited(start, start + timedelta(hours=5, minutes=59)) == model.Age(5, "hours")
    assert model.waited(start, start + timedelta(days=2, hours=3)) == model.Age(2, "days")
    assert model.waited(start, start - timedelta(hours=1)) == model.Age(0, "minutes")
