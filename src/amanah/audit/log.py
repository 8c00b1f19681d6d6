"""The persistent audit log: an RFC 9162 Merkle log in the database, signed checkpoints,
proofs, and a verifier that trusts nothing it stores.

Appending
    Each ``append``/``append_many`` is one database transaction that first takes
    the log's write lock, then reads the one-row tree head (the serialized
    ``CompactRange``), hashes the new entries onto it, and writes the entry bundles
    and hash tiles they fill (``amanah.audit.tiles``: about a dozen rows for 1,000
    entries), any due checkpoints and the new head. The query index is not written
    here: it is a derived cache that ``catch_up_index`` brings up to date before
    every query (``amanah.audit.index``).
    The lock is what keeps concurrent writers (threads, server workers,
    processes) from forking the tree:

    - PostgreSQL: ``SELECT ... FOR UPDATE`` on the tree-head row.
    - SQLite: ``BEGIN IMMEDIATE`` (the database write lock, waited for with the
      busy timeout), and ``PRAGMA synchronous=FULL`` for that transaction so the
      WAL is fsynced at commit: an append that returned is on disk, even across
      a power cut (not only a process crash).

    A writer that bypassed the lock would find the partial bundle or tile not
    ending where its tree head says, and fail rather than fork.

Checkpoints
    A C2SP tlog-checkpoint, signed with the keyring's Ed25519 audit key under the
    key name ``origin``, is made inside the append transaction at every multiple
    of ``checkpoint_every`` entries, and at the end of an append batch once
    ``checkpoint_seconds`` have passed since the last one. Appends cannot cover a
    log that went quiet: a scheduler calls ``checkpoint_due(system)`` (that is,
    ``maybe_checkpoint()``) every few seconds, which signs the unsigned tail once
    it is ``checkpoint_seconds`` old or ``checkpoint_every`` entries long, and
    otherwise costs one read of the tree head. If the keyring cannot sign (sealed),
    the append still succeeds and the checkpoint is made by the first call after
    unsealing. The clock is injectable (``clock=``) for tests.

Speed
    An append batch is encoded in one pass, hashed and folded into the tree in
    another, then written as bundles and tiles (one ``executemany`` each). Proofs
    read their O(log n) tiles in one query on the raw DBAPI cursor.

Verification
    ``verify`` recomputes every leaf hash from the stored entry bytes, the whole
    tree from those, and checks every stored checkpoint's signature and root,
    every stored tile hash, the tree head, the query index as far as it has caught
    up and, if given, a checkpoint the caller kept from earlier. See
    ``TrailChecker`` for what each finding means.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.audit import tiles
from amanah.audit.checkpoint import (
    Checkpoint,
    key_id,
    parse_checkpoint,
    sign_checkpoint,
    verifier_key,
    verify_signed_checkpoint,
)
from amanah.audit.entry import AuditEntry, entry_seq
from amanah.audit.errors import (
    AuditError,
    CheckpointError,
    CheckpointSignatureError,
    ProofRangeError,
)
from amanah.audit.head import HeadStatements, TreeHead
from amanah.audit.index import IndexCheck, data_rows
from amanah.audit.merkle import (
    EMPTY_ROOT,
    CompactRange,
    MemoryTree,
    consistency_ranges,
    hash_ranges,
    inclusion_ranges,
    leaf_hash,
    root,
    verify_consistency,
)
from amanah.audit.models import AuditCheckpoint, AuditTreeHead
from amanah.crypto.errors import CryptoError
from amanah.crypto.keyring import Keyring

__all__ = [
    "AuditLog",
    "ConsistencyProof",
    "EntryNotFound",
    "InclusionProof",
    "LoggedEntry",
    "Problem",
    "TrailChecker",
    "VerifyReport",
    "checkpoint_due",
    "log_for_system",
]

log = logging.getLogger(__name__)

_CHECKPOINTS = AuditCheckpoint.__table__
_HEAD = AuditTreeHead.__table__
_HEAD_ID = 1
MAX_PROBLEMS = 100


def _utcnow() -> datetime:
    return datetime.now(UTC)


class EntryNotFound(AuditError):
    code, status, title, exit_code = "not-found", 404, "Audit entry not found", 3


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoggedEntry:
    seq: int
    data: bytes
    leaf_hash: bytes

    @property
    def entry(self) -> AuditEntry:
        return AuditEntry.from_bytes(self.data)[1]


@dataclass(frozen=True, slots=True)
class InclusionProof:
    seq: int
    size: int
    leaf_hash: bytes
    hashes: list[bytes]
    root: bytes
    checkpoint: str | None  # the signed note at ``size``, when there is one


@dataclass(frozen=True, slots=True)
class ConsistencyProof:
    old_size: int
    new_size: int
    old_root: bytes
    new_root: bytes
    hashes: list[bytes]


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding. ``kind`` is stable (tests and tools match on it); ``seq`` is set
    when the finding points at one entry."""

    kind: str
    message: str
    seq: int | None = None


