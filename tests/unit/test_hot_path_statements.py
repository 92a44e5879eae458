"""Statements that run on every request stay cheap to send: psycopg keeps the parsed form of a statement only
when its text is at most MAX_CACHED_STATEMENT_LENGTH characters; a longer one is parsed again on every call."""

from psycopg import _queries
from sqlalchemy.dialects import postgresql

from nara.access.store import _FACTS
from nara.audit.store.entries import _PG_APPEND
from nara.auth.service.sessions import _LOOKUP
from nara.directory.service.duty import _ON_DUTY
from nara.plans.store import _CURRENT


def test_the_statements_of_every_plan_read_fit_psycopgs_statement_cache():
    dialect = postgresql.psycopg.dialect()
    for name, statement in (("access facts", _FACTS), ("audit append", _PG_APPEND), ("session lookup", _LOOKUP),
                            ("staff on duty", _ON_DUTY), ("plan row", _CURRENT)):
        compiled = statement.compile(dialect=dialect)
        assert len(str(compiled)) <= _queries.MAX_CACHED_STATEMENT_LENGTH, name
        assert len(compiled.params) <= _queries.MAX_CACHED_STATEMENT_PARAMS, name
