"""Concurrent writers never fork the tree; acknowledged appends survive SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from amanah.audit.entry import AuditEntry
from amanah.audit.log import AuditLog

from .conftest import ORIGIN

WRITER = Path(__file__).with_name("_writer.py")


def writer_cmd(settings, batches: int, size: int, tag: str) -> list[str]:
    return [
        sys.executable,
        str(WRITER),
        settings.effective_database_url,
        str(settings.keyring_path),
        ORIGIN,
        str(batches),
        str(size),
        tag,
    ]


def writer_env() -> dict[str, str]:
    src = str(Path(__file__).resolve().parents[2] / "src")
    return {**os.environ, "PYTHONPATH": src + os.pathsep + os.environ.get("PYTHONPATH", "")}


def test_four_threads_never_fork_the_tree(system) -> None:
    log = AuditLog(system.factory, system.keyring, ORIGIN, checkpoint_every=16,
                   checkpoint_seconds=0.05)  # fmt: skip
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []

    def work(tag: str) -> None:
        mine: list[int] = []
        try:
            for i in range(15):
                batch = [
                    AuditEntry(actor=f"usr_{tag}", action="customer.read", subject_ids=(f"c{i}",))
                    for _ in range(1 + i % 4)
                ]
                seqs = log.append_many(batch)
                assert seqs == list(range(seqs[0], seqs[0] + len(batch)))  # a batch is contiguous
                mine += seqs
                if i % 5 == 0:
                    mine.append(log.append(batch[0]))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        got[tag] = mine

    threads = [threading.Thread(target=work, args=(f"t{n}",)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    every = sorted(s for seqs in got.values() for s in seqs)
    assert every == list(range(len(every)))  # no seq twice, none skipped
    for tag, seqs in got.items():  # each acknowledged seq holds that writer's entry
        assert all(log.entry(s).entry.actor == f"usr_{tag}" for s in seqs[:5])
    report = log.verify()
    assert report.ok, report.reason
    assert report.entries == len(every) == log.size()


def test_two_processes_never_fork_the_tree(system, settings) -> None:
    AuditLog(system.factory, system.keyring, ORIGIN).size()  # make sure the head exists
    procs = [
        subprocess.Popen(
            writer_cmd(settings, 25, 8, tag),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=writer_env(),
        )
        for tag in ("p1", "p2")
    ]
    outs = [p.communicate(timeout=60) for p in procs]
    for p, (_, stderr) in zip(procs, outs, strict=True):
        assert p.returncode == 0, stderr
    seqs = sorted(int(line) for out, _ in outs for line in out.split())
    assert seqs == list(range(400))
    log = AuditLog(system.factory, system.keyring, ORIGIN, checkpoint_every=50)
    report = log.verify()
    assert report.ok, report.reason
    assert report.entries == 400


def test_sigkill_mid_load_loses_no_acknowledged_entry(system, settings) -> None:
    if system.engine.dialect.name != "sqlite":
        pytest.skip("crash test on SQLite (WAL + synchronous=FULL)")
    log = AuditLog(system.factory, system.keyring, ORIGIN, checkpoint_every=50)
    log.size()
    proc = subprocess.Popen(
        writer_cmd(settings, 0, 7, "crash"),  # appends forever
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=writer_env(),
    )
    acknowledged: list[int] = []
    reader = threading.Thread(
        target=lambda: acknowledged.extend(int(line) for line in proc.stdout), daemon=True
    )
    reader.start()
    deadline = time.monotonic() + 8
    while len(acknowledged) < 300 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    time.sleep(0.13)  # land the kill at an arbitrary point inside a transaction
    proc.send_signal(signal.SIGKILL)
    proc.wait(5)
    reader.join(5)
    assert proc.returncode == -signal.SIGKILL
    assert len(acknowledged) >= 300, proc.stderr.read()
    report = log.verify()
    assert report.ok, report.reason
    size = log.size()
    assert max(acknowledged) < size and acknowledged == list(range(len(acknowledged)))
    for seq in acknowledged[-20:]:
        assert log.entry(seq).entry.actor == "usr_crash"
    # the log carries on after the crash
    assert log.append(AuditEntry(actor="usr_after", action="system.start")) == size
    assert log.verify().ok
