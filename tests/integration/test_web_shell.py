"""The web shell over HTTP on SQLite and PostgreSQL: log in and out, CSRF, idle timeout, start pages per
role with the identity and unit shown, unit switching and role guards."""

import re

import pytest
from fastapi.testclient import TestClient

from nara.app import create_app
from nara.auth.demo import DEMO_PASSWORD, create_demo_personas
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')



@pytest.fixture
def demo_db(database, clock):
    with database.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(database, clock)
    return database


def make_client(database, clock, data_dir, base_url="http://testserver", **settings):
    app = create_app(Settings(data_dir=data_dir, **settings), database=database, clock=clock)
    return TestClient(app, base_url=base_url, follow_redirects=False)


@pytest.fixture
def client(demo_db, clock, tmp_data_dir):
    with make_client(demo_db, clock, tmp_data_dir, login_max_failures=3) as c:
        c.clock = clock
        yield c


def csrf_of(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "no CSRF field on the page"
    return match.group(1)


def log_in(client, username, password=DEMO_PASSWORD, **extra):
    page = client.get("/logga-in")
    assert page.status_code == 200
    return client.post("/logga-in", data={"username": username, "password": password,
                                          "csrf_token": csrf_of(page.text), **extra})


def test_the_login_page_is_swedish_and_marks_the_demo(client):
    page = client.get("/logga-in")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="sv">' in html and "<h1>Logga in</h1>" in html
    assert "Demo – syntetiska uppgifter." in html and "Det här är en demo" in html
    for username in ("tolvan", "distriktsskoterska", "lakare", "ledning", "granskare"):
        assert f"<code>{username}</code>" in html
    assert f'lösenordet <code class="nowrap">{DEMO_PASSWORD}</code>' in html
    assert "nara_login_csrf" in page.headers["set-cookie"]


@pytest.mark.parametrize(("username", "start", "heading", "shown"), [
    ("tolvan", "/min-sida", "Min sida", ["Tolvan Tolvansson", "SYNTETISK", "19121212-1212",
                                        "Du är listad på Vårdcentralen Kumla.",
                                        "Din fasta läkarkontakt är Erik Testlund."]),
    ("distriktsskoterska", "/arbetsyta", "Arbetsyta", ["Du arbetar nu för: <span class=\"works-for-unit\">"
                                                       "Vårdcentralen Kumla</span>", "Distriktssköterska",
                                                       "Maja Demoberg"]),
    ("lakare", "/arbetsyta", "Arbetsyta", ["Vårdcentralen Kumla", "Läkare", "Erik Testlund"]),
    ("hemsjukvard", "/arbetsyta", "Arbetsyta", ["Hemsjukvården Kumla", "Hemsjukvård", "Kumla kommun",
                                                "Byt enhet"]),
    ("bistand", "/arbetsyta", "Arbetsyta", ["Biståndsenheten Kumla", "Biståndshandläggare"]),
    ("avdelning", "/arbetsyta", "Arbetsyta", ["Medicinavdelning 1", "Universitetssjukhuset Örebro",
                                              "Vårdavdelning"]),
    ("ledning", "/uppfoljning", "Uppföljning av nära vård", ["Helena Exempeldal"]),
    ("granskare", "/logguppfoljning", "Logguppföljning", ["Rut Provlund"]),
])
def test_each_persona_lands_on_its_start_page(client, username, start, heading, shown):
    response = log_in(client, username)
    assert response.status_code == 303 and response.headers["location"] == start
    assert client.get("/").headers["location"] == start
    page = client.get(start)
    assert page.status_code == 200
    assert f"<h1>{heading}</h1>" in page.text
    for text in shown:
        assert text in page.text, text
    assert "Demo – syntetiska uppgifter." in page.text
    assert 'aria-current="page"' in page.text


def test_the_session_cookie_is_http_only_and_samesite(client):
    cookie = log_in(client, "lakare").headers.get_list("set-cookie")
    session = next(c for c in cookie if c.startswith("nara_session="))
    assert "HttpOnly" in session and "SameSite=lax" in session and "Path=/" in session
    assert "Secure" not in session


@pytest.mark.parametrize("settings", [{"secure_cookies": True}, {}])
def test_over_tls_the_cookies_are_secure_and_host_prefixed(demo_db, clock, tmp_data_dir, settings):
    """Secure either by setting (TLS ends at a proxy) or because the request itself is https."""
    with make_client(demo_db, clock, tmp_data_dir, base_url="https://testserver", **settings) as c:
        page = c.get("/logga-in")
        assert page.headers["strict-transport-security"].startswith("max-age=")
        assert "__Host-nara_login_csrf=" in page.headers["set-cookie"]
        response = c.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                             "csrf_token": csrf_of(page.text)})
        assert response.status_code == 303
        cookies = response.headers.get_list("set-cookie")
        session = next(x for x in cookies if x.startswith("__Host-nara_session="))
        assert "Secure" in session and "HttpOnly" in session and "Domain" not in session
        assert c.get("/arbetsyta").status_code == 200


