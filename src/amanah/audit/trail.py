"""The trail as the rest of the system sees it: ``record(...)`` one fact, durably.

Writes use group commit: a caller waits until its entry is committed, but
entries recorded at the same moment by concurrent requests share one
transaction (one fsync), so auditing every read stays cheap under load.
"""

from __future__ import annotations

import getpass
import os
import re
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from contextvars import ContextVar
from typing import Protocol

from amanah.audit.entry import AuditEntry

request_id: ContextVar[str | None] = ContextVar("amanah_request_id", default=None)

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f]")


def cli_actor() -> str:
    """The actor for a command run in a shell on the server: ``cli:<os user>``, the person
    behind ``sudo`` when there is one.

    Whoever can run ``amanah`` there can read the keyring and the database, so the
    login is the accountable person; a login name is an account id, not customer data.
    """
    name = os.environ.get("SUDO_USER")
    if not name:
        try:
            name = getpass.getuser()
        except Exception:  # no login name (a container's bare uid)
            name = str(os.getuid())
    return "cli:" + (_UNPRINTABLE.sub("?", name)[:150] or "?")


class Appender(Protocol):
    def append_many(self, entries: Sequence[AuditEntry]) -> list[int]: ...


class Trail:
    """Record audit entries; each ``record`` returns the entry's position once durable."""

    def __init__(self, log: Appender, max_batch: int = 1000) -> None:
        self._log = log
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._pending: list[tuple[AuditEntry, Future[int]]] = []
        self._writing = threading.Lock()

    def record(
        self,
        actor: str,
        action: str,
        outcome: str = "ok",
        *,
        subject_ids: Sequence[str] = (),
        fields: Sequence[str] = (),
        purpose: str | None = None,
        interaction_id: str | None = None,
        **extra: str | int | bool,
    ) -> int:
        entry = AuditEntry(
            actor=actor,
            action=action,
            outcome=outcome,
            subject_ids=tuple(subject_ids),
            fields=tuple(fields),
            purpose=purpose,
            interaction_id=interaction_id,
            request_id=request_id.get(),
            extra=dict(extra),
        )
        return self.write(entry)

    def write(self, entry: AuditEntry) -> int:
        future: Future[int] = Future()
        with self._lock:
            self._pending.append((entry, future))
        # Whoever holds the writer lock commits everything queued so far (ours included,
        # or it was committed by the previous holder while we waited).
        with self._writing:
            while not future.done():
                self._flush()
        return future.result()

    def _flush(self) -> None:
        with self._lock:
            batch, self._pending = (
                self._pending[: self._max_batch],
                self._pending[self._max_batch :],
            )
        if not batch:
            return
        try:
            seqs = self._log.append_many([entry for entry, _ in batch])
        except Exception as exc:  # every waiter in the batch sees the failure
            for _, future in batch:
                future.set_exception(exc)
            return
        for (_, future), seq in zip(batch, seqs, strict=True):
            future.set_result(seq)


class NullTrail(Trail):
    """For tools that must not write the trail (offline verification, unit tests)."""

    def __init__(self) -> None:
        super().__init__(log=_Nowhere())


class _Nowhere:
    def append_many(self, entries: Sequence[AuditEntry]) -> list[int]:
        return [-1] * len(entries)
