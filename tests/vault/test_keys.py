"""Root-key rotation: rewrap every data key, resumable, online, retire when unused."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import select

from amanah.access.gate import Principal
from amanah.bootstrap import System
from amanah.vault.keys import DataKeys, count_by_version, retire_unused, rewrap
from amanah.vault.models import DataKeyRecord
from amanah.vault.schemas import CustomerIn


def _populate(system: System, admin: Principal, n: int) -> list[str]:
    return [
        system.vault.create_customer(
            admin, CustomerIn(full_name=f"Customer {i}", phones=[f"+6281234{i:06d}"])
        ).id
        for i in range(n)
    ]


def _versions(system: System) -> dict[int, int]:
    with system.factory() as session:
        return count_by_version(session)


def test_rotate_rewraps_every_data_key_and_retires_the_old_root(
    system: System, admin: Principal
) -> None:
    ids = _populate(system, admin, 12)
    assert _versions(system) == {1: 12}
    assert system.keyring.rotate() == 2
    assert rewrap(system.factory, system.keys, batch_size=5) == 12
    assert _versions(system) == {2: 12}
    assert retire_unused(system.factory, system.keyring) == [1]
    fresh = DataKeys(system.keyring, cache_seconds=0)
    system.vault.keys = fresh
    for cid in ids:
        assert system.vault.get_customer(admin, cid).fields


def test_an_interrupted_rewrap_resumes_and_old_root_stays_until_unused(
    system: System, admin: Principal
) -> None:
    _populate(system, admin, 10)
    system.keyring.rotate()

    def crash(progress: object) -> None:
        raise KeyboardInterrupt("power cut")

    with pytest.raises(KeyboardInterrupt):
        rewrap(system.factory, system.keys, batch_size=4, on_batch=crash)
    assert _versions(system) == {1: 6, 2: 4}
    assert retire_unused(system.factory, system.keyring) == []  # v1 still wraps six keys
    assert rewrap(system.factory, system.keys, batch_size=4) == 6
    assert retire_unused(system.factory, system.keyring) == [1]


def test_reads_keep_working_during_a_rewrap(system: System, admin: Principal) -> None:
    ids = _populate(system, admin, 60)
    system.keyring.rotate()
    errors: list[BaseException] = []
    reads = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal reads
        uncached = DataKeys(system.keyring, cache_seconds=0)
        from amanah.vault.service import Vault

        vault = Vault(system.factory, uncached, system.gate, "ID")
        while not stop.is_set():
            for cid in ids:
                try:
                    vault.get_customer(admin, cid)
                    reads += 1
                except BaseException as exc:
                    errors.append(exc)
                    return

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        moved = rewrap(system.factory, system.keys, batch_size=3)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    assert moved == 60
    assert errors == []
    assert reads > 0
    with system.factory() as session:
        assert set(session.scalars(select(DataKeyRecord.root_version))) == {2}
