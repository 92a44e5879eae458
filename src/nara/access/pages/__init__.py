"""The access part's HTML pages: the staff's person pages (person), the resident's own access pages under
/min-sida (resident) and the role profiles shown to reviewers (roles)."""

from nara.access.pages import person, resident, roles

routers = (person.router, resident.router, roles.router)
"""Every router of the access pages, for the application to include."""

__all__ = ["person", "resident", "roles", "routers"]
