"""A demo Patientkontrakt and a demo SIP (SYNTETISKA DATA), so the demo shows a plan and a SIP from the start: the
demo GP's plan for a synthetic person listed at his vårdcentral, and that person's SIP with Kumla kommun's
hemsjukvård, in the plan phase — not Tolvan, whose plan and SIP people make themselves in the demo (and the browser
tests make). Made through nara.plans.service like any plan, so it is versioned, logged in the access log and
starts the care relationships and notifications a real one would.

Idempotent: a person who already has a plan gets no second one, nor a second SIP. Without the demo personas or a
suitable synthetic person (e.g. a directory without the synthetic population) nothing is made.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy.orm import Session

from nara.auth.demo import TOLVAN, demo_staff_actor
from nara.core.actor import Actor
from nara.core.clock import STOCKHOLM, Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.plans import service
from nara.plans.model import (
    AddActivity,
    AddGoal,
    AddIntervention,
    AddOtherMeasure,
    AddSelfCare,
    AddTeamMember,
    AddTime,
    InviteUnit,
    MeetingMode,
    Operation,
    Participant,
    ParticipantKind,
    PlanKind,
    Responsible,
    ResponsibleKind,
    SelfCareKind,
    SetMeeting,
    SetOverallResponsibility,
    SetRelatives,
    SetSipConsent,
    SipPhase,
    TeamRole,
)

MIN_AGE = 18  # an adult; the oldest one listed is chosen (care from both the region and the municipality)


def create_demo_plan(db: Database, clock: Clock) -> int | None:
    """Create the demo GP's Patientkontrakt for a synthetic person; the plan's id, or None when none was made."""
    today = local_today(clock)
    with db.transaction() as s:
        gp = demo_staff_actor(s, "lakare", today)
        if gp is None or gp.unit_id is None:
            return None
        person_id = _person(s, gp.unit_id, today)
        if person_id is None or service.person_has_plans(s, person_id):
            return None
        nurse = demo_staff_actor(s, "distriktsskoterska", today)
        home_care = demo_staff_actor(s, "hemsjukvard", today)
        operations = _content(gp, nurse, home_care, today)
        view = service.create_plan(s, gp, clock, person_id=person_id, kind=PlanKind.PATIENTKONTRAKT,
                                   operations=operations)
        return view.id


def _person(s: Session, unit_id: int, today: date) -> int | None:
    """The oldest living synthetic adult listed at the unit, without protected identity (not Tolvan)."""
    born_before = date(today.year - MIN_AGE, today.month, min(today.day, 28))
    return directory.oldest_synthetic_listed(s, unit_id, today, born_before, TOLVAN)


def _content(gp: Actor, nurse: Actor | None, home_care: Actor | None, today: date) -> list[Operation]:
    """A plan in the shape of DOMAIN §2: the person's own goal, who does what, egenvård, the team, a time."""
    assert gp.unit_id is not None
    ops: list[Operation] = [
        AddGoal(op="add_goal", text="Jag vill orka gå ut med hunden varje dag", own_words=True,
                follow_up="Vi pratar om det vid varje besök"),
        AddGoal(op="add_goal", text="Blodtrycket under 140/90", follow_up="Blodtryckskontroll varje månad"),
        AddActivity(op="add_activity", text="Promenad med hunden, 20 minuter", recurrence="varje dag",
                    responsible=Responsible(kind=ResponsibleKind.PERSON)),
        AddActivity(op="add_activity", text="Handlar mat tillsammans", recurrence="en gång i veckan",
                    responsible=Responsible(kind=ResponsibleKind.NARSTAENDE, name="Dottern")),
        AddActivity(op="add_activity", text="Läkemedelsgenomgång", due=today + timedelta(days=14),
                    responsible=Responsible(kind=ResponsibleKind.REGION_UNIT, unit_id=gp.unit_id)),
        AddActivity(op="add_activity", text="Provtagning: blodstatus och njurfunktion", due=today - timedelta(days=2),
                    responsible=Responsible(kind=ResponsibleKind.REGION_UNIT, unit_id=gp.unit_id)),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.GOR_SJALV,
                    text="Jag tar mina blodtryckstabletter varje morgon."),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.HALLER_KOLL,
                    text="Jag väger mig varje måndag. Ökar vikten mer än 2 kg på en vecka ringer jag vårdcentralen."),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.SOKA_VARD,
                    text="Vid bröstsmärta eller svår andnöd ringer jag 112."),
        AddSelfCare(op="add_self_care", kind=SelfCareKind.VANDA_MIG_TILL,
                    text="Vardagar: min fasta vårdkontakt. Kvällar och helger: 1177."),
        AddTeamMember(op="add_team_member", role=TeamRole.FAST_LAKARKONTAKT, staff_id=gp.staff_id,
                      unit_id=gp.unit_id),
        AddTime(op="add_time", start=datetime.combine(today + timedelta(days=7), time(10, 0), tzinfo=STOCKHOLM),
                with_whom=f"{nurse.display_name}, distriktssköterska" if nurse else gp.display_name,
                mode=MeetingMode.BESOK, place=gp.unit_name, purpose="Uppföljning: blodtryck och vikt"),
    ]
    if nurse is not None and nurse.unit_id is not None:
        ops.append(AddTeamMember(op="add_team_member", role=TeamRole.FAST_VARDKONTAKT, staff_id=nurse.staff_id,
                                 unit_id=nurse.unit_id, phone="070-174 06 50",  # PTS's range for fiction
                                 reach="Ring vardagar 8–10 eller skriv via 1177"))
    if home_care is not None and home_care.unit_id is not None and home_care.unit_kind == "hemsjukvard":
        ops += [
            AddActivity(op="add_activity", text="Blodtryckskontroll i hemmet", due=today + timedelta(days=5),
                        recurrence="en gång i månaden",
                        responsible=Responsible(kind=ResponsibleKind.MUNICIPAL_UNIT, unit_id=home_care.unit_id)),
            AddTeamMember(op="add_team_member", role=TeamRole.OMVARDNADSANSVARIG_SJUKSKOTERSKA,
                          staff_id=home_care.staff_id, unit_id=home_care.unit_id),
        ]
    return ops



