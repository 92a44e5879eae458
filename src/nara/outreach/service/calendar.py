"""Calendar files (.ics, RFC 5545) of agreed times (DOMAIN §2: överenskommen tid) and SIP meetings.

- **The person's** (Min sida → kalender.ics): the agreed times and the SIP meetings they are invited to in every
  plan of theirs they may read — each plan read through the plans part (:func:`nara.plans.service.read_plan`: the
  policy, one entry per decision), so what a file holds is exactly what the plan page shows. SUMMARY names the
  counterpart ("Överenskommen tid med Distriktssköterskan"), as the page does, but never the purpose: a calendar
  file travels to other services.
- **A staff member's** (/kalender.ics): the agreed times and SIP meetings of the plans their active unit takes
  part in (the worklist: care team, responsible, in the SIP, or owner), each plan listed and read through the
  policy like the worklist and the plan page. An agreed time names its counterpart in free text, not a staff
  member, so "per staff member" is the unit they act for now; SUMMARY names the plan's number only — neither the
  person nor the purpose — and DESCRIPTION links to the plan page, where reading it is decided and logged again.

Times are in Europe/Stockholm with its VTIMEZONE; a cancelled time stays, with STATUS:CANCELLED, so a calendar
that imported it removes it. UIDs are stable (plan, time id; plan, meeting number). An agreed time has no end:
each event lasts :data:`DEFAULT_LENGTH`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event
from sqlalchemy.orm import Session

from nara.access.service import AccessDenied
from nara.core.actor import Actor, Role
from nara.core.clock import STOCKHOLM, Clock
from nara.core.errors import Forbidden
from nara.core.i18n import t
from nara.plans import service as plans
from nara.plans.model import AgreedTime, Meeting, PlanDocument, TimeStatus

DEFAULT_LENGTH = timedelta(minutes=30)
PRODID = "-//Nära//Överenskomna tider//SV"
UID_DOMAIN = "nara.invalid"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def person_calendar(session: Session, actor: Actor, clock: Clock, person_id: int, site_url: str) -> bytes:
    """The person's agreed times and SIP meetings as an .ics file (module docstring). Raises AccessDenied when
    the actor may read none of the person's plans."""
    calendar = _calendar(t("outreach.ics.name_person"))
    for summary in plans.plans_for_person(session, actor, clock, person_id):
        view = plans.read_plan(session, actor, clock, summary.id)
        _add_plan(calendar, view.id, view.document, clock.now(), staff=False,
                  link=f"{site_url.rstrip('/')}/min-sida/plan/{view.id}")
    return _bytes(calendar)


def staff_calendar(session: Session, actor: Actor, clock: Clock, site_url: str) -> bytes:
    """The agreed times and SIP meetings of the plans the actor's unit takes part in (module docstring). A plan
    the policy refuses is left out (the worklist logged the refusal)."""
    if actor.role is not Role.STAFF or actor.unit_id is None:
        raise Forbidden("auth.forbidden")
    calendar = _calendar(t("outreach.ics.name_staff"))
    for item in plans.worklist(session, actor, clock):
        if item.access is not None:
            continue
        try:
            view = plans.read_plan(session, actor, clock, item.plan_id)
        except AccessDenied:
            continue  # logged as denied
        _add_plan(calendar, view.id, view.document, clock.now(), staff=True,
                  link=f"{site_url.rstrip('/')}/planer/{view.id}")
    return _bytes(calendar)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Stockholm")
    return calendar


def _bytes(calendar: Calendar) -> bytes:
    if calendar.walk("VEVENT"):
        calendar.add_missing_timezones()
    return calendar.to_ical()


def _add_plan(calendar: Calendar, plan_id: int, doc: PlanDocument, now: datetime, *, staff: bool,
              link: str) -> None:
    for booked in doc.times:
        calendar.add_component(_time_event(plan_id, booked, now, staff=staff, link=link))
    if doc.sip is not None:
        for number, meeting in enumerate(doc.sip.meetings, start=1):
            if staff or not meeting.participants or meeting.person_invited:
                calendar.add_component(_meeting_event(plan_id, number, meeting, now, staff=staff, link=link))


def _event(uid: str, start: datetime, now: datetime, summary: str, link: str, *, place: str | None,
           video: str | None, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", f"{uid}@{UID_DOMAIN}")
    event.add("dtstamp", now.astimezone(UTC))
    local = start.astimezone(STOCKHOLM)
    event.add("dtstart", local)
    event.add("dtend", local + DEFAULT_LENGTH)
    event.add("summary", summary)
    lines: Iterable[str] = [t("outreach.ics.video", link=video)] if video else []
    event.add("description", "\n".join([*lines, t("outreach.ics.more", url=link)]))
    if place:
        event.add("location", place)
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def _time_event(plan_id: int, booked: AgreedTime, now: datetime, *, staff: bool, link: str) -> Event:
    summary = (t("outreach.ics.time_staff", plan_id=plan_id) if staff
               else t("outreach.ics.time", with_whom=booked.with_whom))
    return _event(f"plan-{plan_id}-time-{booked.id}", booked.start, now, summary, link, place=booked.place,
                  video=booked.video_link, cancelled=booked.status is TimeStatus.INSTALLD)


def _meeting_event(plan_id: int, number: int, meeting: Meeting, now: datetime, *, staff: bool,
                   link: str) -> Event:
    summary = t("outreach.ics.sip_staff", plan_id=plan_id) if staff else t("outreach.ics.sip")
    return _event(f"plan-{plan_id}-sip-{number}", meeting.start, now, summary, link, place=meeting.place,
                  video=meeting.video_link)
