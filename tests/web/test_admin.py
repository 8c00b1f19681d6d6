"""Staff administration in the console: admins only; invite, role, disable, enable, unlock."""

from __future__ import annotations

import re

import pytest

from amanah.identity.errors import InvalidCredentials
from amanah.identity.testing import ORIGIN, PASSWORD, totp_now

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
    assert link.startswith(f"{ORIGIN}/console/invitation#")  # the origin passkeys use
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


def test_an_agent_cannot_open_a_persons_page(enrolled):
    siti = enrolled("siti")
    page = siti.client.get(f"/console/admin/accounts/{siti.account_id}")
    assert page.status_code == 403 and "/end-sessions" not in page.text
    ended = post(siti.client, f"/console/admin/accounts/{siti.account_id}/sessions/x/end")
    assert ended.status_code == 403


def test_admin_opens_a_person_and_ends_one_session_then_all(enrolled, identity, system, clock):
    """ASVS 5.0 V7.4.5: an administrator sees a person's sessions and ends one or all."""
    boss = enrolled("ayu", role="admin")
    siti = enrolled("siti")
    attempt = identity.begin(
        "siti", PASSWORD, source="10.20.30.40", user_agent="Firefox/128.0 (X11; Linux x86_64)"
    )
    laptop = identity.verify_totp(attempt.token, totp_now(siti.totp_secret, clock))
    clock.advance(seconds=30)
    seen: list = []
    system.bus.subscribe(seen.append)
    listing = boss.client.get("/console/admin")
    assert f'href="/console/admin/accounts/{siti.account_id}"' in listing.text

    page = boss.client.get(f"/console/admin/accounts/{siti.account_id}")
    assert page.status_code == 200
    assert '<td id="account-username">siti</td>' in page.text
    assert '<option value="agent" selected>' in page.text
    assert "Not locked" in page.text and "No team" in page.text
    factors = re.search(r'<td id="account-factors">([^<]*)</td>', page.text).group(1)
    assert factors == "Authenticator app, Recovery codes"
    assert page.text.count('<tr id="session-') == 2
    row = re.search(rf'<tr id="session-{laptop.session_id}">(.*?)</tr>', page.text, re.S).group(1)
    assert "Firefox/128.0 (X11; Linux x86_64)" in row and "10.20.30.40" in row
    assert "Password, Authenticator app" in row and "UTC" in row
    assert siti.totp_secret not in page.text

    one = post(
        boss.client, f"/console/admin/accounts/{siti.account_id}/sessions/{laptop.session_id}/end",
        back="account",
    )  # fmt: skip
    assert one.headers["location"] == f"/console/admin/accounts/{siti.account_id}?done=session"
    with pytest.raises(InvalidCredentials):
        identity.authenticate(laptop.session_token)
    assert siti.client.get("/console").status_code == 200  # the other session lives on
    ended = [e for e in seen if e.action == "identity.session.ended"]
    assert [(e.actor, e.extra["session_id"]) for e in ended] == [
        (boss.account_id, laptop.session_id)
    ]
    after = boss.client.get(one.headers["location"])
    assert "The session was ended." in after.text
    assert after.text.count('<tr id="session-') == 1

    every = post(boss.client, f"/console/admin/accounts/{siti.account_id}/end-sessions",
                 back="account")  # fmt: skip
    assert every.headers["location"] == f"/console/admin/accounts/{siti.account_id}?done=sessions"
    assert siti.client.get("/console").headers["location"] == "/console/sign-in"
    assert "No signed-in sessions." in boss.client.get(every.headers["location"]).text
    assert boss.client.get("/console").status_code == 200
    assert all(e.actor == boss.account_id for e in seen if e.action == "identity.session.ended")


def test_a_persons_page_only_ends_that_persons_sessions(enrolled, identity):
    boss = enrolled("ayu", role="admin")
    siti = enrolled("siti")
    mine = boss.client.get(f"/console/admin/accounts/{boss.account_id}")
    (own,) = re.findall(r'<tr id="session-([^"]+)">', mine.text)
    assert "(this session)" in mine.text
    wrong = post(boss.client, f"/console/admin/accounts/{siti.account_id}/sessions/{own}/end",
                 back="account")  # fmt: skip
    assert wrong.status_code == 404 and "siti" in wrong.text
    assert boss.client.get("/console").status_code == 200
    missing = boss.client.get("/console/admin/accounts/acc_nobody")
    assert missing.status_code == 404 and 'id="account-ayu"' in missing.text


def test_actions_on_a_persons_page_come_back_to_it(enrolled, identity, clock):
    boss = enrolled("ayu", role="admin")
    siti = enrolled("siti")
    from amanah.db import transaction
    from amanah.identity.models import StaffAccount

    with transaction(identity.factory) as s:
        account = s.get(StaffAccount, siti.account_id)
        account.locked_at, account.locked_factor = identity.clock(), "totp"
    here = f"/console/admin/accounts/{siti.account_id}"
    page = boss.client.get(here)
    lock = re.search(r'<td id="account-lock">(.*?)</td>', page.text, re.S).group(1)
    assert "Locked since 2026-11-29" in lock and "Authenticator app" in lock
    assert post(boss.client, f"{here}/unlock", back="account").headers["location"] == (
        f"{here}?done=unlock"
    )
    assert "Not locked" in boss.client.get(here).text
    assert post(boss.client, f"{here}/disable", back="account").headers["location"] == (
        f"{here}?done=disable"
    )
    assert "Disabled" in boss.client.get(here).text
    post(boss.client, f"{here}/enable", back="account")
    assert identity.account(siti.account_id).status == "active"
    clock.advance(minutes=11)
    boss.client.get("/console")
    asked = post(boss.client, f"{here}/role", role="supervisor", back="account")
    assert asked.headers["location"] == f"/console/step-up?next={here}"
    assert identity.account(siti.account_id).role == "agent"
    post(boss.client, "/console/step-up/totp", code=totp_now(boss.totp_secret, clock), next=here)
    done = post(boss.client, f"{here}/role", role="supervisor", back="account")
    assert done.headers["location"] == f"{here}?done=role"
    assert identity.account(siti.account_id).role == "supervisor"
    bad = post(boss.client, f"{here}/role", role="root", back="account")
    assert bad.status_code == 422 and '<td id="account-username">siti</td>' in bad.text
