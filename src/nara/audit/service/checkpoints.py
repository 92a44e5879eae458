"""The audit log anchored outside the database (DOMAIN §5): write a signed checkpoint of the chain head, verify
the log against the checkpoints, and a running server's background writer. The rules are in
nara.audit.model.checkpoint, the file and the key in nara.audit.store.checkpoints."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from nara.audit.model import (
    ChainHead,
    Checkpoint,
    Finding,
    LogState,
    UnreadableLine,
    VerifyReport,
    chain_finding,
    check_file,
    check_last_line,
    entry_is_intact,
    judge,
    judge_from_checkpoint,
    parse_line,
    sign_checkpoint,
    when_written,
)
from nara.audit.service import log as service
from nara.audit.store import CheckpointSetupError
from nara.audit.store import checkpoints as checkpoint_store
from nara.audit.store import entries as store
from nara.core.clock import Clock
from nara.core.db import Database
from nara.core.errors import NaraError
from nara.core.i18n import t
from nara.core.periodic import Periodic
from nara.core.settings import Settings

log = logging.getLogger("nara.audit")


@dataclass(frozen=True, slots=True)
class AnchoredReport:
    """The log checked against its signed checkpoints: the chain's own verdict, what the comparison found,
    and which checkpoint it was held against."""

    chain: VerifyReport
    finding: Finding | None
    checkpoints: int  # how many checkpoints were read
    newest: Checkpoint | None
    from_checkpoint: bool = False  # only the entries from the newest checkpoint on were verified

    @classmethod
    def chain_only(cls, chain: VerifyReport) -> AnchoredReport:
        """No checkpoints (yet): the chain's own verdict, its end not vouched for."""
        return cls(chain, chain_finding(chain), 0, None)

    @property
    def ok(self) -> bool:
        return self.finding is None and self.chain.ok

    @property
    def attack(self) -> str | None:
        if self.finding is not None:
            return self.finding.attack.value
        return None

    def message(self) -> str:
        if self.finding is not None:
            return self.finding.message
        if not self.chain.ok:
            return self.chain.message()
        newest = self.newest
        if newest is None:
            return t("audit.checkpoint.none", chain=self.chain.message())
        if self.from_checkpoint:
            head_seq = self.chain.head.last_seq if self.chain.head else newest.seq
            return t("audit.checkpoint.verified_from", number=newest.number, at=when_written(newest), seq=newest.seq,
                     checked=f"{max(0, self.chain.checked):,}".replace(",", " "), head_seq=head_seq)
        return t("audit.checkpoint.verified", chain=self.chain.message(), count=self.checkpoints,
                 number=newest.number, at=when_written(newest), seq=newest.seq)

    def to_dict(self) -> dict[str, Any]:
        """For programs: the chain report's fields, and ``attack`` (None when all holds), ``finding`` and the
        newest checkpoint held against."""
        data = self.chain.to_dict()
        data.update(
            ok=self.ok, attack=self.attack, message=self.message(),
            mode="from_checkpoint" if self.from_checkpoint else "full",
            finding=None if self.finding is None else self.finding.to_dict(),
            checkpoints=self.checkpoints,
            checkpoint=None if self.newest is None else self.newest.to_dict(),
        )
        return data


def verify_with_checkpoints(db: Database, public_key: Ed25519PublicKey, path: Path, *, from_checkpoint: bool = False,
                            on_progress: service.ProgressCallback | None = None, workers: int | None = None,
                            batch_size: int = 20_000) -> AnchoredReport:
    """`nara audit verify`: the whole chain, then the log against every signed checkpoint (the file's lines
    checked too). With ``from_checkpoint`` only the newest checkpoint is read, the entry at its sequence
    number must have the signed hash, and the chain is verified from there on — quick however long the log.
    Without any checkpoint both check the whole chain and say that its end cannot be vouched for."""
    if from_checkpoint:
        last_line = checkpoint_store.read_last_line(path)
        if last_line is not None:
            return _verify_from(db, public_key, last_line, on_progress, batch_size)
    file = check_file(checkpoint_store.read_lines(path), public_key)
    chain = service.verify_chain(db, on_progress, workers=workers, batch_size=batch_size)
    if file.problem is not None:
        return AnchoredReport(chain, file.problem, 0, file.problem.checkpoint)
    if not file.checkpoints:
        return AnchoredReport.chain_only(chain)
    with service.snapshot(db) as conn:
        state = LogState(chain.head, store.last_entry_seq(conn), chain)
        finding = judge(state, file.checkpoints, lambda seq: store.entry_hash_at(conn, seq))
    return AnchoredReport(chain, finding, len(file.checkpoints), file.checkpoints[-1])


