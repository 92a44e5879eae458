"""Take the screenshots in docs/screens/ from a fresh demo: ``python3 dev.py screens``.

Starts ``nara demo`` on a free port with its own data directory (synthetic data only), logs in as the demo personas
in Debian's Chromium (Playwright, never a downloaded browser) and saves each page at phone (390×844) and desktop
(1280×900) size, the whole page long:

- ``idag-*.png``: the district nurse's working day (/arbetsyta, "Idag");
- ``sip-*.png``: the demo's open SIP, as the district nurse sees it;
- ``min-sida-*.png``: the resident's start page (Tolvan Tolvansson, the synthetic test person).

The pictures show synthetic persons only; re-run after a change to these pages.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
NARA = Path(sys.executable).parent / "nara"
CHROMIUM = os.environ.get("NARA_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "nara-demo"
SIZES = {"telefon": {"width": 390, "height": 844}, "dator": {"width": 1280, "height": 900}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, server: subprocess.Popen[bytes], seconds: float = 600) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("the demo server stopped before it answered; see its output above")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(1)
    sys.exit(f"the demo server did not answer at {url} within {seconds:.0f} s")


def log_in(page: Page, username: str) -> None:
    page.goto("/logga-in")
    page.get_by_label("Användarnamn").fill(username)
    page.get_by_label("Lösenord").fill(PASSWORD)
    page.get_by_label("Lösenord").press("Enter")
    page.wait_for_load_state("networkidle")


def sip_path(page: Page) -> str:
    """The demo's open SIP: the first plan on the district nurse's plan list that opens a SIP page."""
    page.goto("/planer")
    plans = [a.get_attribute("href") for a in page.locator(".work-item-title a").all()]
    for href in plans:
        page.goto(str(href))
        link = page.locator("a[href$='/sip']")
        if link.count():
            return str(link.first.get_attribute("href"))
    sys.exit("the demo has no SIP the district nurse can open (nara.plans.demo makes one)")


def shoot(page: Page, path: str, name: str) -> None:
    for size, viewport in SIZES.items():
        page.set_viewport_size(viewport)
        page.goto(path)
        page.wait_for_load_state("networkidle")
        target = HERE / f"{name}-{size}.png"
        page.screenshot(path=str(target), full_page=True)
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"{target.relative_to(ROOT)}: {viewport['width']}×{height} px (sidan {path})")


def main() -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="nara-screens-") as data_dir:
        env = dict(os.environ, NARA_DATA_DIR=data_dir)
        server = subprocess.Popen([str(NARA), "demo", "--port", str(port), "--persons", "500"], cwd=ROOT, env=env)
        try:
            wait_for(f"{base}/logga-in", server)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
                for username, pages in (
                    ("distriktsskoterska", (("/arbetsyta", "idag"), (None, "sip"))),
                    ("tolvan", (("/min-sida", "min-sida"),)),
                ):
                    context = browser.new_context(base_url=base, locale="sv-SE", timezone_id="Europe/Stockholm")
                    page = context.new_page()
                    log_in(page, username)
                    for path, name in pages:
                        shoot(page, path or sip_path(page), name)
                    context.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
