"""Forensic queries over the audit trail, shared by the API and the CLI.

- ``who_accessed(log, customer_id)``: every entry naming the customer as a subject
  (views, reveals, searches that found them, changes, erasure, interactions,
  transcripts, exports), whatever the outcome (denials are attempts).
- ``accessed_by(log, actor)``: everything one agent or service account did.
- ``reveals_of(log, field)``: every ``field.reveal`` entry touching a field name.
- ``exports(log)``: every ``export.create`` entry (one per export, or several
  parts of at most 256 customer ids each).

Each takes ``since`` (inclusive) and ``until`` (exclusive), aware datetimes (naive
ones are read as UTC), and returns the entries in log order (by ``seq``).

The query index (``amanah.audit.index``) only says *where to look*: every
candidate is re-read from the entries, parsed strictly from its canonical bytes
and checked against the query again, so a tampered index can hide results but
never add or alter one (``AuditLog.verify`` reports a tampered index). With
``proofs=True`` each result carries its inclusion proof against one signed
checkpoint (the latest, or a new one if the results are newer), and whether it
verifies against that checkpoint's root.

Output: ``render_json`` and ``render_csv`` (one shape for the API and the CLI).
"""

from __future__ import annotations

import base64
import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from amanah.audit import tiles
from amanah.audit.checkpoint import verify_signed_checkpoint
from amanah.audit.entry import AuditEntry, EntryFormatError
from amanah.audit.index import data_rows, micros
from amanah.audit.log import AuditLog, parse_checkpoint_size
from amanah.audit.merkle import leaf_hash, verify_inclusion
from amanah.audit.models import AuditCheckpoint, AuditIndexRow
from amanah.errors import InvalidInput

__all__ = [
    "REVEAL_ACTIONS",
    "Found",
    "QueryResult",
    "accessed_by",
    "exports",
    "render_csv",
    "render_json",
    "reveals_of",
    "who_accessed",
]

REVEAL_ACTIONS = frozenset({"field.reveal"})
EXPORT_ACTION = "export.create"
DEFAULT_LIMIT = 1000
_INDEX = AuditIndexRow.__table__
_CHECKPOINTS = AuditCheckpoint.__table__
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class Found:
    """One entry found: its position, its parsed content, and its exact bytes."""

    seq: int
    entry: AuditEntry
    data: bytes
    proof: list[bytes] | None = None  # the audit path to ``QueryResult.tree_size``
    proof_ok: bool | None = None  # verified against the signed checkpoint's root

    @property
    def leaf_hash(self) -> bytes:
        return leaf_hash(self.data)


@dataclass
class QueryResult:
    query: str
    params: dict[str, str | None]
    entries: list[Found] = field(default_factory=list)
    truncated: bool = False  # more entries matched than ``limit``
    tree_size: int | None = None  # with proofs: the checkpoint they are against
    root: bytes | None = None
    checkpoint: str | None = None  # the signed note (C2SP) of that checkpoint


# --- the queries ---------------------------------------------------------------------------


def who_accessed(
    log: AuditLog,
    customer_id: str,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    proofs: bool = False,
    limit: int | None = DEFAULT_LIMIT,
) -> QueryResult:
    """Every entry naming ``customer_id`` as a subject."""
    return _run(
        log, "who-accessed", {"customer_id": customer_id}, ("subject", customer_id),
        lambda e: customer_id in e.subject_ids, since, until, proofs, limit,
    )  # fmt: skip


def accessed_by(
    log: AuditLog,
    actor: str,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    proofs: bool = False,
    limit: int | None = DEFAULT_LIMIT,
) -> QueryResult:
    """Every entry whose actor is ``actor`` (a staff or service-account id)."""
    return _run(
        log, "accessed-by", {"actor": actor}, ("actor", actor),
        lambda e: e.actor == actor, since, until, proofs, limit,
    )  # fmt: skip


def reveals_of(
    log: AuditLog,
    field_name: str,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    proofs: bool = False,
    limit: int | None = DEFAULT_LIMIT,
) -> QueryResult:
    """Every reveal (allowed, masked or denied) that asked for the field ``field_name``."""
    return _run(
        log, "reveals", {"field": field_name}, ("field", field_name),
        lambda e: e.action in REVEAL_ACTIONS and field_name in e.fields,
        since, until, proofs, limit,
    )  # fmt: skip