def _verify_from(db: Database, public_key: Ed25519PublicKey, last_line: str,
                 on_progress: service.ProgressCallback | None, batch_size: int) -> AnchoredReport:
    file = check_last_line(last_line, public_key)
    if file.problem is not None:
        return AnchoredReport(VerifyReport(0, None), file.problem, 0, file.problem.checkpoint, from_checkpoint=True)
    newest = file.checkpoints[0]
    with service.snapshot(db) as conn:
        head = store.read_head(conn)
        last_seq = store.last_entry_seq(conn)
        anchor = store.entry_at(conn, newest.seq)
        chain = VerifyReport(0, head)
        if anchor is not None and anchor[2] == newest.entry_hash and head is not None and head.last_seq >= newest.seq:
            chain = service.verify_range(conn, head, newest.seq, None, batch_size, on_progress)
    anchor_hash = None if anchor is None else anchor[2]
    intact = anchor is not None and entry_is_intact(anchor)
    finding = judge_from_checkpoint(LogState(head, last_seq, chain), newest, anchor_hash, intact)
    return AnchoredReport(chain, finding, 1, newest, from_checkpoint=True)


# --- writing ---------------------------------------------------------------------------------------------


class CheckpointRefused(NaraError):
    """The log does not verify, so its head is not signed: a checkpoint must never vouch for a tampered log."""

    status = 409
    code = "audit-checkpoint-refused"


@dataclass(frozen=True, slots=True)
class Written:
    """What `nara audit checkpoint` did: ``checkpoint`` is the new one, or None with the newest already there
    (``previous``) when nothing new was logged since, or with both None for an empty log."""

    checkpoint: Checkpoint | None
    previous: Checkpoint | None
    path: Path

    def message(self) -> str:
        if self.checkpoint is not None:
            return t("audit.checkpoint.written", number=self.checkpoint.number, seq=self.checkpoint.seq,
                     hash=self.checkpoint.entry_hash, path=self.path)
        if self.previous is not None:
            return t("audit.checkpoint.nothing_new", number=self.previous.number, seq=self.previous.seq)
        return t("audit.checkpoint.empty_log")

    def to_dict(self) -> dict[str, Any]:
        return {"written": self.checkpoint is not None, "message": self.message(), "path": str(self.path),
                "checkpoint": None if self.checkpoint is None else self.checkpoint.to_dict(),
                "previous": None if self.previous is None else self.previous.to_dict()}


def write_checkpoint(db: Database, private_key: Ed25519PrivateKey, path: Path, clock: Clock) -> Written:
    """Sign the chain head as a new checkpoint, if the log grew since the newest one. The log is verified
    first, from the newest checkpoint on (the whole chain for the first one), and nothing is signed unless
    it holds (raises :class:`CheckpointRefused` naming what is wrong)."""
    report = verify_with_checkpoints(db, private_key.public_key(), path, from_checkpoint=True)
    if not report.ok:
        raise CheckpointRefused("audit.checkpoint.refused", reason=report.message())
    head: ChainHead | None = report.chain.head
    previous: list[Checkpoint | None] = [report.newest]
    if head is None or head.last_seq < 1:
        return Written(None, previous[0], path)

    def make(last_line: str | None) -> Checkpoint | None:
        if last_line is not None:
            try:
                previous[0] = parse_line(last_line)
            except UnreadableLine as exc:
                raise CheckpointSetupError("audit.checkpoint.file_unusable", path=path) from exc
            if previous[0].seq >= head.last_seq:
                return None  # nothing new since (another writer may have signed it meanwhile)
        return sign_checkpoint(private_key, head, clock.now(), last_line)

    written = checkpoint_store.append(path, make)
    return Written(written, previous[0], path)


def write_checkpoint_for(db: Database, settings: Settings, clock: Clock) -> Written:
    """:func:`write_checkpoint` with the key and file the settings name; outside production a missing key is
    made (the demo)."""
    key = checkpoint_store.signing_key(settings, create_in_development=True)
    return write_checkpoint(db, key, checkpoint_store.checkpoint_path(settings), clock)


# --- the server's background writer ------------------------------------------------------------------------


class Checkpointer(Periodic):
    """Writes a checkpoint every ``minutes`` while the server runs, when the log has grown. Several server
    processes may each run one: the file's lock orders them and a writer that finds the head already signed
    writes nothing."""

    name = "nara-audit-checkpoints"

    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        super().__init__(settings.audit_checkpoint_minutes * 60)
        self.db, self.settings, self.clock = db, settings, clock

    def tick(self) -> Written | None:
        return self.write_once()

    def write_once(self) -> Written | None:
        try:
            written = write_checkpoint_for(self.db, self.settings, self.clock)
        except NaraError as exc:  # refused or not set up: said loudly in the server log, tried again next time
            log.error("audit checkpoint not written: %s", exc.message)
            return None
        except Exception:
            log.exception("audit checkpoint not written")
            return None
        if written.checkpoint is not None:
            log.info("audit checkpoint %s written: seq %s", written.checkpoint.number, written.checkpoint.seq)
        return written


def install_checkpointer(app: Any, db: Database, settings: Settings, clock: Clock) -> Checkpointer:
    """Wire the background writer into the application's start and stop. Production refuses to start without
    a signing key (DOMAIN §5), naming the command that makes one."""
    if settings.environment == "production":
        checkpoint_store.signing_key(settings, create_in_development=False)
    checkpointer = Checkpointer(db, settings, clock)
    app.router.on_startup.append(checkpointer.start)
    app.router.on_shutdown.append(checkpointer.stop)
    return checkpointer
