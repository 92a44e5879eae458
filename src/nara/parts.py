"""The parts of the house, registered explicitly (nothing happens by import side effect): each part's Swedish
texts into the one catalogue and each part's page templates into the renderer. The application (nara.app), the
command line (nara.cli) and the tests call :func:`load_catalogue` once at start.

A new part adds its ``messages`` module here and, when it has pages, its ``templates/`` folder
(docs/architecture.md)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from types import ModuleType

from nara.access import messages as access_messages
from nara.audit import messages as audit_messages
from nara.auth import messages as auth_messages
from nara.core import i18n
from nara.dashboard import messages as dashboard_messages
from nara.directory import messages as directory_messages
from nara.discharge import messages as discharge_messages
from nara.home import messages as home_messages
from nara.indicators import messages as indicators_messages
from nara.measurements import messages as measurements_messages
from nara.medicines import messages as medicines_messages
from nara.messaging import messages as messaging_messages
from nara.outreach import messages as outreach_messages
from nara.plans import messages as plans_messages
from nara.review import messages as review_messages
from nara.web import messages as web_messages
from nara.web import render

MESSAGES: tuple[ModuleType, ...] = (
    web_messages, directory_messages, auth_messages, home_messages,
    access_messages, audit_messages, review_messages,
    plans_messages, discharge_messages,
    dashboard_messages, indicators_messages,
    measurements_messages,
    outreach_messages,
    medicines_messages,
    messaging_messages,
)
"""Every part's texts: a module with a ``MESSAGES`` mapping."""

TEMPLATES: tuple[str, ...] = (
    "nara.auth", "nara.home", "nara.access", "nara.review", "nara.plans", "nara.discharge", "nara.dashboard",
    "nara.measurements",
    "nara.outreach",
    "nara.medicines",
    "nara.messaging",
)
"""The parts with pages: each keeps its templates in its own ``templates/`` folder."""


def load_catalogue() -> None:
    """Register every part's texts and templates (idempotent: the same texts again change nothing)."""
    for module in MESSAGES:
        i18n.register(module.MESSAGES)
    for package in TEMPLATES:
        render.add_templates(Path(str(resources.files(package))) / "templates")
