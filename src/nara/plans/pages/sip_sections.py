"""The SIP page's sections (DOMAIN §3), each edited in place through one form: what the form shows filled in, and
the operations a posted form turns into — only what differs from the plan as it reads, so that saving a section
unchanged changes nothing and restating a fact does not reopen the parties' approvals."""

from __future__ import annotations

from typing import Any

from nara.plans.model import (
    AddFollowUp,
    AddIntervention,
    AddOtherMeasure,
    ConsentGivenBy,
    InviteUnit,
    Meeting,
    Participant,
    ParticipantKind,
    Remove,
    SetMeeting,
    SetNoOtherMeasures,
    SetOverallResponsibility,
    SetRelatives,
    SetSipConsent,
    Sip,
    UpdateIntervention,
)
from nara.plans.pages.choices import Choices
from nara.plans.pages.common import checked_ops, day_and_clock
from nara.web.forms import FormReader

SECTIONS = ("kallelse", "mote", "insatser", "andra", "ansvar", "uppfoljning")
"""The SIP page's sections in the order the page shows them (and the last part of each section form's address)."""

CHECKBOXES = ("att_", "remove_", "part_person", "none")
"""Prefixes of the sections' checkboxes: a posted form leaves an unticked box out, so the filled-in values of the
section posted must not tick it again."""

MAX_LINES = 20  # names per participant list


def section_values(sip: Sip) -> dict[str, str]:
    """Every section form filled in with the plan as it reads now."""
    values: dict[str, str] = {"consent_by": ConsentGivenBy.PERSONEN.value}
    if sip.consent is not None:
        values |= {"consent_given": "ja" if sip.consent.given else "nej", "consent_by": sip.consent.given_by.value,
                   "consent_rep": sip.consent.representative or ""}
    if sip.relatives_participate is not None:
        values["rel_participate"] = "ja" if sip.relatives_participate else "nej"
    values["rel_note"] = sip.relatives_note or ""
    values |= _meeting_values(sip.meeting)
    if sip.overall_principal_provider_id is not None:
        values["overall_principal"] = str(sip.overall_principal_provider_id)
    for intervention in sip.interventions:
        if intervention.principal_provider_id is not None:
            values[f"principal_{intervention.id}"] = str(intervention.principal_provider_id)
    if sip.no_other_measures is not None:
        values["none"] = "ja"
    return values


def _meeting_values(meeting: Meeting | None) -> dict[str, str]:
    if meeting is None:
        return {"part_person": "ja"}  # the person is invited to their SIP meeting unless staff say otherwise
    day, clock = day_and_clock(meeting.start)
    values = {"meet_day": day, "meet_clock": clock, "meet_place": meeting.place or "",
              "meet_link": meeting.video_link or "", "minutes": meeting.minutes or ""}
    if meeting.person_invited:
        values["part_person"] = "ja"
    for kind, field in ((ParticipantKind.NARSTAENDE, "part_relatives"), (ParticipantKind.ANNAN, "part_others")):
        values[field] = "\n".join(p.name or "" for p in meeting.participants if p.kind is kind)
    for n, participant in enumerate(meeting.participants):
        if participant.attended:
            values[f"att_p{n}"] = "ja"
    for unit_id in meeting.attended_units:
        values[f"att_u{unit_id}"] = "ja"
    return values


def read_section(section: str, form: FormReader, sip: Sip, choices: Choices,
                 meeting_units: list[int]) -> list[Any]:
    """The operations one section form posts (the model checks each again); none when nothing changed."""
    reader = _READERS[section]
    return reader(form, sip, choices, meeting_units)


def _kallelse(form: FormReader, sip: Sip, choices: Choices, _units: list[int]) -> list[Any]:
    unit = form.choice("inv_unit", [str(u.id) for u in choices.units])
    given = form.choice("consent_given", ["ja", "nej"])
    by = form.choice("consent_by", [g.value for g in ConsentGivenBy]) or ConsentGivenBy.PERSONEN.value
    representative = form.text("consent_rep", short=True)
    if given is not None and by == ConsentGivenBy.FORETRADARE.value and not representative:
        form.fail("consent_rep", "plans.sip.representative_required")
    if given is None and sip.consent is not None:
        form.fail("consent_given", "planform.sip.consent_required")
    participate = form.choice("rel_participate", ["ja", "nej"])
    note = form.text("rel_note")

    def build() -> list[Any]:
        ops: list[Any] = [InviteUnit(op="invite_unit", unit_id=int(unit))] if unit else []
        consent = sip.consent
        now = (given == "ja", by, representative if by == ConsentGivenBy.FORETRADARE.value else None)
        if given is not None and (consent is None
                                  or (consent.given, consent.given_by.value, consent.representative) != now):
            ops.append(SetSipConsent(op="set_sip_consent", given=now[0], given_by=by, representative=now[2]))
        wanted = None if participate is None else participate == "ja"
        if (wanted, note) != (sip.relatives_participate, sip.relatives_note):
            ops.append(SetRelatives(op="set_relatives", participate=wanted, note=note))
        return ops

    return checked_ops(form, build)


def _names(form: FormReader, name: str) -> list[str]:
    lines = [line.strip() for line in form.raw(name).splitlines() if line.strip()]
    if len(lines) > MAX_LINES:
        form.fail(name, "planform.sip.too_many_names", limit=MAX_LINES)
    if any(len(line) > 200 for line in lines):
        form.fail(name, "form.too_long", limit=200)
    return lines[:MAX_LINES]


