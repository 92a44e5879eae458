"""Transitional, for the lead: other parts import this old path until their own moves are merged; delete it
then (the code lives in nara.access.service.grants)."""

from nara.access.service.grants import *  # noqa: F403
