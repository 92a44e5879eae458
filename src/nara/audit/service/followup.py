"""The log as log follow-up and the person's own extract read it (DOMAIN.md §5; nara.review): read-only rows and
tuples, in the caller's transaction. Searches on suspicion build their WHERE with :func:`search_conditions`."""

from nara.audit.store.followup import (
    EMERGENCY_ACTION,
    NARROW_PERIOD,
    OPENING_SLACK,
    distinct_staff_per_person,
    entries_by_id,
    entries_in_window,
    entry,
    extract_entries,
    extract_total,
    first_access,
    newest_entries,
    opening_entry_id,
    period_is_narrow,
    relationship_creations,
    sample_candidates,
    sample_population,
    search_conditions,
    search_ids,
    search_page,
    staff_accesses_to,
)

__all__ = [
    "EMERGENCY_ACTION", "NARROW_PERIOD", "OPENING_SLACK", "distinct_staff_per_person", "entries_by_id",
    "entries_in_window", "entry", "extract_entries", "extract_total", "first_access", "newest_entries",
    "opening_entry_id", "period_is_narrow", "relationship_creations", "sample_candidates", "sample_population",
    "search_conditions", "search_ids", "search_page", "staff_accesses_to",
]
