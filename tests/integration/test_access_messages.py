"""Access scenarios for secure messages (DOMAIN.md §5), on SQLite and PostgreSQL: a message is person data of the
category meddelanden; every read and write asks the policy and leaves one audit entry, allowed or denied.

Tolvan writes to his vårdcentral. Allowed: Tolvan reads his own thread; the vårdcentral's nurse (listing: a care
relationship) reads and answers it; his daughter Eva reads and writes it while acting for him with a grant that
covers messages; the municipality's hemsjukvård reads its own team thread with the ward. Denied, each logged: Eva
as herself, and acting for him with a grant for the plan only; a vårdcentral of the same region without a care
relationship; the municipality's hemsjukvård — in his care through the discharge, but another care provider — reads
the vårdcentral's thread without his consent (allowed once he consents)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from nara.access import service as access
from nara.access.service import AccessDenied
from nara.audit.store import AuditEntryRow
from nara.auth.service import act_for
from nara.discharge import service as discharge
from nara.discharge.service import Outlets as DischargeOutlets
from nara.messaging import service
from nara.messaging.model import PostKind, Source
from nara.plans.service import InAppNotifier

from .discharge_fixtures import build_world

NONE = service.Outlets()


@pytest.fixture
def world(database, clock, tmp_data_dir):
    w = build_world(database, clock, tmp_data_dir)
    with w.db.transaction() as s:
        w.thread = service.start_thread(s, w.actor("tolvan"), clock, unit_id=None, subject="Fråga om såret",
                                        body="Såret läker långsamt.", outlets=NONE).id
    yield w
    w.client.close()
    w.broker.close()


def entries(world, username: str) -> list[tuple[str, str, str | None, str | None, str | None]]:
    """(action, outcome, denial reason, resource, purpose) of the account's entries about messages, in order."""
    account_id = world.actor(username).account_id
    with world.db.transaction() as s:
        rows = s.scalars(select(AuditEntryRow).where(AuditEntryRow.account_id == account_id,
                                                     AuditEntryRow.information_category == "meddelanden")
                         .order_by(AuditEntryRow.seq)).all()
        return [(r.action, r.outcome, r.denial_reason, f"{r.resource_type}:{r.resource_id}", r.purpose)
                for r in rows]


def read(world, actor, thread_id):
    with world.db.transaction() as s:
        return service.read_thread(s, actor, world.clock, thread_id)


def denied(world, actor, thread_id) -> str:
    with pytest.raises(AccessDenied) as refused:
        read(world, actor, thread_id)
    return refused.value.decision.reason.value


def test_the_person_reads_their_own_thread_and_the_listing_units_nurse_reads_and_answers_it(world):
    ref = f"message_thread:{world.thread}"
    view = read(world, world.actor("tolvan"), world.thread)
    assert [p.body for p in view.posts] == ["Såret läker långsamt."]
    assert entries(world, "tolvan") == [("create", "allowed", None, f"person:{world.tolvan}", "egen_insyn"),
                                        ("read", "allowed", None, ref, "egen_insyn")]
    nurse = world.actor("distriktsskoterska")
    assert read(world, nurse, world.thread).may_answer
    with world.db.transaction() as s:
        service.post(s, nurse, world.clock, world.thread, body="Kom in i morgon.", outlets=NONE)
    assert entries(world, "distriktsskoterska") == [("read", "allowed", None, ref, "vard"),
                                                    ("write", "allowed", None, ref, "vard")]


