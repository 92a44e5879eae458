"""The SIP page as one document, on SQLite and PostgreSQL: each section reads as text and is edited in place through
one form that saves as one new version; a rejected section (422, 409) comes back open with everything typed and
what to fix in Swedish; the SIP meeting with its invited, attendance and minutes; the person gets one invitation
per meeting and sees it in Min plan; who may post a section, and the audit entries of each attempt."""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select

from nara.audit.store import AuditEntryRow
from nara.core.clock import local_today
from nara.directory import service as directory
from nara.directory.model import personal_number
from nara.plans.demo import create_demo_plan, create_demo_sip
from nara.plans.model import PlanDocument
from nara.plans.store import NotificationRow
from tests.integration import test_plan_pages as pages
from tests.integration import test_plans as base
from tests.integration.test_plan_pages import create_plan, text_of

site = pages.site  # the same site as the plan pages: Tolvan, the vårdcentral, hemsjukvården and their staff

SECTION_FORM = re.compile(r'<form class="form" method="post" action="/planer/\d+/sip/avsnitt/(\w+)"')
OPEN = '<details class="add-own section-edit" open>'


def _section(gp, plan_id: int, name: str, version: int, **fields: str):
    return gp.post(f"/planer/{plan_id}/sip/avsnitt/{name}", {"version": str(version), **fields})


def _saved(answer, plan_id: int, name: str) -> None:
    assert answer.status_code == 303, text_of(answer)
    assert answer.headers["location"] == f"/planer/{plan_id}/sip?sparat=sip#avsnitt-{name}"


def _resident_notifications(site, plan_id: int) -> list[str]:
    with site.db.transaction() as s:
        return list(s.scalars(select(NotificationRow.kind).where(
            NotificationRow.plan_id == plan_id, NotificationRow.recipient_account_id.is_not(None))
            .order_by(NotificationRow.id)))


def test_the_sip_page_is_one_document_with_one_closed_form_per_section(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, kind="sip")
    page = gp.get(f"/planer/{plan_id}/sip")
    assert page.status_code == 200
    assert SECTION_FORM.findall(page.text) == ["kallelse", "mote", "insatser", "andra", "ansvar"]
    assert page.text.count('<details class="add-own section-edit">') == 5 and OPEN not in page.text
    assert "/sip/insats-huvudman" not in page.text and "/sip/ta-bort" not in page.text  # no per-element forms
    headings = re.findall(r"<h2 id=\"[\w-]+\">([^<]+)</h2>", text_of(page))
    assert headings[1:] == ["1. Kallelse", "SIP-mötet", "2. Kartläggning", "3. Planen – det lagen kräver",
                            "4. Uppföljning", "Godkännanden"]


def test_a_section_turns_its_fields_into_one_new_version(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, kind="sip")
    _saved(_section(gp, plan_id, "kallelse", 1, inv_unit=str(site.hsv), consent_given="ja", consent_by="personen",
                    rel_participate="ja", rel_note="Dottern följer med."), plan_id, "kallelse")
    row = site.plan(plan_id)
    assert row.version == 2  # invitation, consent and närstående: one change
    page = text_of(gp.get(f"/planer/{plan_id}/sip"))
    assert "Hemsjukvården Kumla (Kumla kommun): kallad" in page and "Samtycke givet av personen" in page
    assert "Närstående deltar. Dottern följer med." in page
    # Saving the section unchanged changes nothing and says so.
    same = _section(gp, plan_id, "kallelse", 2, consent_given="ja", consent_by="personen", rel_participate="ja",
                    rel_note="Dottern följer med.")
    assert same.status_code == 422 and "Du har inte ändrat något i det här avsnittet." in text_of(same)
    assert site.plan(plan_id).version == 2
    _saved(_section(gp, plan_id, "insatser", 2, int_text="Läkemedelsgenomgång",
                    int_principal=str(site.region)), plan_id, "insatser")
    [first] = re.findall(r'name="principal_(s\d+)"', gp.get(f"/planer/{plan_id}/sip").text)
    _saved(_section(gp, plan_id, "insatser", 3, **{f"principal_{first}": str(site.hsv_provider)},
                    int_text="Hemsjukvård: såromläggning", int_principal=str(site.hsv_provider)), plan_id, "insatser")
    doc = gp.get(f"/planer/{plan_id}/sip")
    assert site.plan(plan_id).version == 4
    assert "Ansvarig huvudman: Kumla kommun" in text_of(doc)
    _saved(_section(gp, plan_id, "insatser", 4, **{f"remove_{first}": "ja"}), plan_id, "insatser")
    assert "Läkemedelsgenomgång" not in text_of(gp.get(f"/planer/{plan_id}/sip"))


