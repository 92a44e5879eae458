"""The audit log's use cases (DOMAIN.md §5), its public face: record an access in the caller's transaction,
verify the chain (log), write and check signed checkpoints (checkpoints), and the log as log follow-up
reads it (followup)."""

from nara.audit.service import followup  # the log as log follow-up reads it
from nara.audit.service.checkpoints import (
    AnchoredReport,
    Checkpointer,
    CheckpointRefused,
    Written,
    install_checkpointer,
    verify_with_checkpoints,
    write_checkpoint,
    write_checkpoint_for,
)
from nara.audit.service.log import (
    PARALLEL_FROM,
    ProgressCallback,
    record,
    record_now,
    snapshot,
    verify_chain,
    verify_range,
)
from nara.audit.store.checkpoints import (  # where the checkpoint file and the keys live, for the command line
    CheckpointSetupError,
    checkpoint_path,
    create_key_file,
    load_public_key,
    public_key_path,
    signing_key_path,
)

__all__ = [
    "PARALLEL_FROM",
    "AnchoredReport",
    "CheckpointRefused",
    "CheckpointSetupError",
    "Checkpointer",
    "ProgressCallback",
    "Written",
    "checkpoint_path",
    "create_key_file",
    "followup",
    "install_checkpointer",
    "load_public_key",
    "public_key_path",
    "record",
    "record_now",
    "signing_key_path",
    "snapshot",
    "verify_chain",
    "verify_range",
    "verify_with_checkpoints",
    "write_checkpoint",
    "write_checkpoint_for",
]
