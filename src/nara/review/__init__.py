"""Logguppföljning: samples, suspicion searches, cases and verdicts over the audit log (DOMAIN.md §7)."""
