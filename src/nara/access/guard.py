"""Transitional, for the lead: other parts import this old path until their own moves are merged; delete it
then (the code lives in nara.access.service.guard)."""

from nara.access.service.guard import *  # noqa: F403