@dataclass
class VerifyReport:
    ok: bool = True
    entries: int = 0
    tree_size: int = 0  # what the tree head (or export header) claims
    checkpoints: int = 0
    latest_checkpoint: int | None = None  # size of the newest valid checkpoint
    trusted_size: int | None = None
    consistent_with_trusted: bool | None = None
    root: bytes = EMPTY_ROOT
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    suppressed: int = 0

    @property
    def reason(self) -> str:
        """One line: the first (most precise) problem, or "ok"."""
        if not self.problems:
            return "ok"
        more = len(self.problems) - 1 + self.suppressed
        return self.problems[0].message + (f" (and {more} more problems)" if more else "")

    @property
    def entries_per_second(self) -> float:
        return self.entries / self.seconds if self.seconds else 0.0

    def kinds(self) -> set[str]:
        return {p.kind for p in self.problems}

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "reason": self.reason,
            "entries": self.entries,
            "tree_size": self.tree_size,
            "checkpoints": self.checkpoints,
            "latest_checkpoint": self.latest_checkpoint,
            "trusted_size": self.trusted_size,
            "consistent_with_trusted": self.consistent_with_trusted,
            "root": self.root.hex(),
            "seconds": round(self.seconds, 3),
            "problems": [
                {"kind": p.kind, "message": p.message, "seq": p.seq} for p in self.problems
            ],
            "suppressed": self.suppressed,
            "warnings": self.warnings,
        }


# --- the verifier core, shared by the database and the offline export -----------------------


