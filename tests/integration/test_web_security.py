"""Security headers on every kind of response (page, API, static, 404, 500), friendly error pages without
internals, and templates without inline script or style (the CSP forbids them)."""

import re
from importlib import resources
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from nara.app import create_app
from nara.core.settings import Settings
from nara.parts import TEMPLATES as PAGE_TEMPLATES
from nara.web.render import STATIC_DIR, TEMPLATES_DIR, static_url
from nara.web.security import CONTENT_SECURITY_POLICY

EXPECTED = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cross-origin-opener-policy": "same-origin",
}


@pytest.fixture
def app(database, clock, tmp_data_dir):
    application = create_app(Settings(data_dir=tmp_data_dir), database=database, clock=clock)

    @application.get("/test-boom", include_in_schema=False)
    def boom():
        raise RuntimeError("hemlig intern detalj")

    @application.get("/api/test-boom", include_in_schema=False)
    def api_boom():
        raise RuntimeError("hemlig intern detalj")

    return application


@pytest.fixture
def client(app):
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


def assert_security_headers(response):
    for name, value in EXPECTED.items():
        assert response.headers.get(name) == value, (name, response.request.url)
    assert "camera=()" in response.headers["permissions-policy"]
    assert "strict-transport-security" not in response.headers  # plain http here


def test_the_csp_allows_nothing_inline_and_nothing_foreign():
    assert "'unsafe-inline'" not in CONTENT_SECURITY_POLICY and "http" not in CONTENT_SECURITY_POLICY
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'",
                      "form-action 'self'", "base-uri 'none'", "object-src 'none'"):
        assert directive in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("path", ["/logga-in", "/", "/arbetsyta", "/healthz", "/api/auth/me",
                                  "/openapi.json"])
def test_security_headers_and_no_store_on_pages_and_api(client, path):
    response = client.get(path)
    assert_security_headers(response)
    assert response.headers["cache-control"] == "no-store"


def test_a_missing_page_is_a_friendly_swedish_404_with_headers(client):
    response = client.get("/finns-inte", headers={"Accept": "text/html"})
    assert response.status_code == 404 and response.headers["content-type"].startswith("text/html")
    assert "<h1>Sidan finns inte</h1>" in response.text and 'lang="sv"' in response.text
    assert 'href="/"' in response.text
    assert_security_headers(response)


def test_a_missing_api_resource_is_a_problem_with_headers(client):
    response = client.get("/api/finns-inte")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")
    assert_security_headers(response)


def test_an_unexpected_error_shows_no_internals_and_keeps_the_headers(client):
    page = client.get("/test-boom")
    assert page.status_code == 500 and "<h1>Något gick fel</h1>" in page.text
    assert "hemlig intern detalj" not in page.text and "Traceback" not in page.text
    assert_security_headers(page)
    api = client.get("/api/test-boom")
    assert api.status_code == 500 and "hemlig intern detalj" not in api.text
    assert_security_headers(api)


def test_a_wrong_method_is_answered_with_headers(client):
    response = client.delete("/logga-in")
    assert response.status_code in (403, 405)
    assert_security_headers(response)


def test_static_assets_are_served_with_headers_and_cached_only_when_versioned(client):
    versioned = client.get(static_url("nara.css"))
    assert versioned.status_code == 200 and versioned.headers["content-type"].startswith("text/css")
    assert versioned.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert_security_headers(versioned)
    plain = client.get("/static/nara.css")
    assert plain.headers["cache-control"] == "no-cache"
    assert client.get("/static/../app.py").status_code == 404


def test_hsts_is_sent_over_https(app):
    with TestClient(app, base_url="https://testserver") as c:
        hsts = c.get("/logga-in").headers["strict-transport-security"]
        assert hsts == "max-age=63072000; includeSubDomains"


def test_an_oversized_form_is_refused_politely(client):
    response = client.post("/logga-in", content=b"a=" + b"x" * (3 * 1024 * 1024),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert response.status_code == 413 and "För mycket data" in response.text


# --- templates and assets -------------------------------------------------------------------------------

# Every part keeps its own templates (docs/architecture.md): the kit's and those of every part with pages are checked
# (the indicator report is a file people save, not a page served under the Content-Security-Policy).
TEMPLATES = sorted(p for folder in [Path(TEMPLATES_DIR), *(Path(str(resources.files(package))) / "templates"
                                                           for package in PAGE_TEMPLATES)]
                   for p in folder.glob("*.html"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) >= 5


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
def test_templates_have_no_inline_script_or_style(template):
    html = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html, re.I), "inline <script>"
    assert not re.search(r"<style\b", html, re.I), "<style> element"
    assert not re.search(r"\sstyle\s*=", html, re.I), "style attribute"
    assert not re.search(r"\son[a-z]+\s*=", html, re.I), "inline event handler"
    assert "javascript:" not in html.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html, re.I), "asset from another host"


def test_the_stylesheet_loads_nothing_from_elsewhere():
    css = (Path(STATIC_DIR) / "nara.css").read_text(encoding="utf-8")
    assert "@import" not in css and "url(" not in css and "http" not in css
