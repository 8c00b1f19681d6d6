"""Checkpoints every N entries or T seconds, also for a log that went quiet: what the
scheduler's periodic ``checkpoint_due(system)`` call guarantees (injected clock)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from amanah.audit.log import AuditLog, checkpoint_due, log_for_system, parse_checkpoint_size
from amanah.crypto.errors import KeyringSealed

from .conftest import ORIGIN


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class SealedSigner:
    """A keyring whose signing key is locked until ``sealed`` is cleared."""

    def __init__(self, real) -> None:
        self.real = real
        self.sealed = True
        self.key_id = real.key_id

    def signing_public_key(self) -> bytes:
        return self.real.signing_public_key()

    def sign(self, message: bytes) -> bytes:
        if self.sealed:
            raise KeyringSealed("sealed")
        return self.real.sign(message)


def latest(log: AuditLog) -> int | None:
    note = log.latest_checkpoint()
    return None if note is None else parse_checkpoint_size(note)


def test_a_quiet_log_gets_its_tail_checkpointed_after_t_seconds(system, make_entries) -> None:
    clock = Clock()
    log = AuditLog(
        system.factory, system.keyring, ORIGIN, checkpoint_every=100, checkpoint_seconds=60,
        clock=clock,
    )  # fmt: skip
    assert log.maybe_checkpoint() is None  # an empty log has nothing to commit to
    log.append_many(make_entries(3))  # the first append is signed at once
    assert latest(log) == 3
    clock.advance(10)
    log.append_many(make_entries(2))  # 10 s after the last checkpoint: not yet
    assert latest(log) == 3
    clock.advance(49.9)
    assert log.maybe_checkpoint() is None  # no append since: only the periodic call can act
    clock.advance(0.1)
    note = log.maybe_checkpoint()  # 60 s after the checkpoint at 3, entries 3..4 unsigned
    assert note is not None and parse_checkpoint_size(note) == 5 == latest(log)
    assert log.maybe_checkpoint() is None  # nothing new since
    clock.advance(3600)
    assert log.maybe_checkpoint() is None  # quiet for an hour, still nothing new
    log.append_many(make_entries(1))  # an hour since the last checkpoint: signed at append
    assert latest(log) == 6
    assert log.verify().ok


def test_entries_held_back_by_a_sealed_keyring_are_signed_at_the_next_call(
    system, make_entries
) -> None:
    clock = Clock()
    keyring = SealedSigner(system.keyring)
    log = AuditLog(
        system.factory, keyring, ORIGIN, checkpoint_every=4, checkpoint_seconds=3600, clock=clock
    )
    log.append_many(make_entries(9))  # due at 4, 8 and now: none could be signed
    assert latest(log) is None
    with pytest.raises(KeyringSealed):  # the raw call says why; checkpoint_due logs it
        log.maybe_checkpoint()
    keyring.sealed = False
    clock.advance(1)  # far from the hour: it is the 9 unsigned entries that make it due
    assert parse_checkpoint_size(log.maybe_checkpoint()) == 9
    assert log.maybe_checkpoint() is None


def test_checkpoint_due_survives_a_sealed_keyring_and_logs_it_once(
    system, make_entries, caplog
) -> None:
    clock = Clock()
    keyring = SealedSigner(system.keyring)
    system.extras["audit_log"] = log = AuditLog(
        system.factory, keyring, ORIGIN, checkpoint_every=1000, checkpoint_seconds=60, clock=clock
    )
    assert log_for_system(system) is log
    log.append_many(make_entries(2))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="amanah.audit.log"):
        assert checkpoint_due(system) is None
        assert checkpoint_due(system) is None
    assert [r.getMessage() for r in caplog.records] == ["audit checkpoint postponed: KeyringSealed"]
    keyring.sealed = False
    note = checkpoint_due(system)
    assert note is not None and parse_checkpoint_size(note) == 2
    assert checkpoint_due(system) is None  # nothing new: one cheap read, no signature
    log.append_many(make_entries(1))
    assert checkpoint_due(system) is None  # 0 s since the checkpoint at 2
    clock.advance(60)
    assert parse_checkpoint_size(checkpoint_due(system)) == 3


def test_the_system_log_checkpoints_every_1000_entries_or_60_seconds(system) -> None:
    log = log_for_system(system)  # settings may override: audit_checkpoint_every/_seconds
    assert (log.checkpoint_every, log.checkpoint_seconds) == (1000, 60)
    assert checkpoint_due(system) is None  # nothing recorded yet