def _mote(form: FormReader, sip: Sip, choices: Choices, units: list[int]) -> list[Any]:
    start = form.moment("meet_day", "meet_clock", required="planform.sip.meeting_required")
    place = form.text("meet_place", short=True)
    link = form.video_link("meet_link")
    minutes = form.text("minutes")
    old = sip.meeting
    # Who took part is ticked against the participants as saved (a participant kept, same kind and name, keeps
    # the tick); an unticked box records nothing, so that a meeting not yet held has no attendance.
    attended = {(p.kind, p.name): form.flag(f"att_p{n}") for n, p in enumerate(old.participants)} if old else {}
    wanted: list[tuple[ParticipantKind, str | None]] = []
    if form.flag("part_person"):
        wanted.append((ParticipantKind.PERSONEN, None))
    wanted += [(ParticipantKind.NARSTAENDE, n) for n in _names(form, "part_relatives")]
    wanted += [(ParticipantKind.ANNAN, n) for n in _names(form, "part_others")]
    attended_units = tuple(u for u in units if form.flag(f"att_u{u}"))

    def build() -> list[Any]:
        participants = tuple(Participant(kind=k, name=n, attended=True if attended.get((k, n)) else None)
                             for k, n in wanted)
        if old is not None and (old.start, old.place, old.video_link, old.participants, old.attended_units,
                                old.minutes) == (start, place, link, participants, attended_units, minutes):
            return []
        return [SetMeeting(op="set_meeting", start=start, place=place, video_link=link, participants=participants,
                           attended_units=attended_units, minutes=minutes)]

    return checked_ops(form, build)


def _insatser(form: FormReader, sip: Sip, choices: Choices, _units: list[int]) -> list[Any]:
    allowed = [str(p) for p, _ in choices.principals]
    ops: list[Any] = []
    changes: list[tuple[str, int | None]] = []
    removed: list[str] = []
    for intervention in sip.interventions:
        if form.flag(f"remove_{intervention.id}"):
            removed.append(intervention.id)
            continue
        chosen = form.choice(f"principal_{intervention.id}", allowed)
        principal = int(chosen) if chosen else None
        if principal is not None and principal != intervention.principal_provider_id:
            changes.append((intervention.id, principal))
    text = form.text("int_text")
    chosen = form.choice("int_principal", allowed)
    unit = form.choice("int_unit", [str(u.id) for u in choices.units])
    if not text and (chosen or unit):
        form.fail("int_text", "planform.sip.intervention_required")
    if not text and not changes and not removed:
        form.fail("int_text", "planform.sip.intervention_required")

    def build() -> list[Any]:
        ops.extend(UpdateIntervention(op="update_intervention", id=i, principal_provider_id=p) for i, p in changes)
        ops.extend(Remove(op="remove", section="interventions", id=i) for i in removed)
        if text:
            ops.append(AddIntervention(op="add_intervention", text=text,
                                       principal_provider_id=int(chosen) if chosen else None,
                                       unit_id=int(unit) if unit else None))
        return ops

    return checked_ops(form, build)


def _andra(form: FormReader, sip: Sip, choices: Choices, _units: list[int]) -> list[Any]:
    removed = [m.id for m in sip.other_measures if form.flag(f"remove_{m.id}")]
    text = form.text("other_text")
    by_whom = form.text("other_by", short=True)
    if by_whom and not text:
        form.fail("other_text", "planform.sip.other_required")
    if text and not by_whom:
        form.fail("other_by", "planform.sip.other_by_required")
    none = form.flag("none")
    if none and (text or len(removed) < len(sip.other_measures)):
        form.fail("none", "planform.sip.none_and_measures")

    def build() -> list[Any]:
        ops: list[Any] = [Remove(op="remove", section="other_measures", id=i) for i in removed]
        if text and by_whom:
            ops.append(AddOtherMeasure(op="add_other_measure", text=text, by_whom=by_whom))
        if none != (sip.no_other_measures is not None):
            ops.append(SetNoOtherMeasures(op="set_no_other_measures", none=none))
        return ops

    ops = checked_ops(form, build)
    if form.ok and not ops:
        form.fail("other_text", "planform.sip.other_required")
    return ops


def _ansvar(form: FormReader, sip: Sip, choices: Choices, _units: list[int]) -> list[Any]:
    chosen = form.choice("overall_principal", [str(p) for p, _ in choices.principals],
                         required="planform.sip.principal_required")
    principal = int(chosen) if chosen else None
    if principal is None or principal == sip.overall_principal_provider_id:
        return []
    return checked_ops(form, lambda: [SetOverallResponsibility(op="set_overall_responsibility",
                                                               principal_provider_id=principal)])


def _uppfoljning(form: FormReader, sip: Sip, choices: Choices, _units: list[int]) -> list[Any]:
    on = form.day("fu_on", required="planform.sip.follow_up_day_required")
    outcome = form.text("fu_outcome", required="planform.sip.follow_up_outcome_required")
    return checked_ops(form, lambda: [AddFollowUp(op="add_follow_up", on=on, outcome=outcome)])


_READERS = {"kallelse": _kallelse, "mote": _mote, "insatser": _insatser, "andra": _andra, "ansvar": _ansvar,
            "uppfoljning": _uppfoljning}
