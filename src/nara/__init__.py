"""Nära — an open platform for Swedish nära vård."""

__version__ = "0.1.0"
