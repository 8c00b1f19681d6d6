"""``amanah forensics ...``: trace a leaked file to its export; plant honeytoken customers."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(no_args_is_help=True, help="Leak tracing and honeytoken customers.")
out = Console()


def _system():
    from amanah.bootstrap import build
    from amanah.settings import Settings

    return build(Settings())


@app.command("trace")
def trace(
    leaked_file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Name the export a leaked file came from (who, when, for whom, purpose), or "no match".

    Works from partial copies (20 rows or more), with columns reordered or dropped,
    and from CSV, JSON, JSON Lines or XLSX. Exit code 0 on a match, 1 on no match.
    """
    from amanah.forensics.trace import trace as run_trace

    system = _system()
    try:
        result = run_trace(system, leaked_file)
    finally:
        system.close()
    if as_json:
        out.print_json(json.dumps(result.to_json()))
    elif result.matched and result.export:
        e = result.export
        out.print(f"[bold]match[/bold]: export {e['id']}", highlight=False)
        out.print(f"  by:        {e['actor']}", highlight=False)
        out.print(f"  when:      {e['created_at']}", highlight=False)
        out.print(f"  for:       {e['recipient']}", highlight=False)
        out.print(f"  purpose:   {e['purpose']}", highlight=False)
        out.print(
            f"  confidence: likelihood ratio 10^{result.log10_lr:.1f}, "
            f"probability {result.probability:.6f}",
            highlight=False,
        )
        out.print(f"  evidence:  {result.reason}", highlight=False)
    else:
        out.print(f"[bold]no match[/bold]: {result.reason}", highlight=False)
    if not result.matched:
        raise typer.Exit(1)


@app.command("plant-honeytoken")
def plant(
    count: Annotated[int, typer.Option(min=1, max=100)] = 1,
    label: Annotated[str | None, typer.Option(help="A note for officers.")] = None,
) -> None:
    """Create synthetic honeytoken customers: any read of one raises a critical event."""
    from amanah.forensics.honeytokens import plant_honeytoken

    system = _system()
    try:
        for _ in range(count):
            customer_id = plant_honeytoken(system, label, f"cli:{getpass.getuser()}")
            out.print(f"planted honeytoken customer {customer_id}")
    finally:
        system.close()
