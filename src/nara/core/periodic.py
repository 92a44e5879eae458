"""Work a running server does every so often in the background (audit checkpoints, sending the outbox): one daemon
thread per task, woken every ``interval`` seconds until stopped. A tick that fails is the task's to log; the thread
goes on and tries again at the next tick."""

from __future__ import annotations

import threading


class Periodic:
    """Calls :meth:`tick` every ``interval`` seconds in a daemon thread named ``name``, from :meth:`start` until
    :meth:`stop`; an interval of 0 or less never starts. Subclasses give ``tick`` and may narrow ``start``."""

    name = "nara-periodic"

    def __init__(self, interval: float) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def tick(self) -> object:
        raise NotImplementedError

    def start(self) -> None:
        if self._thread is None and self.interval > 0:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.tick()
