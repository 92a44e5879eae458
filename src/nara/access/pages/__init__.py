"""The access part's HTML pages: the staff's person pages (person), the resident's own access pages under
/min-sida (resident), närstående and ombud (proxies) and the role profiles shown to reviewers (roles)."""

from nara.access.pages import person, proxies, resident, roles

routers = (person.router, resident.router, proxies.router, roles.router)
"""Every router of the access pages, for the application to include."""

__all__ = ["person", "proxies", "resident", "roles", "routers"]
