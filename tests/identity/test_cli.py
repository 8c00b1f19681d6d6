"""``amanah staff ...`` on an initialised home (SQLite and PostgreSQL), driven through the
real ``amanah`` command; every change is read back from the audit trail."""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime, timedelta

import pytest
from typer.testing import CliRunner

from amanah.cli import app as amanah
from amanah.db import transaction
from amanah.identity import cli as staff_cli
from amanah.identity.errors import EnrolmentRequired, InvalidCredentials
from amanah.identity.models import SmsCode, StaffAccount, WebAuthnChallenge
from amanah.identity.testing import PASSWORD, Clock, sign_in


@pytest.fixture
def clock() -> Clock:
    """Close to the real time the command runs at (a few minutes back, so that spent rows
    are already older than a small retention while sessions are still live)."""
    return Clock(datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5))


@pytest.fixture
def home(settings, monkeypatch):
    from amanah.home import init_home

    init_home(settings, None, demo=False)
    monkeypatch.setenv("AMANAH_HOME", str(settings.home))
    monkeypatch.setenv("AMANAH_DATABASE_URL", settings.effective_database_url)
    monkeypatch.delenv("SUDO_USER", raising=False)
    monkeypatch.setattr(staff_cli.out, "width", 200)  # tables unfolded
    return settings


@pytest.fixture
def staff(home):
    """Run ``amanah staff ARGS``; the result has exit_code, stdout and stderr."""
    runner = CliRunner()
    return lambda *args: runner.invoke(amanah, ["staff", *args])


@pytest.fixture
def trail(home):
    """The audit entries an actor wrote, read from the log in the home's database."""
    from amanah.audit import queries
    from amanah.audit.log import log_for_system
    from amanah.bootstrap import build

    def read(actor: str) -> list:
        system = build(home)
        try:
            return [i.entry for i in queries.accessed_by(log_for_system(system), actor).entries]
        finally:
            system.close()

    return read


ME = f"cli:{getpass.getuser()}"


def failed(result, code: int, text: str) -> bool:
    """One line on stderr with the error's exit code; never a traceback."""
    lines = result.stderr.strip().splitlines()
    return (
        result.exit_code == code
        and len(lines) == 1
        and lines[0].startswith("error: ")
        and text in lines[0]
        and "Traceback" not in result.output + result.stderr
    )


def test_teams_invitations_and_the_list(staff, identity, trail):
    made = staff("create-team", "Tim Kartu")
    assert made.exit_code == 0, made.output
    assert failed(staff("create-team", "Tim Kartu"), 4, "a team with this name exists")

    invited = staff(
        "invite", "Budi.Santoso@bank.id", "--name", "Budi Santoso", "--role", "agent",
        "--team", "tim kartu", "--phone", "0812 3456 7890",
    )  # fmt: skip
    assert invited.exit_code == 0, invited.output
    assert invited.stdout.startswith("invited budi.santoso (acc_")
    link = invited.stdout.strip().splitlines()[-1]
    assert link.startswith("https://localhost:8443/console/invitation#")
    account_id = identity.accept_invitation(link.split("#", 1)[1], PASSWORD)

    (budi,) = json.loads(staff("list", "--json").stdout)
    assert budi["id"] == account_id and budi["username"] == "budi.santoso"
    assert (budi["role"], budi["team"], budi["status"]) == ("agent", "Tim Kartu", "active")
    assert "phone" not in budi and "email" not in budi
    table = staff("list", "--role", "agent", "--team", "Tim Kartu")
    assert table.exit_code == 0 and "budi.santoso" in table.stdout and "1 accounts" in table.stdout
    assert json.loads(staff("list", "--role", "admin", "--json").stdout) == []
    assert json.loads(staff("teams", "--json").stdout)[0]["members"] == 1

    assert failed(staff("list", "--role", "root"), 2, "role must be one of")
    assert failed(staff("list", "--team", "Tim Hilang"), 3, "no such team")
    again = ("invite", "budi.santoso@BANK.ID", "--name", "B", "--role", "agent")
    assert failed(staff(*again), 4, "an account with this email exists")
    assert failed(staff("invite", "no-at-sign", "--name", "N", "--role", "agent"), 2, "email")
    bad_role = ("invite", "rina@bank.id", "--name", "Rina", "--role", "root")
    assert failed(staff(*bad_role), 2, "role must be one of")
    assert [a.username for a in identity.accounts()] == ["budi.santoso"]

    actions = [(e.action, e.extra.get("account_id")) for e in trail(ME)]
    assert actions[:2] == [
        ("identity.team.created", None),
        ("identity.account.invited", budi["id"]),
    ]


