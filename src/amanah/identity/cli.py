"""``amanah staff ...``: staff administration from a shell on the server.

Whoever runs this command can already read the keyring and the database, so the shell
account is the administrator: every change is recorded on the audit trail with the actor
``cli:<os user>`` (the ``sudo`` caller's name when run through ``sudo``). Accounts are
named by id, username or email. A domain error is one line on stderr and the
``AmanahError`` exit code (2 invalid input, 3 not found, 4 conflict), never a traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from amanah.audit.trail import cli_actor
from amanah.errors import AmanahError, Conflict, InvalidInput, NotFound

if TYPE_CHECKING:
    from amanah.identity.service import AccountView, Identity

app = typer.Typer(no_args_is_help=True, help="Staff accounts: invite, disable, roles, sessions.")
out = Console(highlight=False)

Ref = Annotated[str, typer.Argument(help="The account: its id, username or email.")]
AsJson = Annotated[bool, typer.Option("--json", help="JSON instead of a table.")]


def _system():
    from amanah.bootstrap import build
    from amanah.settings import Settings

    return build(Settings())


@contextmanager
def _identity() -> Iterator[Identity]:
    """The system's identity service; a domain error becomes one line and its exit code."""
    system = None
    try:
        system = _system()
        if system.identity is None:
            raise AmanahError("the system has no identity service")
        yield system.identity
    except AmanahError as exc:
        typer.echo(f"error: {exc.detail}", err=True)  # one line, never wrapped
        raise typer.Exit(exc.exit_code) from None
    finally:
        if system is not None:
            system.close()


def _team_id(identity: Identity, ref: str) -> str:
    teams = identity.teams()
    for team_id, name in teams:
        if ref in (team_id, name):
            return team_id
    for team_id, name in teams:
        if ref.strip().lower() == name.lower():
            return team_id
    raise NotFound("no such team")


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC") if moment else "-"


def _account_json(account: AccountView, team_names: dict[str, str]) -> dict[str, Any]:
    return {
        "id": account.id,
        "username": account.username,
        "display_name": account.display_name,
        "role": account.role,
        "team_id": account.team_id,
        "team": team_names.get(account.team_id or ""),
        "status": account.status,
        "locked": account.locked,
        "locked_factor": account.locked_factor,
        "factors": list(account.factors),
    }


def _username_from(email: str) -> str:
    """A sign-in name from the email's local part: ``Budi.Santoso@bank.id`` -> budi.santoso."""
    local = email.split("@", 1)[0].lower()
    name = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "." for c in local)
    return name.strip("._-")[:64]


# ---- accounts -------------------------------------------------------------------------------


@app.command("list")
def list_accounts(
    role: Annotated[str | None, typer.Option("--role", help="Only this role.")] = None,
    team: Annotated[str | None, typer.Option("--team", help="Only this team (id or name).")] = None,
    as_json: AsJson = False,
) -> None:
    """Staff accounts with role, team, status and the second factors they have."""
    from amanah.identity.models import ROLES

    with _identity() as identity:
        if role is not None and role not in ROLES:
            raise InvalidInput(f"role must be one of {', '.join(ROLES)}")
        team_id = _team_id(identity, team) if team is not None else None
        accounts = identity.accounts(role=role, team_id=team_id)
        team_names = dict(identity.teams())
    if as_json:
        typer.echo(json.dumps([_account_json(a, team_names) for a in accounts], indent=2))
        return
    table = Table(box=None, header_style="bold")
    for column in ("id", "username", "name", "role", "team", "status", "factors"):
        table.add_column(column, overflow="fold")
    for a in accounts:
        status = a.status + (f", locked ({a.locked_factor})" if a.locked else "")
        table.add_row(
            a.id, a.username, a.display_name, a.role,
            team_names.get(a.team_id or "", "-"), status, ", ".join(a.factors) or "-",
        )  # fmt: skip
    out.print(table)
    out.print(f"{len(accounts)} accounts")


