"""Närstående, ombud and vårdnadshavare: someone who acts for the person (DOMAIN.md §5). Plain Python.

How a proxy is represented — one idea: a proxy is a resident (their own account, their own person) who has
*chosen* to act for another person. :class:`nara.core.actor.Actor` carries that choice as ``acting_for`` (a person
id) and nothing more: what the proxy may see is never carried in the session. Every request about the person they
act for is decided by the policy (:func:`nara.access.model.decide`) from the grants and guardianships loaded fresh
for that request (:class:`ProxyFacts`), so a revocation or an end date takes effect on the very next request.

- A **grant** (fullmakt) is given by the person to a named närstående or ombud, identified by personnummer: chosen
  kinds (:class:`ProxyScope`), from now until an end date that is required and at most :data:`MAX_GRANT_DURATION`
  away, revocable at once.
- A **guardianship** (vårdnad) lets a vårdnadshavare act for a child under 18 in every kind; from the child's 13th
  birthday no longer in the child's own messages (1177's rule: :data:`GUARDIAN_MESSAGES_UNTIL_AGE`).
- What a proxy never reaches: the person's access settings (consents, spärrar, grants), the log extract, and
  address and location. Writing is allowed in messages only ("läsa och skriva meddelanden").

:meth:`ProxyFacts.verdict` answers with a code that is a member of ``nara.access.model.policy.Reason`` (the policy
turns it into a Decision); this module imports nothing from the policy so that the policy can import it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

# A grant always ends; a year at most, then the person gives a new one (as 1177's ombud for a närstående).
MAX_GRANT_DURATION = timedelta(days=365)
GUARDIAN_UNTIL_AGE = 18  # vårdnad ends when the child comes of age (föräldrabalken 6 kap. 2 §)
GUARDIAN_MESSAGES_UNTIL_AGE = 13  # from the 13th birthday the child's own messages are the child's (1177)


class ProxyKind(StrEnum):
    """Who acts for the person."""

    NARSTAENDE = "narstaende"  # a närstående the person named
    OMBUD = "ombud"  # an ombud the person named
    VARDNADSHAVARE = "vardnadshavare"  # a guardian of a child (from the directory's or access store's record)


class ProxyScope(StrEnum):
    """What a grant covers (behörighet)."""

    PLAN = "plan"  # read the plan (Min plan)
    MEDDELANDEN = "meddelanden"  # read and write messages
    TIDER = "tider"  # see agreed times


# Information category (its value) → the scope that opens it. GRUNDUPPGIFTER (name, personnummer) comes with any
# valid grant: a proxy must see whom they act for. Categories not here are never a proxy's.
SCOPE_OF_CATEGORY: dict[str, ProxyScope] = {
    "plan": ProxyScope.PLAN,
    "meddelanden": ProxyScope.MEDDELANDEN,
    "vardkontakter": ProxyScope.TIDER,
}
_ANY_GRANT = "grunduppgifter"
_WRITABLE = frozenset({ProxyScope.MEDDELANDEN})

# The verdicts, each a member of nara.access.model.policy.Reason.
ALLOWED_GRANT = "proxy_grant"
ALLOWED_GUARDIAN = "guardian"
NO_GRANT = "proxy_no_grant"
GRANT_ENDED = "proxy_grant_ended"
SCOPE_MISSING = "proxy_scope_missing"
READ_ONLY = "proxy_read_only"
CHILD_13 = "guardian_child_13"


@dataclass(frozen=True, slots=True)
class ProxyGrant:
    """The person lets ``proxy_person_id`` act for them in ``scopes`` from ``valid_from`` until ``valid_to``
    (exclusive), unless revoked before."""

    proxy_person_id: int
    kind: ProxyKind
    scopes: frozenset[ProxyScope]
    valid_from: datetime
    valid_to: datetime
    revoked_at: datetime | None = None

    def is_valid(self, at: datetime) -> bool:
        end = self.valid_to if self.revoked_at is None else min(self.valid_to, self.revoked_at)
        return self.valid_from <= at < end

    def status(self, at: datetime) -> str:
        """active, revoked, ended or future: for the person's list."""
        if self.revoked_at is not None and self.revoked_at <= at:
            return "revoked"
        if self.valid_to <= at:
            return "ended"
        return "future" if at < self.valid_from else "active"


@dataclass(frozen=True, slots=True)
class Guardianship:
    """Vårdnad: ``guardian_person_id`` is guardian of a child born ``child_birth_date``."""

    guardian_person_id: int
    child_birth_date: date
    valid_from: datetime
    ended_at: datetime | None = None

    def age_at(self, day: date) -> int:
        born = self.child_birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def covers(self, scope: ProxyScope, at: datetime, today: date) -> str | None:
        """ALLOWED_GUARDIAN, CHILD_13, or None when the guardianship does not hold at all. ``today``: the Swedish
        calendar day of ``at`` (a birthday begins at local midnight)."""
        if not (self.valid_from <= at and (self.ended_at is None or at < self.ended_at)):
            return None
        age = self.age_at(today)
        if age >= GUARDIAN_UNTIL_AGE:
            return None
        if scope is ProxyScope.MEDDELANDEN and age >= GUARDIAN_MESSAGES_UNTIL_AGE:
            return CHILD_13
        return ALLOWED_GUARDIAN


@dataclass(frozen=True, slots=True)
class ProxyFacts:
    """What lets the acting account's person act for the person asked about: their grants from the person and
    their guardianships of the person, and the Swedish day of the request (for a child's birthday)."""

    grants: tuple[ProxyGrant, ...] = ()
    guardianships: tuple[Guardianship, ...] = ()
    today: date | None = None

    def verdict(self, category: str, write: bool, at: datetime) -> str:
        """Allow or deny one read or write of the category by the proxy at ``at``; deny by default."""
        valid = [g for g in self.grants if g.is_valid(at)]
        today = self.today or at.date()
        guardian = [v for v in (g.covers(ProxyScope.PLAN, at, today) for g in self.guardianships) if v]
        if category == _ANY_GRANT and not write:
            if valid:
                return ALLOWED_GRANT
            return ALLOWED_GUARDIAN if guardian else self._missing()
        scope = SCOPE_OF_CATEGORY.get(category)
        if scope is None:
            return SCOPE_MISSING  # the person's access settings, log, address: never a proxy's
        if write and scope not in _WRITABLE:
            return READ_ONLY
        if any(scope in g.scopes for g in valid):
            return ALLOWED_GRANT
        verdicts = [v for v in (g.covers(scope, at, today) for g in self.guardianships) if v]
        if ALLOWED_GUARDIAN in verdicts:
            return ALLOWED_GUARDIAN
        if verdicts:
            return CHILD_13
        return SCOPE_MISSING if valid or guardian else self._missing()

    def _missing(self) -> str:
        return GRANT_ENDED if self.grants else NO_GRANT


def grant_end_refusal(today: date, end_day: date | None) -> str | None:
    """Why a last day cannot be used (a message key of nara.access.messages), or None: it is required, today or
    later, and at most MAX_GRANT_DURATION away. The grant lasts to the end of that Swedish day."""
    if end_day is None:
        return "proxies.end_required"
    if end_day < today:
        return "proxies.end_past"
    if end_day - today > MAX_GRANT_DURATION:
        return "proxies.end_too_far"
    return None
