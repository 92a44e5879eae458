"""Access grant tables and the queries of the policy's hot path (DOMAIN §5): care relationships, consents,
spärrar, nödåtkomst and "cannot consent" assessments.

Nothing here is deleted: ending, revoking and lifting record who and when, so the history stays (the person's
own view and log follow-up show it). Listing and SäBo residence are care relationships too, derived from the
directory's own tables rather than copied here.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Connection,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    bindparam,
    case,
    cast,
    literal_column,
    null,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from nara.access.model import (
    AccessFacts,
    Block,
    BlockKind,
    BlockLift,
    CannotConsentAssessment,
    CareRelationship,
    Consent,
    EmergencyAccess,
    EmergencyScope,
    InformationCategory,
    RelationshipKind,
)
from nara.access.model.proxies import Guardianship, ProxyFacts, ProxyGrant, ProxyKind, ProxyScope
from nara.core.clock import STOCKHOLM
from nara.core.db import Base, IdType, UTCDateTime
from nara.directory import service as directory

_REF = 64  # a reference to a row of another part (plan, discharge process, SIP), as text


class CareRelationshipRow(Base):
    """Vårdrelation between a unit and a person, from its source (an admission, a care team, a SIP, an uppdrag)."""

    __tablename__ = "care_relationship"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # RelationshipKind
    source_ref: Mapped[str | None] = mapped_column(String(_REF))  # e.g. 'discharge:42', 'sip:7'
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)  # exclusive
    created_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (
        Index("ix_care_relationship_person_unit", "person_id", "unit_id"),
        CheckConstraint("kind in ('admission','care_team','sip','assignment')", name="kind"),
    )


class ConsentRow(Base):
    """Samtycke to sammanhållen vård- och omsorgsdokumentation (lag 2022:913): the person lets one care provider
    read what other providers recorded, for a period, for everything or one plan."""

    __tablename__ = "consent"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    care_provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    plan_ref: Mapped[str | None] = mapped_column(String(_REF))
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime | None] = mapped_column(UTCDateTime)
    given_by: Mapped[str] = mapped_column(String(16))  # ConsentGivenBy
    recorded_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (
        Index("ix_consent_person_provider", "person_id", "care_provider_id"),
        CheckConstraint("given_by in ('invanare','personal')", name="given_by"),
    )


class BlockRow(Base):
    """Spärr, inre or yttre, on an information category or one plan, set at the person's request."""

    __tablename__ = "access_block"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # BlockKind
    category: Mapped[str | None] = mapped_column(String(40))  # InformationCategory
    plan_ref: Mapped[str | None] = mapped_column(String(_REF))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))  # the unit that set it
    provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))  # the provider that set it
    reason: Mapped[str | None] = mapped_column(Text)
    set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    set_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (
        CheckConstraint("kind in ('inre','yttre')", name="kind"),
        CheckConstraint("(category is null) <> (plan_ref is null)", name="one_target"),
        CheckConstraint("kind = 'yttre' or unit_id is not null", name="inre_has_unit"),
    )


class EmergencyAccessRow(Base):
    """Nödåtkomst: one account, acting for one unit, opened one person's data with a stated reason, until it
    expires. Every one is reviewed (``reviewed``) and the person is told (DOMAIN §5)."""

    __tablename__ = "emergency_access"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("account.id"))
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff.id"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    reason: Mapped[str] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # EmergencyScope: the person's information, or one of the two steps through a yttre spärr (DOMAIN §5)
    scope: Mapped[str] = mapped_column(String(16), default="person", server_default="person")
    opened_provider_id: Mapped[int | None] = mapped_column(ForeignKey("care_provider.id"))
    __table_args__ = (
        CheckConstraint("scope in ('person','sparr_providers','sparr_open')", name="scope"),
        CheckConstraint("(scope = 'sparr_open') = (opened_provider_id is not null)", name="opened_provider"),
        Index("ix_emergency_access_person_account", "person_id", "account_id"),
        Index("ix_emergency_access_reviewed_started", "reviewed", "started_at"),  # the review queue
    )


class BlockLiftRow(Base):
    """A temporary lift of an inre spärr for one unit or one user, with the person's consent and a reason, for at
    most 7 days; it ends by itself, or earlier when revoked (DOMAIN §5)."""

    __tablename__ = "access_block_lift"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    block_id: Mapped[int] = mapped_column(ForeignKey("access_block.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"))
    account_id: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    reason: Mapped[str] = mapped_column(Text)
    given_by: Mapped[str] = mapped_column(String(16))  # ConsentGivenBy
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (
        CheckConstraint("(unit_id is null) <> (account_id is null)", name="one_scope"),
        CheckConstraint("given_by in ('invanare','personal')", name="given_by"),
    )


