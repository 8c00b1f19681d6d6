"""Periodic housekeeping in the server process: the work nobody's request triggers.

A quiet audit log still needs its checkpoint signed within ``checkpoint_seconds``,
and spent sessions, codes and challenges should not pile up in the database. One
daemon thread runs each job at its interval; a failing job is logged (without its
arguments) and tried again at its next turn, never stopping the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass
class Job:
    name: str
    every: float  # seconds
    run: Callable[[], object]
    next_at: float = 0.0
    runs: int = 0
    failures: int = 0


@dataclass
class Scheduler:
    clock: Callable[[], float] = time.monotonic
    jobs: list[Job] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def add(self, name: str, every: float, run: Callable[[], object]) -> Job:
        if every <= 0:
            raise ValueError("a job's interval must be positive")
        job = Job(name, every, run, next_at=self.clock() + every)
        self.jobs.append(job)
        return job

    def run_due(self) -> list[str]:
        """Run every job whose time has come; return their names (for tests and logs)."""
        ran: list[str] = []
        for job in self.jobs:
            now = self.clock()
            if now < job.next_at:
                continue
            job.next_at = now + job.every
            job.runs += 1
            ran.append(job.name)
            try:
                job.run()
            except Exception as exc:  # one failing job never stops the rest
                job.failures += 1
                log.warning(
                    "scheduled job failed", extra={"job": job.name, "error": type(exc).__name__}
                )
        return ran

    def _sleep_seconds(self) -> float:
        if not self.jobs:
            return 1.0
        wait = min(j.next_at for j in self.jobs) - self.clock()
        return min(max(wait, 0.05), 1.0)

    def _loop(self) -> None:
        while not self._stop.wait(self._sleep_seconds()):
            self.run_due()

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="amanah-scheduler", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None


def housekeeping(
    system: Any, *, checkpoint_tick: float = 5.0, purge_every: float = 3600.0
) -> Scheduler:
    """The server's jobs: sign a due audit checkpoint, purge spent identity rows."""
    from amanah.audit.log import checkpoint_due

    scheduler = Scheduler()
    scheduler.add("audit.checkpoint", checkpoint_tick, lambda: checkpoint_due(system))
    if system.identity is not None:
        scheduler.add("identity.purge", purge_every, system.identity.purge)
    return scheduler
