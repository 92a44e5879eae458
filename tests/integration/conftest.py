"""Fixtures shared by the integration tests of the resident's pages and the log review."""

import asyncio
import threading

import pytest

from nara.auth.demo import create_demo_personas
from nara.core.settings import Settings
from nara.directory.model import load_region
from nara.directory.service import seed_region

REASON = "Medvetslös på akuten, behöver läkemedelslistan"


@pytest.fixture
def db(database):
    """A migrated, empty database (the audit log emptied too, by tests/conftest.py)."""
    return database


@pytest.fixture
def demo(db, clock, tmp_data_dir):
    """The Örebro directory with the demo personas; returns the settings to build the app with."""
    with db.transaction() as s:
        seed_region(s, load_region("orebro"))
    create_demo_personas(db, clock)
    return Settings(data_dir=tmp_data_dir)


def run_loop(coro):
    """asyncio.run in a thread of its own: the browser tests' Playwright keeps an event loop in the main thread."""
    result = {}

    def target():
        result["value"] = asyncio.run(coro)

    worker = threading.Thread(target=target)
    worker.start()
    worker.join(timeout=30)
    assert "value" in result, "the scenario did not finish"
    return result["value"]
