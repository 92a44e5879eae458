"""Transitional, for the lead: other parts import this old path until their own moves are merged; delete it
then (the tables live in nara.access.store)."""

from nara.access.store import *  # noqa: F403
