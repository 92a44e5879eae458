"""Transitional, for the lead: other parts import this old path until their own moves are merged; delete it
then (Period lives in nara.core.clock)."""

from nara.core.clock import Period  # noqa: F401
