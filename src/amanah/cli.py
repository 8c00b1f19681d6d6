"""The ``amanah`` command. Domain errors become one line and a non-zero exit code."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from amanah.access.gate import Principal
from amanah.audit.cli import app as audit_app
from amanah.crypto.errors import CryptoError, KeyringSealed
from amanah.detection.cli import app as detect_app
from amanah.errors import AmanahError
from amanah.forensics.cli import app as forensics_app
from amanah.forensics.exports_cli import app as export_app
from amanah.identity.cli import app as staff_app
from amanah.settings import Settings

app = typer.Typer(no_args_is_help=True, help="Amanah: protect contact-centre customer data.")
keys_app = typer.Typer(no_args_is_help=True, help="Root keys: status, rotation, rewrap.")
customers_app = typer.Typer(no_args_is_help=True, help="Customers: bulk import and lookup.")
app.add_typer(keys_app, name="keys")
app.add_typer(customers_app, name="customers")
app.add_typer(export_app, name="export")
app.add_typer(forensics_app, name="forensics")
app.add_typer(audit_app, name="audit")
app.add_typer(detect_app, name="detect")
app.add_typer(staff_app, name="staff")
out = Console()
err = Console(stderr=True)


def _settings() -> Settings:
    return Settings()


def _system():
    from amanah.bootstrap import build

    return build(_settings())


def _local_admin() -> Principal:
    """Whoever runs the command on the host: an admin, named "cli" on the trail."""
    return Principal(id="cli", kind="service", role="admin", scopes=frozenset({"*"}))


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not err.is_terminal,
    )


@app.command()
def init(
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="Seed synthetic demo customers.")
    ] = True,
    passphrase: Annotated[
        bool, typer.Option("--passphrase", help="Seal the new local keyring with a passphrase.")
    ] = False,
) -> None:
    """Create AMANAH_HOME: keyring, database, TLS certificate, first admin token. Idempotent."""
    from amanah.home import init_home

    settings = _settings()
    secret = None
    if passphrase and not settings.keyring_path.exists():
        if not sys.stdin.isatty():
            secret = os.environ.get("AMANAH_KEYRING_PASSPHRASE")
            if not secret:
                raise typer.BadParameter("set AMANAH_KEYRING_PASSPHRASE when stdin is no terminal")
        else:
            secret = typer.prompt("Keyring passphrase", hide_input=True, confirmation_prompt=True)
    report = init_home(settings, secret, demo)
    for item in report.created:
        out.print(f"created {item}")
    if report.demo_customers:
        out.print(f"seeded {report.demo_customers} demo customers")
    if report.admin_token:
        out.print("\n[bold]Initial admin token (shown once; store it now):[/bold]")
        out.print(report.admin_token, soft_wrap=True, highlight=False)
    if not report.created:
        out.print(f"{settings.home} is ready")
        return
    _record_init(report)  # after the token is shown: a failure here must not lose it


def _record_init(report: Any) -> None:
    """One ``system.init`` entry: what this run created (flags and counts, no paths)."""
    from amanah.audit.trail import cli_actor

    made = {"keyring": "keyring", "admin_token": "admin token", "tls_certificate": "TLS"}
    extra = {k: True for k, p in made.items() if any(c.startswith(p) for c in report.created)}
    system = _system()
    try:
        system.trail.record(
            cli_actor(), "system.init", demo_customers=report.demo_customers, **extra
        )
    finally:
        system.close()


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="Port.")] = None,
    insecure_http: Annotated[
        bool, typer.Option("--insecure-http", help="Plain HTTP, only behind a TLS proxy.")
    ] = False,
) -> None:
    """Serve the API (and console) over HTTPS."""
    from amanah.server import serve as run

    overrides: dict[str, Any] = {}
    if host:
        overrides["host"] = host
    if port:
        overrides["port"] = port
    if insecure_http:
        overrides["insecure_http"] = True
    settings = Settings(**overrides)
    scheme = "http" if settings.insecure_http else "https"
    err.print(f"Amanah on {scheme}://{settings.host}:{settings.port} (docs at /docs)")
    run(settings)


@app.command()
def unseal(
    url: Annotated[str | None, typer.Option(help="Server URL; default from settings.")] = None,
    token: Annotated[str | None, typer.Option(envvar="AMANAH_TOKEN", help="Admin token.")] = None,
) -> None:
    """Unseal a running server whose keyring is protected by a passphrase."""
    import httpx

    settings = _settings()
    passphrase = os.environ.get("AMANAH_KEYRING_PASSPHRASE") or typer.prompt(
        "Keyring passphrase", hide_input=True
    )
    if not token:
        raise typer.BadParameter("give --token or set AMANAH_TOKEN")
    base = url or f"https://{settings.host}:{settings.port}"
    verify: Any = str(settings.cert_path) if settings.cert_path.exists() else True
    response = httpx.post(
        f"{base}/api/v1/system/unseal",
        json={"passphrase": passphrase},
        headers={"Authorization": f"Bearer {token}"},
        verify=verify,
        timeout=60,
    )
    if response.status_code != 204:
        detail = response.json().get("detail", response.text) if response.content else ""
        err.print(f"error: unseal failed ({response.status_code}): {detail}")
        raise typer.Exit(6)
    out.print("unsealed")


@keys_app.command("status")
def keys_status(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Root-key versions and how many data keys each still wraps."""
    from amanah.app import keys_report

    report = keys_report(_system())
    if as_json:
        out.print_json(report.model_dump_json())
        return
    table = Table(title=f"{report.keyring} keyring {report.key_id}")
    for column in ("version", "state", "created", "data keys"):
        table.add_column(column)
    for v in report.versions:
        table.add_row(str(v.version), v.state, v.created_at, str(v.data_keys))
    out.print(table)
    if report.sealed:
        out.print("the keyring is sealed")


