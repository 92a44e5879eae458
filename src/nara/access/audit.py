"""Transitional, for the lead: other parts import this old path until their own moves are merged; delete it
then (the rules live in nara.audit.model)."""

from nara.audit.model import *  # noqa: F403