def test_account_actions_by_id_or_email_reach_the_trail(staff, identity, make_staff, clock, trail):
    siti = make_staff("siti")
    laptop = sign_in(identity, siti, clock, source="10.9.8.7", user_agent="Firefox/128.0")

    listed = json.loads(staff("sessions", "siti@bank.test", "--json").stdout)
    assert {s["id"] for s in listed} == {siti.signed.session_id, laptop.session_id}
    row = next(s for s in listed if s["id"] == laptop.session_id)
    assert (row["source"], row["user_agent"]) == ("10.9.8.7", "Firefox/128.0")
    assert set(row["factors"]) == {"password", "totp"}
    table = staff("sessions", siti.account_id)
    assert laptop.session_id in table.stdout and "2 live sessions of siti" in table.stdout

    one = staff("end-sessions", "SITI@bank.test", "--session", laptop.session_id)
    assert one.exit_code == 0 and "ended 1 sessions of siti" in one.stdout
    with pytest.raises(InvalidCredentials):
        identity.authenticate(laptop.session_token)
    assert identity.authenticate(siti.signed.session_token).account_id == siti.account_id
    gone = staff("end-sessions", "siti", "--session", laptop.session_id)
    assert failed(gone, 3, "no such live session")
    assert "ended 1 sessions" in staff("end-sessions", "siti@bank.test").stdout
    with pytest.raises(InvalidCredentials):
        identity.authenticate(siti.signed.session_token)

    assert staff("set-role", siti.account_id, "supervisor").exit_code == 0
    assert identity.account(siti.account_id).role == "supervisor"
    assert failed(staff("set-role", "siti", "root"), 2, "role must be one of")
    staff("create-team", "Tim Kartu")
    assert staff("set-team", "siti", "Tim Kartu").exit_code == 0
    assert identity.account(siti.account_id).team_id is not None
    with transaction(identity.factory) as s:
        account = s.get(StaffAccount, siti.account_id)
        account.locked_at, account.locked_factor = clock(), "totp"
    (locked,) = json.loads(staff("list", "--json").stdout)
    assert locked["locked"] and locked["locked_factor"] == "totp"
    assert "unlocked siti" in staff("unlock", "siti@bank.test").stdout
    assert not identity.account(siti.account_id).locked
    assert "disabled siti" in staff("disable", "siti@bank.test").stdout
    assert identity.account(siti.account_id).status == "disabled"
    assert failed(staff("disable", "nobody@bank.test"), 3, "no such staff account")
    assert "enabled siti" in staff("enable", siti.account_id).stdout
    assert failed(staff("enable", "siti"), 4, "not disabled")

    entries = trail(ME)
    mine = [(e.action, e.outcome) for e in entries if e.extra.get("account_id") == siti.account_id]
    assert mine == [
        ("identity.session.ended", "ended"),
        ("identity.session.ended", "ended-by-admin"),
        ("identity.account.role_changed", "ok"),
        ("identity.account.team_changed", "ok"),
        ("identity.account.unlocked", "ok"),
        ("identity.account.disabled", "ok"),
        ("identity.account.enabled", "ok"),
    ]
    text = json.dumps([e.extra for e in entries])
    assert "siti@bank.test" not in text and "10.9.8.7" not in text