@app.command()
def invite(
    email: Annotated[str, typer.Argument(help="The person's email (for notices).")],
    name: Annotated[str, typer.Option("--name", help="Full name.")],
    role: Annotated[str, typer.Option("--role", help="agent, supervisor, ... admin.")],
    team: Annotated[str | None, typer.Option("--team", help="Team id or name.")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="For SMS codes.")] = None,
    username: Annotated[
        str | None, typer.Option("--username", help="Sign-in name; default: from the email.")
    ] = None,
    locale: Annotated[str, typer.Option("--locale", help="en or id.")] = "en",
) -> None:
    """Invite a staff member; prints the one-time invitation link (shown once)."""
    with _identity() as identity:
        email = email.strip()
        local, at, domain = email.partition("@")
        if not (local and at and domain) or len(email) > 320:
            raise InvalidInput("not an email address")
        try:
            identity.find_account(email)
        except NotFound:
            pass
        else:
            raise Conflict("an account with this email exists")
        team_id = _team_id(identity, team) if team is not None else None
        created = identity.invite(
            username or _username_from(email), role,
            display_name=name, email=email, phone=phone, team_id=team_id, locale=locale,
            actor_id=cli_actor(),
        )  # fmt: skip
        account = identity.account(created.account_id)
        link = identity.console_link("invitation", created.token)
    typer.echo(f"invited {account.username} ({account.id}) as {account.role}")
    typer.echo(f"Invitation link (shown once; expires {_when(created.expires_at)}):")
    typer.echo(link)


def _act(ref: str, call: str, **kwargs: Any) -> tuple[AccountView, Any]:
    with _identity() as identity:
        account = identity.find_account(ref)
        result = getattr(identity, call)(account.id, actor_id=cli_actor(), **kwargs)
    return account, result


@app.command()
def disable(ref: Ref) -> None:
    """Disable an account; every one of its sessions ends at once."""
    account, ended = _act(ref, "disable")
    typer.echo(f"disabled {account.username} ({account.id}); ended {ended} sessions")


@app.command()
def enable(ref: Ref) -> None:
    """Enable a disabled account again."""
    account, _ = _act(ref, "enable")
    typer.echo(f"enabled {account.username} ({account.id})")


@app.command()
def unlock(ref: Ref) -> None:
    """Unlock an account locked by repeated factor failures."""
    account, _ = _act(ref, "unlock")
    typer.echo(f"unlocked {account.username} ({account.id})")


@app.command("set-role")
def set_role(
    ref: Ref, role: Annotated[str, typer.Argument(help="agent, supervisor, ... admin.")]
) -> None:
    """Change an account's role."""
    account, _ = _act(ref, "set_role", role=role)
    typer.echo(f"{account.username} ({account.id}) is now {role}")


@app.command("set-team")
def set_team(
    ref: Ref, team: Annotated[str, typer.Argument(help="Team id or name; '-' for no team.")]
) -> None:
    """Move an account to a team (or out of every team with '-')."""
    with _identity() as identity:
        account = identity.find_account(ref)
        team_id = None if team == "-" else _team_id(identity, team)
        identity.set_team(account.id, team_id, actor_id=cli_actor())
    typer.echo(f"{account.username} ({account.id}) team: {team if team_id else '-'}")


@app.command("reset-password")
def reset_password(ref: Ref) -> None:
    """Issue a one-time password reset for an active account; prints its link (shown once).

    The administrator never chooses the password, and using the reset still needs the
    person's second factor (a recovery code will do): it never skips it.
    """
    with _identity() as identity:
        account = identity.find_account(ref)
        issued = identity.issue_password_reset(account.id, actor_id=cli_actor())
        link = identity.console_link("reset", issued.token)
    typer.echo(f"password reset issued for {account.username} ({account.id})")
    typer.echo("using it still needs their second factor")
    typer.echo(f"Reset link (shown once; expires {_when(issued.expires_at)}):")
    typer.echo(link)


