"""One small synthetic region with its dashboard results, made once per test run and shared by the
integration and browser tests of the leaders' dashboard (SYNTETISKA DATA — inga verkliga personer).

Örebro län at scale 0.1 (about 30 800 persons): big enough that Karlskoga's K2 is shown in most months, small
enough that many cells of the small municipalities are suppressed. Generating it takes about 2 s and the
engine about 12 s; paying that once per run, not per test, keeps the suite fast.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nara.dashboard.service.results import CACHE_FILE, ResultsStore
from nara.synth.service import write_dataset

SCALE = 0.1
SEED = 1


def shared_dashboard_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory with the cached results (``nara-dashboard-results.json``) in it."""
    base = tmp_path_factory.getbasetemp() / "dashboard-data"
    if not (base / CACHE_FILE).is_file():
        write_dataset("orebro", SCALE, SEED, base)
        ResultsStore(base).ensure()
    return base


def install_dashboard_data(source: Path, target: Path) -> Path:
    """Copy the data set and its cache into ``target``; file times are kept, so the cache stays valid."""
    shutil.copytree(source, target, dirs_exist_ok=True)
    return target
