"""Server push of "something changed" to open pages and API clients (Server-Sent Events): the broker and
``announce`` in :mod:`nara.live.service`, the streams in :mod:`nara.live.api`."""
