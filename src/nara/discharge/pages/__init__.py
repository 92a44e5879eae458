"""The Utskrivning pages (lag 2017:612, DOMAIN §4): the staff's worklist, process page and payment report
(:mod:`.staff`) and the resident's Min utskrivning (:mod:`.resident`); :mod:`.support` formats what they show.
``router`` carries both."""

from __future__ import annotations

from fastapi import APIRouter

from nara.discharge.pages import resident, staff

router = APIRouter(include_in_schema=False)
router.include_router(staff.router)
router.include_router(resident.router)

__all__ = ["router"]