class CannotConsentAssessmentRow(Base):
    """Bedömning att personen varaktigt saknar förmåga att samtycka, with how their attitude was clarified
    (lag 2022:913, DOMAIN §5). Replaces consent for the provider that recorded it."""

    __tablename__ = "cannot_consent_assessment"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"))
    care_provider_id: Mapped[int] = mapped_column(ForeignKey("care_provider.id"))
    assessed_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    assessed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    note: Mapped[str] = mapped_column(Text)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (Index("ix_cannot_consent_assessment_person_provider", "person_id", "care_provider_id"),)


# --- the policy's facts: the hot path, one statement --------------------------------------------------------------

# Short aliases: the statement's text stays under psycopg's cache limit (see _flag).
_rel, _con = CareRelationshipRow.__table__.alias("r"), ConsentRow.__table__.alias("c")
_blk = BlockRow.__table__.alias("b")
_emg, _ass = EmergencyAccessRow.__table__.alias("e"), CannotConsentAssessmentRow.__table__.alias("a")
_lft = BlockLiftRow.__table__.alias("l")

_AT = bindparam("at", type_=UTCDateTime)
_TODAY = bindparam("today", type_=Date)
_PERSON = bindparam("person_id")


def _open_at(column):  # type: ignore[no-untyped-def]
    """Not ended (or lifted, revoked, withdrawn) at the time of the request."""
    return or_(column.is_(None), column > _AT)


def _flag(condition):  # type: ignore[no-untyped-def]
    """1 or 0: a condition as a number, to share a UNION column with ids. Written into the SQL, not bound: the
    statement stays under psycopg's 4 096 characters for caching its parsed form (it runs on every access)."""
    return case((condition, literal_column("1")), else_=literal_column("0"))


# The directory's half (nara.directory.service): who set a spärr, and the acting unit and the person.
_BLOCK_PROVIDER_NAME, _BLOCK_UNIT_NAME = directory.owner_names_sql(_blk.c.provider_id, _blk.c.unit_id)
_HERE = directory.placement_sql(_PERSON, bindparam("unit_id"), _TODAY)

# Typed NULLs: PostgreSQL resolves a UNION's column types pair by pair, so an untyped NULL would become text.
_NO_TEXT, _NO_TIME, _NO_ID = cast(null(), Text), cast(null(), UTCDateTime), cast(null(), BigInteger)
# Everything the policy needs, in one round trip: the unit's recorded relationships, the account's nödåtkomster,
# the consents and assessments for the unit's provider, the person's spärrar in force with the names of who set
# them (always shown, DOMAIN §5), and one 'h' row with the unit's HSA-id (NULL: no such unit; for the audit
# entry), the person's protected-identity label (NULL: no such person), and whether the person is listed at /
# lives at the unit today. Listing and SäBo residence are care relationships read from the directory rather than
# copied (DOMAIN §5, §6). Columns: (source, text, ref, t1, t2, t3, id, unit_id, category, unit_name,
# provider_name, provider_id); the first SELECT's column types are the ones the result is read with.
_FACTS = union_all(
    select(literal_column("'r'"), _rel.c.kind, _NO_TEXT, _rel.c.valid_from, _rel.c.valid_to, _NO_TIME, _NO_ID,
           _NO_ID, _NO_TEXT, _NO_TEXT, _NO_TEXT, _NO_ID)
    .where(_rel.c.person_id == _PERSON, _rel.c.unit_id == bindparam("unit_id"), _open_at(_rel.c.valid_to)),
    select(literal_column("'e'"), _emg.c.reason, _emg.c.scope, _emg.c.started_at, _emg.c.expires_at, _NO_TIME,
           _emg.c.id, _emg.c.unit_id, _NO_TEXT, _NO_TEXT, _NO_TEXT, _emg.c.opened_provider_id)
    .where(_emg.c.person_id == _PERSON, _emg.c.account_id == bindparam("account_id"), _emg.c.expires_at > _AT),
    select(literal_column("'c'"), _NO_TEXT, _con.c.plan_ref, _con.c.valid_from, _con.c.valid_to, _con.c.revoked_at,
           _NO_ID, _NO_ID, _NO_TEXT, _NO_TEXT, _NO_TEXT, _NO_ID)
    .where(_con.c.person_id == _PERSON, _con.c.care_provider_id == bindparam("provider_id"),
           _open_at(_con.c.revoked_at), _open_at(_con.c.valid_to)),
    select(literal_column("'a'"), _NO_TEXT, _NO_TEXT, _ass.c.assessed_at, _ass.c.withdrawn_at, _NO_TIME, _NO_ID,
           _NO_ID, _NO_TEXT, _NO_TEXT, _NO_TEXT, _NO_ID)
    .where(_ass.c.person_id == _PERSON, _ass.c.care_provider_id == bindparam("provider_id"),
           _open_at(_ass.c.withdrawn_at)),
    select(literal_column("'b'"), _blk.c.kind, _blk.c.plan_ref, _blk.c.set_at, _blk.c.lifted_at, _NO_TIME,
           _blk.c.id, _blk.c.unit_id, _blk.c.category, _BLOCK_UNIT_NAME, _BLOCK_PROVIDER_NAME, _blk.c.provider_id)
    .where(_blk.c.person_id == _PERSON, _open_at(_blk.c.lifted_at)),
    select(literal_column("'l'"), _NO_TEXT, _NO_TEXT, _lft.c.starts_at, _lft.c.ends_at, _lft.c.revoked_at,
           _lft.c.block_id, _lft.c.unit_id, _NO_TEXT, _NO_TEXT, _NO_TEXT, _lft.c.account_id)
    .where(_lft.c.person_id == _PERSON, _lft.c.ends_at > _AT, _open_at(_lft.c.revoked_at),
           or_(_lft.c.unit_id == bindparam("unit_id"), _lft.c.account_id == bindparam("account_id"))),
    # The last SELECT: the ones before have typed every column, so a plain NULL here takes their type.
    select(literal_column("'h'"), _HERE.unit_hsa_id, null(), null(), null(), null(),
           cast(_HERE.protected_identity, Integer), _flag(_HERE.listed), null(), null(), null(),
           _flag(_HERE.lives_there)),
)


