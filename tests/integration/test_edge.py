"""Guards at the HTTP edge: a NUL character anywhere in a request is a 422 in Swedish, never a 500 — whatever the
casing of the Content-Type (media types are case-insensitive, RFC 9110 §8.3.1)."""

import re

import pytest
from fastapi.testclient import TestClient

from nara.app import create_app
from nara.core.settings import Settings
from nara.web.edge import media_type

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')
NUL_FORM = b"username=a%00b&password=x"
NUL_MULTIPART = (b'--xx\r\nContent-Disposition: form-data; name="username"\r\n\r\na\x00b\r\n'
                 b'--xx\r\nContent-Disposition: form-data; name="password"\r\n\r\nx\r\n--xx--\r\n')


@pytest.fixture
def client(database, tmp_data_dir):
    app = create_app(Settings(data_dir=tmp_data_dir), database=database)
    with TestClient(app) as c:
        yield c


def _login_token(client):
    """The log-in form's CSRF token (its cookie is now in the client)."""
    return CSRF_RE.search(client.get("/logga-in").text).group(1)


def _assert_nul_refused(response):
    assert response.status_code == 422, response.text[:300]
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["detail"].startswith("Texten innehåller ett otillåtet tecken")


@pytest.mark.parametrize(
    "send",
    [
        lambda c: c.post("/api/auth/token", json={"username": "a\u0000", "password": "x"}),
        lambda c: c.post("/api/auth/token", content=b'{"username": "a\x00", "password": "x"}',
                         headers={"content-type": "application/json"}),
        lambda c: c.post("/logga-in", data={"username": "a\u0000", "password": "x"}),
        lambda c: c.get("/api/directory/units?q=a%00b"),
    ],
    ids=["json-escape", "raw-byte", "form", "query"],
)
def test_a_nul_character_is_rejected_with_a_swedish_422(client, send):
    _assert_nul_refused(send(client))


@pytest.mark.parametrize("content_type", [
    "application/json", "Application/JSON", "APPLICATION/JSON; charset=UTF-8",
])
@pytest.mark.parametrize("body", [b'{"username": "a\\u0000", "password": "x"}',
                                  b'{"username": "a\\U0000", "password": "x"}',
                                  b'{"username": "a\x00", "password": "x"}'], ids=["escape", "escape-upper", "raw"])
def test_json_with_a_nul_is_refused_whatever_the_casing(client, content_type, body):
    response = client.post("/api/auth/token", content=body, headers={"content-type": content_type})
    if b"\\U" in body:  # not a JSON escape at all: the body is invalid JSON, refused as such (and no 500)
        assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
        return
    _assert_nul_refused(response)


@pytest.mark.parametrize("content_type", [
    "application/x-www-form-urlencoded", "application/X-WWW-Form-Urlencoded",
    "APPLICATION/X-WWW-FORM-URLENCODED;charset=UTF-8", " Application/x-www-form-urlencoded ; charset=utf-8",
])
@pytest.mark.parametrize("token_in", ["field", "header"])
def test_a_form_with_an_encoded_nul_is_refused_whatever_the_casing(client, content_type, token_in):
    """The log-in form is a page post that reaches the database with what was typed: with the CSRF token in the
    form or in the header, a %00 is refused at the edge, never a 500 from the database."""
    token = _login_token(client)
    if token_in == "field":
        body, headers = NUL_FORM + b"&csrf_token=" + token.encode(), {"content-type": content_type}
    else:
        body, headers = NUL_FORM, {"content-type": content_type, "x-csrf-token": token}
    _assert_nul_refused(client.post("/logga-in", content=body, headers=headers))


@pytest.mark.parametrize("content_type", ["multipart/form-data; boundary=xx", "Multipart/Form-Data; boundary=xx",
                                          "MULTIPART/FORM-DATA; BOUNDARY=xx"])
def test_a_multipart_form_with_a_nul_is_refused_whatever_the_casing(client, content_type):
    token = _login_token(client)
    response = client.post("/logga-in", content=NUL_MULTIPART,
                           headers={"content-type": content_type, "x-csrf-token": token})
    _assert_nul_refused(response)


@pytest.mark.parametrize("content_type", ["application/X-WWW-Form-Urlencoded", "Multipart/Form-Data; boundary=xx"])
def test_a_mixed_case_form_is_read_like_a_lower_case_one(client, content_type):
    """The CSRF token is found in the form whatever the casing: an ordinary failed log-in (401), not a 403."""
    token = _login_token(client)
    if content_type.startswith("Multipart"):
        body = (b'--xx\r\nContent-Disposition: form-data; name="username"\r\n\r\ningen\r\n'
                b'--xx\r\nContent-Disposition: form-data; name="password"\r\n\r\nfel\r\n'
                b'--xx\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n' + token.encode()
                + b"\r\n--xx--\r\n")
    else:
        body = b"username=ingen&password=fel&csrf_token=" + token.encode()
    response = client.post("/logga-in", content=body, headers={"content-type": content_type})
    assert response.status_code == 401, response.text[:300]


def test_ordinary_requests_pass_the_guard_with_their_body_intact(client):
    response = client.post("/api/auth/token", json={"username": "ingen", "password": "fel 100%"})
    assert response.status_code == 401  # reached the route: the body was replayed unchanged
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(("header", "expected"), [
    (b"application/json", "application/json"),
    (b"Application/JSON; charset=UTF-8", "application/json"),
    (b"  MULTIPART/Form-Data ;boundary=Ab", "multipart/form-data"),
    (b"", ""),
    (b"\xff\xfe", "\xff\xfe"),
])
def test_media_type_is_the_lower_case_essence(header, expected):
    assert media_type([(b"content-type", header)]) == expected
    assert media_type([]) == ""


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/X-WWW-Form-Urlencoded",
                                          "Application/X-Www-Form-Urlencoded; Charset=UTF-8"])
def test_a_logged_in_form_that_stores_text_refuses_an_encoded_nul(db, demo, clock, content_type):
    """A page post that stores what was typed (the reason of a nödåtkomst, kept in the audit log): %00 in a form
    of any casing is the Swedish 422, never a 500 from PostgreSQL ("text cannot contain NUL")."""
    from nara.auth.demo import DEMO_PASSWORD

    app = create_app(demo, database=db, clock=clock)
    with TestClient(app, follow_redirects=False) as c:
        answer = c.post("/logga-in", data={"username": "avdelning", "password": DEMO_PASSWORD,
                                           "csrf_token": _login_token(c)})
        assert answer.status_code == 303
        token = CSRF_RE.search(c.get("/personer").text).group(1)
        body = f"reason=Medvetsl%C3%B6s%00p%C3%A5+akuten&confirm=ja&csrf_token={token}".encode()
        response = c.post("/personer/1/nodatkomst", content=body,
                          headers={"content-type": content_type, "x-csrf-token": token})
    _assert_nul_refused(response)
