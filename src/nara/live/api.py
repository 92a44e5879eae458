"""The live stream: ``GET /api/live`` (bearer token) and ``GET /live`` (the page session), as Server-Sent Events.

The topics come from who is asking, never from the request: the active unit (``unit:<id>``), the account
(``account:<id>``) and, for a resident, the person (``person:<id>``). Events name a kind and a reference only;
the page then fetches what changed through the access policy. The stream ends after ``live_stream_seconds``
(EventSource reconnects on its own, which checks the session again) and does not touch the session's idle timer,
so an open page does not keep an unattended session alive.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from fastapi import APIRouter, Request, Security
from fastapi.responses import StreamingResponse
from fastapi.security import HTTPAuthorizationCredentials

from nara.core.actor import Actor
from nara.live.service import Broker, LiveEvent
from nara.web.deps import bearer_scheme
from nara.web.problems import UNAUTHENTICATED
from nara.web.sessions import resolve

router = APIRouter()

SSE_MEDIA_TYPE = "text/event-stream"
_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
_RETRY_MS = 3000


def topics_for(actor: Actor) -> list[str]:
    """What ``actor`` hears about: their active unit's lists, their own account, and a resident their own."""
    topics = [f"account:{actor.account_id}"]
    if actor.unit_id is not None:
        topics.append(f"unit:{actor.unit_id}")
    if actor.person_id is not None:
        topics.append(f"person:{actor.person_id}")
    return topics


def broker_of(request: Request) -> Broker:
    return request.app.state.live


def _frame(kind: str, data: str) -> str:
    return f"event: {kind}\ndata: {data}\n\n"


async def _stream(request: Request, broker: Broker, topics: list[str]) -> AsyncIterator[str]:
    settings = request.app.state.settings
    sub = broker.subscribe(topics)
    loop = asyncio.get_running_loop()
    ends_at = loop.time() + settings.live_stream_seconds
    try:
        # "ready": the page reloads its list once, so nothing announced while it was away is missed.
        yield f"retry: {_RETRY_MS}\n" + _frame("ready", "{}")
        while (left := ends_at - loop.time()) > 0:
            try:
                item: LiveEvent = await asyncio.wait_for(sub.queue.get(),
                                                         timeout=min(settings.live_heartbeat_seconds, left))
            except TimeoutError:
                if await request.is_disconnected():
                    return
                yield ": keepalive\n\n"
                continue
            yield _frame(item.kind if item.kind == "resync" else "change", item.to_json())
    finally:
        broker.unsubscribe(sub)


def _open(request: Request) -> StreamingResponse:
    actor = resolve(request, touch=False).actor
    return StreamingResponse(_stream(request, broker_of(request), topics_for(actor)), media_type=SSE_MEDIA_TYPE,
                             headers=_HEADERS)


@router.get(
    "/api/live",
    summary="Live-händelser (Server-Sent Events)",
    description="Strömmar `change`-händelser för den aktiva enhetens listor, kontot och (för invånare) personen. "
    "Händelserna innehåller ingen personinformation: hämta det som ändrats via respektive API. Strömmen avslutas "
    "efter en stund; klienten återansluter (EventSource gör det själv).",
    response_class=StreamingResponse,
    responses={200: {"content": {SSE_MEDIA_TYPE: {"schema": {"type": "string"}}}, "description": "SSE-ström"},
               **UNAUTHENTICATED},
    tags=["live"],
)
def api_live(
    request: Request, _credentials: HTTPAuthorizationCredentials | None = Security(bearer_scheme)
) -> StreamingResponse:
    return _open(request)


@router.get("/live", include_in_schema=False)
def page_live(request: Request) -> StreamingResponse:
    return _open(request)