def _day_start(day: date) -> datetime:
    """Midnight in Sweden at the start of ``day``, in UTC."""
    return datetime.combine(day, time(), STOCKHOLM).astimezone(UTC)


def load_facts(
    session: Session | Connection, *, person_id: int, unit_id: int, provider_id: int, account_id: int, at: datetime,
) -> tuple[str | None, AccessFacts]:
    """The acting unit's HSA-id and what the policy needs to answer for a staff member acting for ``unit_id`` at
    ``at``: the unit's care relationships with the person, the account's nödåtkomster, consents and assessments
    for the unit's provider, and the person's spärrar. One statement of indexed lookups (person + unit/provider/
    account)."""
    conn = session.connection() if isinstance(session, Session) else session
    today = at.astimezone(STOCKHOLM).date()
    params = {"person_id": person_id, "unit_id": unit_id, "provider_id": provider_id, "account_id": account_id,
              "at": at, "today": today}
    head = None
    relationships, emergencies, consents, assessments, blocks, lifts = [], [], [], [], [], []
    for source, text, ref, t1, t2, t3, row_id, row_unit, category, unit_name, provider_name, row_provider in (
            conn.execute(_FACTS, params)):
        if source == "r":
            relationships.append(CareRelationship(unit_id, RelationshipKind(text), t1, t2))
        elif source == "e":
            emergencies.append(EmergencyAccess(row_id, account_id, row_unit, text, t1, t2,
                                               EmergencyScope(ref or "person"), row_provider))
        elif source == "c":
            consents.append(Consent(provider_id, t1, t2, t3, ref))
        elif source == "l":
            lifts.append(BlockLift(row_id, row_unit, row_provider, t1, t2, t3))
        elif source == "a":
            assessments.append(CannotConsentAssessment(provider_id, t1, t2))
        elif source == "b":
            blocks.append(Block(id=row_id, kind=BlockKind(text), provider_id=row_provider, unit_id=row_unit,
                                set_at=t1, category=InformationCategory(category) if category else None, plan_ref=ref,
                                lifted_at=t2, unit_name=unit_name, provider_name=provider_name))
        else:
            head = text, row_id, row_unit, row_provider
    if head is None or head[0] is None:  # no such unit
        return None, AccessFacts(person_exists=False)
    unit_hsa_id, protected, listed, lives_there = head
    if protected is None:
        return unit_hsa_id, AccessFacts(person_exists=False)

    # A directory relationship current today is handed on as one for today (Swedish calendar day).
    day = (_day_start(today), _day_start(today + timedelta(days=1)))
    relationships[:0] = [CareRelationship(unit_id, kind, *day)
                         for kind, current in ((RelationshipKind.LISTING, listed), (RelationshipKind.SABO, lives_there))
                         if current]
    blocks.sort(key=lambda block: (block.set_at, block.id))  # oldest first, as they were set
    return unit_hsa_id, AccessFacts(
        person_exists=True, protected_identity=bool(protected), relationships=tuple(relationships),
        consents=tuple(consents), assessments=tuple(assessments), blocks=tuple(blocks), emergencies=tuple(emergencies),
        lifts=tuple(lifts),
    )


