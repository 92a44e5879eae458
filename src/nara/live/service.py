"""Server push, as other parts use it: the broker that carries change events to open pages (transitional face:
the broker moves here)."""

from nara.live.broker import Broker, LiveEvent, announce

__all__ = ["Broker", "LiveEvent", "announce"]
