"""Server push: what changed reaches open pages within seconds, so nobody polls an inbox (DOMAIN.md §4).

A change is *announced* inside the unit of work that makes it, and delivered only if that unit of work commits:

    live.announce(session, ["unit:12", "unit:40"], "utskrivning", ref="process:7")

Announcements carry no person data — only which list changed (a topic: ``unit:<id>``, ``account:<id>``,
``person:<id>``), what kind of thing and a reference. A page that receives one fetches the fresh content
through the access policy (so the read is authorised and logged like any other), never from the push itself.

Delivery across processes: on PostgreSQL an announcement is a ``NOTIFY`` in the same transaction — PostgreSQL
delivers it to every listening process on commit and drops it on rollback —, and each process's
:class:`Broker` listens on one connection and fans out to its subscribers. On SQLite (one process, the embedded
demo) the broker is told directly after commit. Subscribers are asyncio queues in the server's event loop;
publishing is thread-safe (the sync routes run in a thread pool).
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import psycopg
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from nara.core.db import Database

log = logging.getLogger("nara.live")

CHANNEL = "nara_live"
QUEUE_SIZE = 256  # per subscriber; when full, the subscriber is told to reload everything ("resync")
_PENDING = "nara.live.pending"  # session.info key: announcements waiting for the commit
_MAX_TOPICS = 64


@dataclass(frozen=True, slots=True)
class LiveEvent:
    """One announcement: ``topics`` say whose lists changed; no person data travels here."""

    topics: tuple[str, ...]
    kind: str
    ref: str | None = None

    def to_json(self) -> str:
        return json.dumps({"topics": list(self.topics), "kind": self.kind, "ref": self.ref}, separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str) -> LiveEvent:
        data = json.loads(raw)
        return cls(tuple(str(t) for t in data["topics"]), str(data["kind"]), data.get("ref"))


RESYNC = LiveEvent((), "resync")  # "you may have missed something: reload"


@dataclass(eq=False)
class Subscription:
    """One open stream: its topics and its queue in the event loop that serves it."""

    topics: frozenset[str]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[LiveEvent] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))

    def offer(self, item: LiveEvent) -> None:  # runs in the subscriber's loop
        try:
            self.queue.put_nowait(item)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
            self.queue.put_nowait(RESYNC)


class Broker:
    """Fans announcements out to this process's subscribers; on PostgreSQL also listens for other processes'."""

    def __init__(self, database: Database | None = None) -> None:
        self._lock = threading.Lock()
        self._by_topic: dict[str, set[Subscription]] = {}
        self._database = database
        self._listener: threading.Thread | None = None
        self._stopping = threading.Event()
        self._listening = threading.Event()

    @property
    def uses_notify(self) -> bool:
        return self._database is not None and self._database.engine.dialect.name == "postgresql"

    # --- subscribers -------------------------------------------------------------------------------------------

    def subscribe(self, topics: Iterable[str]) -> Subscription:
        """Register a subscriber in the running event loop. Call :meth:`unsubscribe` when the stream ends."""
        sub = Subscription(frozenset(topics), asyncio.get_running_loop())
        with self._lock:
            for topic in sub.topics:
                self._by_topic.setdefault(topic, set()).add(sub)
        if self.uses_notify:
            self._ensure_listener()
        return sub

    def unsubscribe(self, sub: Subscription) -> None:
        with self._lock:
            for topic in sub.topics:
                subs = self._by_topic.get(topic)
                if subs is not None:
                    subs.discard(sub)
                    if not subs:
                        del self._by_topic[topic]

    def subscriber_count(self) -> int:
        with self._lock:
            return len({s for subs in self._by_topic.values() for s in subs})

    # --- delivery ----------------------------------------------------------------------------------------------

    def deliver(self, item: LiveEvent) -> int:
        """Hand ``item`` to every local subscriber of any of its topics (each once); thread-safe."""
        with self._lock:
            targets = {s for topic in item.topics for s in self._by_topic.get(topic, ())}
        for sub in targets:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, item)
            except RuntimeError:  # the subscriber's loop has closed
                self.unsubscribe(sub)
        return len(targets)

    def wait_until_listening(self, timeout: float = 5.0) -> bool:
        """PostgreSQL: block until the LISTEN connection is up (tests and benchmarks); True on SQLite."""
        return True if not self.uses_notify else self._listening.wait(timeout)

    def close(self) -> None:
        self._stopping.set()
        if self._listener is not None:
            self._listener.join(timeout=5)

    def _ensure_listener(self) -> None:
        with self._lock:
            if self._listener is not None and self._listener.is_alive():
                return
            self._listener = threading.Thread(target=self._listen, name="nara-live-listen", daemon=True)
            self._listener.start()

    def _listen(self) -> None:
        """One connection per process LISTENs; reconnects after a failure and then tells everyone to resync."""
        assert self._database is not None
        while not self._stopping.is_set():
            try:
                # A connection of its own, outside the pool: LISTEN needs autocommit for as long as it lives.
                with psycopg.connect(_conninfo(self._database), autocommit=True) as raw:
                    raw.execute(f"LISTEN {CHANNEL}")
                    self._listening.set()
                    while not self._stopping.is_set():
                        for note in raw.notifies(timeout=1.0):
                            try:
                                self.deliver(LiveEvent.from_json(note.payload))
                            except (ValueError, KeyError, TypeError):
                                log.warning("ignored a malformed live announcement")
            except Exception:  # keep listening whatever the database did
                log.exception("live listener lost its connection; reconnecting")
                self._listening.clear()
                self._deliver_everyone(RESYNC)
                self._stopping.wait(1.0)

    def _deliver_everyone(self, item: LiveEvent) -> None:
        with self._lock:
            targets = {s for subs in self._by_topic.values() for s in subs}
        for sub in targets:
            try:
                sub.loop.call_soon_threadsafe(sub.offer, item)
            except RuntimeError:
                self.unsubscribe(sub)


def _conninfo(database: Database) -> str:
    return database.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


# --- announcing from a unit of work ------------------------------------------------------------------------------


def announce(session: Session, broker: Broker | None, topics: Sequence[str], kind: str,
             ref: str | None = None) -> None:
    """Announce a change made in ``session``'s transaction; delivered only if it commits. ``broker`` None (a
    command-line run with nobody listening) is accepted and announces nothing."""
    if broker is None or not topics:
        return
    item = LiveEvent(tuple(dict.fromkeys(topics))[:_MAX_TOPICS], kind, ref)
    if broker.uses_notify:
        # NOTIFY is transactional: delivered to every listening process on commit, dropped on rollback.
        session.execute(text("SELECT pg_notify(:channel, :payload)"),
                        {"channel": CHANNEL, "payload": item.to_json()})
        return
    session.info.setdefault(_PENDING, []).append((broker, item))


@event.listens_for(Session, "after_commit")
def _deliver_committed(session: Session) -> None:
    for broker, item in session.info.pop(_PENDING, None) or ():
        broker.deliver(item)


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session: Session) -> None:
    session.info.pop(_PENDING, None)