def exports(
    log: AuditLog,
    since: datetime | None = None,
    until: datetime | None = None,
    *,
    proofs: bool = False,
    limit: int | None = DEFAULT_LIMIT,
) -> QueryResult:
    """Every export of customer data (``export.create`` entries)."""
    return _run(
        log, "exports", {}, ("action", EXPORT_ACTION),
        lambda e: e.action == EXPORT_ACTION, since, until, proofs, limit,
    )  # fmt: skip


# --- the engine ----------------------------------------------------------------------------


def _utc(at: datetime | None) -> datetime | None:
    if at is None:
        return None
    try:
        return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:59-23:59 has no UTC equivalent
        raise InvalidInput("the time is out of range") from None


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat(timespec="microseconds").replace("+00:00", "Z")


def _run(
    log: AuditLog,
    name: str,
    params: dict[str, str | None],
    key: tuple[str, str],
    keep: Callable[[AuditEntry], bool],
    since: datetime | None,
    until: datetime | None,
    proofs: bool,
    limit: int | None,
) -> QueryResult:
    since, until = _utc(since), _utc(until)
    if since is not None and until is not None and since > until:
        raise InvalidInput("since must not be after until")
    if limit is not None and limit < 1:
        raise InvalidInput("limit must be at least 1")
    result = QueryResult(name, {**params, "since": _iso(since), "until": _iso(until)})
    kind, value = key
    q = select(_INDEX.c.seq).where(_INDEX.c.kind == kind, _INDEX.c.value == value)
    if since is not None:
        q = q.where(_INDEX.c.at >= micros(since))
    if until is not None:
        q = q.where(_INDEX.c.at < micros(until))
    log.catch_up_index()  # the index is a cache off the append path: bring it up first
    with log._read() as conn:  # one snapshot: index and entries agree
        head = log._head(conn)
        indexed = int(head.indexed_size or 0)
        seqs = sorted({int(s) for s in conn.execute(q).scalars() if int(s) < indexed})
        seqs += _unindexed(conn, indexed, int(head.size), kind, value)
        found: list[Found] = []
        for start in range(0, len(seqs), _CHUNK):
            for seq, data in _entries(conn, seqs[start : start + _CHUNK]):
                item = _check(seq, data, keep, since, until)
                if item is not None:
                    found.append(item)
            if limit is not None and len(found) > limit:
                break
        latest = conn.execute(select(_CHECKPOINTS.c.size).order_by(_CHECKPOINTS.c.size.desc()))
        latest_size = latest.scalars().first()
    if limit is not None and len(found) > limit:
        found, result.truncated = found[:limit], True
    result.entries = found
    if proofs and found:
        _prove(log, result, latest_size)
    return result


def _entries(conn: Connection, seqs: list[int]) -> list[tuple[int, bytes]]:
    """``(seq, data)`` of the given entries (sorted), reading each bundle once."""
    bundles = tiles.read_tiles(conn, [], sorted({s >> tiles.HEIGHT for s in seqs}))
    out = []
    for seq in seqs:
        blob = bundles.get((-1, seq >> tiles.HEIGHT))
        datas = tiles.unpack(blob) if blob is not None else []
        if seq % tiles.WIDTH < len(datas):
            out.append((seq, datas[seq % tiles.WIDTH]))
    return out


def _unindexed(conn: Connection, start: int, stop: int, kind: str, value: str) -> list[int]:
    """Entries appended after the catch-up (in this snapshot) that match: scanned, so
    the answer is exact for the whole snapshot."""
    return [
        seq
        for seq, data, _ in tiles.iter_entries(conn, start, stop)
        if any(r[0] == kind and r[1] == value for r in data_rows(seq, data))
    ]


