"""``amanah detect``: replay a JSON Lines stream through the live detectors.

Mounted by the main CLI (``app.add_typer(detect_app, name="detect")``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import orjson
import typer

from amanah.detection.config import DetectionConfig, read_ids
from amanah.detection.engine import Detector
from amanah.detection.events import GeoResolver, JsonlReader

app = typer.Typer(no_args_is_help=True, help="Threat detection: replay activity events.")


@app.callback()
def detect() -> None:
    """Threat detection: behaviour analytics over activity events."""


@app.command()
def replay(
    events: Annotated[Path, typer.Argument(help="Events, one JSON object per line.")],
    output: Annotated[
        str, typer.Option("--output", help="jsonl (one alert per line) or text.")
    ] = "jsonl",
    to: Annotated[Path | None, typer.Option("--to", help="Write alerts here, not stdout.")] = None,
    geoip: Annotated[
        Path | None, typer.Option("--geoip", help="MaxMind City DB for events without geo.")
    ] = None,
    vip_file: Annotated[
        Path | None, typer.Option("--vip-file", help="VIP customer ids, one a line.")
    ] = None,
    honeytokens: Annotated[
        list[str] | None, typer.Option("--honeytoken", help="A honeytoken customer id.")
    ] = None,
) -> None:
    """Replay EVENTS through the same detectors the live system uses, learning as it goes."""
    if output not in ("jsonl", "text"):
        raise typer.BadParameter("--output is jsonl or text")
    if not events.is_file():
        typer.echo(f"error: no such file: {events}", err=True)
        raise typer.Exit(2)
    config = DetectionConfig(
        vip_customers=read_ids(vip_file), honeytoken_customers=frozenset(honeytokens or ())
    )
    geo = GeoResolver(geoip) if geoip else None

    def report(problem) -> None:
        typer.echo(f"line {problem.line}: skipped: {problem.error}", err=True)

    reader = JsonlReader(geo=geo, on_error=report)
    detector = Detector(config)
    alerts = detector.replay(reader.read_path(events))
    alerts.sort(key=lambda a: a.ts)
    sink = open(to, "wb") if to else sys.stdout.buffer  # noqa: SIM115
    try:
        for alert in alerts:
            if output == "jsonl":
                sink.write(orjson.dumps(alert.to_json()) + b"\n")
            else:
                line = (
                    f"{alert.when.isoformat()} {alert.severity:8} {alert.rule:22} "
                    f"{alert.actor}: {alert.explanation} ({len(alert.event_ids)} events)\n"
                )
                sink.write(line.encode())
        sink.flush()
    finally:
        if to:
            sink.close()
    typer.echo(
        f"{detector.events} events, {len(reader.errors)} malformed lines skipped, "
        f"{len(alerts)} alerts",
        err=True,
    )