def to_block(row: BlockRow, unit_name: str | None = None, provider_name: str | None = None) -> Block:
    return Block(
        id=row.id, kind=BlockKind(row.kind), provider_id=row.provider_id, unit_id=row.unit_id, set_at=row.set_at,
        category=InformationCategory(row.category) if row.category else None, plan_ref=row.plan_ref,
        lifted_at=row.lifted_at, unit_name=unit_name, provider_name=provider_name,
    )


# --- for the person's own view and for log follow-up --------------------------------------------------------------


def blocks_of(session: Session, person_id: int) -> list[BlockRow]:
    """All the person's spärrar, lifted ones too, oldest first."""
    return list(session.scalars(
        select(BlockRow).where(BlockRow.person_id == person_id).order_by(BlockRow.set_at, BlockRow.id)
    ))


def consents_of(session: Session, person_id: int) -> list[ConsentRow]:
    """All the person's consents, revoked ones too, oldest first."""
    return list(session.scalars(
        select(ConsentRow).where(ConsentRow.person_id == person_id).order_by(ConsentRow.recorded_at, ConsentRow.id)
    ))


def relationships_of(session: Session, person_id: int) -> list[CareRelationshipRow]:
    """The person's recorded care relationships (listing and SäBo are in the directory), oldest first."""
    return list(session.scalars(
        select(CareRelationshipRow).where(CareRelationshipRow.person_id == person_id)
        .order_by(CareRelationshipRow.valid_from, CareRelationshipRow.id)
    ))


def emergencies_of(session: Session, person_id: int) -> list[EmergencyAccessRow]:
    """Every nödåtkomst to the person, newest first: the person is told about each (DOMAIN §5)."""
    return list(session.scalars(
        select(EmergencyAccessRow).where(EmergencyAccessRow.person_id == person_id)
        .order_by(EmergencyAccessRow.started_at.desc(), EmergencyAccessRow.id.desc())
    ))


def unreviewed_emergencies(session: Session, limit: int = 200) -> list[EmergencyAccessRow]:
    """Nödåtkomster not yet reviewed, oldest first: every one goes to log follow-up (DOMAIN §5)."""
    return list(session.scalars(
        select(EmergencyAccessRow).where(EmergencyAccessRow.reviewed.is_(False))
        .order_by(EmergencyAccessRow.started_at, EmergencyAccessRow.id).limit(limit)
    ))


# --- as other parts read them (through nara.access.service) -------------------------------------------------------


def current_relationships(session: Session, person_id: int, source_ref: str, now: datetime,
                          unit_id: int | None = None) -> list[CareRelationshipRow]:
    query = select(CareRelationshipRow).where(
        CareRelationshipRow.person_id == person_id, CareRelationshipRow.source_ref == source_ref,
        (CareRelationshipRow.valid_to.is_(None)) | (CareRelationshipRow.valid_to > now))
    if unit_id is not None:
        query = query.where(CareRelationshipRow.unit_id == unit_id)
    return list(session.scalars(query.order_by(CareRelationshipRow.id)))


def has_consent_for_plan(session: Session, person_id: int, provider_id: int | None, plan_ref: str,
                         now: datetime) -> bool:
    return session.scalar(select(ConsentRow.id).where(
        ConsentRow.person_id == person_id, ConsentRow.care_provider_id == provider_id,
        ConsentRow.revoked_at.is_(None), ConsentRow.valid_from <= now,
        (ConsentRow.valid_to.is_(None)) | (ConsentRow.valid_to > now),
        (ConsentRow.plan_ref.is_(None)) | (ConsentRow.plan_ref == plan_ref)).limit(1)) is not None


def provider_blocked_plan(session: Session, person_id: int, provider_id: int | None, plan_ref: str,
                          now: datetime) -> bool:
    return session.scalar(select(BlockRow.id).where(
        BlockRow.person_id == person_id, BlockRow.provider_id == provider_id, BlockRow.set_at <= now,
        (BlockRow.lifted_at.is_(None)) | (BlockRow.lifted_at > now),
        (BlockRow.category == InformationCategory.PLAN.value) | (BlockRow.plan_ref == plan_ref)).limit(1)) is not None


