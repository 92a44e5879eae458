"""Finding a person (DOMAIN §5, §9): by name, personnummer (samordnings-, reservnummer) or date of birth, answered
only with the persons the user may see. The directory gives the candidates; the policy decides each one.

What is logged — every search that touches a person's data leaves an entry:

- each person shown is one SEARCH entry of category grunduppgifter for that person (allowed), so the person's own
  log extract shows who found them;
- a number typed in full names one person on purpose: its one entry is that person's SEARCH entry, allowed or
  denied (denied, the answer is still "nobody found", so the page does not tell that the person exists);
- a search by name or date of birth also leaves one entry for the search itself, without a person, with or
  without hits: what kind of search and how many of the matches were shown (``resource_id`` "name:1/3": one shown
  of three found). A name or a date names nobody in particular, so a match the user may not see is counted there
  but gets no entry of its own in that person's log.

- a number nobody has (mistyped) touches no one's data; it too leaves one entry without a person
  (``resource_id`` "identifier:0/0", the number itself not kept), so that every search is in the log.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service.guard import AccessDenied, conclude, evaluate
from nara.audit.model import AuditAction, AuditEvent, Outcome
from nara.audit.service import record
from nara.core.actor import Actor, purpose_of
from nara.core.clock import Clock, local_today
from nara.core.errors import NotFound, ValidationFailed
from nara.directory import service as directory
from nara.directory.model import IdentifierKind, PersonIdentifier

SEARCH_RESOURCE = "person_search"
MAX_SHOWN = 20
_DATE = re.compile(r"^(?:(?P<y4>\d{4})-?|(?P<y2>\d{2}))(?P<m>\d{2})-?(?P<d>\d{2})$")
_NAME = re.compile(r"^[^\W\d_]+(?:[ '\-][^\W\d_]+)*$")


@dataclass(frozen=True, slots=True)
class FoundPerson:
    person_id: int
    name: str
    identifier: str  # as people write it: YYYYMMDD-NNNC
    birth_date: date | None
    synthetic: bool


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    kind: str  # "name", "birth_date" or "identifier"
    persons: tuple[FoundPerson, ...]
    more: bool  # more matches than shown: say so, ask for a narrower search


def search_kind(text: str) -> str:
    """What was typed: a date of birth (ÅÅÅÅMMDD, ÅÅÅÅ-MM-DD, ÅÅMMDD), a name, or else a number."""
    text = text.strip()
    if _DATE.match(text):
        return "birth_date"
    if _NAME.match(" ".join(text.split())):
        return "name"
    return "identifier"


def _birth_date(text: str, today: date) -> date:
    m = _DATE.match(text.strip())
    assert m is not None
    try:
        if m["y4"]:
            return date(int(m["y4"]), int(m["m"]), int(m["d"]))
        year = 2000 + int(m["y2"])
        born = date(year, int(m["m"]), int(m["d"]))
        return born if born <= today else born.replace(year=year - 100)
    except ValueError:
        raise ValidationFailed("home.search.date_invalid") from None


def search_persons(session: Session, actor: Actor, clock: Clock, text: str) -> SearchAnswer:
    """The persons matching ``text`` whom ``actor`` may see, by family name; see the module for what is logged.
    Raises ValidationFailed for a text too short or a malformed number."""
    text = " ".join(text.split())
    if len(text) < 2:
        raise ValidationFailed("home.search.too_short")
    kind = search_kind(text)
    today = local_today(clock)
    if kind == "name":
        candidates = directory.persons_named(session, text.split(" "))
    elif kind == "birth_date":
        candidates = directory.persons_born(session, _birth_date(text, today))
    else:
        try:
            candidates = [directory.person_by_identifier(session, text, today)]
        except NotFound:
            candidates = []
    shown: list[FoundPerson] = []
    looked_at = 0
    for person in candidates:
        if len(shown) == MAX_SHOWN:
            break
        looked_at += 1
        decision, attempt = evaluate(session, actor, person.id, InformationCategory.GRUNDUPPGIFTER,
                                     AuditAction.SEARCH, purpose_of(actor), clock)
        if not decision.allowed and kind != "identifier":
            continue  # a name's or a date's match the user may not see: counted below, not shown
        try:
            conclude(session, attempt, decision)  # one entry for the person, allowed or (a number) denied
        except AccessDenied:
            continue
        shown.append(FoundPerson(
            person_id=person.id, name=person.full_name, birth_date=person.birth_date, synthetic=person.synthetic,
            identifier=PersonIdentifier(IdentifierKind(person.identifier_kind), person.identifier).display()))
    if kind != "identifier" or not candidates:
        record(session, AuditEvent.for_actor(
            actor, occurred_at=clock.now(), action=AuditAction.SEARCH, outcome=Outcome.ALLOWED,
            resource_type=SEARCH_RESOURCE, resource_id=f"{kind}:{len(shown)}/{len(candidates)}",
            information_category=InformationCategory.GRUNDUPPGIFTER.value, purpose=purpose_of(actor).value))
    more = looked_at < len(candidates) or len(candidates) >= directory.CANDIDATE_LIMIT
    return SearchAnswer(kind=kind, persons=tuple(shown), more=more)
