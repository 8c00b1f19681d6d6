"""Staff administration for admins: the list, one person's page, invitations, roles,
disable/enable/unlock, ending sessions and one-time password-reset links.

Role changes, invitations and reset links need a factor used in the last minutes
(step-up); every action returns to the page it came from.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from amanah.access.errors import StepUpRequired
from amanah.errors import AmanahError
from amanah.identity.models import ROLES
from amanah.identity.sessions import AuthContext
from amanah.web.pages import (
    PREFIX,
    Form,
    admin,
    identity_of,
    message,
    redirect,
    render,
    status_of,
    stepup_url,
    t_for,
)

ADMIN_DONE = ("disable", "enable", "unlock", "role", "sessions", "session")

router = APIRouter(include_in_schema=False)


# ---- staff administration (admins) -------------------------------------------------------------


def admin_page(
    request: Request, ctx: AuthContext, *, status: int = 200, **values: Any
) -> HTMLResponse:
    identity = identity_of(request)
    return render(
        request,
        "admin.html",
        status=status,
        user=ctx,
        accounts=identity.accounts(),
        teams=identity.teams(),
        roles=ROLES,
        **values,
    )


def account_page(
    request: Request, ctx: AuthContext, account_id: str, *, status: int = 200, **values: Any
) -> HTMLResponse:
    """One person: role, team, status, lock, factors (names only) and live sessions."""
    identity = identity_of(request)
    account = identity.account(account_id)
    return render(
        request,
        "admin_account.html",
        status=status,
        user=ctx,
        account=account,
        team=dict(identity.teams()).get(account.team_id or ""),
        sessions=identity.list_sessions(account_id, current=ctx.session_id),
        roles=ROLES,
        **values,
    )


def _admin_notice(request: Request) -> str | None:
    done = request.query_params.get("done")
    return t_for(request)(f"admin.done.{done}") if done in ADMIN_DONE else None


@router.get("/admin")
def administration(request: Request) -> Response:
    ctx = admin(request)
    return admin_page(request, ctx, notice=_admin_notice(request))


@router.get("/admin/accounts/{account_id}")
def administration_account(request: Request, account_id: str) -> Response:
    ctx = admin(request)
    try:
        return account_page(request, ctx, account_id, notice=_admin_notice(request))
    except AmanahError as exc:
        return admin_page(request, ctx, status=status_of(exc), error=message(request, exc))


def _admin_action(
    request: Request,
    call: Callable[[AuthContext], Any],
    done: str,
    *,
    fresh: bool = False,
    data: dict[str, Any] | None = None,
    account_id: str | None = None,
) -> Response:
    """Run an admin action, then back to the list, or to the person's page it came from."""
    ctx = admin(request)
    back = f"{PREFIX}/admin"
    if account_id is not None and (data or {}).get("back") == "account":
        back = f"{PREFIX}/admin/accounts/{quote(account_id, safe='')}"
    try:
        if fresh:  # role changes and invitations: a factor used in the last minutes
            identity_of(request).require_fresh_factor(ctx)
        call(ctx)
    except StepUpRequired:
        return redirect(stepup_url(back))
    except AmanahError as exc:
        error = message(request, exc)
        if back != f"{PREFIX}/admin" and account_id is not None:
            try:
                return account_page(request, ctx, account_id, status=status_of(exc), error=error)
            except AmanahError:
                pass  # the person is gone: the list page says what went wrong
        return admin_page(request, ctx, status=status_of(exc), error=error)
    return redirect(f"{back}?done={done}")


@router.post("/admin/invite")
def invite(request: Request, data: Form) -> Response:
    ctx = admin(request)
    identity = identity_of(request)
    try:
        identity.require_fresh_factor(ctx)
        created = identity.invite(
            str(data.get("username", "")),
            str(data.get("role", "agent")),
            display_name=str(data.get("display_name", "")),
            email=str(data.get("email", "")) or None,
            phone=str(data.get("phone", "")) or None,
            team_id=str(data.get("team_id", "")) or None,
            locale=str(data.get("locale", "en")),
            actor_id=ctx.account_id,
        )
    except StepUpRequired:
        return redirect(stepup_url(f"{PREFIX}/admin"))
    except AmanahError as exc:
        return admin_page(request, ctx, status=status_of(exc), error=message(request, exc))
    link = identity.console_link("invitation", created.token)  # the origin passkeys use
    return admin_page(request, ctx, invited=created, invitation_link=link)


@router.post("/admin/accounts/{account_id}/disable")
def disable(request: Request, account_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).disable(account_id, actor_id=ctx.account_id),
        "disable",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/enable")
def enable(request: Request, account_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).enable(account_id, actor_id=ctx.account_id),
        "enable",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/unlock")
def unlock(request: Request, account_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).unlock(account_id, actor_id=ctx.account_id),
        "unlock",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/role")
def set_role(request: Request, account_id: str, data: Form) -> Response:
    role = str(data.get("role", ""))
    return _admin_action(
        request,
        lambda ctx: identity_of(request).set_role(account_id, role, actor_id=ctx.account_id),
        "role",
        fresh=True,
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/end-sessions")
def end_sessions(request: Request, account_id: str, data: Form) -> Response:
    """End every session of the person (the admin's own current one stays)."""
    return _admin_action(
        request,
        lambda ctx: identity_of(request).end_all_sessions(
            account_id, keep=ctx.session_id, actor_id=ctx.account_id
        ),
        "sessions",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/sessions/{session_id}/end")
def end_account_session(request: Request, account_id: str, session_id: str, data: Form) -> Response:
    return _admin_action(
        request,
        lambda ctx: identity_of(request).end_session(ctx, session_id, account_id=account_id),
        "session",
        data=data,
        account_id=account_id,
    )


@router.post("/admin/accounts/{account_id}/reset-password")
def issue_reset(request: Request, account_id: str, data: Form) -> Response:
    """A one-time reset link for the person, shown once on their page; the admin never
    chooses the password, and using the link still needs the person's second factor."""
    ctx = admin(request)
    identity = identity_of(request)
    back = f"{PREFIX}/admin/accounts/{quote(account_id, safe='')}"
    try:
        identity.require_fresh_factor(ctx)
        issued = identity.issue_password_reset(account_id, actor_id=ctx.account_id)
    except StepUpRequired:
        return redirect(stepup_url(back))
    except AmanahError as exc:
        try:
            return account_page(
                request, ctx, account_id, status=status_of(exc), error=message(request, exc)
            )
        except AmanahError:
            return admin_page(request, ctx, status=status_of(exc), error=message(request, exc))
    link = identity.console_link("reset", issued.token)
    return account_page(request, ctx, account_id, reset=issued, reset_link=link)
