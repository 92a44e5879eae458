"""Notifications link to what they are about: a notification from a discharge process (lag 2017:612, DOMAIN §4)
keeps the process's id, so the notifications page can link to the process page. Notifications written before
this revision name their process only in their text ("… i utskrivningsprocess 12 …"): the id is taken from there
when a process with that id concerns the same person; otherwise it stays empty and the page links to the person.

Revision ID: 0013_notification_process
Revises: 0012_one_sip_per_person
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_notification_process"
down_revision: str | None = "0012_one_sip_per_person"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_notification = sa.table("notification", sa.column("id", _ID), sa.column("person_id", _ID),
                         sa.column("kind", sa.String), sa.column("text", sa.Text), sa.column("process_id", _ID))
_process = sa.table("discharge_process", sa.column("id", _ID), sa.column("person_id", _ID))
_NUMBER = re.compile(r"utskrivningsprocess (\d+)")


def upgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.add_column(sa.Column("process_id", _ID, nullable=True))
    backfill(op.get_bind())


def backfill(bind: sa.Connection) -> None:
    """The process id of earlier discharge notifications, from their text (module docstring)."""
    rows = bind.execute(sa.select(_notification.c.id, _notification.c.person_id, _notification.c.text)
                        .where(_notification.c.kind.like("discharge%"))).all()
    found = {row.id: (row.person_id, int(m.group(1))) for row in rows if (m := _NUMBER.search(row.text))}
    if not found:
        return
    owners = dict(bind.execute(sa.select(_process.c.id, _process.c.person_id)
                               .where(_process.c.id.in_({p for _, p in found.values()}))).all())
    for notification_id, (person_id, process_id) in found.items():
        if owners.get(process_id) == person_id:
            bind.execute(sa.update(_notification).where(_notification.c.id == notification_id)
                         .values(process_id=process_id))


def downgrade() -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_column("process_id")