def test_a_rejected_section_comes_back_open_with_what_was_typed_and_what_to_fix(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, kind="sip")
    typed = {"meet_day": "2026-13-45", "meet_clock": "13:00", "meet_place": "Biblioteket, rum 3",
             "part_person": "ja", "part_relatives": "Dottern Eva\nSonen Per", "part_others": "God man Lisa"}
    refused = _section(gp, plan_id, "mote", 1, **typed)
    assert refused.status_code == 422
    page = text_of(refused)
    assert '<a href="#f-meet_day">Skriv datumet som ÅÅÅÅ-MM-DD, till exempel 2026-12-03.</a>' in page  # summary
    assert 'id="f-meet_day-error"' in page  # and next to the field
    assert 'value="2026-13-45"' in page and 'value="Biblioteket, rum 3"' in page
    assert ">Dottern Eva\nSonen Per</textarea>" in page and ">God man Lisa</textarea>" in page
    assert 'id="f-part_person" name="part_person" type="checkbox" value="ja" checked' in page
    assert page.count(OPEN) == 1 and page.index(OPEN) < page.index(f'action="/planer/{plan_id}/sip/avsnitt/mote"')
    assert site.plan(plan_id).version == 1

    unticked = _section(gp, plan_id, "mote", 1, meet_day="2026-12-03", meet_clock="25:00", part_relatives="Eva")
    assert unticked.status_code == 422
    assert 'name="part_person" type="checkbox" value="ja" checked' not in unticked.text  # what was typed, not saved

    # A stale form: nothing overwritten, the typed values kept, the section open.
    _saved(_section(gp, plan_id, "ansvar", 1, overall_principal=str(site.hsv_provider)), plan_id, "ansvar")
    stale = _section(gp, plan_id, "kallelse", 1, consent_given="ja", rel_note="Skrivet på en gammal sida")
    assert stale.status_code == 409
    page = text_of(stale)
    assert "Någon annan har ändrat planen" in page and "Skrivet på en gammal sida</textarea>" in page
    assert page.count(OPEN) == 1 and site.plan(plan_id).version == 2


def test_the_meeting_its_invited_attendance_and_minutes_and_one_invitation_to_the_person(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, kind="sip")
    _saved(_section(gp, plan_id, "kallelse", 1, inv_unit=str(site.hsv), consent_given="ja"), plan_id, "kallelse")
    _saved(_section(gp, plan_id, "mote", 2, meet_day="2026-12-03", meet_clock="13:00",
                    meet_place="Vårdcentralen Kumla", part_person="ja", part_relatives="Dottern Eva"),
           plan_id, "mote")
    assert _resident_notifications(site, plan_id) == ["sip_meeting"]
    # More units invited, more people named: still the one invitation.
    _saved(_section(gp, plan_id, "kallelse", 3, inv_unit=str(site.bistand), consent_given="ja"), plan_id, "kallelse")
    _saved(_section(gp, plan_id, "mote", 4, meet_day="2026-12-03", meet_clock="13:00",
                    meet_place="Vårdcentralen Kumla", part_person="ja", part_relatives="Dottern Eva",
                    part_others="God man Lisa"), plan_id, "mote")
    assert _resident_notifications(site, plan_id) == ["sip_meeting"]
    # Attendance before the meeting is refused in Swedish, with the form kept.
    early = _section(gp, plan_id, "mote", 5, meet_day="2026-12-03", meet_clock="13:00",
                     meet_place="Vårdcentralen Kumla", part_person="ja", part_relatives="Dottern Eva",
                     part_others="God man Lisa", att_p0="ja", minutes="Vi kom överens om insatserna.")
    assert early.status_code == 422
    assert "registreras efter mötet" in text_of(early) and "Vi kom överens om insatserna.</textarea>" in early.text
    # The meeting moves to an earlier day (before the site's clock): the person is told it moved, once.
    _saved(_section(gp, plan_id, "mote", 5, meet_day="2026-11-20", meet_clock="09:30",
                    meet_place="Vårdcentralen Kumla", part_person="ja", part_relatives="Dottern Eva",
                    part_others="God man Lisa"), plan_id, "mote")
    assert _resident_notifications(site, plan_id) == ["sip_meeting", "sip_meeting_moved"]
    # After the meeting: who took part and the minutes.
    _saved(_section(gp, plan_id, "mote", 6, meet_day="2026-11-20", meet_clock="09:30",
                    meet_place="Vårdcentralen Kumla", part_person="ja", part_relatives="Dottern Eva",
                    part_others="God man Lisa", att_p0="ja", att_p1="ja", **{f"att_u{site.vc}": "ja"},
                    minutes="Vi kom överens om insatserna."), plan_id, "mote")
    assert _resident_notifications(site, plan_id) == ["sip_meeting", "sip_meeting_moved"]
    page = text_of(gp.get(f"/planer/{plan_id}/sip"))
    assert "Personen själv – deltog" in page and "Dottern Eva (närstående) – deltog" in page
    assert "God man Lisa<br>" in page and "Vi kom överens om insatserna." in page
    assert "Deltagande och anteckningar registrerade av" in page

    tolvan = site.visit("tolvan")
    mine = text_of(tolvan.get(f"/min-sida/plan/{plan_id}"))
    assert mine.count('class="element sip-meeting"') == 1
    assert "Dottern Eva" in mine and "Vi kom överens om insatserna." in mine
    meeting = PlanDocument.model_validate_json(site.plan(plan_id).document).sip.meeting  # as the API returns it
    assert meeting.minutes == "Vi kom överens om insatserna." and meeting.attended_units == (site.vc,)