def test_a_wrong_password_keeps_the_user_name_but_never_the_password(client):
    response = log_in(client, "lakare", "mitt-hemliga-fel")
    assert response.status_code == 401
    assert "Fel användarnamn eller lösenord." in response.text and 'role="alert"' in response.text
    assert 'value="lakare"' in response.text and "mitt-hemliga-fel" not in response.text
    assert "<title>Inloggningen misslyckades: Logga in – Nära</title>" in response.text


def test_empty_fields_get_a_clear_message(client):
    response = log_in(client, "", "")
    assert response.status_code == 400 and "Fyll i både användarnamn och lösenord." in response.text


def test_the_web_login_locks_after_too_many_failures(client):
    for _ in range(2):
        assert log_in(client, "lakare", "fel").status_code == 401
    locked = log_in(client, "lakare", "fel")
    assert locked.status_code == 429 and locked.headers["retry-after"] == "900"
    assert "För många misslyckade försök. Försök igen om 15 minuter." in locked.text


def test_a_login_post_without_the_csrf_token_is_refused_and_re_rendered(client):
    client.get("/logga-in")
    response = client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD})
    assert response.status_code == 403
    assert "Formuläret har gått ut. Ladda om sidan och försök igen." in response.text
    form = response.text.split("<form", 1)[1].split("</form>", 1)[0]
    assert 'value="lakare"' in form and DEMO_PASSWORD not in form
    assert "nara_session" not in client.cookies
    # the re-rendered form carries a working token: nothing is lost
    retry = client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                           "csrf_token": csrf_of(response.text)})
    assert retry.status_code == 303


def test_the_token_may_come_in_a_multipart_form_or_a_header(client):
    page = client.get("/logga-in")
    multipart = client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                               "csrf_token": csrf_of(page.text)},
                            files={"bilaga": ("a.txt", b"hej", "text/plain")})
    assert multipart.status_code == 303
    page = client.get("/arbetsyta")
    logout = client.post("/logga-ut", headers={"X-CSRF-Token": csrf_of(page.text)})
    assert logout.status_code == 303 and "nara_session" not in client.cookies


def test_a_cross_site_login_post_is_refused_even_with_a_token(client):
    page = client.get("/logga-in")
    response = client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                              "csrf_token": csrf_of(page.text)},
                           headers={"Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 403
    other_origin = client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                                  "csrf_token": csrf_of(page.text)},
                               headers={"Origin": "https://elak.example"})
    assert other_origin.status_code == 403


def test_a_logged_in_form_post_needs_the_sessions_token(client):
    log_in(client, "hemsjukvard")
    page = client.get("/arbetsyta")
    units = re.findall(r'<option value="(\d+)"', page.text)
    assert len(units) == 2
    login_cookie_token = "x" * 43
    client.cookies.set("nara_login_csrf", login_cookie_token)
    for data in ({"unit_id": units[1]}, {"unit_id": units[1], "csrf_token": "fel"},
                 {"unit_id": units[1], "csrf_token": login_cookie_token}):
        refused = client.post("/arbetsyta/enhet", data=data)
        assert refused.status_code == 403, data
        assert "Formuläret har gått ut" in refused.text and "<h1>Ingen behörighet</h1>" in refused.text
    switched = client.post("/arbetsyta/enhet", data={"unit_id": units[1], "csrf_token": csrf_of(page.text)})
    assert switched.status_code == 303
    after = client.get(switched.headers["location"])
    assert 'role="status"' in after.text and "Du arbetar nu för Äldreboendet Lindgården (demo)." in after.text


