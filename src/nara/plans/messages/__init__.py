"""Swedish texts of the plans part: the plan's own (:mod:`.texts`: errors, values, fields, notifications), its
pages' (:mod:`.pages`) and the notifications page's (:mod:`.notify`), as one ``MESSAGES`` mapping the composition
registers (nara.parts)."""

from nara.plans.messages.approvals import MESSAGES as _APPROVALS
from nara.plans.messages.notify import MESSAGES as _NOTIFY
from nara.plans.messages.pages import MESSAGES as _PAGES
from nara.plans.messages.texts import MESSAGES as _TEXTS

MESSAGES: dict[str, str] = {**_TEXTS, **_PAGES, **_NOTIFY, **_APPROVALS}

__all__ = ["MESSAGES"]
