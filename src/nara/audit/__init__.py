"""The hash-chained audit log of every read and write of person data, and its signed checkpoints (DOMAIN.md §5)."""