class TrailChecker:
    """Recomputes a log from its entries, in order, and checks what claims to describe it.

    Findings (``Problem.kind``):

    - ``gap``: seq numbers missing: entries deleted in the middle (or at the end,
      when the tree head / export header says there were more). Entries cut out
      of a bundle shift the rest of it down a place: each then claims a seq
      larger than its position by the number deleted, which is reported as the gap.
    - ``duplicate``: a seq appears twice or out of order.
    - ``moved`` / ``swapped``: an entry sits at another position than the seq
      hashed into its own bytes (two rows exchanged, rows renumbered).
    - ``changed``: an entry's bytes no longer hash to the leaf hash stored at
      append time (its content was edited).
    - ``node-mismatch`` / ``node-missing``: stored subtree hashes disagree with
      the recomputed tree (content and leaf hash both rewritten), pointing at the
      smallest leaf range involved.
    - ``checkpoint-mismatch``: a validly signed checkpoint's root is not the root
      of the recomputed tree at its size; the message bounds the altered range
      by the last checkpoint that still matches.
    - ``truncated``: a signed checkpoint (stored or trusted) covers more entries
      than the log has: newest entries deleted.
    - ``bad-signature``: a checkpoint is not validly signed by the log's key
      (forged, altered, or signed by another key); ``bad-checkpoint``: malformed.
    - ``inconsistent``: the trusted checkpoint's tree is not a prefix of this one.
    - ``head-mismatch``: the stored tree head does not match the recomputed tree.
    - ``index-mismatch``: the query index (``amanah.audit.index``) differs from the
      one recomputed from the entries: queries may have missed entries (the
      database verify only; an export has no index).
    """

    def __init__(self, origin: str, public_key: bytes) -> None:
        self.origin = origin
        self.public_key = public_key
        self.report = VerifyReport()
        self.tree = MemoryTree()
        self._expect = 0
        self._moved: dict[int, int] = {}
        self._gaps: set[int] = set()  # where reported gaps start
        self.latest: Checkpoint | None = None  # newest checkpoint that verified and matched
        self._started = time.perf_counter()

    def problem(self, kind: str, message: str, seq: int | None = None) -> None:
        self.report.ok = False
        if len(self.report.problems) >= MAX_PROBLEMS:
            self.report.suppressed += 1
            return
        self.report.problems.append(Problem(kind, message, seq))

    # entries ------------------------------------------------------------------------------

    def add_entries(self, rows: Iterable[tuple[int, bytes, bytes | None]]) -> None:
        """Feed ``(seq, data, stored_leaf_hash or None)`` in seq order."""
        tree_append = self.tree.append_hash
        expect = self._expect
        moved = self._moved
        for seq, data, stored in rows:
            if seq != expect:
                if seq > expect:
                    self._gap(expect, seq)
                else:
                    self.problem("duplicate", f"entry seq {seq} appears again or out of order", seq)
                    continue
            expect = seq + 1
            h = leaf_hash(data)
            claimed = entry_seq(data)
            if claimed != seq:  # reported in ``finish_entries`` (moved, swapped, deleted)
                moved[seq] = -1 if claimed is None else claimed
            elif stored is not None and stored != h:
                self.problem(
                    "changed",
                    f"entry {seq} changed: its content no longer matches the leaf hash "
                    "recorded when it was appended",
                    seq,
                )
            tree_append(h)
        self._expect = expect

    def _gap(self, start: int, end: int) -> None:
        what = f"entry {start} is" if end - start == 1 else f"entries {start}..{end - 1} are"
        self._gaps.add(start)
        self.problem("gap", f"{what} missing (deleted from the middle of the log)", start)

    def _cut_out(self, seq: int, done: set[int]) -> bool:
        """Entries cut out of a bundle: from ``seq`` on every entry claims ``d`` more than
        its position, up to the end of the bundle or log. Reports the gap; True if so."""
        moved, d = self._moved, self._moved[seq] - seq
        if d <= 0:
            return False
        end = seq
        while moved.get(end + 1) == end + 1 + d:
            end += 1
        if end + 1 != self._expect and end + 1 not in self._gaps:
            return False  # the entry after the run claims its own place: not a deletion
        what = f"entry {seq} is" if d == 1 else f"entries {seq}..{seq + d - 1} are"
        self.problem(
            "gap",
            f"{what} missing (deleted from the middle of the log; the {end - seq + 1} "
            "entries after moved down)",
            seq,
        )
        done.update(range(seq, end + 1))
        return True

    def finish_entries(self, claimed_size: int | None) -> None:
        """Close the entry pass: report moved/swapped entries and a short tail."""
        report = self.report
        report.entries = self.tree.size
        done: set[int] = set()
        for seq, claimed in sorted(self._moved.items()):
            if seq in done or self._cut_out(seq, done):
                continue
            if claimed >= 0 and self._moved.get(claimed) == seq:
                a, b = sorted((seq, claimed))
                self.problem("swapped", f"entries {a} and {b} were swapped", a)
                done.update((a, b))
            elif claimed < 0:
                self.problem("changed", f"entry {seq} changed: it is not a valid entry", seq)
            else:
                self.problem(
                    "moved",
                    f"entry at position {seq} is entry {claimed} (moved or renumbered)",
                    seq,
                )
        if claimed_size is not None:
            report.tree_size = claimed_size
            if self._expect < claimed_size:
                start = self._expect
                self.problem(
                    "gap",
                    f"entries {start}..{claimed_size - 1} are missing: the log records "
                    f"{claimed_size} entries but they end at {start} (newest entries deleted)",
                    start,
                )
            elif self._expect > claimed_size:
                self.problem(
                    "head-mismatch",
                    f"{self._expect - claimed_size} entries beyond the recorded tree size "
                    f"{claimed_size}",
                )
        report.root = self.tree.root()

    # checkpoints ----------------------------------------------------------------------------

    def check_checkpoints(self, notes: Iterable[tuple[int | None, bytes | None, str]]) -> None:
        """Check ``(stored size, stored root, signed note)`` triples, in size order."""
        size = self.tree.size
        good: int | None = None
        first_bad_reported = False
        for stored_size, stored_root, note in notes:
            label = f"checkpoint at size {stored_size}" if stored_size is not None else "checkpoint"
            cp = self._open(note, label)
            if cp is None:
                continue
            self.report.checkpoints += 1
            if (stored_size is not None and stored_size != cp.size) or (
                stored_root is not None and stored_root != cp.root_hash
            ):
                self.problem(
                    "bad-checkpoint", f"{label}: stored size or root differs from its signed note"
                )
            if cp.size > size:
                self.problem(
                    "truncated",
                    f"signed checkpoint of size {cp.size} but the log has only {size} entries "
                    f"(entries {size}..{cp.size - 1} deleted)",
                    size,
                )
                continue
            if self.tree.root(cp.size) != cp.root_hash:
                if not first_bad_reported:
                    since = good or 0
                    self.problem(
                        "checkpoint-mismatch",
                        f"the log no longer matches its signed checkpoint of size {cp.size}: "
                        f"entries in {since}..{cp.size - 1} were altered",
                        since,
                    )
                    first_bad_reported = True
                else:
                    self.problem(
                        "checkpoint-mismatch",
                        f"the log no longer matches its signed checkpoint of size {cp.size}",
                    )
                continue
            if not first_bad_reported:
                good = cp.size
            latest = self.report.latest_checkpoint
            if latest is None or cp.size > latest:
                self.report.latest_checkpoint = cp.size
                self.latest = cp

    def _open(self, note: str, label: str) -> Checkpoint | None:
        try:
            return verify_signed_checkpoint(note, self.origin, self.public_key, origin=self.origin)
        except CheckpointError as exc:
            if isinstance(exc, CheckpointSignatureError):
                self.problem(
                    "bad-signature",
                    f"{label}: signature does not verify (forged or altered): {exc.detail}",
                )
            else:
                self.problem("bad-checkpoint", f"{label} is malformed: {exc.detail}")
            return None

    def check_trusted(self, note: str) -> None:
        """Prove the log only grew since ``note``, a checkpoint the caller kept earlier:
        a consistency proof from it to the newest valid checkpoint, recomputed from the
        entries. Call after ``check_checkpoints``."""
        cp = self._open(note, "trusted checkpoint")
        if cp is None:
            return
        report = self.report
        report.trusted_size = cp.size
        size = self.tree.size
        if cp.size > size:
            self.problem(
                "truncated",
                f"the log shrank: the trusted checkpoint has {cp.size} entries, the log only "
                f"{size} (entries {size}..{cp.size - 1} deleted)",
                size,
            )
            report.consistent_with_trusted = False
            return
        if self.tree.root(cp.size) != cp.root_hash:
            self.problem(
                "inconsistent",
                f"the log's first {cp.size} entries differ from the trusted checkpoint "
                "(history rewritten)",
            )
            report.consistent_with_trusted = False
            return
        latest = self.latest
        if latest is None or cp.size == 0:
            report.consistent_with_trusted = True
            return
        if latest.size < cp.size:
            self.problem(
                "truncated",
                f"the latest signed checkpoint (size {latest.size}) is older than the trusted "
                f"one (size {cp.size}): newest entries and checkpoints deleted",
                latest.size,
            )
            report.consistent_with_trusted = False
            return
        # ``latest`` matched the recomputed tree, so latest.size <= size
        proof = self.tree.consistency_proof(cp.size, latest.size)
        ok = verify_consistency(cp.size, latest.size, cp.root_hash, latest.root_hash, proof)
        report.consistent_with_trusted = ok
        if not ok:
            self.problem(
                "inconsistent",
                f"no valid consistency proof from the trusted size {cp.size} to {latest.size}",
            )

    def check_nodes(self, rows: Iterable[tuple[int, int, bytes]], stride: int = 1) -> None:
        """Compare stored ``(level, idx, hash)`` with the recomputed tree; every
        ``stride``-th level is expected to be stored."""
        size = self.tree.size
        counts: dict[int, int] = {}
        reported = 0
        for level, idx, h in rows:
            counts[level] = counts.get(level, 0) + 1
            lo, hi = idx << level, (idx + 1) << level
            if hi > size:
                if reported < 10:
                    self.problem(
                        "node-mismatch",
                        f"stored subtree hash for entries {lo}..{hi - 1}, beyond the log's "
                        f"{size} entries (newest entries deleted)",
                        lo,
                    )
                reported += 1
                continue
            if self.tree.node(level, idx) != h:
                if reported < 10:
                    self.problem(
                        "node-mismatch",
                        f"entries {lo}..{hi - 1} were rewritten: their stored subtree hash "
                        "differs from the recomputed one",
                        lo,
                    )
                reported += 1
        if reported > 10:
            self.report.suppressed += reported - 10
        for level in range(stride, size.bit_length(), stride):
            want = size >> level
            have = counts.get(level, 0)
            if have < want:
                self.problem(
                    "node-missing", f"{want - have} stored subtree hashes missing at level {level}"
                )

    def close(self) -> VerifyReport:
        self.report.seconds = time.perf_counter() - self._started
        return self.report


