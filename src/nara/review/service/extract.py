"""The person's log extract (loggutdrag, PDL 8 kap. 5 §, HSLF-FS 2016:40 4 kap. 10 §, DOMAIN §5): who accessed my
data, grouped per unit and day into sentences a person can judge — "Hemsjukvården Kumla läste din plan 3 gånger
den 4 december" — with each group's single accesses kept. Nödåtkomst comes apart, first, with its stated reason;
a denied attempt is said as one ("försökte läsa … men nekades"). Reading the extract goes through ``authorize``
(purpose egen_insyn) and is logged like every access. The grouping is nara.review.model.group_extract.

The extract pages by days: a page holds the accesses of up to ``DAYS_PER_PAGE`` days with accesses, newest first,
and the next page starts with the day after its oldest, so a group is never split between pages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from nara.access.model import InformationCategory
from nara.access.service import authorize, person_of
from nara.audit.model import AuditAction, Outcome
from nara.audit.service import followup as log
from nara.auth.service import account_names
from nara.core.actor import Actor, Purpose
from nara.core.clock import MONTHS_SV, Clock, local_today
from nara.core.db import Database
from nara.core.i18n import SV, t
from nara.review.model import (
    FIRST_DAY,
    LAST_DAY,
    ExtractEntry,
    ExtractGroup,
    day_start,
    group_extract,
    local_day,
)
from nara.review.service.cases import Names

DAYS_PER_PAGE = 31
MAX_ROWS_PER_PAGE = 5_000  # a bound on memory; a page then ends at the last whole day read
MAX_EMERGENCY_ROWS = 1_000


@dataclass(frozen=True, slots=True)
class ExtractSentence:
    """One group of the extract and what it says in words."""

    group: ExtractGroup
    sentence: str


@dataclass(frozen=True, slots=True)
class GroupedExtract:
    total: int  # accesses by others in the whole log, allowed and denied
    emergency: list[ExtractSentence]  # every nödåtkomst (shown on the first page)
    groups: list[ExtractSentence]  # the other accesses of this page's days, newest first
    from_day: date | None  # this page's days are this one and older (None: the newest)
    older_from: date | None  # the newest day of the next, older page; None when there is none


def _day_words(day: date, today: date) -> str:
    text = f"{day.day} {MONTHS_SV[day.month - 1]}"
    return t("resident.log.on_day", day=text if day.year == today.year else f"{text} {day.year}")


def sentence(group: ExtractGroup, today: date) -> str:
    """The group in a sentence, e.g. 'Vårdcentralen Kumla läste din plan 3 gånger den 4 december.'"""
    if group.log_review:
        subject = t("resident.log.subject.review")
    else:
        staff = group.staff
        subject = group.unit_name or (staff[0][0] if staff else t("resident.log.subject.unknown"))
    what = t("resident.log.object.other") if group.action == AuditAction.EMERGENCY_ACCESS.value \
        else SV.get(f"resident.log.object.{group.category}", t("resident.log.object.other"))
    verbs = "resident.log.tried" if group.denied else "resident.log.did"
    done = SV.get(f"{verbs}.{group.action}", SV[f"{verbs}.other"]).format(object=what)
    if group.emergency and group.action != AuditAction.EMERGENCY_ACCESS.value:
        done = t("resident.log.with_emergency", what=done)
    times = t("resident.log.times", n=group.count) if group.count > 1 else ""
    key = "resident.log.sentence_denied" if group.denied else "resident.log.sentence"
    return " ".join(t(key, subject=subject, what=done, times=times, day=_day_words(group.day, today)).split())


def _entries(s: Session, rows: list[Any]) -> list[ExtractEntry]:
    names = Names(s, rows)
    # A närstående, ombud or vårdnadshavare reads as themself: named, each apart ("Eva Tolvansson (närstående)").
    proxies = account_names(s, {e.account_id for e in rows if e.purpose == Purpose.NARSTAENDE.value})
    entries = []
    for e in rows:
        who = names.of(e)
        if e.account_id in proxies and e.purpose == Purpose.NARSTAENDE.value:
            who = replace(who, unit_name=t("resident.log.subject.proxy", name=proxies[e.account_id]))
            e_key = f"proxy:{e.account_id}"
        else:
            e_key = None
        entries.append(ExtractEntry(
            occurred_at=e.occurred_at, action=e.action, category=e.information_category,
            unit_key=e_key or e.unit_hsa_id or (str(e.unit_id) if e.unit_id is not None else None),
            unit_name=who.unit_name,
            provider_name=who.provider_name, staff_name=who.staff_name, profession=who.profession,
            log_review=e.purpose == Purpose.LOGGUPPFOLJNING.value, emergency_reason=e.emergency_reason,
            emergency=e.emergency_reason is not None or e.action == AuditAction.EMERGENCY_ACCESS.value,
            denied=e.outcome == Outcome.DENIED.value,
        ))
    return entries


def _whole_days(rows: Iterable[Any], days: int, max_rows: int) -> tuple[list[Any], date | None]:
    """The rows (newest first) of the first ``days`` Swedish days among ``rows``, and the newest day of the next
    page (None when the rows ran out)."""
    taken: list[Any] = []
    seen: list[date] = []
    for row in rows:
        day = local_day(row.occurred_at)
        if not seen or seen[-1] != day:
            if len(seen) == days:
                return taken, day
            seen.append(day)
        if len(taken) == max_rows:
            if len(seen) > 1:  # end at the last whole day; the next page starts with this one
                return [r for r in taken if local_day(r.occurred_at) != day], day
            return taken, day - timedelta(days=1)  # a day of more accesses than a page holds: shown in part
        taken.append(row)
    return taken, None


def log_extract(db: Database, actor: Actor, clock: Clock, from_day: date | None = None) -> GroupedExtract:
    """My log extract, grouped (module docstring): the newest days, or those from ``from_day`` and older. Reading
    it is logged."""
    person_id = person_of(actor)
    today = local_today(clock)
    if from_day is not None and from_day > LAST_DAY:
        from_day = None  # the newest
    elif from_day is not None and from_day < FIRST_DAY:
        from_day = FIRST_DAY
    with db.transaction() as s:
        authorize(s, actor, person_id, InformationCategory.LOGG, AuditAction.READ, Purpose.EGEN_INSYN, clock,
                  resource=("access_log", None))
        total = log.extract_total(s, person_id, actor.account_id)
        emergency_rows = [] if from_day is not None else list(log.extract_entries(
            s, person_id, actor.account_id, emergency=True, limit=MAX_EMERGENCY_ROWS))
        before = day_start(from_day + timedelta(days=1)) if from_day else None
        rows, older = _whole_days(
            log.extract_entries(s, person_id, actor.account_id, emergency=False, before=before,
                                  limit=MAX_ROWS_PER_PAGE + 1),
            DAYS_PER_PAGE, MAX_ROWS_PER_PAGE)
        emergency = group_extract(_entries(s, emergency_rows))
        groups = group_extract(_entries(s, rows))
    return GroupedExtract(
        total=total, emergency=[ExtractSentence(g, sentence(g, today)) for g in emergency],
        groups=[ExtractSentence(g, sentence(g, today)) for g in groups], from_day=from_day,
        older_from=older,
    )
