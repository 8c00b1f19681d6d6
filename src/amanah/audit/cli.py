"""``amanah audit ...``: verify the trail (online or from an export), export it for an
auditor, sign a checkpoint, and print proofs.

Exit codes: 0 ok; 1 verification failed (one line on stderr says why); 2 bad
input (unreadable checkpoint or key, size out of range).
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, help="The tamper-evident audit trail.")
out = Console(highlight=False)


def _system():
    from amanah.bootstrap import build
    from amanah.settings import Settings

    return build(Settings())


def _log(system):
    from amanah.audit.log import log_for_system

    return log_for_system(system)


def _report(report, as_json: bool) -> None:
    if as_json:
        out.print_json(json.dumps(report.to_json()))
    else:
        out.print(
            f"entries: {report.entries}  checkpoints: {report.checkpoints}  "
            f"latest checkpoint: {report.latest_checkpoint}  "
            f"root: {base64.b64encode(report.root).decode()}"
        )
        if report.trusted_size is not None:
            grew = "yes" if report.consistent_with_trusted else "NO"
            out.print(
                f"grew only since the trusted checkpoint (size {report.trusted_size}): {grew}"
            )
        for warning in report.warnings:
            out.print(f"warning: {warning}")
        for problem in report.problems:
            out.print(f"[{problem.kind}] {problem.message}")
        out.print(
            f"verified {report.entries} entries in {report.seconds:.2f} s "
            f"({report.entries_per_second:,.0f}/s)"
        )
    if not report.ok:
        typer.echo(f"verification FAILED: {report.reason}", err=True)  # one line, never wrapped
        raise typer.Exit(1)
    out.print("ok")


def _read_text(path: Path | None) -> str | None:
    return None if path is None else path.read_text(encoding="utf-8")


@app.command()
def verify(
    offline: Annotated[
        Path | None,
        typer.Option("--offline", help="Verify an export file; no database or server needed."),
    ] = None,
    trusted_checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--trusted-checkpoint",
            help="A signed checkpoint kept earlier: prove the log only grew since.",
        ),
    ] = None,
    key: Annotated[
        str | None,
        typer.Option("--key", help="Verifier key (name+id+key) or a file holding it."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recompute every entry hash and the tree; check every checkpoint and stored hash."""
    trusted = _read_text(trusted_checkpoint)
    if offline is not None:
        from amanah.audit.export import verify_offline

        vkey = key
        if vkey is not None and Path(vkey).is_file():
            vkey = Path(vkey).read_text(encoding="utf-8").strip()
        _report(verify_offline(offline, trusted, vkey), as_json)
        return
    if key is not None:
        raise typer.BadParameter("--key is for --offline; online the keyring's key is used")
    system = _system()
    try:
        report = _log(system).verify(trusted)
    finally:
        system.close()
    _report(report, as_json)


@app.command("export")
def export_cmd(
    file: Annotated[Path, typer.Argument(dir_okay=False, writable=True)],
) -> None:
    """Write entries, checkpoints and the verifier key to FILE (JSON Lines) for an auditor.

    Also writes FILE.checkpoint (the signed checkpoint the export ends at) and
    FILE.vkey (the verifier key): keep them apart from the database.
    """
    system = _system()
    try:
        log = _log(system)
        summary = log.export(file)
        vkey = log.verifier_key()
    finally:
        system.close()
    file.with_name(file.name + ".checkpoint").write_text(summary.checkpoint, encoding="utf-8")
    file.with_name(file.name + ".vkey").write_text(vkey + "\n", encoding="utf-8")
    out.print(f"exported {summary.size} entries and {summary.checkpoints} checkpoints to {file}")
    out.print(f"verifier key: {vkey}")


@app.command()
def checkpoint() -> None:
    """Sign a checkpoint of the whole log now and print it (C2SP signed note)."""
    system = _system()
    try:
        note = _log(system).checkpoint()
    finally:
        system.close()
    sys.stdout.write(note)


@app.command("prove-inclusion")
def prove_inclusion(
    seq: Annotated[int, typer.Argument(min=0)],
    size: Annotated[int | None, typer.Option("--size", min=1)] = None,
) -> None:
    """Print the inclusion proof of entry SEQ (JSON; hashes in base64) and check it."""
    from amanah.audit.merkle import verify_inclusion

    system = _system()
    try:
        proof = _log(system).inclusion_proof(seq, size)
    finally:
        system.close()
    ok = verify_inclusion(proof.leaf_hash, proof.seq, proof.size, proof.hashes, proof.root)
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    out.print_json(
        json.dumps(
            {
                "seq": proof.seq,
                "size": proof.size,
                "leaf_hash": b64(proof.leaf_hash),
                "hashes": [b64(h) for h in proof.hashes],
                "root": b64(proof.root),
                "checkpoint": proof.checkpoint,
                "verifies": ok,
            }
        )
    )
    if not ok:
        typer.echo("the proof does not verify against the stored tree", err=True)
        raise typer.Exit(1)


