"""schemathesis over the OpenAPI spec: generated requests against every operation never get a 5xx.

Driven through schemathesis' Python API and Hypothesis directly (its pytest plugin does not run under
pytest 9), one test per operation, each call carrying a staff token so the authorised paths are reached.
"""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from nara.app import create_app
from nara.auth.demo import create_demo_personas
from nara.core.actor import Role
from nara.core.clock import SystemClock
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region

from ..conftest import _schema_database, empty_all_tables

EXAMPLES_PER_OPERATION = 60


@pytest.fixture(scope="module")
def fuzz_target(tmp_path_factory, _migrated, request):
    db = _schema_database(request, "sqlite", _migrated)
    empty_all_tables(db)
    with db.transaction() as s:
        seed_region(s, load_region("orebro"))
    logins = {login.role: login for login in create_demo_personas(db, SystemClock())}
    # Live streams end at once here: each example is one request, not a stream held open for minutes.
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("fuzz"), live_stream_seconds=0), database=db)
    staff = logins[Role.STAFF]
    with TestClient(app) as client:
        token = client.post("/api/auth/token", json={"username": staff.username, "password": staff.password})
        assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return schemathesis.openapi.from_asgi("/openapi.json", app), headers


def _operation_labels() -> list[str]:
    """The operations in the spec, read once at collection time from an app without a database."""
    import tempfile
    from pathlib import Path

    from nara.core.db import Database

    folder = Path(tempfile.mkdtemp())
    app = create_app(Settings(data_dir=folder), database=Database(f"sqlite:///{folder / 'spec.db'}"))
    spec = app.openapi()
    return sorted(f"{method.upper()} {path}" for path, item in spec["paths"].items() for method in item)


@pytest.mark.parametrize("label", _operation_labels())
def test_no_operation_answers_with_a_server_error(fuzz_target, label):
    schema, headers = fuzz_target
    operation = next(r.ok() for r in schema.get_all_operations() if r.ok().label == label)
    # Logout goes without the token, or it would revoke it for every later example.
    use = None if label.endswith("/logout") else headers

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=use, checks=[not_a_server_error])

    check()
