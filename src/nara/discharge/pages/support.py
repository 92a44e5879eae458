"""What the Utskrivning pages need besides the use cases (DOMAIN §4): due times as people read them
("senast 2026-11-23 10:00 (om 3 h)"), the agreement a process follows with its version, the month a payment
report usually asks for, kronor. No rule of the process lives here: deadlines and what a unit may do come from the
service (its ``actions`` and ``StepOut``), the form choices from nara.discharge.service.choices.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from fastapi import Request

from nara.core.actor import Actor, Role
from nara.core.clock import STOCKHOLM, Clock, Period, local_minute, short_day
from nara.core.errors import Forbidden, Unauthenticated
from nara.core.i18n import t
from nara.discharge.model import default_library
from nara.discharge.service import StepOut
from nara.web.sessions import optional_actor


def fragment_reader(role: Role) -> Callable[[Request], Actor]:
    """A live fragment's reader of ``role``: 401 (not a redirect to the log-in page) when nobody is logged in, so
    live.js reloads the whole page."""

    def reader(request: Request) -> Actor:
        actor = optional_actor(request)
        if actor is None:
            raise Unauthenticated("auth.required")
        if actor.role is not role:
            raise Forbidden("auth.forbidden")
        return actor

    return reader


def relative(at: datetime, now: datetime) -> str:
    """How far ``at`` is from ``now``: "om 3 h", "försenad 2 h", "om 2 dagar" (rounded down; under an hour in
    minutes, from two days in days)."""
    late = at < now
    seconds = int(abs((at - now).total_seconds()))
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    prefix = "late" if late else "in"
    if minutes == 0:
        return t("dischargepage.relative.now")
    if hours == 0:
        return t(f"dischargepage.relative.{prefix}_minutes", n=minutes)
    if hours < 48:
        return t(f"dischargepage.relative.{prefix}_hours", n=hours)
    return t(f"dischargepage.relative.{prefix}_days", n=days)


def due_stamp(step: StepOut) -> str:
    """When a step is due, in Swedish time. A deadline "by the end of a day" (calendar days, the day of discharge)
    is written as that day at 24:00 — "25 nov 2026 24:00" — not as midnight of the next day."""
    if step.due_at is None:
        return ""
    local = step.due_at.astimezone(STOCKHOLM)
    if step.last_day is not None and local.time() == time(0) and local.date() == step.last_day + timedelta(days=1):
        return f"{short_day(step.last_day)} 24:00"
    return local_minute(step.due_at)


def deadline(step: StepOut, now: datetime) -> str:
    """"senast 23 nov 2026 10:00 (om 3 h)"; empty for a step without a due time."""
    if step.due_at is None:
        return ""
    return t("dischargepage.deadline", when=due_stamp(step), relative=relative(step.due_at, now))


def party_text(step: StepOut) -> str:
    """Who must do the step, as a worklist line says it: "din enhet", or "vårdavdelningen" / "öppen vård"."""
    return t("dischargepage.your_unit") if step.mine else t(f"discharge.party.{step.party.value}").lower()


# --- the agreement --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AgreementInfo:
    """Which agreement (and which version of it: its key and validity) a process or report follows."""

    key: str
    name: str
    valid_from: date | None
    example: bool


def agreement_info(key: str, name: str) -> AgreementInfo:
    try:
        agreement = default_library().get(key)
    except KeyError:  # an agreement file removed since: the stored key and name still say which
        return AgreementInfo(key, name, None, False)
    return AgreementInfo(key, agreement.name, agreement.valid_from, agreement.example)


def default_month(clock: Clock) -> str:
    """The month a payment report is usually asked for: the last one that has ended."""
    return str(Period.containing(clock.now()).previous())


def kronor(amount: int) -> str:
    """``46 500`` (a non-breaking space between thousands)."""
    return f"{amount:,}".replace(",", "\u00a0")

