"""The crawler: log in as every demo persona, visit every page reachable from the navigation (the menu's pages and
the links on them, one of each kind) at a phone's size (390×844) and at a desk, and fail on developer text a user
can see (file names, document sections, "(verify)", snake_case codes, English enum names), an HTTP error, or an axe
violation. SYNTETISKA DATA: the demo as ``nara demo`` loads it (a small synthetic Örebro län, the demo plan and
discharge, a nödåtkomst for the log follow-up, the leaders' dashboard data).

It fails on a link that ends in a denial (403) — a page should offer only what its reader may open — unless the
denial page offers nödåtkomst, which is the way on (DOMAIN §5); on text drawn on top of other text, at either size;
and at phone size on a header taller than PHONE_HEADER_MAX.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from nara.access.model import RelationshipKind
from nara.access.service import grants
from nara.app import create_app
from nara.auth.demo import create_demo_personas
from nara.auth.service import log_in as open_session
from nara.auth.service import resolve_session
from nara.auth.store import AccountRow
from nara.core.actor import SessionKind
from nara.core.clock import SystemClock
from nara.core.db import Database
from nara.core.settings import Settings
from nara.dashboard.service.results import dashboard_data_dir
from nara.discharge.demo import create_demo_discharge
from nara.measurements.demo import create_demo_measurements
from nara.medicines.demo import create_demo_medicines
from nara.messaging.demo import create_demo_messages
from nara.plans.demo import create_demo_plan, create_demo_sip
from nara.synth.load import load_demo
from nara.tables import metadata
from tests.dashboard_data import install_dashboard_data, shared_dashboard_data

from .conftest import PHONE, LiveServer, serve

pytestmark = pytest.mark.browser

PERSONAS = ("tolvan", "distriktsskoterska", "lakare", "hemsjukvard", "bistand", "avdelning", "ledning", "granskare")
SIZES = {"phone": PHONE, "desktop": {"width": 1280, "height": 900}}

MAX_PAGES = 45  # per persona and size: the menu's pages and one page of each kind linked from them
PHONE_HEADER_MAX = 120

# Developer text: what a user must never read on a page (visible text, and the names assistive technology reads).
FORBIDDEN: list[tuple[str, re.Pattern[str]]] = [
    ("ett filnamn (.md)", re.compile(r"\b[\w-]+\.md\b", re.IGNORECASE)),
    ("ett filnamn (.parquet)", re.compile(r"\.parquet\b", re.IGNORECASE)),
    ("ett filnamn (.toml/.json/.py)", re.compile(r"\b[\w-]+\.(?:toml|json|py|csv)\b")),
    ("ett avsnitt i ett dokument", re.compile(r"(?:\bDOMAIN\b|\.md)\s*§|\bDOMAIN\b")),
    ("(verify)", re.compile(r"\((?:verify|verifiera)\)|\bverify\b", re.IGNORECASE)),
    ("ett snake_case-ord", re.compile(r"\b[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+\b")),
    ("ett engelskt kodvärde", re.compile(
        r"\b(?:pending|active|inactive|draft|approved|rejected|cancelled|canceled|completed|closed|open|none|None|"
        r"null|true|false|True|False|undefined|NaN|emergency|consent|unknown|other)\b")),
]

VISIBLE_TEXT = """() => {
  const parts = [document.title, document.body.innerText];
  for (const el of document.querySelectorAll('[aria-label], [title], [alt], [placeholder], [aria-description]')) {
    for (const a of ['aria-label', 'title', 'alt', 'placeholder', 'aria-description']) {
      const v = el.getAttribute(a); if (v) parts.push(v);
    }
  }
  for (const opt of document.querySelectorAll('option')) parts.push(opt.textContent);
  return parts.join('\\n');
}"""

LINKS = """() => Array.from(document.querySelectorAll('main a[href], nav a[href]'))
  .filter(a => !a.hasAttribute('download'))
  .map(a => a.href)"""

CSV_LINKS = """() => Array.from(document.querySelectorAll('main a[href]')).map(a => a.href)
  .filter(h => new URL(h).pathname.endsWith('.csv'))"""

# A denial page that offers nödåtkomst (the form's reason field): not a dead end, the way in an emergency.
OFFERS_EMERGENCY = """() => !!document.querySelector('main .emergency-offer form textarea[name=reason]')"""

HEADER_HEIGHT = """() => { const h = document.querySelector('header.site-header, [role=banner], header');
  return h ? Math.round(h.getBoundingClientRect().height) : 0; }"""

# Text boxes that overlap: where each visible piece of text is drawn (one rectangle per line of each text node, cut
# to what the boxes around it let show — a text clipped with an ellipsis, a menu item scrolled out of the phone's
# sideways menu), compared pairwise between elements; text inside an element and the element's own text are one
# piece. Two pieces sharing more than 3×3 px are drawn on top of each other. Visually hidden text (clipped to a pixel,
# for screen readers), hidden elements and closed details give no rectangle.
OVERLAPS = """() => {
  const clipOf = (el) => {  // the part of the viewport the element and its ancestors let show (their overflow)
    let r = {left: -1e9, top: -1e9, right: 1e9, bottom: 1e9};
    for (let a = el; a && a !== document.documentElement; a = a.parentElement) {
      const cs = getComputedStyle(a);
      if (cs.overflowX !== 'visible' || cs.overflowY !== 'visible') {
        const b = a.getBoundingClientRect();
        r = {left: Math.max(r.left, b.left), top: Math.max(r.top, b.top),
             right: Math.min(r.right, b.right), bottom: Math.min(r.bottom, b.bottom)};
      }
    }
    return r;
  };
  const pieces = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    if (!el || el.closest('script, style, noscript, template, [hidden], details:not([open]) > :not(summary)')) continue;
    if (!el.checkVisibility({contentVisibilityAuto: true, opacityProperty: true, visibilityProperty: true})) continue;
    const own = el.getBoundingClientRect();
    if (own.width <= 2 || own.height <= 2) continue;  // visually hidden: clipped to a pixel, for screen readers
    const clip = clipOf(el);
    const range = document.createRange(); range.selectNodeContents(node);
    for (const q of range.getClientRects()) {
      const r = {left: Math.max(q.left, clip.left), top: Math.max(q.top, clip.top),
                 right: Math.min(q.right, clip.right), bottom: Math.min(q.bottom, clip.bottom)};
      if (r.right - r.left < 3 || r.bottom - r.top < 3) continue;
      pieces.push({r, el, text: (el.innerText ?? el.textContent ?? '').trim().replace(/\\s+/g, ' ').slice(0, 50)});
    }
  }
  const found = new Set();
  for (let i = 0; i < pieces.length; i++) {
    for (let j = i + 1; j < pieces.length; j++) {
      const a = pieces[i], b = pieces[j];
      if (a.el === b.el || a.el.contains(b.el) || b.el.contains(a.el)) continue;
      const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
      const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
      if (w > 3 && h > 3) found.add(`«${a.text}» och «${b.text}»`);
      if (found.size >= 10) return [...found];
    }
  }
  return [...found];
}"""


@dataclass
class Findings:
    errors: list[str] = field(default_factory=list)  # what fails the test
    header_heights: dict[str, int] = field(default_factory=dict)  # phone only
    visited: list[str] = field(default_factory=list)
    gates: list[str] = field(default_factory=list)  # denials that offer nödåtkomst, reported
    exports: list[str] = field(default_factory=list)  # the CSV files fetched from the pages visited


def developer_text(text: str) -> list[str]:
    """Each forbidden pattern found in ``text``, with the words around it."""
    found = []
    for label, pattern in FORBIDDEN:
        for match in pattern.finditer(text):
            start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
            context = " ".join(text[start:end].split())
            found.append(f"{label}: «{match.group(0)}» i «{context}»")
    return found


def test_developer_text_patterns_catch_what_the_issue_saw():
    for seen in ("Källa: admissions.parquet", "DOMAIN.md §4 (verify)", "Post: emergency_access", "CARE_TEAM"):
        assert developer_text(seen), seen
    assert _csv_problems("indicator,group,value\r\n") and not _csv_problems("\ufeffIndikator;Kod;Värde\r\n")
    assert _kind("/planer/12/mal/g1") == "/planer/N/mal/N" and _kind("/uppfoljning/indikator/K2") != _kind(
        "/uppfoljning/indikator/K3")
    for fine in ("Källa: Socialstyrelsens öppna jämförelser", "3 kap. 2 § patientdatalagen (2008:355)",
                 "Nödåtkomst", "7 dec 2026 07:58", "Öppna planen", "e-post"):
        assert not developer_text(fine), fine


# Times: one style everywhere, "7 dec 2026 07:58" in Swedish time (nara.core.clock.local_minute).
TIME_MONTHS = ("jan", "feb", "mar", "apr", "maj", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
OTHER_TIME_STYLES: list[tuple[str, re.Pattern[str]]] = [
    ("en ISO-tid", re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{1,2}[:.]\d{2}")),
    ("en tid med sekunder", re.compile(r"(?<![\d:])\d{1,2}:\d{2}:\d{2}(?![\d:])")),
    ("en tid med am/pm", re.compile(r"(?<![\w:])\d{1,2}(?::\d{2})?\s?(?:am|pm|a\.m\.|p\.m\.)(?!\w)", re.I)),
    ("en tid skriven med punkt", re.compile(r"(?<![\d.,:])(?:[01]?\d|2[0-4])\.[0-5]\d(?![\d]|[.,]\d)")),
]
DAY_AND_TIME = re.compile(r"(?<![\w:])(\d{1,2}) ([^\W\d_]+\.?) (\d{4}) (\d{1,2}:\d{2})(?![\d:])")


def time_problems(text: str) -> list[str]:
    """Each time in ``text`` not written the one way ("7 dec 2026 07:58"), with the words around it."""
    found = []

    def report(label: str, match: re.Match[str]) -> None:
        start, end = max(0, match.start() - 30), min(len(text), match.end() + 30)
        found.append(f"{label}: «{match.group(0)}» i «{' '.join(text[start:end].split())}»")

    for label, pattern in OTHER_TIME_STYLES:
        for match in pattern.finditer(text):
            report(f"en tid som inte är skriven på ett sätt ({label})", match)
    for match in DAY_AND_TIME.finditer(text):
        day, month, _, clock = match.groups()
        if day.startswith("0") or month not in TIME_MONTHS or len(clock) != 5:
            report("en tid som inte är skriven som «7 dec 2026 07:58»", match)
    return found


def test_the_time_check_knows_the_one_style():
    for fine in ("7 dec 2026 07:58", "senast 25 nov 2026 24:00 (om 3 h)", "Mötet är 25 okt 2026 02:30.",
                 "tisdag 3 december 2026", "2026-11-22", "HSLF-FS 2016:40", "lag (2017:612)", "3,25 dagar",
                 "Ring vardagar 8–10", "version 1.2.3"):
        assert not time_problems(fine), fine
    for wrong in ("2026-12-07 14:05", "2026-12-07T14:05", "kl. 14.05", "14:05:33", "2 pm", "07 dec 2026 07:58",
                  "7 december 2026 07:58", "7 Dec 2026 07:58", "7 dec. 2026 07:58", "7 dec 2026 7:58"):
        assert time_problems(wrong), wrong


def test_the_overlap_check_finds_text_drawn_on_text_and_not_what_is_clipped_hidden_or_nested(browser):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        page = context.new_page()
        page.set_content("""<body style="font: 16px sans-serif">
          <dl style="display: grid; grid-template-columns: 6rem 1fr"><dt>Folkbokföringskommun</dt><dd>Kumla</dd></dl>
          <p style="width: 5rem; overflow: hidden; white-space: nowrap; text-overflow: ellipsis; float: left">
            Du arbetar nu för en mycket lång enhet</p><button>Logga ut</button>
          <span style="position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0)">dold
            text</span>
          <p><a href="/">Länk</a> i en mening</p>
          <details><summary>Ändra</summary><p style="margin-top: -1.2em">Stängd text</p></details>
        </body>""")
        assert page.evaluate(OVERLAPS) == ["«Folkbokföringskommun» och «Kumla»"]
    finally:
        context.close()


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """Nära as the demo runs it, on its own database (the other browser tests' server is left as they expect)."""
    data_dir: Path = tmp_path_factory.mktemp("crawl")
    database = Database(f"sqlite:///{data_dir / 'nara.db'}")
    metadata.create_all(database.engine)
    clock = SystemClock()
    load_demo(database, region="orebro", persons=300, seed=1, clock=clock)
    logins = {login.username: login for login in create_demo_personas(database, clock)}
    create_demo_plan(database, clock)
    create_demo_sip(database, clock)
    create_demo_messages(database, clock, create_demo_discharge(database, clock))
    create_demo_measurements(database, clock)
    create_demo_medicines(database, clock)
    _emergency_access(database, clock, logins)
    install_dashboard_data(shared_dashboard_data(tmp_path_factory), dashboard_data_dir(data_dir))
    app = create_app(Settings(data_dir=data_dir), database=database, clock=clock)
    with serve(app, logins, database, name="nara-crawl-server") as live:
        yield live


def _emergency_access(db: Database, clock: SystemClock, logins) -> None:  # type: ignore[no-untyped-def]
    """The ward nurse takes nödåtkomst on Tolvan, so the log follow-up and Tolvan's log have an entry to show."""
    settings = Settings()
    issued = open_session(db, settings, clock, "avdelning", logins["avdelning"].password, SessionKind.API)
    nurse = resolve_session(db, settings, clock, issued.token, SessionKind.API).actor
    with db.transaction() as s:
        tolvan = s.scalar(select(AccountRow.person_id).where(AccountRow.username == "tolvan"))
        grants.start_care_relationship(s, nurse, clock, person_id=tolvan, kind=RelationshipKind.CARE_TEAM)
    with db.transaction() as s:
        grants.start_emergency_access(s, nurse, clock, person_id=tolvan,
                                      reason="Patienten medvetslös efter fall, behöver se läkemedelslistan")


def _kind(path: str) -> str:
    """One page of each kind: the path with its ids (numbers, a plan element's g1 or a3) replaced. An indicator
    (K2, S2-per1000) is a kind of its own: each has its own definition to show."""
    return re.sub(r"(?<=/)(?:\d+|[a-z]\d+)(?=/|$|\?)", "N", path)


def _csv_problems(text: str) -> list[str]:
    """A CSV export as Swedish Excel reads it: UTF-8 with BOM, semicolons, Swedish headers (no codes)."""
    problems = []
    if not text.startswith("\ufeff"):
        problems.append("CSV utan BOM")
    header = text.removeprefix("\ufeff").split("\r\n")[0].split("\n")[0]
    if ";" not in header:
        problems.append(f"CSV utan semikolon: {header[:80]}")
    problems += [f"CSV-rubrik: {p}" for p in developer_text(header.replace(";", " ; "))]
    return problems


def _form_answers() -> dict[str, str]:
    """Pages that answer a form of a menu page (a plain GET form): the betalningsansvar report for Kumla in a month
    whose amount per day is published (2023), whose page offers the CSV and XLSX files."""
    return {"/utskrivning/betalningsansvar": "kommun=1881&manad=2023-11"}


def _crawlable(url: str, origin: str) -> bool:
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != origin:
        return False
    path = parts.path
    return not (path.startswith(("/logga-ut", "/api", "/static", "/live")) or path.endswith((".csv", ".xlsx"))
                or "export" in path or "format=" in parts.query or "ladda-ned" in path)


def _axe(page) -> list[str]:  # type: ignore[no-untyped-def]
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [f"axe {v['id']} ({v.get('impact')}): {v['help']} at "
            + "; ".join(", ".join(map(str, n.get("target", []))) for n in v["nodes"][:3]) for v in violations]


def crawl(browser, live: LiveServer, username: str, size: str) -> Findings:  # type: ignore[no-untyped-def]
    from .test_shell import log_in

    findings = Findings()
    context = browser.new_context(base_url=live.url, locale="sv-SE", viewport=SIZES[size])
    page = context.new_page()
    try:
        log_in(page, username, live.logins[username].password)
        page.wait_for_load_state()
        start = page.url
        menu = page.evaluate("""() => Array.from(document.querySelectorAll(
            'nav[aria-label=Huvudmeny] a[href]')).map(a => a.href)""")
        queue = [start, *menu]
        queue += [f"{live.url}{path}?{query}" for path, query in _form_answers().items()
                  if f"{live.url}{path}" in menu]
        seen: set[str] = set()
        while queue and len(findings.visited) < MAX_PAGES:
            url = queue.pop(0).split("#")[0]
            if not _crawlable(url, live.url) or _kind(urlsplit(url).path + "?" + urlsplit(url).query) in seen:
                continue
            seen.add(_kind(urlsplit(url).path + "?" + urlsplit(url).query))
            response = page.goto(url)
            where = f"{username} {size} {urlsplit(url).path}"
            findings.visited.append(urlsplit(url).path)
            if response is None or response.status >= 400:
                status = response.status if response else "inget svar"
                if status == 403 and page.evaluate(OFFERS_EMERGENCY):
                    findings.gates.append(f"{where}: HTTP 403 med nödåtkomst")
                else:
                    findings.errors.append(f"{where}: HTTP {status}")
                continue
            findings.errors += [f"{where}: {problem}" for problem in developer_text(page.evaluate(VISIBLE_TEXT))]
            findings.errors += [f"{where}: {problem}" for problem in time_problems(page.evaluate(VISIBLE_TEXT))]
            findings.errors += [f"{where}: {problem}" for problem in _axe(page)]
            if size == "phone":
                findings.header_heights[urlsplit(url).path] = page.evaluate(HEADER_HEIGHT)
            findings.errors += [f"{where}: text som överlappar: {pair}" for pair in page.evaluate(OVERLAPS)]
            if len(urlsplit(url).path.strip("/").split("/")) <= 2 or url == start:  # links from the menu's pages
                queue += page.evaluate(LINKS)
            for export in page.evaluate(CSV_LINKS):
                export_kind = _kind(urlsplit(export).path) + "?" + urlsplit(export).query
                if export_kind in seen:
                    continue
                seen.add(export_kind)
                answer = page.request.get(export)
                findings.exports.append(urlsplit(export).path)
                if answer.status >= 400:
                    findings.errors.append(f"{where} → {urlsplit(export).path}: HTTP {answer.status}")
                else:
                    findings.errors += [f"{where} → {urlsplit(export).path}: {problem}"
                                        for problem in _csv_problems(answer.body().decode("utf-8"))]
    finally:
        context.close()
    return findings


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("username", PERSONAS)
def test_every_page_a_persona_can_reach_is_plain_swedish_and_accessible(browser, demo_server, username, size):
    findings = crawl(browser, demo_server, username, size)
    if os.environ.get("NARA_CRAWL_REPORT"):
        print(f"\n{username} {size}: {len(findings.visited)} sidor: {' '.join(findings.visited)}")
        if findings.exports:
            print(f"  CSV-filer: {' '.join(findings.exports)}")
        if findings.header_heights:
            print(f"  sidhuvudets höjd (px): {findings.header_heights}")
        for gate in findings.gates:
            print(f"  nekad med nödåtkomst: {gate}")
    assert len(findings.visited) >= 2, findings.visited
    assert not findings.errors, "\n".join(findings.errors)
    too_tall = {path: height for path, height in findings.header_heights.items() if height > PHONE_HEADER_MAX}
    assert not too_tall, f"the header is over {PHONE_HEADER_MAX} px on a phone: {too_tall}"