def test_reset_password_never_skips_the_second_factor(staff, identity, make_staff, trail):
    """ASVS 5.0 V6.4.3, V6.4.6: the administrator starts a reset, the person finishes it with
    their second factor and chooses the password."""
    siti = make_staff("siti")
    issued = staff("reset-password", "siti@bank.test")
    assert issued.exit_code == 0, issued.output
    assert "still needs their second factor" in issued.stdout
    link = issued.stdout.strip().splitlines()[-1]
    assert link.startswith("https://localhost:8443/console/reset#")
    attempt = identity.begin_reset(link.split("#", 1)[1])
    assert attempt.next == "second-factor"
    with pytest.raises(EnrolmentRequired):
        identity.complete_reset(attempt.token, "a brand new passphrase")
    assert identity.use_recovery_code(attempt.token, siti.recovery_codes[0]) is None
    identity.complete_reset(attempt.token, "a brand new passphrase")
    assert identity.begin("siti", "a brand new passphrase").next == "second-factor"

    identity.invite("rina", "agent")
    assert failed(staff("reset-password", "rina"), 4, "only an active account")
    (entry,) = [e for e in trail(ME) if e.action == "identity.password.reset"]
    assert entry.extra == {"account_id": siti.account_id, "step": "issued"}


def test_purge_by_hand_counts_each_kind(staff, identity, make_staff, clock, trail):
    siti = make_staff("siti")  # a used invitation, a completed sign-in, a live session
    spare = sign_in(identity, siti, clock)
    identity.sign_out(spare.session_token)  # an ended session
    long_ago = clock() - timedelta(days=2)
    with transaction(identity.factory) as s:
        s.add(SmsCode(id="sms_old", account_id=siti.account_id, bound_to="att_old",
                      phone="+6281234567890", code_hash="0" * 64, created_at=long_ago,
                      expires_at=long_ago + timedelta(minutes=5)))  # fmt: skip
        s.add(WebAuthnChallenge(id="wac_old", account_id=siti.account_id, purpose="authenticate",
                                bound_to="att_old", challenge=b"\0" * 32,
                                expires_at=long_ago + timedelta(minutes=5)))  # fmt: skip

    purged = staff("purge", "--older-than-days", "0.001", "--json")
    assert purged.exit_code == 0, purged.output
    assert json.loads(purged.stdout) == {
        "sessions": 1,
        "signin_attempts": 2,
        "sms_codes": 1,
        "webauthn_challenges": 1,
        "invitations": 1,
        "recovery_codes": 0,
    }
    assert identity.authenticate(siti.signed.session_token).account_id == siti.account_id
    assert set(json.loads(staff("purge", "--json").stdout).values()) == {0}
    assert "sessions: 0" in staff("purge").stdout
    entries = [e for e in trail(ME) if e.action == "identity.purged"]
    assert entries[0].extra["sessions"] == 1 and entries[0].extra["signin_attempts"] == 2
    assert len(entries) == 3


def test_purge_keeps_what_is_recent_or_live(identity, make_staff, clock, events):
    siti = make_staff("siti")
    reset = identity.issue_password_reset(siti.account_id)  # unused, valid for 72 hours
    assert set(identity.purge().values()) == {0}  # within a day of their end, nothing goes
    clock.advance(hours=25)
    removed = identity.purge()
    # the session idled out (15 minutes) more than a day ago; the used invitation too
    assert (removed["sessions"], removed["signin_attempts"], removed["invitations"]) == (1, 1, 1)
    assert identity.begin_reset(reset.token).next == "second-factor"  # still usable
    clock.advance(days=3)
    assert identity.purge(timedelta(hours=1))["invitations"] == 1  # expired now
    (last,) = events.of("identity.purged")[-1:]
    assert last["actor_id"] == "system" and last["invitations"] == 1
