"""The audit log's rules (DOMAIN.md §5): actions, outcomes, events and the hash chain. (Transitional face: the
chain's code moves here from the access part.)"""

from nara.access.audit import AuditAction, AuditEvent, Outcome

__all__ = ["AuditAction", "AuditEvent", "Outcome"]
