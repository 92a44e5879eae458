"""Säkra meddelanden: threads between the person and a unit of their care team, and between staff of two units
about one person, attached to a discharge process or a plan (DOMAIN.md §4–5)."""
