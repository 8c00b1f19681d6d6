"""Administrative actions on the trail: staff account and team changes through the wired
identity service, and root-key operations, each read back from the trail after the act."""

from __future__ import annotations

from typing import Any

import pytest

from amanah.audit import queries
from amanah.audit.entry import AuditEntry
from amanah.audit.log import log_for_system
from amanah.audit.trail import cli_actor
from amanah.crypto.errors import KeyringSealed
from amanah.crypto.local_keyring import LocalKeyring
from amanah.identity import events as ev
from amanah.identity.bus import UNATTRIBUTED
from amanah.identity.testing import PASSWORD
from amanah.vault.keys import DataKeys, KeyAdmin
from amanah.vault.schemas import CustomerIn

ADMIN = "acc_admin1"


def last(system: Any, n: int = 1) -> list[AuditEntry]:
    """The newest ``n`` entries, oldest first."""
    log = log_for_system(system)
    size = log.size()
    return [log.entry(seq).entry for seq in range(size - n, size)]


def test_account_and_team_changes_name_the_acting_admin_and_the_account(system) -> None:
    identity = system.identity
    team = identity.create_team("Night shift", actor_id=ADMIN)
    (made,) = last(system)
    assert (made.actor, made.action, made.subject_ids) == (ADMIN, "identity.team.created", (team,))

    invite = identity.invite("siti", "agent", display_name="Siti", actor_id=ADMIN)
    account = invite.account_id
    (invited,) = last(system)
    assert (invited.actor, invited.action, invited.outcome) == (ADMIN, ev.ACCOUNT_INVITED, "ok")
    assert invited.subject_ids == (account,) and invited.extra["role"] == "agent"
    assert "siti" not in invited.canonical_bytes(0).decode()  # ids only, never the username

    identity.accept_invitation(invite.token, PASSWORD)
    (activated,) = last(system)  # her own act: she is the actor, no one else's subject
    assert (activated.actor, activated.action, activated.subject_ids) == (
        account,
        ev.ACCOUNT_ACTIVATED,
        (),
    )

    steps = [
        (lambda: identity.set_role(account, "supervisor", actor_id=ADMIN), ev.ACCOUNT_ROLE_CHANGED),
        (lambda: identity.set_team(account, team, actor_id=ADMIN), "identity.account.team_changed"),
        (lambda: identity.disable(account, actor_id=ADMIN), ev.ACCOUNT_DISABLED),
        (lambda: identity.enable(account, actor_id=ADMIN), ev.ACCOUNT_ENABLED),
        (lambda: identity.unlock(account, actor_id=ADMIN), ev.ACCOUNT_UNLOCKED),
        (lambda: identity.issue_password_reset(account, actor_id=ADMIN), ev.PASSWORD_RESET),
    ]
    for act, action in steps:
        act()
        (entry,) = last(system)
        assert (entry.actor, entry.action, entry.outcome) == (ADMIN, action, "ok"), action
        assert entry.subject_ids[0] == account and entry.extra["account_id"] == account
    role, moved = (e.entry for e in queries.accessed_by(log_for_system(system), ADMIN).entries[2:4])
    assert role.extra["role"] == "supervisor"
    assert moved.subject_ids == (account, team) and moved.extra["team_id"] == team

    identity.set_role(account, "agent")  # a caller that did not say who acted
    (anonymous,) = last(system)
    assert (anonymous.actor, anonymous.subject_ids) == (UNATTRIBUTED, (account,))

    log = log_for_system(system)
    about = [f.entry.action for f in queries.who_accessed(log, account).entries]
    assert about == [
        ev.ACCOUNT_INVITED,
        ev.ACCOUNT_ROLE_CHANGED,
        "identity.account.team_changed",
        ev.ACCOUNT_DISABLED,
        ev.ACCOUNT_ENABLED,
        ev.ACCOUNT_UNLOCKED,
        ev.PASSWORD_RESET,
        ev.ACCOUNT_ROLE_CHANGED,
    ]
    assert log.verify().ok


def _customers(system: Any, admin: Any, n: int) -> None:
    for i in range(n):
        system.vault.create_customer(
            admin, CustomerIn(full_name=f"Customer {i}", phones=[f"+6281234{i:06d}"])
        )


def test_key_rotation_rewrap_and_retirement_are_each_one_entry(system, admin) -> None:
    _customers(system, admin, 3)
    keys = KeyAdmin(system.factory, system.keys, system.trail, "cli:ops")
    key_id = system.keyring.key_id

    assert keys.rotate() == 2
    (rotated,) = last(system)
    assert (rotated.actor, rotated.action, rotated.outcome) == ("cli:ops", "keys.rotate", "ok")
    assert rotated.extra == {"key_id": key_id, "version": 2, "previous_version": 1}

    assert keys.rewrap() == 3
    (rewrapped,) = last(system)
    assert (rewrapped.action, rewrapped.outcome) == ("keys.rewrap", "ok")
    assert rewrapped.extra == {"key_id": key_id, "version": 2, "rewrapped": 3}

    assert keys.retire_unused() == [1]
    (retired,) = last(system)
    assert (retired.action, retired.extra) == ("keys.retire", {"key_id": key_id, "version": 1})
    assert keys.retire_unused() == []  # nothing left to retire: no entry
    assert last(system)[0] == retired


def test_an_interrupted_rewrap_is_recorded_with_what_it_moved(system, admin) -> None:
    _customers(system, admin, 3)
    keys = KeyAdmin(system.factory, system.keys, system.trail, "cli:ops")
    keys.rotate()

    def interrupt(progress: object) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        keys.rewrap(on_batch=interrupt)  # the first batch (all 3) committed, then Ctrl-C
    (stopped,) = last(system)
    assert (stopped.action, stopped.outcome) == ("keys.rewrap", "failed")
    assert stopped.extra["rewrapped"] == 3 and stopped.extra["error"] == "KeyboardInterrupt"


def test_a_failed_key_operation_is_recorded_as_failed(system, tmp_path) -> None:
    path = tmp_path / "sealed-keyring.json"
    LocalKeyring.create(path, "a long enough passphrase")
    sealed = LocalKeyring(path, None)
    keys = KeyAdmin(system.factory, DataKeys(sealed), system.trail, "cli:ops")
    with pytest.raises(KeyringSealed):
        keys.rotate()
    (failed,) = last(system)
    assert (failed.action, failed.outcome) == ("keys.rotate", "failed")
    assert failed.extra == {
        "key_id": sealed.key_id,
        "previous_version": 1,
        "error": "KeyringSealed",
    }


def test_cli_actor_is_the_login_or_the_sudo_caller(monkeypatch) -> None:
    monkeypatch.setenv("SUDO_USER", "dewi")
    assert cli_actor() == "cli:dewi"
    monkeypatch.delenv("SUDO_USER")
    monkeypatch.setattr("getpass.getuser", lambda: "ops\nroot")
    assert cli_actor() == "cli:ops?root"  # one line, whatever the name holds