# --- the log -------------------------------------------------------------------------------


_rows = tiles.raw_rows
_Nodes = tiles.TileNodes


class AuditLog:
    """The audit trail in the database. Thread-safe; share one per process."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        keyring: Keyring,
        origin: str,
        checkpoint_every: int = 1000,
        checkpoint_seconds: float = 60,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        key_id(origin, bytes(32))  # the origin is also the key name: validate it now
        if checkpoint_every < 1:
            raise ValueError("checkpoint_every must be at least 1")
        self.factory = factory
        self.keyring = keyring
        self.origin = origin
        self.checkpoint_every = checkpoint_every
        self.checkpoint_seconds = checkpoint_seconds
        self.clock = clock  # aware UTC datetimes; tests pass a fake one
        self._postponed = False  # the last scheduled checkpoint could not be signed
        bind = factory.kw.get("bind")
        if not isinstance(bind, Engine):
            with factory() as session:
                bind = session.get_bind()
        self.engine: Engine = bind  # type: ignore[assignment]
        self._sqlite = self.engine.dialect.name == "sqlite"
        self._ph = "?" if self.engine.dialect.paramstyle == "qmark" else "%s"
        self._public_key: bytes | None = None
        self._head_ready = False
        self._heads = HeadStatements(self.engine.dialect)
        self._folds = tiles.FoldCache()  # complete upper tiles, folded once (proofs)
        self._synchronous: int | None = None  # SQLite: the pool's setting, restored after

    # --- keys ----------------------------------------------------------------------------

    @property
    def public_key(self) -> bytes:
        if self._public_key is None:
            self._public_key = self.keyring.signing_public_key()
        return self._public_key

    def verifier_key(self) -> str:
        """The note verifier key (``name+id+key``) an auditor needs to check checkpoints."""
        return verifier_key(self.origin, self.public_key)

    # --- transactions ---------------------------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[tuple[Connection, Any]]:
        """One locked write transaction; yields the connection and the tree-head row."""
        self._ensure_head()
        with self.engine.connect() as conn:
            if self._sqlite:
                raw: Any = conn.connection.dbapi_connection
                if self._synchronous is None:
                    self._synchronous = int(raw.execute("PRAGMA synchronous").fetchone()[0])
                raw.execute("PRAGMA synchronous=FULL")
                try:
                    raw.execute("BEGIN IMMEDIATE")
                    try:
                        yield conn, self._head(conn)
                        raw.commit()
                    except BaseException:
                        raw.rollback()
                        raise
                finally:
                    raw.execute(f"PRAGMA synchronous={self._synchronous}")
            else:
                with conn.begin():
                    yield conn, self._head(conn, lock=True)

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        """A read-only snapshot: every query sees the same committed state."""
        self._ensure_head()
        if self._sqlite:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("BEGIN")
                try:
                    yield conn
                finally:
                    conn.rollback()
        else:
            opts = {"isolation_level": "REPEATABLE READ"}
            with self.engine.connect().execution_options(**opts) as conn, conn.begin():
                yield conn

    def _head(self, conn: Connection, *, lock: bool = False) -> TreeHead:
        return self._heads.read(conn, lock=lock)

    def _ensure_head(self) -> None:
        if self._head_ready:
            return
        with self.engine.connect() as conn:
            exists = conn.execute(select(_HEAD.c.id).where(_HEAD.c.id == _HEAD_ID)).first()
            if exists is None:
                try:
                    conn.execute(
                        insert(_HEAD).values(
                            id=_HEAD_ID,
                            size=0,
                            compact_range=CompactRange().to_bytes(),
                            checkpoint_size=0,
                            checkpoint_at=None,
                            indexed_size=0,
                            updated_at=self.clock(),
                        )
                    )
                    conn.commit()
                except Exception:  # another process made it first
                    conn.rollback()
        self._head_ready = True

    # --- appending -------------------------------------------------------------------------

    def append(self, entry: AuditEntry) -> int:
        """Append one entry; return its seq once it is committed."""
        return self.append_many([entry])[0]

    def append_many(self, entries: Sequence[AuditEntry]) -> list[int]:
        """Append a batch in one transaction; return the seqs, in order, once committed.

        Each step runs over the whole batch (encode, then hash and fold into the tree
        in one loop) and the batch is stored as a handful of bundle and tile rows
        (``amanah.audit.tiles``); the query index catches up later, before a query.
        """
        if not entries:
            return []
        with self._write() as (conn, head):
            cr = CompactRange.from_bytes(head.compact_range)
            if cr.size != head.size:
                raise AuditError("the audit tree head is inconsistent")
            start = cr.size
            datas = [entry.canonical_bytes(seq) for seq, entry in enumerate(entries, start)]
            hashes, node_rows, due = cr.extend_entries(datas, self.checkpoint_every, tiles.HEIGHT)
            now = self.clock()
            if self._time_due(head, now) and (not due or due[-1][0] != cr.size):
                due.append((cr.size, cr.root()))
            tiles.write_batch(conn, start, datas, hashes, node_rows)
            values: dict[str, Any] = {
                "size": cr.size,
                "compact_range": cr.to_bytes(),
                "updated_at": now,
            }
            signed = self._sign_due(conn, due, now, quiet=True)
            if signed:
                values["checkpoint_size"] = signed
                values["checkpoint_at"] = now
            self._heads.update(conn, **values)
            return list(range(start, cr.size))

    def _time_due(self, head: Any, now: datetime) -> bool:
        if head.checkpoint_at is None:
            return True
        at = head.checkpoint_at
        if at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return (now - at).total_seconds() >= self.checkpoint_seconds

    def _sign_due(
        self, conn: Connection, due: list[tuple[int, bytes]], now: datetime, *, quiet: bool
    ) -> int:
        """Sign and store checkpoints; return the largest size signed (0 if none)."""
        if not due:
            return 0
        try:
            rows = [
                {
                    "size": size,
                    "root_hash": r,
                    "note": self._sign(size, r),
                    "created_at": now,
                }
                for size, r in due
            ]
        except (CryptoError, CheckpointError) as exc:
            if not quiet:
                raise
            log.warning("audit checkpoint postponed: %s", type(exc).__name__)
            return 0
        self._heads.insert_checkpoints(conn, rows)
        return due[-1][0]

    def _sign(self, size: int, root_hash: bytes) -> str:
        cp = Checkpoint(self.origin, size, root_hash)
        return sign_checkpoint(cp, self.origin, self.keyring.sign, self.public_key)

    # --- checkpoints -------------------------------------------------------------------------

    def checkpoint(self) -> str:
        """Sign a checkpoint of the whole log now (or return the latest if it is current)."""
        with self._write() as (conn, head):
            if head.checkpoint_at is not None and head.checkpoint_size == head.size:
                note = self._note_at(conn, head.size)
                if note is not None:
                    return note
            cr = CompactRange.from_bytes(head.compact_range)
            now = self.clock()
            self._sign_due(conn, [(cr.size, cr.root())], now, quiet=False)
            self._heads.update(conn, checkpoint_size=cr.size, checkpoint_at=now)
            note = self._note_at(conn, cr.size)
            assert note is not None
            return note

    def maybe_checkpoint(self) -> str | None:
        """Sign a checkpoint if one is due; return it, or None if none is.

        Due when entries were appended since the last checkpoint and either it is
        ``checkpoint_seconds`` old or ``checkpoint_every`` entries have gone
        unsigned (a sealed keyring held them back). Appends only check this when
        they happen, so a log that goes quiet relies on this call for its tail:
        call it every few seconds (``checkpoint_due(system)``). It is one read of
        the tree head when nothing is due.
        """
        with self._read() as conn:
            head = self._head(conn)
        if not self._checkpoint_due(head, self.clock()):
            return None
        return self.checkpoint()

    def _checkpoint_due(self, head: Any, now: datetime) -> bool:
        unsigned = int(head.size) - int(head.checkpoint_size or 0)
        if head.checkpoint_at is not None and unsigned <= 0:
            return False  # nothing new since the last checkpoint
        if head.size == 0:
            return False  # an empty log has nothing to commit to
        return unsigned >= self.checkpoint_every or self._time_due(head, now)

    def _note_at(self, conn: Connection, size: int) -> str | None:
        q = select(_CHECKPOINTS.c.note).where(_CHECKPOINTS.c.size == size)
        return conn.execute(q).scalar_one_or_none()

    def latest_checkpoint(self) -> str | None:
        """The newest signed checkpoint note, or None before the first."""
        with self._read() as conn:
            q = select(_CHECKPOINTS.c.note).order_by(_CHECKPOINTS.c.size.desc()).limit(1)
            return conn.execute(q).scalar_one_or_none()

    def checkpoint_at(self, size: int) -> str | None:
        with self._read() as conn:
            return self._note_at(conn, size)

    # --- reading and proofs -----------------------------------------------------------------

    def size(self) -> int:
        with self._read() as conn:
            return int(self._head(conn).size)

    def _check_size(self, conn: Connection, size: int) -> None:
        current = self._size_now(conn)
        if not 0 <= size <= current:
            raise ProofRangeError(f"the requested size is beyond the log (size {current})")

    def _size_now(self, conn: Connection) -> int:
        rows = _rows(conn, f"SELECT size FROM audit_tree_head WHERE id = {_HEAD_ID}")
        if not rows:
            raise AuditError("the audit tree head is missing")
        return int(rows[0][0])

    def root(self, size: int | None = None) -> bytes:
        with self._read() as conn:
            if size is None:
                return CompactRange.from_bytes(self._head(conn).compact_range).root()
            self._check_size(conn, size)
            return root(size, _Nodes(conn, self._folds))

    def entry(self, seq: int) -> LoggedEntry:
        with self._read() as conn:
            row = tiles.entry(conn, seq) if seq < self._size_now(conn) else None
        if row is None:
            raise EntryNotFound("no audit entry at that position")
        return LoggedEntry(seq, *row)

    def inclusion_proof(self, seq: int, size: int | None = None) -> InclusionProof:
        """Audit path of entry ``seq`` in the tree of ``size`` entries.

        Without ``size``: against the latest signed checkpoint that covers ``seq``
        (signing a new one if none does yet), so the result carries a checkpoint.
        """
        if size is None:
            with self._read() as conn:
                q = select(_CHECKPOINTS.c.size).order_by(_CHECKPOINTS.c.size.desc()).limit(1)
                latest = conn.execute(q).scalar_one_or_none()
            if latest is None or seq >= latest:
                latest = parse_checkpoint_size(self.checkpoint())
            size = latest
        with self._read() as conn:
            self._check_size(conn, size)
            if not 0 <= seq < size:
                raise ProofRangeError("the entry is not in a tree of that size")
            ranges = inclusion_ranges(seq, size)
            *hashes, leaf, tree_root = hash_ranges(
                [*ranges, (seq, seq + 1), (0, size)], _Nodes(conn, self._folds)
            )
            notes = _rows(
                conn, f"SELECT note FROM audit_checkpoints WHERE size = {self._ph}", [size]
            )
            note = notes[0][0] if notes else None
            return InclusionProof(seq, size, leaf, hashes, tree_root, note)

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> ConsistencyProof:
        """Proof that the tree of ``new_size`` (default: the whole log) extends ``old_size``."""
        with self._read() as conn:
            if new_size is None:
                new_size = self._size_now(conn)
            self._check_size(conn, new_size)
            ranges = consistency_ranges(old_size, new_size)
            *hashes, old_root, new_root = hash_ranges(
                [*ranges, (0, old_size), (0, new_size)], _Nodes(conn, self._folds)
            )
            return ConsistencyProof(old_size, new_size, old_root, new_root, hashes)

    def iter_entries(
        self, conn: Connection, stop: int | None = None
    ) -> Iterator[tuple[int, bytes, bytes | None]]:
        """All stored entries in seq order (``seq < stop`` if given), streamed, with
        their stored leaf hashes (None where the leaf tile lacks one)."""
        return tiles.iter_entries(conn, stop=stop)

    def catch_up_index(self, batch: int = 20000) -> int:
        """Bring the query index up to the log (``amanah.audit.index``); return the
        number of entries indexed. Queries call this first, so they stay exact although
        appends do not write index rows: the lock makes concurrent catch-ups take turns
        and each batch is one transaction that also advances ``indexed_size``."""
        done = 0
        while True:
            with self._read() as conn:
                head = self._head(conn)
            if int(head.indexed_size or 0) >= int(head.size):
                return done
            with self._write() as (conn, head):
                lo = int(head.indexed_size or 0)
                hi = min(int(head.size), lo + batch)
                rows = [
                    r
                    for seq, data, _ in tiles.iter_entries(conn, lo, hi)
                    for r in data_rows(seq, data)
                    if type(r[1]) is str
                ]
                if rows:
                    ph = self._ph
                    conn.exec_driver_sql(
                        "INSERT INTO audit_index (kind, value, at, seq) "
                        f"VALUES ({ph}, {ph}, {ph}, {ph}) ON CONFLICT DO NOTHING",
                        rows,
                    )
                self._heads.update(conn, indexed_size=hi)
                done += hi - lo

    def iter_checkpoints(self, conn: Connection) -> Iterator[tuple[int, bytes, str]]:
        q = select(_CHECKPOINTS.c.size, _CHECKPOINTS.c.root_hash, _CHECKPOINTS.c.note)
        for size, r, note in conn.execute(q.order_by(_CHECKPOINTS.c.size)):
            yield int(size), bytes(r), note

    def export(self, path: Any) -> Any:
        """Write the auditor's file (see ``amanah.audit.export``); returns its summary."""
        from amanah.audit.export import export

        return export(self, path)

    # --- verification ------------------------------------------------------------------------

    def verify(self, trusted_checkpoint: str | None = None) -> VerifyReport:
        """Recompute everything from the stored entry bytes and check every claim about it.

        ``trusted_checkpoint``: a signed note kept outside the database earlier (an
        export, an auditor's copy, a witness); the log must still contain it.
        """
        checker = TrailChecker(self.origin, self.public_key)
        with self._read() as conn:
            head = self._head(conn)
            index = IndexCheck(int(head.indexed_size or 0))
            checker.add_entries(index.feed(self.iter_entries(conn)))
            checker.finish_entries(int(head.size))
            checkpoints = list(self.iter_checkpoints(conn))
            checker.check_checkpoints(checkpoints)
            checker.check_nodes(tiles.iter_nodes(conn), stride=tiles.HEIGHT)
            index.compare(conn, checker.problem)
        tree = checker.tree
        if head.size <= tree.size:
            try:
                stored = CompactRange.from_bytes(head.compact_range)
            except ProofRangeError:
                stored = None
            if stored is None or stored != tree.compact_range(int(head.size)):
                checker.problem("head-mismatch", "the stored tree head differs from the entries")
        self._missing_checkpoints(checker, {s for s, _, _ in checkpoints})
        if trusted_checkpoint is not None:
            checker.check_trusted(trusted_checkpoint)
        return checker.close()

    def _missing_checkpoints(self, checker: TrailChecker, sizes: set[int]) -> None:
        every = self.checkpoint_every
        missing = [s for s in range(every, checker.tree.size + 1, every) if s not in sizes]
        if missing:
            checker.report.warnings.append(
                f"{len(missing)} periodic checkpoints absent (first at size {missing[0]}); "
                "they were not signed (sealed keyring) or were deleted"
            )


