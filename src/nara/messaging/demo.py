"""Demo messages (SYNTETISKA DATA — invented): Tolvan's question to his vårdcentral, taken and answered by the
district nurse; and, on the demo discharge, the ward's hand-over question to Kumla's hemsjukvård answered with
"Redo att ta emot". Written through nara.messaging.service like any message, so every step is decided and logged.

Idempotent: Tolvan's thread is made only when he has none, the discharge's only on the run that admits it. Without
the demo personas nothing is made."""

from __future__ import annotations

from sqlalchemy.orm import Session

from nara.auth import service as auth
from nara.auth.demo import TOLVAN, demo_staff_actor
from nara.core.actor import Actor, Role
from nara.core.clock import Clock, local_today
from nara.core.db import Database
from nara.directory import service as directory
from nara.messaging import service
from nara.messaging.model import PostKind, Source

_NONE = service.Outlets()


def _tolvan(s: Session) -> Actor | None:
    person_id = directory.person_id_with_identifier(s, TOLVAN)
    person = directory.person(s, person_id)
    accounts = auth.resident_account_ids(s, person_id) if person_id is not None else []
    if person is None or not accounts:
        return None
    return Actor(account_id=accounts[0], username="tolvan", display_name=person.full_name, role=Role.RESIDENT,
                 person_id=person.id, is_demo=True)


def create_demo_messages(db: Database, clock: Clock, discharge_process_id: int | None = None) -> int:
    """Add the demo threads; how many were made."""
    today = local_today(clock)
    made = 0
    with db.transaction() as s:
        tolvan, nurse = _tolvan(s), demo_staff_actor(s, "distriktsskoterska", today)
        if tolvan is not None and nurse is not None and not service.my_threads(s, tolvan, clock):
            thread = service.start_thread(
                s, tolvan, clock, unit_id=None, subject="Svullna fötter på kvällen",
                body="Mina fötter blir svullna på kvällarna sedan en vecka. Behöver jag komma in?", outlets=_NONE)
            service.take(s, nurse, clock, thread.id, _NONE)
            service.post(s, nurse, clock, thread.id, outlets=_NONE,
                         body="Tack för ditt meddelande. Lägg upp fötterna när du vilar. Vi ringer dig i morgon "
                              "förmiddag och bokar en tid om det inte har blivit bättre.")
            made += 1
    if discharge_process_id is None:
        return made
    with db.transaction() as s:
        ward, hsv = demo_staff_actor(s, "avdelning", today), demo_staff_actor(s, "hemsjukvard", today)
        if ward is None or hsv is None or hsv.unit_id is None:
            return made
        thread = service.start_team_thread(
            s, ward, clock, source=Source.DISCHARGE, source_id=discharge_process_id, unit_id=hsv.unit_id,
            subject="Inför hemgång", kind=PostKind.QUESTION,
            body="Patienten behöver hjälp med såromläggning varannan dag efter hemgång. Kan ni ta över den?",
            outlets=_NONE)
        service.post(s, hsv, clock, thread.id, kind=PostKind.READY, outlets=_NONE,
                     body="Ja, vi tar över såromläggningen och är redo att ta emot från och med i morgon.")
        made += 1
    return made
