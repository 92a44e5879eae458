"""The role profiles (behörighetsprofiler, HSLF-FS 2016:40 4 kap. 2 §) shown in Swedish to reviewers, from the same
data the policy decides with (nara.access.model.roles)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from nara.access.model import roles
from nara.core.actor import Actor, Role
from nara.core.i18n import t
from nara.web.deps import page_actor
from nara.web.render import render

router = APIRouter(include_in_schema=False)
Reviewer = Annotated[Actor, Depends(page_actor(Role.REVIEWER))]


@router.get("/logguppfoljning/behorigheter")
def role_profiles(request: Request, actor: Reviewer) -> Response:
    table = roles.default_table()
    return render(request, "access_roles.html", title=t("access.roles.title"), kinds=[table.kinds[k]
                  for k in roles.KINDS], rows=roles.rows(table))