def parse_checkpoint_size(note: str) -> int:
    text = note[: note.rfind("\n\n") + 1]
    return parse_checkpoint(text).size


def default_origin(system: Any) -> str:
    settings = getattr(system, "settings", None)
    origin = getattr(settings, "audit_origin", None)
    return origin or f"amanah/{system.keyring.key_id}"


def log_for_system(system: Any) -> AuditLog:
    """The process's ``AuditLog`` for a bootstrap ``System``, made once and kept in
    ``system.extras["audit_log"]``."""
    existing = system.extras.get("audit_log")
    if isinstance(existing, AuditLog):
        return existing
    settings = getattr(system, "settings", None)
    made = AuditLog(
        system.factory,
        system.keyring,
        default_origin(system),
        checkpoint_every=getattr(settings, "audit_checkpoint_every", 1000),
        checkpoint_seconds=getattr(settings, "audit_checkpoint_seconds", 60.0),
    )
    system.extras["audit_log"] = made
    return made


def checkpoint_due(system: Any) -> str | None:
    """Sign the system's checkpoint if one is due (``AuditLog.maybe_checkpoint``): what a
    scheduler calls every few seconds. Returns the new note, or None.

    A keyring that cannot sign (sealed) postpones the checkpoint rather than failing the
    scheduler: the next call after unsealing signs it. That is logged once per
    postponement, not on every tick.
    """
    log_ = log_for_system(system)
    try:
        note = log_.maybe_checkpoint()
    except (CryptoError, CheckpointError) as exc:
        if not log_._postponed:
            log.warning("audit checkpoint postponed: %s", type(exc).__name__)
        log_._postponed = True
        return None
    log_._postponed = False
    return note
