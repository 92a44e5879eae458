"""Harder login on SQLite and PostgreSQL: failed log-ins are limited per client address besides
the per-name lock-out — 429 with Retry-After, a problem for the API and a Swedish page for the browser — and the
unit a staff member works for is in the header of every staff page. (The idle timeout and the security headers
have their tests in test_web_shell.py and test_web_security.py.)"""

import re
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.auth.service import RATE_LIMIT_FAILURES, RATE_LIMIT_WINDOW, LoginRateLimiter
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


# --- the limiter's rule ------------------------------------------------------------------------------------------


def test_an_address_is_refused_after_too_many_failures_until_the_oldest_ages_out():
    limiter = LoginRateLimiter(max_failures=3, window=timedelta(minutes=10))
    for minute in range(3):
        assert limiter.retry_after("10.0.0.1", T0 + timedelta(minutes=minute)) is None
        limiter.failed("10.0.0.1", T0 + timedelta(minutes=minute))
    assert limiter.retry_after("10.0.0.1", T0 + timedelta(minutes=3)) == 7 * 60  # the first failure ages out at 10
    assert limiter.retry_after("10.0.0.2", T0 + timedelta(minutes=3)) is None  # per address
    assert limiter.retry_after("10.0.0.1", T0 + timedelta(minutes=10)) is None


def test_the_limiter_remembers_a_bounded_number_of_addresses():
    limiter = LoginRateLimiter(max_failures=1, window=timedelta(minutes=10), max_addresses=2)
    for n in range(3):
        limiter.failed(f"10.0.0.{n}", T0)
    assert limiter.retry_after("10.0.0.0", T0) is None  # the least recently failing was forgotten
    assert limiter.retry_after("10.0.0.2", T0) is not None
    with pytest.raises(ValueError):
        LoginRateLimiter(max_failures=0)


def test_the_defaults_allow_a_shared_address_some_typing_mistakes():
    assert (RATE_LIMIT_FAILURES, RATE_LIMIT_WINDOW) == (20, timedelta(minutes=10))


# --- over HTTP --------------------------------------------------------------------------------------------------


@pytest.fixture
def app(database, clock, tmp_data_dir):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    return create_app(Settings(data_dir=tmp_data_dir), database=database, clock=clock)


def fail_many(client, n: int = RATE_LIMIT_FAILURES) -> None:
    """Guess ``n`` different names, so no single name reaches its own lock-out."""
    for i in range(n):
        response = client.post("/api/auth/token", json={"username": f"gissning{i}", "password": "fel-fel-fel"})
        assert response.status_code == 401


def test_the_api_answers_429_with_retry_after_once_an_address_failed_too_often(app, clock):
    client = TestClient(app, follow_redirects=False, client=("192.0.2.7", 50000))
    fail_many(client)
    refused = client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD})
    assert refused.status_code == 429 and refused.headers["retry-after"] == str(10 * 60)
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["type"] == "urn:nara:problem:login-rate-limited"
    assert refused.json()["detail"] == "För många inloggningsförsök från din uppkoppling. Försök igen om 10 minuter."
    assert refused.headers["x-content-type-options"] == "nosniff" and "content-security-policy" in refused.headers
    # another address is not affected, and the limit lifts when the window has passed
    other = TestClient(app, follow_redirects=False, client=("192.0.2.8", 50000))
    assert other.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).status_code == 200
    clock.advance(minutes=10)
    assert client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).status_code == 200


def test_the_login_page_says_so_in_swedish(app):
    client = TestClient(app, follow_redirects=False, client=("192.0.2.9", 50000))
    fail_many(client)  # API and page failures count alike
    page = client.get("/logga-in")
    refused = client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                             "csrf_token": CSRF.search(page.text).group(1)})
    assert refused.status_code == 429 and refused.headers["retry-after"] == str(10 * 60)
    assert "För många inloggningsförsök från din uppkoppling. Försök igen om 10 minuter." in refused.text
    assert 'role="alert"' in refused.text and '<html lang="sv">' in refused.text
    assert "nara_session" not in refused.headers.get("set-cookie", "")


def test_failed_page_logins_count_and_successful_ones_do_not(app):
    client = TestClient(app, follow_redirects=False, client=("192.0.2.10", 50000))
    for _ in range(RATE_LIMIT_FAILURES + 5):
        assert client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).status_code == 200
    for i in range(RATE_LIMIT_FAILURES):
        page = client.get("/logga-in")
        client.post("/logga-in", data={"username": f"gissning{i}", "password": "fel-fel-fel",
                                       "csrf_token": CSRF.search(page.text).group(1)})
    assert client.post("/api/auth/token", json={"username": "lakare", "password": DEMO_PASSWORD}).status_code == 429


def test_every_staff_page_says_which_unit_one_works_for_in_the_header(app):
    client = TestClient(app, follow_redirects=False)
    page = client.get("/logga-in")
    client.post("/logga-in", data={"username": "hemsjukvard", "password": DEMO_PASSWORD,
                                   "csrf_token": CSRF.search(page.text).group(1)})
    for path in ("/arbetsyta", "/finns-inte"):
        html = client.get(path).text
        header = html[html.index("<header"):html.index("</header>")]
        assert '<span class="who-unit">Du arbetar nu för: Hemsjukvården Kumla</span>' in header, path
