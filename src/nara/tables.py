"""Every part's tables, imported in one place so the metadata (and Alembic autogenerate) sees them all."""

from nara.access import store as access_store  # noqa: F401
from nara.audit import store as audit_store  # noqa: F401
from nara.auth import store as auth_store  # noqa: F401
from nara.core.db import Base
from nara.directory import store as directory_store  # noqa: F401
from nara.discharge import store as discharge_store  # noqa: F401
from nara.measurements import store as measurements_store  # noqa: F401
from nara.medicines import store as medicines_store  # noqa: F401
from nara.messaging import store as messaging_store  # noqa: F401
from nara.outreach import store as outreach_store  # noqa: F401
from nara.plans import store as plans_store  # noqa: F401
from nara.review import store as review_store  # noqa: F401

metadata = Base.metadata