def test_another_person_is_denied_and_a_proxy_reads_only_with_a_grant_that_covers_messages(world):
    ref = f"message_thread:{world.thread}"
    tolvan, eva = world.actor("tolvan"), world.actor("eva")
    assert denied(world, eva, world.thread) == "not_own_data"
    assert entries(world, "eva") == [("read", "denied", "not_own_data", ref, "egen_insyn")]

    plan_only = access.grant_proxy(world.db, tolvan, world.clock, personnummer="19580614-9828", kind="narstaende",
                                   scopes=["plan"], end_day=date(2026, 12, 31))
    acting = access.check_act_for(world.db, eva, world.clock, tolvan.person_id)
    act_for(world.db, eva, acting.acting_for)
    assert denied(world, acting, world.thread) == "proxy_scope_missing"
    access.revoke_proxy(world.db, tolvan, world.clock, plan_only.id)
    access.grant_proxy(world.db, tolvan, world.clock, personnummer="19580614-9828", kind="narstaende",
                       scopes=["plan", "meddelanden"], end_day=date(2026, 12, 31))
    acting = access.check_act_for(world.db, eva, world.clock, tolvan.person_id)
    assert [t.id for t in _my_threads(world, acting)] == [world.thread]
    assert read(world, acting, world.thread).posts[0].body == "Såret läker långsamt."
    with world.db.transaction() as s:
        service.post(s, acting, world.clock, world.thread, body="Jag kan följa med honom.", outlets=NONE)
    posts = read(world, world.actor("tolvan"), world.thread).posts
    assert (posts[-1].author_name, posts[-1].by_person) == ("Eva Tolvansson", True)
    assert entries(world, "eva")[1:] == [("read", "denied", "proxy_scope_missing", ref, "narstaende"),
                                         ("search", "allowed", None, ref, "narstaende"),
                                         ("read", "allowed", None, ref, "narstaende"),
                                         ("write", "allowed", None, ref, "narstaende")]


def _my_threads(world, actor):
    with world.db.transaction() as s:
        return service.my_threads(s, actor, world.clock)


def test_a_unit_without_a_care_relationship_is_denied_and_logged(world):
    ref = f"message_thread:{world.thread}"
    assert denied(world, world.actor("annan_vc"), world.thread) == "no_care_relationship"
    assert entries(world, "annan_vc") == [("read", "denied", "no_care_relationship", ref, "vard")]
    with world.db.transaction() as s:
        assert service.inbox(s, world.actor("annan_vc"), world.clock) == []  # nothing in its inbox either


def test_another_providers_staff_in_the_persons_care_read_only_with_consent(world):
    ward = world.actor("avdelning")
    with world.db.transaction() as s:
        pid = discharge.open_process(s, ward, world.clock, person_id=world.tolvan,
                                     estimated_discharge=date(2026, 11, 27),
                                     outlets=DischargeOutlets(notifier=InAppNotifier())).id
    hsv = world.actor("hemsjukvard")  # Kumla kommun: in his care through the discharge, another care provider
    reason = denied(world, hsv, world.thread)
    assert reason == "no_consent"
    ref = f"message_thread:{world.thread}"
    assert entries(world, "hemsjukvard") == [("read", "denied", "no_consent", ref, "vard")]
    with world.db.transaction() as s:
        access.give_consent(s, world.actor("tolvan"), world.clock, person_id=world.tolvan,
                            care_provider_id=world.providers[world.hsv])
    assert read(world, hsv, world.thread).posts
    assert not read(world, hsv, world.thread).may_answer  # reading another provider's record is not a party's
    assert entries(world, "hemsjukvard")[-1] == ("read", "allowed", None, ref, "vard")

    # its own team thread with the ward: the municipality reads its own provider's copy, no consent needed
    with world.db.transaction() as s:
        team = service.start_team_thread(s, ward, world.clock, source=Source.DISCHARGE, source_id=pid,
                                         unit_id=world.hsv, subject="Hemgång", body="Fredag?",
                                         kind=PostKind.QUESTION, outlets=NONE).id
    assert read(world, hsv, team).may_mark_ready
    assert entries(world, "hemsjukvard")[-1] == ("read", "allowed", None, f"message_thread:{team}", "vard")
    assert denied(world, world.actor("orebro_hsv"), team) == "no_care_relationship"
    assert entries(world, "orebro_hsv") == [("read", "denied", "no_care_relationship", f"message_thread:{team}",
                                             "vard")]
