"""Server push of "something changed" to open pages and API clients (Server-Sent Events)."""

from nara.live.broker import Broker, LiveEvent, announce

__all__ = ["Broker", "LiveEvent", "announce"]
