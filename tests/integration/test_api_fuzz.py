"""schemathesis over the OpenAPI spec: generated requests against every operation never get a 5xx."""

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from nara.app import create_app
from nara.auth.demo import create_demo_personas
from nara.auth.model import Role
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, sqlite_url, _migrated, request):
    from nara.core.clock import SystemClock

    from ..conftest import _schema_database, empty_all_tables

    db = _schema_database(request, "sqlite", _migrated)
    empty_all_tables(db)
    with db.transaction() as s:
        seed_region(s, load_region("orebro"))
    logins = {login.role: login for login in create_demo_personas(db, SystemClock())}
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("fuzz")), database=db)
    with TestClient(app) as client:
        staff = logins[Role.STAFF]
        token = client.post("/api/auth/token", json={"username": staff.username, "password": staff.password})
        app.state.fuzz_headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return app


schema = schemathesis.pytest.from_fixture("fuzz_schema")


@pytest.fixture(scope="module")
def fuzz_schema(fuzz_app):
    return schemathesis.openapi.from_asgi("/openapi.json", fuzz_app)


@schema.parametrize()
@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_with_a_server_error(case, fuzz_app):
    # Calls carry a staff token so the authorised paths are reached, not only the 401s; logout goes without,
    # or it would revoke the token for every later case.
    headers = None if case.path.endswith("/logout") else fuzz_app.state.fuzz_headers
    case.call_and_validate(headers=headers, checks=[not_a_server_error])
