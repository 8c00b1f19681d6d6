"""Housekeeping jobs: due jobs run, failures are contained, the server runs them."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest

from amanah.audit.log import log_for_system
from amanah.db import utcnow
from amanah.scheduler import Scheduler, housekeeping


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_jobs_run_at_their_interval() -> None:
    clock = FakeClock()
    scheduler = Scheduler(clock=clock)
    calls: list[str] = []
    scheduler.add("fast", 5, lambda: calls.append("fast"))
    scheduler.add("slow", 60, lambda: calls.append("slow"))
    assert scheduler.run_due() == []
    clock.now += 5
    assert scheduler.run_due() == ["fast"]
    clock.now += 4
    assert scheduler.run_due() == []
    clock.now += 56
    assert scheduler.run_due() == ["fast", "slow"]
    assert calls == ["fast", "fast", "slow"]


def test_a_failing_job_is_logged_without_its_detail_and_the_rest_still_run(caplog) -> None:
    clock = FakeClock()
    scheduler = Scheduler(clock=clock)
    ran: list[str] = []

    def broken() -> None:
        raise RuntimeError("secret detail 4111111111111111")

    failing = scheduler.add("broken", 1, broken)
    scheduler.add("fine", 1, lambda: ran.append("fine"))
    clock.now += 1
    with caplog.at_level(logging.WARNING, logger="amanah.scheduler"):
        assert scheduler.run_due() == ["broken", "fine"]
    assert ran == ["fine"] and failing.failures == 1
    assert "4111" not in caplog.text and "secret" not in caplog.text
    clock.now += 1
    assert scheduler.run_due() == ["broken", "fine"]  # tried again at its next turn


def test_an_interval_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        Scheduler().add("never", 0, lambda: None)


def test_housekeeping_signs_a_quiet_logs_checkpoint_and_purges(system) -> None:
    system.trail.record("acc_1", "customer.view", subject_ids=("cus_1",))
    log = log_for_system(system)
    before = log.latest_checkpoint()
    log.clock = lambda: utcnow() + timedelta(minutes=5)  # the log went quiet
    clock = FakeClock()
    scheduler = housekeeping(system, checkpoint_tick=5, purge_every=3600)
    scheduler.clock = clock
    for job in scheduler.jobs:
        job.next_at = clock.now
    assert scheduler.run_due() == ["audit.checkpoint", "identity.purge"]
    after = log.latest_checkpoint()
    assert after is not None and after != before
    assert all(job.failures == 0 for job in scheduler.jobs)


def test_the_thread_starts_and_stops() -> None:
    scheduler = Scheduler()
    ran: list[int] = []
    scheduler.add("tick", 0.05, lambda: ran.append(1))
    scheduler.start()
    try:
        deadline = utcnow() + timedelta(seconds=5)
        while not ran and utcnow() < deadline:
            time.sleep(0.01)
    finally:
        scheduler.stop()
    assert ran
    assert scheduler._thread is None