@app.command("prove-consistency")
def prove_consistency(
    old: Annotated[int, typer.Argument(min=1)],
    new: Annotated[int, typer.Argument(min=1)],
) -> None:
    """Print the proof that the tree of NEW entries extends the one of OLD, and check it."""
    from amanah.audit.merkle import verify_consistency

    if old > new:
        raise typer.BadParameter("OLD must not exceed NEW")
    system = _system()
    try:
        proof = _log(system).consistency_proof(old, new)
    finally:
        system.close()
    ok = verify_consistency(old, new, proof.old_root, proof.new_root, proof.hashes)
    b64 = lambda raw: base64.b64encode(raw).decode()  # noqa: E731
    out.print_json(
        json.dumps(
            {
                "old_size": old,
                "new_size": new,
                "old_root": b64(proof.old_root),
                "new_root": b64(proof.new_root),
                "hashes": [b64(h) for h in proof.hashes],
                "verifies": ok,
            }
        )
    )
    if not ok:
        typer.echo("the proof does not verify against the stored tree", err=True)
        raise typer.Exit(1)


# --- forensic queries ------------------------------------------------------------------------

Since = Annotated[
    str | None,
    typer.Option("--since", help="From this time (ISO 8601, inclusive; UTC if no zone)."),
]
Until = Annotated[
    str | None,
    typer.Option("--until", help="Up to this time (ISO 8601, exclusive; UTC if no zone)."),
]
Format = Annotated[str, typer.Option("--format", help="table, csv or json.")]
Proofs = Annotated[
    bool, typer.Option("--proofs", help="Add each entry's inclusion proof (latest checkpoint).")
]
Limit = Annotated[int, typer.Option("--limit", min=1, help="At most this many entries.")]


def _time(value: str | None, option: str):
    from datetime import UTC, datetime

    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter("not an ISO 8601 date or time", param_hint=option) from None
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at


def _query(name: str, value: str | None, since, until, fmt, proofs, limit) -> None:
    from amanah.audit import queries

    if fmt not in ("table", "csv", "json"):
        raise typer.BadParameter("must be table, csv or json", param_hint="--format")
    start, end = _time(since, "--since"), _time(until, "--until")
    run = {
        "who-accessed": queries.who_accessed,
        "accessed-by": queries.accessed_by,
        "reveals": queries.reveals_of,
    }
    system = _system()
    try:
        log = _log(system)
        if name == "exports":
            result = queries.exports(log, start, end, proofs=proofs, limit=limit)
        else:
            result = run[name](log, value, start, end, proofs=proofs, limit=limit)
    finally:
        system.close()
    if fmt == "json":
        sys.stdout.write(queries.render_json(result))
    elif fmt == "csv":
        sys.stdout.write(queries.render_csv(result))
    else:
        _table(result)
    if result.truncated:
        typer.echo(f"only the first {limit} entries: use --limit or narrow the time", err=True)
    if any(item.proof_ok is False for item in result.entries):
        typer.echo("some inclusion proofs do not verify: run `amanah audit verify`", err=True)
        raise typer.Exit(1)


def _table(result) -> None:
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    columns = ["seq", "at (UTC)", "actor", "action", "outcome", "subjects", "fields", "purpose"]
    if result.tree_size is not None:
        columns.append("proof")
    for column in columns:
        table.add_column(column, overflow="fold")
    for item in result.entries:
        e = item.entry
        row = [
            str(item.seq),
            e.at.strftime("%Y-%m-%d %H:%M:%S"),
            e.actor,
            e.action,
            e.outcome,
            " ".join(e.subject_ids[:3])
            + (f" +{len(e.subject_ids) - 3}" if len(e.subject_ids) > 3 else ""),
            " ".join(e.fields),
            e.purpose or "",
        ]
        if result.tree_size is not None:
            row.append("ok" if item.proof_ok else "FAILS")
        table.add_row(*row)
    out.print(table)
    tail = f"{len(result.entries)} entries"
    if result.tree_size is not None:
        tail += f"; proofs against the signed checkpoint of size {result.tree_size}"
    out.print(tail)


@app.command("who-accessed")
def who_accessed(
    customer: Annotated[str, typer.Argument(help="Customer id (cus_...).")],
    since: Since = None,
    until: Until = None,
    fmt: Format = "table",
    proofs: Proofs = False,
    limit: Limit = 1000,
) -> None:
    """Every audit entry about CUSTOMER: views, reveals, searches, changes, exports."""
    _query("who-accessed", customer, since, until, fmt, proofs, limit)


@app.command("accessed-by")
def accessed_by(
    actor: Annotated[str, typer.Argument(help="Staff or service-account id.")],
    since: Since = None,
    until: Until = None,
    fmt: Format = "table",
    proofs: Proofs = False,
    limit: Limit = 1000,
) -> None:
    """Everything ACTOR did, as recorded on the trail."""
    _query("accessed-by", actor, since, until, fmt, proofs, limit)


@app.command("reveals")
def reveals(
    field: Annotated[str, typer.Option("--field", help="Field name, e.g. phone.")],
    since: Since = None,
    until: Until = None,
    fmt: Format = "table",
    proofs: Proofs = False,
    limit: Limit = 1000,
) -> None:
    """Every reveal of the field FIELD (allowed, masked or denied)."""
    _query("reveals", field, since, until, fmt, proofs, limit)


@app.command("exports")
def exports(
    since: Since = None,
    until: Until = None,
    fmt: Format = "table",
    proofs: Proofs = False,
    limit: Limit = 1000,
) -> None:
    """Every export of customer data (who, when, purpose, which customers)."""
    _query("exports", None, since, until, fmt, proofs, limit)