SIP_MEETING_DAYS_AGO = 2


def create_demo_sip(db: Database, clock: Clock) -> int | None:
    """The demo person's SIP (the person of :func:`create_demo_plan`, who has care from Vårdcentralen Kumla and
    Kumla kommun's hemsjukvård): a meeting held two days ago with its invited, attendance and minutes, two
    interventions by two principals, a measure by others, the overall responsibility, in the plan phase with the
    vårdcentral's approval; the municipality and the person have yet to approve. The SIP's id, or None."""
    today = local_today(clock)
    with db.transaction() as s:
        gp = demo_staff_actor(s, "lakare", today)
        home_care = demo_staff_actor(s, "hemsjukvard", today)
        if gp is None or gp.unit_id is None or home_care is None or home_care.unit_id is None \
                or home_care.provider_id is None or gp.provider_id is None:
            return None
        person_id = _person(s, gp.unit_id, today)
        if person_id is None or service.open_sip(s, person_id) is not None:
            return None
        kinds = {p: row.kind for p, row in directory.providers(s, {gp.provider_id, home_care.provider_id}).items()}
        if kinds.get(gp.provider_id) != "region" or kinds.get(home_care.provider_id) != "kommun":
            return None
        met = datetime.combine(today - timedelta(days=SIP_MEETING_DAYS_AGO), time(13, 0), tzinfo=STOCKHOLM)
        where = dict(start=met, place=f"{gp.unit_name}, samtalsrummet")
        invited = (Participant(kind=ParticipantKind.PERSONEN),
                   Participant(kind=ParticipantKind.NARSTAENDE, name="Dottern Eva"))
        view = service.create_plan(s, gp, clock, person_id=person_id, kind=PlanKind.SIP, operations=[
            InviteUnit(op="invite_unit", unit_id=home_care.unit_id),
            SetSipConsent(op="set_sip_consent", given=True),
            SetRelatives(op="set_relatives", participate=True, note="Dottern Eva följer med på mötena."),
            SetMeeting(op="set_meeting", participants=invited, **where),
        ])
        for phase in (SipPhase.KARTLAGGNING, SipPhase.PLAN):
            view = service.transition_sip(s, gp, clock, view.id, view.version, phase)
        service.answer_invitation(s, home_care, clock, view.id, view.version, True)
        version = view.version + 1
        view = service.change_plan(s, gp, clock, view.id, version, [
            SetMeeting(op="set_meeting", **where,
                       participants=tuple(p.model_copy(update={"attended": True}) for p in invited),
                       attended_units=(gp.unit_id, home_care.unit_id),
                       minutes="Vi gick igenom hur det fungerar hemma efter sjukhusvistelsen. Personen vill bo kvar "
                               "hemma och orka gå ut med hunden. Kommunens hemsjukvård lägger om såret tre gånger i "
                               "veckan; vårdcentralen gör en läkemedelsgenomgång. Uppföljning om en månad."),
            AddIntervention(op="add_intervention", text="Läkemedelsgenomgång och justering av blodtrycksmedicinen",
                            principal_provider_id=gp.provider_id, unit_id=gp.unit_id),
            AddIntervention(op="add_intervention", text="Hemsjukvård: såromläggning tre gånger i veckan",
                            principal_provider_id=home_care.provider_id, unit_id=home_care.unit_id),
            AddOtherMeasure(op="add_other_measure", text="Promenadgrupp på tisdagar",
                            by_whom="PRO Kumla"),
            SetOverallResponsibility(op="set_overall_responsibility", principal_provider_id=home_care.provider_id),
        ])
        view = service.approve_sip(s, gp, clock, view.id, view.version)
        return view.id
