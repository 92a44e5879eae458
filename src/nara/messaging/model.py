"""The rules of a message thread: who is waiting for whom, who may take, close and write what, what is unread.
Plain Python: no web, no database.

A thread is *person data* (the information category ``meddelanden``, nara.access.model.policy): it is about one
person and is read through the access policy like any other record. Two kinds:

- a person's thread (``PERSON``): the person writes to a unit's inbox; staff of that unit take it, answer, close;
- a team thread (``TEAM``): staff of one unit write to another unit about one person, attached to a discharge
  process (lag 2017:612) or a plan; the municipality can post "Redo att ta emot".

Each thread waits for one side (``awaiting_unit_id``): a person's thread waits for its unit after the person
writes and for nobody after the unit answers; a team thread waits for the party that did not write last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from nara.core.errors import Forbidden, ValidationFailed

MAX_SUBJECT = 200  # as ShortText
MAX_BODY = 2000  # as Text: one post; a longer message is two posts


class ThreadKind(StrEnum):
    PERSON = "person"  # the person (or later their proxy) and a unit of their care team
    TEAM = "team"  # staff of two units about one person


class PostKind(StrEnum):
    MESSAGE = "message"  # a message or an answer
    QUESTION = "question"  # a hand-over question (team threads)
    READY = "ready"  # "Redo att ta emot": the municipality is ready to receive the person (lag 2017:612)


class Source(StrEnum):
    """What a team thread is attached to."""

    DISCHARGE = "discharge"
    PLAN = "plan"


class Status(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Side:
    """Who writes: the person, or staff acting for a unit of a care provider."""

    by_person: bool
    unit_id: int | None = None
    provider_is_municipality: bool = False


@dataclass(frozen=True, slots=True)
class ThreadFacts:
    """What the rules need of a thread."""

    kind: ThreadKind
    status: Status
    unit_id: int  # the unit it was sent to
    from_unit_id: int | None  # team threads: the unit that started it
    source: Source | None = None

    @property
    def party_units(self) -> frozenset[int]:
        return frozenset(u for u in (self.unit_id, self.from_unit_id) if u is not None)


def checked_subject(text: str | None) -> str:
    subject = " ".join((text or "").split())
    if not subject:
        raise ValidationFailed("messaging.subject_required")
    if len(subject) > MAX_SUBJECT:
        raise ValidationFailed("messaging.subject_too_long", limit=MAX_SUBJECT)
    return subject


def checked_body(text: str | None) -> str:
    body = (text or "").strip()
    if not body:
        raise ValidationFailed("messaging.body_required")
    if len(body) > MAX_BODY:
        raise ValidationFailed("messaging.body_too_long", limit=MAX_BODY)
    return body


def is_party(thread: ThreadFacts, side: Side) -> bool:
    """The person is always a party of their own person's threads (the policy decides whose person it is); staff
    are when they act for one of the thread's units."""
    if side.by_person:
        return thread.kind is ThreadKind.PERSON
    return side.unit_id in thread.party_units


def post_refusal(thread: ThreadFacts, side: Side, kind: PostKind) -> str | None:
    """Why ``side`` may not write a post of ``kind`` in ``thread`` (a message key), or None."""
    if thread.status is Status.CLOSED:
        return "messaging.closed"
    if not is_party(thread, side):
        return "messaging.not_party"
    if kind is not PostKind.MESSAGE and thread.kind is not ThreadKind.TEAM:
        return "messaging.kind_team_only"
    if kind is PostKind.READY and not (thread.source is Source.DISCHARGE and side.provider_is_municipality):
        return "messaging.ready_municipality_only"
    return None


def awaiting_after(thread: ThreadFacts, side: Side) -> int | None:
    """Which unit the thread waits for after ``side`` wrote (module docstring)."""
    if thread.kind is ThreadKind.PERSON:
        return thread.unit_id if side.by_person else None
    return next((u for u in sorted(thread.party_units) if u != side.unit_id), None)


def take_refusal(thread: ThreadFacts, side: Side) -> str | None:
    """Only staff of the unit a thread was sent to take it ("Ta ärendet"); a closed thread is not taken."""
    if side.by_person or side.unit_id != thread.unit_id:
        return "messaging.take_unit_only"
    if thread.status is Status.CLOSED:
        return "messaging.closed"
    return None


def close_refusal(thread: ThreadFacts, side: Side) -> str | None:
    """Staff of a party unit close a thread; the person writes a new one instead."""
    if side.by_person or not is_party(thread, side):
        return "messaging.close_staff_only"
    if thread.status is Status.CLOSED:
        return "messaging.closed"
    return None


def refuse(key: str | None) -> None:
    """Raise what a refusal key means: not being a party is forbidden, the rest is a form error."""
    if key is None:
        return
    if key in ("messaging.not_party", "messaging.take_unit_only", "messaging.close_staff_only"):
        raise Forbidden(key)
    raise ValidationFailed(key)


def unread_posts(post_ids_by_others: list[int], last_read_post_id: int | None) -> int:
    """How many of the posts others wrote the reader has not read (posts are read in order)."""
    return sum(1 for p in post_ids_by_others if last_read_post_id is None or p > last_read_post_id)


@dataclass(frozen=True, slots=True)
class Age:
    """How long a thread has waited, in the largest whole unit: minutes, hours or days."""

    count: int
    unit: str  # "minutes" | "hours" | "days"


def waited(since: datetime, now: datetime) -> Age:
    span = max(now - since, timedelta(0))
    if span >= timedelta(days=1):
        return Age(span // timedelta(days=1), "days")
    if span >= timedelta(hours=1):
        return Age(span // timedelta(hours=1), "hours")
    return Age(span // timedelta(minutes=1), "minutes")