# ---- sessions -------------------------------------------------------------------------------


@app.command()
def sessions(ref: Ref, as_json: AsJson = False) -> None:
    """The account's live sessions: device, address, started, last seen, factors used."""
    with _identity() as identity:
        account = identity.find_account(ref)
        live = identity.list_sessions(account.id)
    if as_json:
        rows = [
            {
                "id": s.id,
                "created_at": s.created_at.isoformat(),
                "last_seen_at": s.last_seen_at.isoformat(),
                "expires_at": s.expires_at.isoformat(),
                "source": s.source,
                "user_agent": s.user_agent,
                "factors": {k: v.isoformat() for k, v in s.factors.items()},
            }
            for s in live
        ]
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(box=None, header_style="bold")
    for column in ("session", "started", "last seen", "address", "device", "factors"):
        table.add_column(column, overflow="fold")
    for s in live:
        table.add_row(
            s.id, _when(s.created_at), _when(s.last_seen_at), s.source or "-",
            s.user_agent or "-", ", ".join(sorted(s.factors)) or "-",
        )  # fmt: skip
    out.print(table)
    out.print(f"{len(live)} live sessions of {account.username}")


@app.command("end-sessions")
def end_sessions(
    ref: Ref,
    session: Annotated[
        str | None, typer.Option("--session", help="End only this session (its id).")
    ] = None,
) -> None:
    """End every live session of an account (or one, with --session): they sign in again."""
    from amanah.access.gate import Principal

    with _identity() as identity:
        account = identity.find_account(ref)
        if session is None:
            ended = identity.end_all_sessions(account.id, actor_id=cli_actor())
        else:
            if session not in {s.id for s in identity.list_sessions(account.id)}:
                raise NotFound("no such live session of this account")
            operator = Principal(
                id=cli_actor(), kind="service", role="admin", scopes=frozenset({"*"})
            )
            identity.end_session(operator, session, account_id=account.id)
            ended = 1
    typer.echo(f"ended {ended} sessions of {account.username} ({account.id})")


# ---- teams and housekeeping ---------------------------------------------------------------------


@app.command()
def teams(as_json: AsJson = False) -> None:
    """Teams, with how many accounts each holds."""
    with _identity() as identity:
        listed = identity.teams()
        members: dict[str, int] = {}
        for a in identity.accounts():
            if a.team_id:
                members[a.team_id] = members.get(a.team_id, 0) + 1
    if as_json:
        rows = [{"id": i, "name": n, "members": members.get(i, 0)} for i, n in listed]
        typer.echo(json.dumps(rows, indent=2))
        return
    table = Table(box=None, header_style="bold")
    for column in ("id", "name", "members"):
        table.add_column(column)
    for team_id, name in listed:
        table.add_row(team_id, name, str(members.get(team_id, 0)))
    out.print(table)


@app.command("create-team")
def create_team(name: Annotated[str, typer.Argument(help="1 to 100 characters.")]) -> None:
    """Create a team (team baselines in detection follow teams)."""
    with _identity() as identity:
        team_id = identity.create_team(name, actor_id=cli_actor())
    typer.echo(f"created team {team_id}")


@app.command()
def purge(
    older_than_days: Annotated[
        float, typer.Option("--older-than-days", min=0, help="Keep what ended more recently.")
    ] = 1,
    as_json: AsJson = False,
) -> None:
    """Delete spent sessions, sign-in attempts, SMS codes, WebAuthn challenges, invitations
    and used recovery codes; prints how many of each."""
    with _identity() as identity:
        removed = identity.purge(timedelta(days=older_than_days), actor_id=cli_actor())
    if as_json:
        typer.echo(json.dumps(removed, indent=2))
        return
    for kind, count in removed.items():
        typer.echo(f"{kind}: {count}")