def emergencies_started(session: Session, start: datetime, end: datetime) -> list[EmergencyAccessRow]:
    return list(session.scalars(
        select(EmergencyAccessRow).where(EmergencyAccessRow.started_at >= start, EmergencyAccessRow.started_at < end)
        .order_by(EmergencyAccessRow.started_at, EmergencyAccessRow.id)
    ))


_REGISTERED_SLACK = timedelta(minutes=1)  # a relationship and its audit entry read the clock separately


def relationships_registered(session: Session, start: datetime,
                             end: datetime) -> list[tuple[int, int, int, datetime]]:
    rel = CareRelationshipRow.__table__
    rows = session.execute(
        select(rel.c.person_id, rel.c.created_by, rel.c.unit_id, rel.c.created_at)
        .where(rel.c.created_at >= start - _REGISTERED_SLACK, rel.c.created_at < end + _REGISTERED_SLACK,
               rel.c.kind.in_(("assignment", "care_team")))
    )
    return [tuple(r) for r in rows]  # type: ignore[misc]


def relationship_unit_ids(session: Session, person_id: int) -> set[int]:
    return set(session.scalars(select(CareRelationshipRow.unit_id).where(CareRelationshipRow.person_id == person_id)))


def persons_in_care_of(session: Session, unit_id: int, now: datetime, kinds: Iterable[str],
                       limit: int) -> list[int]:
    """The persons with a care relationship of one of ``kinds`` to the unit that has begun and not ended by
    ``now``, by id."""
    return list(session.scalars(
        select(CareRelationshipRow.person_id).distinct()
        .where(CareRelationshipRow.unit_id == unit_id, CareRelationshipRow.kind.in_(list(kinds)),
               CareRelationshipRow.valid_from <= now,
               (CareRelationshipRow.valid_to.is_(None)) | (CareRelationshipRow.valid_to > now))
        .order_by(CareRelationshipRow.person_id).limit(limit)))


# --- närstående, ombud and vårdnadshavare (nara.access.model.proxies) --------------------------------------------


class ProxyGrantRow(Base):
    """The person lets a named närstående or ombud (a person of the directory) act for them in chosen kinds, until
    an end date; revoking records who and when."""

    __tablename__ = "proxy_grant"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    proxy_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # ProxyKind: narstaende or ombud
    scopes: Mapped[str] = mapped_column(String(64))  # ProxyScope values, comma-separated, sorted
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[datetime] = mapped_column(UTCDateTime)  # exclusive; always set
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[int] = mapped_column(ForeignKey("account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("account.id"))
    __table_args__ = (CheckConstraint("kind in ('narstaende','ombud')", name="kind"),)

    def grant(self) -> ProxyGrant:
        return _grant(self)


def _grant(row: object) -> ProxyGrant:
    r: ProxyGrantRow = row  # type: ignore[assignment]  # a row or a result row of its table
    return ProxyGrant(r.proxy_person_id, ProxyKind(r.kind), frozenset(ProxyScope(x) for x in r.scopes.split(",") if x),
                      r.valid_from, r.valid_to, r.revoked_at)


class GuardianshipRow(Base):
    """Vårdnad: a guardian (a person of the directory) of a child, as recorded from the population register."""

    __tablename__ = "guardianship"
    id: Mapped[int] = mapped_column(IdType, primary_key=True)
    guardian_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    child_person_id: Mapped[int] = mapped_column(ForeignKey("person.id"), index=True)
    valid_from: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


def load_proxy_facts(session: Session | Connection, *, person_id: int, proxy_person_id: int,
                     at: datetime) -> tuple[bool, ProxyFacts]:
    """Whether the person exists, and the grants and guardianships that let ``proxy_person_id`` act for them."""
    conn = session.connection() if isinstance(session, Session) else session
    exists, born = directory.person_birth(conn, person_id)
    if not exists:
        return False, ProxyFacts()
    grants = conn.execute(select(ProxyGrantRow.__table__).where(
        ProxyGrantRow.person_id == person_id, ProxyGrantRow.proxy_person_id == proxy_person_id)).all()
    guardians = conn.execute(select(GuardianshipRow.__table__).where(
        GuardianshipRow.child_person_id == person_id,
        GuardianshipRow.guardian_person_id == proxy_person_id)).all()
    today = at.astimezone(STOCKHOLM).date()
    return True, ProxyFacts(
        grants=tuple(_grant(g) for g in grants),
        guardianships=tuple(Guardianship(g.guardian_person_id, born, g.valid_from, g.ended_at)
                            for g in guardians if born is not None),
        today=today)