def test_switching_to_a_unit_without_an_assignment_is_refused(client):
    log_in(client, "hemsjukvard")
    page = client.get("/arbetsyta")
    refused = client.post("/arbetsyta/enhet", data={"unit_id": "1", "csrf_token": csrf_of(page.text)})
    assert refused.status_code == 403 and "Du har inget aktivt uppdrag på den enheten." in refused.text


def test_a_page_needs_a_login_and_returns_there_afterwards(client):
    response = client.get("/arbetsyta")
    assert response.status_code == 303 and response.headers["location"] == "/logga-in?till=/arbetsyta"
    page = client.get(response.headers["location"])
    assert 'name="till" value="/arbetsyta"' in page.text
    logged_in = client.post("/logga-in", data={"username": "lakare", "password": DEMO_PASSWORD,
                                               "csrf_token": csrf_of(page.text), "till": "/arbetsyta"})
    assert logged_in.headers["location"] == "/arbetsyta"


@pytest.mark.parametrize("target", ["//elak.example/", "https://elak.example/", "/\\elak.example",
                                    "/logga-ut"])
def test_login_never_redirects_off_site(client, target):
    response = log_in(client, "lakare", till=target)
    assert response.status_code == 303 and response.headers["location"] == "/arbetsyta"


def test_the_wrong_role_gets_a_friendly_403(client):
    log_in(client, "tolvan")
    for path in ("/arbetsyta", "/uppfoljning", "/logguppfoljning"):
        page = client.get(path)
        assert page.status_code == 403, path
        assert "<h1>Ingen behörighet</h1>" in page.text
        assert "Du har inte behörighet till det här." in page.text


def test_an_idle_session_ends_and_the_login_page_says_why(client):
    log_in(client, "lakare")
    client.clock.advance(minutes=29)
    assert client.get("/arbetsyta").status_code == 200
    client.clock.advance(minutes=31)
    response = client.get("/arbetsyta")
    assert response.status_code == 303
    assert response.headers["location"] == "/logga-in?till=/arbetsyta&orsak=inaktiv"
    assert 'nara_session=""' in response.headers["set-cookie"]  # the dead cookie is removed
    page = client.get(response.headers["location"])
    assert "Du har varit inaktiv för länge och har loggats ut." in page.text and 'role="status"' in page.text


def test_a_form_post_after_the_session_ended_says_so(client):
    log_in(client, "hemsjukvard")
    page = client.get("/arbetsyta")
    client.clock.advance(minutes=31)
    response = client.post("/arbetsyta/enhet", data={"unit_id": "1", "csrf_token": csrf_of(page.text)})
    assert response.status_code == 401
    assert "Du har varit inaktiv för länge och har loggats ut." in response.text
    assert 'href="/logga-in"' in response.text


def test_logout_ends_the_session(client):
    log_in(client, "ledning")
    page = client.get("/uppfoljning")
    old_cookie = client.cookies["nara_session"]
    response = client.post("/logga-ut", data={"csrf_token": csrf_of(page.text)})
    assert response.status_code == 303 and response.headers["location"] == "/logga-in?utloggad=1"
    assert "nara_session" not in client.cookies
    assert "Du är utloggad." in client.get("/logga-in?utloggad=1").text
    client.cookies.set("nara_session", old_cookie)
    assert client.get("/uppfoljning").status_code == 303  # the old cookie is worth nothing now


def test_a_forged_logout_gets_a_page_with_a_real_logout_button(client):
    log_in(client, "ledning")
    response = client.post("/logga-ut", data={"csrf_token": "forged"})
    assert response.status_code == 403 and 'action="/logga-ut"' in response.text
    assert client.get("/uppfoljning").status_code == 200  # still logged in
    confirmed = client.post("/logga-ut", data={"csrf_token": csrf_of(response.text)})
    assert confirmed.status_code == 303 and client.get("/uppfoljning").status_code == 303


def test_logging_out_an_ended_session_just_goes_to_the_login_page(client):
    log_in(client, "ledning")
    client.clock.advance(hours=1)
    response = client.post("/logga-ut", data={"csrf_token": "whatever"})
    assert response.status_code == 303 and response.headers["location"] == "/logga-in?utloggad=1"


def test_home_sends_visitors_to_the_login_page(client):
    assert client.get("/").headers["location"] == "/logga-in"


def test_a_logged_in_user_visiting_the_login_page_goes_to_their_start_page(client):
    log_in(client, "granskare")
    assert client.get("/logga-in").headers["location"] == "/logguppfoljning"
