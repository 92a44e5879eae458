"""Where each role starts and what its menu holds. Later parts add their pages to ``NAV``."""

from __future__ import annotations

from dataclasses import dataclass

from nara.core.actor import Actor, Role
from nara.core.i18n import t


@dataclass(frozen=True, slots=True)
class NavItem:
    label_key: str
    path: str
    roles: frozenset[Role]


START_PAGE: dict[Role, str] = {
    Role.RESIDENT: "/min-sida",
    Role.STAFF: "/arbetsyta",
    Role.LEADER: "/uppfoljning",
    Role.REVIEWER: "/logguppfoljning",
    Role.ADMIN: "/uppfoljning",
}

NAV: list[NavItem] = [
    NavItem("web.nav.min_sida", "/min-sida", frozenset({Role.RESIDENT})),
    NavItem("minplan.nav", "/min-sida/plan", frozenset({Role.RESIDENT})),  # nara.plans.pages
    NavItem("minutskrivning.nav", "/min-sida/utskrivning", frozenset({Role.RESIDENT})),  # nara.discharge.pages
    NavItem("measurements.nav", "/min-sida/matvarden", frozenset({Role.RESIDENT})),  # nara.measurements.pages
    NavItem("medicines.mine.link", "/min-sida/lakemedel", frozenset({Role.RESIDENT})),  # nara.medicines.pages
    NavItem("selfcare.mine.title", "/min-sida/egenvard", frozenset({Role.RESIDENT})),  # nara.medicines.pages
    NavItem("mymessages.nav", "/min-sida/meddelanden", frozenset({Role.RESIDENT})),  # nara.messaging.pages
    # The person's own access pages (DOMAIN §5): log extract, consents, spärrar (nara.access.pages).
    NavItem("resident.nav.log", "/min-sida/vem-har-last", frozenset({Role.RESIDENT})),
    NavItem("resident.nav.consents", "/min-sida/samtycken", frozenset({Role.RESIDENT})),
    NavItem("resident.nav.blocks", "/min-sida/sparrar", frozenset({Role.RESIDENT})),
    NavItem("proxies.nav", "/min-sida/narstaende", frozenset({Role.RESIDENT})),  # nara.access.pages.proxies
    NavItem("proxies.act.nav", "/min-sida/foretrada", frozenset({Role.RESIDENT})),  # nara.access.pages.proxies
    NavItem("outreach.nav", "/min-sida/aviseringar", frozenset({Role.RESIDENT})),  # nara.outreach.pages
    NavItem("home.nav.today", "/arbetsyta", frozenset({Role.STAFF})),  # Idag, on the Arbetsyta (nara.home.pages)
    NavItem("web.nav.personer", "/personer", frozenset({Role.STAFF})),  # nara.access.pages
    NavItem("planpage.nav.worklist", "/planer", frozenset({Role.STAFF})),  # nara.plans.pages
    NavItem("dischargepage.nav.worklist", "/utskrivning", frozenset({Role.STAFF})),  # nara.discharge.pages
    NavItem("dischargepage.nav.payment", "/utskrivning/betalningsansvar", frozenset({Role.STAFF})),
    NavItem("planpage.nav.notifications", "/meddelanden", frozenset({Role.STAFF, Role.RESIDENT})),
    NavItem("inbox.nav", "/inkorg", frozenset({Role.STAFF})),  # the unit's secure messages (nara.messaging.pages)
    NavItem("web.nav.uppfoljning", "/uppfoljning", frozenset({Role.LEADER, Role.ADMIN})),
    # Log follow-up is the reviewer's alone (nara.review.pages): administrators are among those reviewed.
    NavItem("web.nav.logguppfoljning", "/logguppfoljning", frozenset({Role.REVIEWER})),
    NavItem("access.roles.title", "/logguppfoljning/behorigheter", frozenset({Role.REVIEWER})),  # nara.access.pages
]


def start_page(role: Role) -> str:
    return START_PAGE[role]


def nav_for(actor: Actor | None, current_path: str) -> list[dict[str, object]]:
    if actor is None:
        return []
    return [
        {"label": t(item.label_key), "path": item.path, "current": current_path == item.path}
        for item in NAV
        if actor.role in item.roles
    ]
