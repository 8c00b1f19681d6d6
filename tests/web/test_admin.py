"""Staff administration in the console: admins only; invite, role, disable, enable, unlock."""

from __future__ import annotations

import re

from amanah.identity.testing import PASSWORD, totp_now

from .conftest import new_client, post


def test_admin_pages_are_forbidden_to_agents(enrolled, identity):
    """ASVS 5.0 V8 (authorisation): only admins reach staff administration."""
    siti = enrolled("siti")
    page = siti.client.get("/console/admin")
    assert page.status_code == 403 and "Your role does not give access" in page.text
    assert 'href="/console/admin"' not in siti.client.get("/console").text
    target = identity.accounts()[0].id
    for path in (
        "/console/admin/invite",
        f"/console/admin/accounts/{target}/disable",
        f"/console/admin/accounts/{target}/role",
        f"/console/admin/accounts/{target}/unlock",
        f"/console/admin/accounts/{target}/end-sessions",
    ):
        assert post(siti.client, path, username="mallory", role="admin").status_code == 403
    assert identity.account(target).status == "active"
    assert [a.username for a in identity.accounts()] == ["siti"]


def test_admin_invites_and_the_link_works(enrolled, app, identity):
    boss = enrolled("ayu", role="admin")
    page = boss.client.get("/console/admin")
    assert page.status_code == 200 and 'id="account-ayu"' in page.text
    invited = post(
        boss.client, "/console/admin/invite",
        username="budi", display_name="Budi", role="agent", locale="id",
    )  # fmt: skip
    assert invited.status_code == 200
    link = re.search(r'<code id="invitation-link">([^<]+)</code>', invited.text).group(1)
    assert link.startswith("https://testserver/console/invitation#")
    token = link.split("#", 1)[1]
    with new_client(app) as newcomer:
        done = post(newcomer, "/console/invitation", token=token, password=PASSWORD,
                    confirm=PASSWORD)  # fmt: skip
        assert done.status_code == 200
        started = post(newcomer, "/console/sign-in", username="budi", password=PASSWORD)
        assert started.headers["location"] == "/console/enrol"


def test_disable_ends_sessions_and_enable_and_role(enrolled, identity, clock):
    boss = enrolled("ayu", role="admin")
    siti = enrolled("siti")
    assert siti.client.get("/console").status_code == 200
    disabled = post(boss.client, f"/console/admin/accounts/{siti.account_id}/disable")
    assert disabled.headers["location"] == "/console/admin?done=disable"
    assert siti.client.get("/console").headers["location"] == "/console/sign-in"
    assert identity.account(siti.account_id).status == "disabled"
    post(boss.client, f"/console/admin/accounts/{siti.account_id}/enable")
    assert identity.account(siti.account_id).status == "active"
    role = post(boss.client, f"/console/admin/accounts/{siti.account_id}/role", role="supervisor")
    assert role.headers["location"] == "/console/admin?done=role"
    assert identity.account(siti.account_id).role == "supervisor"


def test_role_change_needs_a_fresh_factor(enrolled, identity, clock):
    boss = enrolled("ayu", role="admin")
    siti = enrolled("siti")
    clock.advance(minutes=11)
    boss.client.get("/console")
    asked = post(boss.client, f"/console/admin/accounts/{siti.account_id}/role", role="admin")
    assert asked.headers["location"] == "/console/step-up?next=/console/admin"
    assert identity.account(siti.account_id).role == "agent"
    post(boss.client, "/console/step-up/totp", code=totp_now(boss.totp_secret, clock),
         next="/console/admin")  # fmt: skip
    post(boss.client, f"/console/admin/accounts/{siti.account_id}/role", role="supervisor")
    assert identity.account(siti.account_id).role == "supervisor"


def test_admin_unlocks_a_locked_account(enrolled, identity):
    boss = enrolled("ayu", role="admin")
    siti = enrolled("siti")
    from amanah.db import transaction
    from amanah.identity.models import StaffAccount

    with transaction(identity.factory) as s:
        s.get(StaffAccount, siti.account_id).locked_at = identity.clock()
    page = boss.client.get("/console/admin")
    assert f"/console/admin/accounts/{siti.account_id}/unlock" in page.text
    post(boss.client, f"/console/admin/accounts/{siti.account_id}/unlock")
    assert not identity.account(siti.account_id).locked
