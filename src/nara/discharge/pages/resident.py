"""The resident's "Min utskrivning" (DOMAIN §4; patientlagen 3 kap. 2 b §): for each of my discharges from
hospital, where I am, when I am expected to go home, who my fast vårdkontakt is and when my SIP meeting is — on a
phone first, linked from Min sida's menu.

HTTP in, a call to nara.discharge.service.my_processes (purpose egen insyn, one audit entry per process), a page
out. The page holds a live region: the service announces every change of my process on my own stream
(``person:<id>``), so a fast vårdkontakt appointed or a SIP booked shows up without reloading.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from nara.core.actor import Actor, Role
from nara.core.i18n import t
from nara.discharge import service
from nara.discharge.pages import support
from nara.web.deps import page_actor
from nara.web.render import render

router = APIRouter(include_in_schema=False)

Resident = Annotated[Actor, Depends(page_actor(Role.RESIDENT))]
FragmentResident = Annotated[Actor, Depends(support.fragment_reader(Role.RESIDENT))]
MINE_PATH = "/min-sida/utskrivning"


def _context(request: Request, actor: Actor) -> dict[str, Any]:
    state = request.app.state
    with state.db.transaction() as s:
        processes = service.my_processes(s, actor, state.clock)
    return {"processes": processes, "profession": service.profession_label}


@router.get(MINE_PATH)
def my_discharge(request: Request, actor: Resident) -> Response:
    return render(request, "discharge_mine.html", title=t("minutskrivning.title"), **_context(request, actor))


@router.get(MINE_PATH + "/innehall")
def my_discharge_fragment(request: Request, actor: FragmentResident) -> Response:
    """The page's processes alone, for live.js."""
    return render(request, "discharge_mine_items.html", headers={"Cache-Control": "no-store"},
                  **_context(request, actor))
