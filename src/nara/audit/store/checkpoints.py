"""Where the audit log's signed checkpoints live: an append-only file of JSON lines outside the database, and the
Ed25519 key that signs them (nara.audit.model.checkpoint holds the rules). DOMAIN §5.

The file is only ever appended to, one whole line at a time under an exclusive lock (``flock``), so a server's
background writer and a `nara audit checkpoint` from cron never interleave or fork the chain of lines. On Linux,
``chattr +a`` on the file lets even its owner only append to it.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
    load_pem_public_key,
)

from nara.audit.model import Checkpoint
from nara.core.errors import NaraError
from nara.core.settings import Settings

CHECKPOINT_FILE = "audit-checkpoints.jsonl"
DEFAULT_KEY_FILE = "audit-signing-key.pem"


class CheckpointSetupError(NaraError):
    """The key or the checkpoint file cannot be used; the message says what to do."""

    status = 503
    code = "audit-checkpoint-setup"


# --- where -----------------------------------------------------------------------------------------------


def checkpoint_path(settings: Settings) -> Path:
    directory = settings.audit_checkpoint_dir or settings.data_dir / "audit-checkpoints"
    return directory / CHECKPOINT_FILE


def signing_key_path(settings: Settings) -> Path:
    """NARA_AUDIT_SIGNING_KEY; outside production, a key in the data directory by default."""
    if settings.audit_signing_key is not None:
        return settings.audit_signing_key
    return settings.data_dir / DEFAULT_KEY_FILE


def public_key_path(private_key_path: Path) -> Path:
    return private_key_path.with_name(private_key_path.name + ".pub")


# --- the key ---------------------------------------------------------------------------------------------


def create_key_file(path: Path) -> Ed25519PrivateKey:
    """A new Ed25519 key in ``path`` (PKCS#8 PEM, readable only by its owner) and its public key beside it
    (``<path>.pub``, for whoever only verifies). Never overwrites a key: checkpoints signed with it would no
    longer verify."""
    key = Ed25519PrivateKey.generate()
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CheckpointSetupError("audit.key.exists", path=path) from exc
    with os.fdopen(fd, "wb") as out:
        out.write(key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
        out.flush()
        os.fsync(out.fileno())
    public_key_path(path).write_bytes(key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return key


def _key_file(path: Path) -> bytes:
    """A key file's bytes; a missing or unreadable file is a setup error that names it."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise CheckpointSetupError("audit.key.missing", path=path) from exc
    except OSError as exc:
        raise CheckpointSetupError("audit.key.unreadable", path=path) from exc


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _key_file(path)
    try:
        key = load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise CheckpointSetupError("audit.key.unreadable", path=path) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise CheckpointSetupError("audit.key.unreadable", path=path)
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """The public key from a public key file, or derived from a private key file."""
    data = _key_file(path)
    if b"PRIVATE KEY" in data:
        return load_private_key(path).public_key()
    try:
        key = load_pem_public_key(data)
    except (ValueError, TypeError) as exc:
        raise CheckpointSetupError("audit.key.unreadable", path=path) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise CheckpointSetupError("audit.key.unreadable", path=path)
    return key


def signing_key(settings: Settings, *, create_in_development: bool) -> Ed25519PrivateKey:
    """The key that signs checkpoints. Outside production a missing key is created when asked (the demo);
    production never makes one up: it names the command that does (DOMAIN §5: a key the database does not
    hold, kept by whoever runs the platform)."""
    path = signing_key_path(settings)
    if settings.environment == "production" and settings.audit_signing_key is None:
        raise CheckpointSetupError("audit.key.missing_production")
    if create_in_development and settings.environment != "production" and not path.exists():
        try:
            return create_key_file(path)
        except CheckpointSetupError:  # another process made it meanwhile
            pass
    return load_private_key(path)


# --- the file --------------------------------------------------------------------------------------------


def read_lines(path: Path) -> list[str]:
    """All lines of the checkpoint file (none if it does not exist)."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise CheckpointSetupError("audit.checkpoint.file_unusable", path=path) from exc
    return text.splitlines()


def read_last_line(path: Path) -> str | None:
    """The file's last line, read from its end: the quick check needs only the newest checkpoint."""
    try:
        with path.open("rb") as f:
            return _last_line(f)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise CheckpointSetupError("audit.checkpoint.file_unusable", path=path) from exc


def _last_line(f: IO[bytes]) -> str | None:
    end = f.seek(0, os.SEEK_END)
    block, data = 4096, b""
    position = end
    while position > 0:
        step = min(block, position)
        position -= step
        f.seek(position)
        data = f.read(step) + data
        stripped = data.rstrip(b"\r\n")
        if b"\n" in stripped or position == 0:
            last = stripped.rsplit(b"\n", 1)[-1]
            return last.decode("ascii", errors="replace") or None
    return None


@contextmanager
def _locked(path: Path) -> Iterator[IO[bytes]]:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        f = path.open("a+b")
    except OSError as exc:
        raise CheckpointSetupError("audit.checkpoint.file_unusable", path=path) from exc
    with f:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
        try:
            yield f
        finally:
            fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def append(path: Path, make: Callable[[str | None], Checkpoint | None]) -> Checkpoint | None:
    """Under the file's lock: ``make(last_line)`` builds the next checkpoint from the file's last line as it is
    now (or returns None to write nothing), and it is appended as one line and flushed to disk."""
    with _locked(path) as f:
        last = _last_line(f)
        checkpoint = make(last)
        if checkpoint is None:
            return None
        f.seek(0, os.SEEK_END)
        if f.tell() > 0:
            f.seek(-1, os.SEEK_END)
            if f.read(1) != b"\n":  # a line cut short by a crash is left as it is, and shows at verify
                f.write(b"\n")
        f.write(checkpoint.line().encode("ascii") + b"\n")
        f.flush()
        os.fsync(f.fileno())
    return checkpoint
