"""The SIP hand-over (DOMAIN §3, §4): the kallelse creates or moves the SIP plan through nara.plans.service."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.orm import Session

from nara.core.actor import Actor
from nara.core.clock import Clock
from nara.core.errors import ValidationFailed
from nara.discharge import store
from nara.discharge.model import (
    ProcessState,
    SipInvitationSent,
    apply,
    replay,
)
from nara.discharge.service.common import ASSIGN, checked_note, decoded_events
from nara.discharge.service.recording import NewEvent, Outlets
from nara.discharge.service.results import ProcessView
from nara.discharge.service.steps import change_process, outpatient_rule
from nara.discharge.store import DischargeProcessRow, DischargeReceiverRow
from nara.plans import service as plans_service
from nara.plans.model import AddMeeting, AddTeamMember, InviteUnit, TeamRole


def send_sip_invitation(session: Session, actor: Actor, clock: Clock, process_id: int, *, sip_at: datetime,
                        place: str | None = None, video_link: str | None = None, note: str | None = None,
                        outlets: Outlets = Outlets()) -> ProcessView:
    """Kallelse till SIP (DOMAIN §3, §4: within 3 calendar days of the utskrivningsklar notice) from the
    outpatient receiver. One SIP per person (DOMAIN §3): the person's open SIP is used when there is one, else it is
    created through nara.plans.service.create_plan (kind sip) with the fast vårdkontakt in its team; every other
    receiving unit not yet in it is invited, and the kallelse adds its meeting at ``sip_at`` (a later kallelse adds
    another meeting to the same SIP, the earlier ones stay). The message goes to the other receivers."""
    now = clock.now()
    if sip_at.tzinfo is None:
        raise ValidationFailed("error.validation")
    if sip_at < now:
        raise ValidationFailed("discharge.sip.in_past")

    def build(row: DischargeProcessRow, receivers: list[DischargeReceiverRow], state: ProcessState) -> list[NewEvent]:
        others = [r.unit_id for r in receivers if r.unit_id != actor.unit_id]
        if not others:
            raise ValidationFailed("discharge.sip.no_receivers")
        # The state machine's refusals come before the plan is made (the transaction would roll it back anyway).
        apply(replay(decoded_events(store.events_of(session, [row.id])[row.id])),
              SipInvitationSent(at=now, message_id="check", to=tuple(str(u) for u in others), sip_at=sip_at))
        if row.sip_plan_id is None:
            # One SIP per person (DOMAIN §3): the person's open SIP, if there is one, is this process's SIP too.
            row.sip_plan_id = plans_service.open_sip(session, row.person_id)
        invited = plans_service.plan_unit_ids(session, row.sip_plan_id) if row.sip_plan_id is not None else set()
        try:
            operations: list[Any] = [InviteUnit(op="invite_unit", unit_id=u) for u in others if u not in invited]
            operations.append(AddMeeting(op="add_meeting", start=sip_at, place=place, video_link=video_link))
            if row.sip_plan_id is None and row.care_contact_staff_id is not None \
                    and row.care_contact_unit_id is not None:
                operations.append(AddTeamMember(op="add_team_member", role=TeamRole.FAST_VARDKONTAKT,
                                                staff_id=row.care_contact_staff_id,
                                                unit_id=row.care_contact_unit_id))
        except PydanticValidationError:
            raise ValidationFailed("discharge.sip.invalid") from None
        if row.sip_plan_id is None:
            plan = plans_service.create_plan(session, actor, clock, person_id=row.person_id, kind="sip",
                                             operations=operations, notifier=outlets.notifier)
            row.sip_plan_id = plan.id
        else:
            version = plans_service.plan_version(session, row.sip_plan_id)
            plans_service.change_plan(session, actor, clock, row.sip_plan_id, version or 0, operations,
                                      outlets.notifier)
        return [NewEvent(SipInvitationSent(at=now, message_id=ASSIGN, to=tuple(str(u) for u in others),
                                       sip_at=sip_at), checked_note(note))]

    return change_process(session, actor, clock, process_id, outlets, outpatient_rule(actor), build)