def _check(
    seq: int,
    data: bytes,
    keep: Callable[[AuditEntry], bool],
    since: datetime | None,
    until: datetime | None,
) -> Found | None:
    """The entry at ``seq`` if its own canonical bytes match the query (never the index)."""
    try:
        claimed, entry = AuditEntry.from_bytes(data)
    except EntryFormatError:
        return None  # altered: ``verify`` reports it
    if claimed != seq or not keep(entry):
        return None
    if (since is not None and entry.at < since) or (until is not None and entry.at >= until):
        return None
    return Found(seq, entry, data)


def _prove(log: AuditLog, result: QueryResult, latest_size: int | None) -> None:
    """Inclusion proofs of every result against one signed checkpoint."""
    newest = result.entries[-1].seq
    note = None
    if latest_size is not None and newest < latest_size:
        note = log.checkpoint_at(latest_size)
    if note is None:
        note = log.checkpoint()  # covers every result (signs one if the last is older)
    cp = verify_signed_checkpoint(note, log.origin, log.public_key, origin=log.origin)
    size = parse_checkpoint_size(note)
    result.tree_size, result.root, result.checkpoint = size, cp.root_hash, note
    proved = []
    for item in result.entries:
        proof = log.inclusion_proof(item.seq, size)
        ok = verify_inclusion(item.leaf_hash, item.seq, size, proof.hashes, cp.root_hash)
        proved.append(Found(item.seq, item.entry, item.data, proof.hashes, ok))
    result.entries = proved


# --- output --------------------------------------------------------------------------------


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def to_json(result: QueryResult) -> dict[str, Any]:
    """The JSON document: entries as their canonical dicts (``canonical_json`` of one
    is exactly its leaf bytes), leaf hashes and proofs in base64."""
    body: dict[str, Any] = {
        "query": result.query,
        "params": result.params,
        "count": len(result.entries),
        "truncated": result.truncated,
    }
    if result.tree_size is not None:
        body["proofs"] = {
            "tree_size": result.tree_size,
            "root": _b64(result.root or b""),
            "checkpoint": result.checkpoint,
        }
    items = []
    for item in result.entries:
        one: dict[str, Any] = {
            "seq": item.seq,
            "entry": item.entry.to_json(item.seq),
            "leaf_hash": _b64(item.leaf_hash),
        }
        if item.proof is not None:
            one["proof"] = {"hashes": [_b64(h) for h in item.proof], "verified": item.proof_ok}
        items.append(one)
    body["entries"] = items
    return body


def render_json(result: QueryResult) -> str:
    return json.dumps(to_json(result), ensure_ascii=False, indent=1) + "\n"


CSV_COLUMNS = (
    "seq", "at", "actor", "action", "outcome", "subjects", "fields", "purpose",
    "interaction", "request", "extra", "leaf_hash",
)  # fmt: skip
PROOF_COLUMNS = ("tree_size", "root", "proof", "proof_verified")


def _cell(value: object) -> str:
    """Text for a spreadsheet: a leading ``= + - @`` (or tab, CR) gets a ``'`` so that no
    id can run as a formula in the auditor's spreadsheet."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def render_csv(result: QueryResult) -> str:
    """One row per entry; lists joined with ``;``, ``extra`` as compact JSON. With proofs,
    the tree size and root (base64) of the checkpoint and the audit path (``;``)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    with_proofs = result.tree_size is not None
    writer.writerow(CSV_COLUMNS + (PROOF_COLUMNS if with_proofs else ()))
    for item in result.entries:
        d = item.entry.to_dict(item.seq)
        row: list[object] = [
            item.seq,
            d["at"],
            d["actor"],
            d["action"],
            d["outcome"],
            ";".join(d.get("subjects", ())),
            ";".join(d.get("fields", ())),
            d.get("purpose"),
            d.get("interaction"),
            d.get("request"),
            json.dumps(d["extra"], sort_keys=True, separators=(",", ":")) if "extra" in d else "",
            _b64(item.leaf_hash),
        ]
        if with_proofs:
            row += [
                result.tree_size,
                _b64(result.root or b""),
                ";".join(_b64(h) for h in item.proof or ()),
                "true" if item.proof_ok else "false",
            ]
        writer.writerow([_cell(v) for v in row])
    return buffer.getvalue()