def _key_admin(system: Any) -> Any:
    from amanah.audit.trail import cli_actor
    from amanah.vault.keys import KeyAdmin

    return KeyAdmin(system.factory, system.keys, system.trail, cli_actor())


def _rewrap_with_progress(system: Any) -> int:
    from amanah.vault.keys import count_by_version

    admin = _key_admin(system)
    with system.factory() as session:
        counts = count_by_version(session)
    active = system.keyring.current_version()
    stale = sum(n for v, n in counts.items() if v != active)
    with _progress() as progress:
        task = progress.add_task("rewrapping data keys", total=stale)
        moved = admin.rewrap(on_batch=lambda p: progress.update(task, completed=p.done))
    retired = admin.retire_unused()
    out.print(f"rewrapped {moved} data keys under version {active}")
    if retired:
        out.print("retired root key versions: " + ", ".join(map(str, retired)))
    return moved


@keys_app.command("rotate")
def keys_rotate() -> None:
    """New root-key version, then rewrap every data key (online, resumable). Each step is
    recorded on the audit trail as ``cli:<os user>``."""
    system = _system()
    version = _key_admin(system).rotate()
    out.print(f"root key version {version} is now active")
    _rewrap_with_progress(system)


@keys_app.command("rewrap")
def keys_rewrap() -> None:
    """Finish (or resume) moving data keys to the active root version."""
    _rewrap_with_progress(_system())


@customers_app.command("import")
def customers_import(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    show: Annotated[int, typer.Option(help="How many rejected rows to list.")] = 20,
) -> None:
    """Bulk import from CSV or JSON Lines; rejected rows are listed with the reason."""
    from amanah.vault.importer import count_lines, import_file

    system = _system()
    total = max(count_lines(path) - (1 if path.suffix.lower() == ".csv" else 0), 0)
    with _progress() as progress:
        task = progress.add_task("importing customers", total=total)
        summary = import_file(
            system.factory,
            system.keys,
            path,
            system.settings.default_region,
            on_progress=lambda n: progress.advance(task, n),
        )
    out.print(f"imported {summary.imported}, rejected {summary.rejected}")
    for line, reason in summary.rejections[:show]:
        out.print(f"  line {line}: {reason}", highlight=False)
    if summary.rejected > show:
        out.print(f"  ... and {summary.rejected - show} more")


@customers_app.command("find")
def customers_find(
    phone: Annotated[str | None, typer.Option(help="Phone number as the caller gives it.")] = None,
    email: Annotated[str | None, typer.Option()] = None,
    national_id: Annotated[str | None, typer.Option("--national-id")] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="national id kind")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Exact-match lookup through the blind index; shows masked values."""
    from amanah.vault.schemas import SearchIn

    query = SearchIn.model_validate(
        {"phone": phone, "email": email, "national_id": national_id, "national_id_kind": kind}
    )
    found = _system().vault.search(_local_admin(), query)
    if as_json:
        out.print_json(json.dumps([c.model_dump(mode="json") for c in found]))
        return
    if not found:
        out.print("no customer found")
        raise typer.Exit(1)
    for customer in found:
        table = Table(title=f"{customer.id} ({customer.external_id or '-'})")
        table.add_column("field")
        table.add_column("value")
        for f in customer.fields:
            table.add_row(f.kind, f.masked)
        out.print(table)


@app.command()
def redact(
    path: Annotated[
        str, typer.Argument(help="A text file, one utterance per line, or - for stdin.")
    ] = "-",
    lang: Annotated[str, typer.Option(help="auto, en or id.")] = "auto",
    output: Annotated[str, typer.Option(help="text or jsonl.")] = "text",
    operator: Annotated[
        str,
        typer.Option(
            help="replace, mask, pseudonym, hash or encrypt (hash and encrypt need"
            " `amanah init`; encrypt needs --customer)."
        ),
    ] = "replace",
    customer: Annotated[
        str | None,
        typer.Option(help="With --operator encrypt: the customer whose key seals the values."),
    ] = None,
) -> None:
    """Redact personal data from each line; jsonl gives entity offsets into the original."""
    from amanah.redaction import Operator, get_operator, redact_lines

    if lang not in ("auto", "en", "id"):
        raise typer.BadParameter("--lang must be auto, en or id")
    if (operator == "encrypt") != (customer is not None):
        raise typer.BadParameter("--customer goes with --operator encrypt, and only with it")
    op: Operator
    if operator == "encrypt":
        op = _system().sealed_redaction.operator(_local_admin(), str(customer))
    else:
        key = None
        if operator == "hash":
            from amanah.bootstrap import open_keyring
            from amanah.redaction.api import hash_key

            key = hash_key(open_keyring(_settings()))
        op = get_operator(operator, key=key)
    source = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115
    try:
        for line in redact_lines(source, lang, op, output):  # type: ignore[arg-type]
            sys.stdout.write(line + "\n")
    finally:
        if source is not sys.stdin:
            source.close()


def main() -> None:
    try:
        app()
    except AmanahError as exc:
        err.print(f"error: {exc.detail}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyringSealed:
        err.print("error: the keyring is sealed (set AMANAH_KEYRING_PASSPHRASE)")
        sys.exit(7)
    except CryptoError as exc:
        err.print(f"error: {exc}", highlight=False)
        sys.exit(8)


if __name__ == "__main__":
    main()
