"""The auditor's file: a log's entries and signed checkpoints in one JSON Lines file,
and a verifier for it that needs no database, no server and no trust in us.

Format (``amanah-audit-export/1``), one JSON object per line:

1. ``{"type": "header", "format": "amanah-audit-export/1", "origin": ..., "size": N,
   "verifier_key": "<name>+<key id>+<base64 key>", "exported_at": ...}``
2. ``{"type": "checkpoint", "size": S, "note": "<signed note text>"}`` for every
   checkpoint of size <= N, oldest first; the last has size N.
3. ``{"type": "entry", "seq": i, "data": "<canonical entry JSON as a string>"}``
   for i = 0..N-1. ``data`` is the exact byte string that was hashed (UTF-8);
   leaf hash = SHA-256(0x00 || data).

``verify_offline`` recomputes every leaf and the tree, checks every checkpoint's
signature with the verifier key *the auditor supplies* (the key in the header is
only a convenience, never trusted), checks that the latest checkpoint signs the
whole file, and, given a checkpoint the auditor kept from before, proves the log
only grew since (an RFC 9162 consistency proof between the two checkpoints,
recomputed from the entries).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from amanah.audit.checkpoint import parse_verifier_key
from amanah.audit.errors import AuditError, CheckpointError
from amanah.audit.log import AuditLog, TrailChecker, VerifyReport, parse_checkpoint_size

__all__ = ["FORMAT", "ExportSummary", "export", "verify_offline"]

FORMAT = "amanah-audit-export/1"


class ExportFormatError(AuditError):
    code, status, title, exit_code = "invalid-audit-export", 422, "Invalid audit export", 2


class ExportSummary:
    def __init__(self, path: Path, size: int, checkpoints: int, checkpoint: str) -> None:
        self.path = path
        self.size = size
        self.checkpoints = checkpoints
        self.checkpoint = checkpoint  # the signed note the export ends at

    def __repr__(self) -> str:
        return f"ExportSummary(size={self.size}, checkpoints={self.checkpoints})"


def _line(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n"


def export(log: AuditLog, path: str | Path) -> ExportSummary:
    """Write the log up to a fresh signed checkpoint to ``path``; return what was written.

    The export is a consistent snapshot: exactly the entries that checkpoint signs,
    even while other workers keep appending.
    """
    path = Path(path)
    note = log.checkpoint()
    size = parse_checkpoint_size(note)
    tmp = path.with_name(path.name + ".partial")
    count = 0
    with log._read() as conn, tmp.open("w", encoding="utf-8", newline="\n") as out:
        out.write(
            _line(
                {
                    "type": "header",
                    "format": FORMAT,
                    "origin": log.origin,
                    "size": size,
                    "verifier_key": log.verifier_key(),
                    "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
                }
            )
        )
        for cp_size, _root, cp_note in log.iter_checkpoints(conn):
            if cp_size <= size:
                out.write(_line({"type": "checkpoint", "size": cp_size, "note": cp_note}))
                count += 1
        for seq, data, _leaf in log.iter_entries(conn, stop=size):
            out.write(_line(_entry_line(seq, data)))
    tmp.replace(path)
    return ExportSummary(path, size, count, note)


def _entry_line(seq: int, data: bytes) -> dict[str, Any]:
    try:
        return {"type": "entry", "seq": seq, "data": data.decode("utf-8")}
    except UnicodeDecodeError:  # not a canonical entry: keep the exact bytes anyway
        return {"type": "entry", "seq": seq, "data_b64": base64.b64encode(data).decode()}


def _records(handle: IO[str]) -> Iterator[tuple[int, dict[str, Any]]]:
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except ValueError as exc:
            raise ExportFormatError(f"line {number} is not JSON") from exc
        if not isinstance(record, dict) or not isinstance(record.get("type"), str):
            raise ExportFormatError(f"line {number} is not an export record")
        yield number, record


def verify_offline(
    path: str | Path,
    trusted_checkpoint_text: str | None = None,
    verifier_key: str | None = None,
) -> VerifyReport:
    """Verify an export with nothing but the file, the auditor's trusted checkpoint and key.

    ``verifier_key`` should come from the auditor's own records (a note verifier
    key string); without it the header's key is used and a warning says so.
    """
    path = Path(path)
    with path.open(encoding="utf-8") as handle:
        records = _records(handle)
        try:
            _, header = next(records)
        except StopIteration:
            raise ExportFormatError("the export is empty") from None
        if header.get("type") != "header" or header.get("format") != FORMAT:
            raise ExportFormatError(f"not an {FORMAT} file")
        origin = header.get("origin")
        size = header.get("size")
        if not isinstance(origin, str) or type(size) is not int or size < 0:
            raise ExportFormatError("the export header lacks origin or size")
        warnings: list[str] = []
        if verifier_key is None:
            verifier_key = header.get("verifier_key")
            warnings.append("no verifier key given: used the one in the file (not independent)")
        if not isinstance(verifier_key, str):
            raise ExportFormatError("no verifier key")
        try:
            name, public_key = parse_verifier_key(verifier_key.strip())
        except CheckpointError as exc:
            raise ExportFormatError(f"verifier key: {exc.detail}") from exc
        checker = TrailChecker(origin, public_key)
        checker.report.warnings.extend(warnings)
        if name != origin:
            checker.problem(
                "bad-signature",
                f"the verifier key is for {name!r}, the export for {origin!r}",
            )
        notes: list[tuple[int | None, bytes | None, str]] = []
        pending: list[tuple[int, bytes, None]] = []

        def entries() -> Iterator[tuple[int, bytes, None]]:
            yield from pending
            for number, record in records:
                kind = record["type"]
                if kind == "checkpoint":
                    notes.append(_checkpoint_record(number, record))
                    continue
                if kind != "entry":
                    raise ExportFormatError(f"line {number}: unknown record type")
                yield _entry_record(number, record)

        # checkpoints come first in files we write, but accept them anywhere
        for number, record in records:
            if record["type"] == "checkpoint":
                notes.append(_checkpoint_record(number, record))
                continue
            if record["type"] != "entry":
                raise ExportFormatError(f"line {number}: unknown record type")
            pending.append(_entry_record(number, record))
            break
        checker.add_entries(entries())
        checker.finish_entries(size)
    notes.sort(key=lambda n: n[0] or 0)
    checker.check_checkpoints(notes)
    latest = checker.report.latest_checkpoint
    if not notes:
        checker.problem("truncated", "the export holds no signed checkpoint")
    elif latest is not None and latest < checker.tree.size and checker.report.ok:
        checker.problem(
            "unsigned",
            f"entries {latest}..{checker.tree.size - 1} are not covered by a signed checkpoint",
            latest,
        )
    if trusted_checkpoint_text is not None:
        checker.check_trusted(trusted_checkpoint_text)
    return checker.close()


def _checkpoint_record(number: int, record: dict[str, Any]) -> tuple[int | None, None, str]:
    note = record.get("note")
    size = record.get("size")
    if not isinstance(note, str) or type(size) is not int:
        raise ExportFormatError(f"line {number}: malformed checkpoint record")
    return size, None, note


def _entry_record(number: int, record: dict[str, Any]) -> tuple[int, bytes, None]:
    seq = record.get("seq")
    if type(seq) is not int or seq < 0:
        raise ExportFormatError(f"line {number}: entry without a valid seq")
    if isinstance(record.get("data"), str):
        return seq, record["data"].encode("utf-8"), None
    if isinstance(record.get("data_b64"), str):
        try:
            return seq, base64.b64decode(record["data_b64"], validate=True), None
        except ValueError as exc:
            raise ExportFormatError(f"line {number}: bad base64") from exc
    raise ExportFormatError(f"line {number}: entry without data")
