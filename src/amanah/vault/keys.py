"""Per-customer data keys: create, open (with a short cache), destroy, rewrap.

A data key is stored only wrapped by the keyring's root key, bound to its
customer id. Destroying it is crypto-shredding: every sealed value and backup
of that customer becomes unreadable. Root rotation rewraps data keys in
batches, each committed on its own, so an interrupted rewrap resumes where it
stopped while reads keep working (old root versions stay until unused).
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from amanah.audit.trail import Trail
from amanah.crypto.envelope import DataKey, new_data_key
from amanah.crypto.errors import CryptoError, KeyringSealed
from amanah.crypto.keyring import Keyring, WrappedKey
from amanah.vault.errors import CustomerNotFound, VaultSealed
from amanah.vault.models import DataKeyRecord


def _wrap_binding(customer_id: str) -> bytes:
    return b"amanah.dek.v1\x00" + customer_id.encode()


class DataKeys:
    """Data-key service with a small LRU of opened keys (bounded in size and age)."""

    def __init__(self, keyring: Keyring, cache_seconds: float = 60.0, cache_size: int = 4096):
        self.keyring = keyring
        self._ttl = cache_seconds
        self._size = cache_size
        self._cache: OrderedDict[str, tuple[float, DataKey]] = OrderedDict()
        self._lock = threading.Lock()

    def new_record(self, customer_id: str) -> tuple[DataKeyRecord, DataKey]:
        raw = new_data_key()
        try:
            wrapped = self.keyring.wrap(raw, _wrap_binding(customer_id))
        except KeyringSealed:
            raise VaultSealed("the keyring is sealed: run `amanah unseal`") from None
        record = DataKeyRecord(
            customer_id=customer_id,
            root_key_id=wrapped.key_id,
            root_version=wrapped.version,
            wrapped=wrapped.blob,
        )
        key = DataKey(raw)
        self._remember(customer_id, key)
        return record, key

    def open(self, session: Session, customer_id: str) -> DataKey:
        cached = self._recall(customer_id)
        if cached is not None:
            return cached
        record = session.get(DataKeyRecord, customer_id)
        if record is None:
            raise CustomerNotFound()
        key = DataKey(self._unwrap(record))
        self._remember(customer_id, key)
        return key

    def _unwrap(self, record: DataKeyRecord) -> bytes:
        wrapped = WrappedKey(record.root_key_id, record.root_version, record.wrapped)
        try:
            return self.keyring.unwrap(wrapped, _wrap_binding(record.customer_id))
        except KeyringSealed:
            raise VaultSealed("the keyring is sealed: run `amanah unseal`") from None

    def forget(self, customer_id: str) -> None:
        with self._lock:
            self._cache.pop(customer_id, None)

    def _recall(self, customer_id: str) -> DataKey | None:
        if self._ttl <= 0:
            return None
        with self._lock:
            hit = self._cache.get(customer_id)
            if hit is None:
                return None
            if time.monotonic() - hit[0] > self._ttl:
                del self._cache[customer_id]
                return None
            self._cache.move_to_end(customer_id)
            return hit[1]

    def _remember(self, customer_id: str, key: DataKey) -> None:
        if self._ttl <= 0:
            return
        with self._lock:
            self._cache[customer_id] = (time.monotonic(), key)
            self._cache.move_to_end(customer_id)
            while len(self._cache) > self._size:
                self._cache.popitem(last=False)


@dataclass(frozen=True)
class RewrapProgress:
    done: int
    total: int


def count_by_version(session: Session) -> dict[int, int]:
    rows = session.execute(
        select(DataKeyRecord.root_version, func.count()).group_by(DataKeyRecord.root_version)
    )
    return {int(version): int(count) for version, count in rows}


def rewrap(
    factory: sessionmaker[Session],
    keys: DataKeys,
    batch_size: int = 500,
    on_batch: Callable[[RewrapProgress], None] | None = None,
) -> int:
    """Rewrap every data key not under the active root version; returns how many moved.

    Each batch commits on its own; an update only applies if the row still has
    the version it was read with, so a concurrent erase or rewrap is never undone.
    """
    target = keys.keyring.current_version()
    with factory() as session:
        total = (
            session.scalar(select(func.count()).where(DataKeyRecord.root_version != target)) or 0
        )
    done = 0
    for batch in _stale_batches(factory, target, batch_size):
        with factory() as session, session.begin():
            for record in batch:
                raw = keys._unwrap(record)
                fresh = keys.keyring.wrap(raw, _wrap_binding(record.customer_id))
                session.execute(
                    update(DataKeyRecord)
                    .where(
                        DataKeyRecord.customer_id == record.customer_id,
                        DataKeyRecord.root_version == record.root_version,
                    )
                    .values(
                        root_key_id=fresh.key_id,
                        root_version=fresh.version,
                        wrapped=fresh.blob,
                    )
                )
        done += len(batch)
        if on_batch:
            on_batch(RewrapProgress(done, max(total, done)))
    return done


def _stale_batches(
    factory: sessionmaker[Session], target: int, batch_size: int
) -> Iterator[list[DataKeyRecord]]:
    after = ""
    while True:
        with factory() as session:
            batch = list(
                session.scalars(
                    select(DataKeyRecord)
                    .where(DataKeyRecord.root_version != target)
                    .where(DataKeyRecord.customer_id > after)
                    .order_by(DataKeyRecord.customer_id)
                    .limit(batch_size)
                )
            )
        if not batch:
            return
        after = batch[-1].customer_id
        yield batch


def unused_versions(factory: sessionmaker[Session], keyring: Keyring) -> list[int]:
    """Root versions not yet retired, not active, and wrapping no data key any more."""
    with factory() as session:
        in_use = count_by_version(session)
    active = keyring.current_version()
    return [
        info.version
        for info in keyring.versions()
        if info.state != "retired" and info.version != active and not in_use.get(info.version)
    ]


def retire_unused(factory: sessionmaker[Session], keyring: Keyring) -> list[int]:
    """Retire every non-active root version that no data key uses any more."""
    retired = unused_versions(factory, keyring)
    for version in retired:
        keyring.retire(version)
    return retired


class KeyAdmin:
    """Root-key administration that leaves a trail: each rotation, rewrap and retirement
    of a root version is one audit entry (the acting ``actor``, the keyring's key id and
    the versions involved, the outcome), also when it fails half-way.

    The entry for a failure names the exception class only: crypto errors can quote
    paths or token labels, and the trail keeps ids, not messages.
    """

    def __init__(
        self, factory: sessionmaker[Session], keys: DataKeys, trail: Trail, actor: str
    ) -> None:
        self.factory = factory
        self.keys = keys
        self.keyring = keys.keyring
        self.trail = trail
        self.actor = actor

    def _record(self, action: str, error: BaseException | None, **extra: Any) -> None:
        if error is not None:
            extra["error"] = type(error).__name__
        extra = {k: v for k, v in extra.items() if v is not None}
        outcome = "ok" if error is None else "failed"
        self.trail.record(self.actor, action, outcome, key_id=self.keyring.key_id, **extra)

    def rotate(self) -> int:
        """A new root version, active from now on; returns its number."""
        try:
            previous: int | None = self.keyring.current_version()
        except CryptoError:
            previous = None
        try:
            version = self.keyring.rotate()
        except BaseException as exc:  # an interrupted run (Ctrl-C) is recorded too
            self._record("keys.rotate", exc, previous_version=previous)
            raise
        self._record("keys.rotate", None, version=version, previous_version=previous)
        return version

    def rewrap(self, on_batch: Callable[[RewrapProgress], None] | None = None) -> int:
        """Move every data key to the active root version (``rewrap``); returns how many."""
        done = 0

        def progress(p: RewrapProgress) -> None:
            nonlocal done
            done = p.done
            if on_batch is not None:
                on_batch(p)

        target: int | None = None
        try:
            target = self.keyring.current_version()
            moved = rewrap(self.factory, self.keys, on_batch=progress)
        except BaseException as exc:  # an interrupted run (Ctrl-C) is recorded too
            self._record("keys.rewrap", exc, version=target, rewrapped=done)
            raise
        self._record("keys.rewrap", None, version=target, rewrapped=moved)
        return moved

    def retire_unused(self) -> list[int]:
        """Retire every non-active root version no data key uses; one entry per version."""
        retired: list[int] = []
        for version in unused_versions(self.factory, self.keyring):
            try:
                self.keyring.retire(version)
            except BaseException as exc:
                self._record("keys.retire", exc, version=version)
                raise
            self._record("keys.retire", None, version=version)
            retired.append(version)
        return retired
