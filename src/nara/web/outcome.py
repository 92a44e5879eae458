"""What became of a write a page asked for, and a file to save: written once for every part's pages.

A page runs one use case in a unit of work with :func:`attempt` and shows the outcome: saved (go on), denied (the
denial page with its nödåtkomst offer), stale (the form again with both versions, nothing the person typed lost) or
failed (the form again with the Swedish message)."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TypeVar

from fastapi import Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from nara.core.clock import Clock
from nara.core.errors import Conflict, NaraError, NotFound, PreconditionFailed, ValidationFailed

T = TypeVar("T")


class Outcome(StrEnum):
    SAVED = "saved"
    DENIED = "denied"
    STALE = "stale"
    FAILED = "failed"


def attempt(request: Request, call: Callable[[Session, Clock], T], *, denied: type[NaraError], not_found: str,
            refused: tuple[type[NaraError], ...] = (ValidationFailed, Conflict),
            ) -> tuple[Outcome, NaraError | None, T | None]:
    """Run one write from a page in a unit of work: (outcome, the error, what ``call`` returned). ``denied`` is the
    access policy's refusal (the part passes it in: the kit knows no part); a NotFound with the key ``not_found``
    (the page's own object is gone) stays a 404; the ``refused`` errors are shown on the form."""
    state = request.app.state
    try:
        with state.db.transaction() as s:
            result = call(s, state.clock)
    except denied as exc:  # before ``refused``: a denial is a Forbidden too
        return Outcome.DENIED, exc, None
    except PreconditionFailed as exc:
        return Outcome.STALE, exc, None
    except NotFound as exc:
        if exc.key == not_found:
            raise
        return Outcome.FAILED, exc, None
    except refused as exc:
        return Outcome.FAILED, exc, None
    return Outcome.SAVED, None, result


def download(content: bytes, media_type: str, filename: str) -> Response:
    """A file to save (a report, an export): an attachment, never cached."""
    return Response(content, media_type=media_type,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"})
