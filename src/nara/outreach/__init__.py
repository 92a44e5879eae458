"""Reaching the person outside the page: e-mail and SMS notices from an outbox written in the same transaction as
the event, per-person preferences, and calendar files (.ics) of agreed times. Public face: :mod:`.service`."""
