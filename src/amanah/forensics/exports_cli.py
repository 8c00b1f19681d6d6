"""``amanah export ...``: fingerprinted exports of customer data from the command line."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

app = typer.Typer(no_args_is_help=True, help="Exports of customer data, fingerprinted per export.")
out = Console()


def _system():
    from amanah.bootstrap import build
    from amanah.settings import Settings

    return build(Settings())


def _operator():
    from amanah.access.gate import Principal

    return Principal(
        id=f"cli:{getpass.getuser()}", kind="service", role="admin", scopes=frozenset({"*"})
    )


@app.command("create")
def create(
    recipient: Annotated[str, typer.Option(help="Who receives the file (a named party).")],
    purpose: Annotated[str, typer.Option(help="Why: checked by the gate and recorded.")],
    fields: Annotated[
        str, typer.Option(help="Comma-separated field kinds.")
    ] = "full_name,phone,email",
    fmt: Annotated[str, typer.Option("--format", help="csv or json.")] = "csv",
    customer: Annotated[
        list[str] | None, typer.Option("--customer", "-c", help="A customer id (repeatable).")
    ] = None,
    all_customers: Annotated[
        bool, typer.Option("--all", help="Every customer (honeytokens excepted).")
    ] = False,
    output: Annotated[
        Path | None, typer.Option("--out", "-o", help="File to write; default in this folder.")
    ] = None,
) -> None:
    """Export customers to CSV or JSON for a named recipient and purpose."""
    from amanah.forensics.exports import ExportSpec, create_export

    if all_customers == bool(customer):
        raise typer.BadParameter("give --customer ids or --all, not both")
    if fmt not in ("csv", "json"):
        raise typer.BadParameter("--format must be csv or json")
    spec = ExportSpec(
        recipient=recipient,
        purpose=purpose,
        fields=tuple(f.strip() for f in fields.split(",") if f.strip()),
        format=fmt,  # type: ignore[arg-type]
        customer_ids=None if all_customers else customer,
    )
    system = _system()
    try:
        result = create_export(system, _operator(), spec)
    finally:
        system.close()
    target = output or Path(result.filename)
    target.write_bytes(result.content)
    target.chmod(0o600)
    out.print(f"export {result.info.id}: {result.info.rows} rows written to {target}")
    if result.withheld:
        out.print(f"{result.withheld} customers withheld by the gate")
    if result.masked:
        out.print(f"{result.masked} customers exported masked")


@app.command("list")
def list_(
    limit: Annotated[int, typer.Option(min=1, max=500)] = 50,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Recent exports, newest first."""
    from amanah.forensics.exports import list_exports

    system = _system()
    try:
        items = list_exports(system, limit)
    finally:
        system.close()
    if as_json:
        out.print_json(json.dumps([i.__dict__ for i in items]))
        return
    table = Table(title="exports")
    for column in ("id", "when", "by", "recipient", "purpose", "format", "rows"):
        table.add_column(column)
    for i in items:
        table.add_row(i.id, i.created_at, i.actor, i.recipient, i.purpose, i.format, str(i.rows))
    out.print(table)


@app.command("show")
def show(export_id: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """One export: who, when, for whom, why."""
    from amanah.forensics.exports import get_export

    system = _system()
    try:
        info = get_export(system, export_id)
    finally:
        system.close()
    if as_json:
        out.print_json(json.dumps(info.__dict__))
        return
    for key, value in info.__dict__.items():
        out.print(f"{key}: {value}", highlight=False)
