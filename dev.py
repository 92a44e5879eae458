#!/usr/bin/env python3
"""Set up and run Nära on a machine that has only Python 3.11+.

    python3 dev.py demo        # the demo platform on the embedded database (http://127.0.0.1:8000/)
    python3 dev.py test        # the whole test suite: unit, SQLite + PostgreSQL, browser
    python3 dev.py lint        # ruff and the import contracts
    python3 dev.py lock        # re-pin requirements/*.txt with hashes after editing requirements/*.in
    python3 dev.py screens     # retake the screenshots in docs/screens/ from a fresh demo (needs Chromium)

Creates .venv/ and installs the pinned, hash-checked requirements into it; reinstalls when they change.
Arguments after the command go to `nara demo` or to pytest.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
REQ = ROOT / "requirements"


def say(message: str) -> None:
    print(f"[nara] {message}", flush=True)


def run(*cmd: str | Path, env: dict[str, str] | None = None) -> int:
    return subprocess.call([str(c) for c in cmd], cwd=ROOT, env=env)


def ensure_venv(with_dev: bool) -> None:
    if sys.version_info < (3, 11):
        sys.exit("Nära needs Python 3.11 or newer.")
    files = [REQ / "base.txt"] + ([REQ / "dev.txt"] if with_dev else [])
    stamp_text = hashlib.sha256(
        b"".join(f.read_bytes() for f in files) + (ROOT / "pyproject.toml").read_bytes()
    ).hexdigest()
    stamp = VENV / (".nara-dev" if with_dev else ".nara-base")
    if stamp.exists() and stamp.read_text() == stamp_text and PY.exists():
        return
    if not PY.exists():
        say("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    say("installing pinned requirements (hash-checked)")
    args = [PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--require-hashes"]
    for f in files:
        args += ["-r", f]
    if run(*args) != 0:
        sys.exit("Installing the requirements failed; see the messages above.")
    if run(PY, "-m", "pip", "install", "--disable-pip-version-check", "-q", "--no-deps",
           "--no-build-isolation", "-e", ".") != 0:
        sys.exit("Installing the nara package failed; see the messages above.")
    stamp.write_text(stamp_text)


def cmd_demo(rest: list[str]) -> int:
    ensure_venv(with_dev=False)
    return run(BIN / "nara", "demo", *rest)


def cmd_test(rest: list[str]) -> int:
    ensure_venv(with_dev=True)
    env = dict(os.environ)
    if not Path(env.get("NARA_CHROMIUM", "/usr/bin/chromium")).exists():
        what = "fail" if env.get("CI") else "be skipped"
        say(f"Chromium is missing (apt-get install -y chromium): browser tests will {what}.")
    return run(PY, "-m", "pytest", *rest, env=env)


def cmd_lint(rest: list[str]) -> int:
    ensure_venv(with_dev=True)
    status = run(BIN / "ruff", "check", "src", "tests", "bench", "docs/screens", "dev.py", *rest)
    return status or run(BIN / "lint-imports")


def cmd_lock(rest: list[str]) -> int:
    ensure_venv(with_dev=True)
    if not (BIN / "uv").exists():
        run(PY, "-m", "pip", "install", "-q", "uv")
    status = 0
    for name in ("base", "dev"):
        status |= run(BIN / "uv", "pip", "compile", "--quiet", "--python-version", "3.11", "--generate-hashes",
                      "--no-header", "--no-emit-index-url", f"requirements/{name}.in",
                      "-o", f"requirements/{name}.txt")
    return status


def cmd_screens(rest: list[str]) -> int:
    ensure_venv(with_dev=True)
    return run(PY, ROOT / "docs" / "screens" / "take.py", *rest)


COMMANDS = {"demo": cmd_demo, "test": cmd_test, "lint": cmd_lint, "lock": cmd_lock, "screens": cmd_screens}


def main() -> None:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__)
        sys.exit(2)
    sys.exit(COMMANDS[sys.argv[1]](sys.argv[2:]))


if __name__ == "__main__":
    main()