def test_who_may_post_a_section_and_every_attempt_is_logged(site):
    gp = site.visit("lakare")
    plan_id = create_plan(site, gp, kind="sip")
    ward = site.visit("avdelning")
    refused = _section(ward, plan_id, "ansvar", 1, overall_principal=str(site.hsv_provider))
    assert refused.status_code == 403 and "Åtkomst nekad" in text_of(refused)
    assert site.plan(plan_id).version == 1
    _saved(_section(gp, plan_id, "ansvar", 1, overall_principal=str(site.hsv_provider)), plan_id, "ansvar")
    with site.db.transaction() as s:
        entries = s.scalars(select(AuditEntryRow).where(AuditEntryRow.resource_id == str(plan_id))
                            .order_by(AuditEntryRow.seq)).all()
        shown = [(e.action, e.outcome, e.denial_reason) for e in entries]
    # The ward: refused and logged, nothing written. The GP: the section read to compare with, then the write.
    assert shown == [("read", "denied", "no_care_relationship"), ("read", "allowed", None),
                     ("write", "allowed", None)]


def test_the_demo_sip_is_in_the_plan_phase_with_a_meeting_two_principals_and_one_approval(site):
    with site.db.transaction() as s:  # a synthetic person listed at the vårdcentral, as the demo population has
        person = directory.add_person(s, identifier=personal_number(date(1940, 5, 17), 234), given_name="Greta",
                                      family_name="Exempelsson", today=local_today(site.clock), kommun_code="1881")
        directory.add_listing(s, person_id=person.id, unit_id=site.vc, fast_lakare_id=None,
                              valid_from=date(2020, 1, 1))
    assert create_demo_plan(site.db, site.clock) is not None
    plan_id = create_demo_sip(site.db, site.clock)
    assert plan_id is not None and create_demo_sip(site.db, site.clock) is None  # idempotent
    row = site.plan(plan_id)
    assert row.person_id == person.id and row.status == "plan"
    sip = PlanDocument.model_validate_json(row.document).sip
    assert len({i.principal_provider_id for i in sip.interventions}) == 2 and len(sip.interventions) == 2
    assert [a.provider_id for a in sip.approvals] == [site.region]
    assert sip.meeting.minutes and all(p.attended for p in sip.meeting.participants)
    assert set(sip.meeting.attended_units) == {site.vc, site.hsv}
    page = text_of(site.visit("lakare").get(f"/planer/{plan_id}/sip"))
    assert "SIP för Greta Exempelsson" in page and "Godkänd av Erik Testlund" in page


world = base.world  # the JSON API's world: Tolvan, the vårdcentral, hemsjukvården, tokens for their staff


def test_the_json_api_sets_the_meeting_its_invited_attendance_and_minutes(world):
    invited = [{"kind": "personen"}, {"kind": "narstaende", "name": "Dottern Eva"}]
    plan = base.create(world, kind="sip", operations=[
        {"op": "invite_unit", "unit_id": world.hsv},
        {"op": "set_meeting", "start": "2026-11-20T13:00:00+01:00", "place": "Vårdcentralen Kumla",
         "participants": invited}])
    meeting = plan["document"]["sip"]["meeting"]
    assert [p["kind"] for p in meeting["participants"]] == ["personen", "narstaende"]
    assert meeting["attended_units"] == [] and meeting["minutes"] is None and meeting["held"] is None
    held = base.patch(world, "lakare", plan, {
        "op": "set_meeting", "start": "2026-11-20T13:00:00+01:00", "place": "Vårdcentralen Kumla",
        "participants": [{**p, "attended": True} for p in invited], "attended_units": [world.vc, world.hsv],
        "minutes": "Vi kom överens om insatserna."})
    assert held.status_code == 200, held.text
    meeting = held.json()["document"]["sip"]["meeting"]
    assert meeting["minutes"] == "Vi kom överens om insatserna." and meeting["attended_units"] == [world.vc, world.hsv]
    assert meeting["held"]["unit_id"] == world.vc and all(p["attended"] for p in meeting["participants"])
    unknown = base.patch(world, "lakare", held.json(), {
        "op": "set_meeting", "start": "2026-11-20T13:00:00+01:00", "attended_units": [999999]})
    assert unknown.status_code == 404, unknown.text  # a unit that took part must exist
    with world.db.transaction() as s:
        told = list(s.scalars(select(NotificationRow.kind).where(
            NotificationRow.plan_id == plan["id"], NotificationRow.recipient_account_id.is_not(None))))
    assert told == ["sip_meeting"]  # one invitation: not one per invited unit, nor for the minutes
