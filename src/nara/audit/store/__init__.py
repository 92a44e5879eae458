"""The audit log's own storage: the entries and the chain head (entries), the checkpoint file and the signing
key outside the database (checkpoints)."""

from nara.audit.store import followup  # noqa: F401  (its indexes on the log belong to the table's metadata)
from nara.audit.store.checkpoints import (
    CHECKPOINT_FILE,
    DEFAULT_KEY_FILE,
    CheckpointSetupError,
    append,
    checkpoint_path,
    create_key_file,
    load_private_key,
    load_public_key,
    public_key_path,
    read_last_line,
    read_lines,
    signing_key,
    signing_key_path,
)
from nara.audit.store.entries import (
    AuditEntryRow,
    AuditHeadRow,
    append_entry,
    append_entry_now,
    entry_at,
    entry_hash_at,
    first_entry_after,
    last_entry_seq,
    read_head,
    stream_entries,
)

__all__ = [
    "CHECKPOINT_FILE",
    "DEFAULT_KEY_FILE",
    "AuditEntryRow",
    "AuditHeadRow",
    "CheckpointSetupError",
    "append",
    "append_entry",
    "append_entry_now",
    "checkpoint_path",
    "create_key_file",
    "entry_at",
    "entry_hash_at",
    "first_entry_after",
    "last_entry_seq",
    "load_private_key",
    "load_public_key",
    "public_key_path",
    "read_head",
    "read_last_line",
    "read_lines",
    "signing_key",
    "signing_key_path",
    "stream_entries",
]
