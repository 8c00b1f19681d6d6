"""The audit trail: append rate (against pymerkle), proofs and full verification.

    python benchmarks/bench_audit.py [--quick] [--no-pymerkle] [--entries N] [--batch B]

Everything runs on a fresh SQLite database (WAL; the audit transaction at
``synchronous=FULL``) in a temporary directory, through the real ``AuditLog``:
canonical entry bytes, leaf and node hashes, stored subtree hashes, the tree
head, signed checkpoints every 1,000 entries, one committed transaction per batch.

1. Append rate, batches of ``--batch`` (default 1,000) entries, and in the same
   run the ``pymerkle`` library (RFC 9162 trees for Python) on the same entry
   bytes: its in-memory tree and its SQLite tree, each appending alone, and
   each appending then taking the root per batch (what signing a checkpoint
   needs). Serializing the entry is timed on both sides.
2. A log of ``--entries`` entries (default 1,000,000; 100,000 with --quick) built
   with ``append_many`` in batches of 10,000: wall time reported.
3. Inclusion and consistency proofs on that log, straight from the database
   (each checked with ``merkle.verify_*``): p50/p99/max ms over 300 random requests.
4. ``AuditLog.verify()`` of the whole log: seconds and entries/s.

Targets (issue 3): >= 20,000 appends/s in batches; >= 2x pymerkle's append rate;
proofs on a 1,000,000-entry log under 5 ms. Tests never assert timings
(``tests/benchmarks/test_bench_audit_smoke.py`` runs ``--quick --no-pymerkle``
on a small log).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

from amanah.audit.entry import AuditEntry
from amanah.audit.log import AuditLog
from amanah.audit.merkle import verify_consistency, verify_inclusion
from amanah.crypto.local_keyring import LocalKeyring
from amanah.db import make_engine, make_session_factory
from amanah.migrate import upgrade

ORIGIN = "bench.amanah/audit"


def entries(n: int, start: int = 0) -> list[AuditEntry]:
    return [
        AuditEntry(
            actor=f"usr_{(start + i) % 97:04d}",
            action="customer.reveal",
            outcome="allow",
            subject_ids=(f"cus_{start + i:010d}",),
            fields=("phone", "email"),
            purpose="support",
            interaction_id=f"int_{(start + i) // 5:08d}",
            request_id=f"req_{start + i:010d}",
        )
        for i in range(n)
    ]


def open_log(folder: Path, name: str) -> tuple[AuditLog, object]:
    engine = make_engine(f"sqlite:///{folder / name}")
    upgrade(engine)
    keyring_path = folder / "keyring.json"
    keyring = (
        LocalKeyring(keyring_path, None)
        if keyring_path.exists()
        else LocalKeyring.create(keyring_path)
    )
    log = AuditLog(make_session_factory(engine), keyring, ORIGIN, checkpoint_every=1000)
    return log, engine


def rate(label: str, n: int, seconds: float) -> float:
    r = n / seconds
    print(f"  {label:<44} {r:>10,.0f} entries/s  ({n:,} in {seconds:.2f} s)")
    return r


def bench_append(folder: Path, n: int, batch: int) -> float:
    log, engine = open_log(folder, "append.db")
    data = entries(n)
    log.append_many(data[:batch])  # warm-up (first checkpoint, caches)
    t = time.perf_counter()
    for k in range(batch, n + batch, batch):
        log.append_many(data[k : k + batch])
    seconds = time.perf_counter() - t
    engine.dispose()
    return rate(f"amanah AuditLog, SQLite, batches of {batch:,}", n, seconds)


def bench_pymerkle(folder: Path, n: int, batch: int) -> dict[str, float]:
    from pymerkle import InmemoryTree, SqliteTree

    warnings.simplefilter("ignore", DeprecationWarning)

    data = entries(n)
    out: dict[str, float] = {}

    def run(label: str, tree: object, with_root: bool, sqlite: bool) -> None:
        t = time.perf_counter()
        for k in range(0, n, batch):
            chunk = [e.canonical_bytes(k + i) for i, e in enumerate(data[k : k + batch])]
            if sqlite:
                tree.append_entries(chunk, chunksize=batch)
            else:
                for item in chunk:
                    tree.append_entry(item)
            if with_root:
                tree.get_state()  # the root of the whole tree (deprecated alias of get_root)
        out[label] = rate(label, n, time.perf_counter() - t)

    run("pymerkle InmemoryTree, append only", InmemoryTree(algorithm="sha256"), False, False)
    run("pymerkle InmemoryTree, append + root/batch", InmemoryTree(algorithm="sha256"), True, False)
    for with_root in (False, True):
        path = folder / f"pymerkle-{with_root}.db"
        with SqliteTree(str(path), algorithm="sha256") as tree:
            label = "pymerkle SqliteTree, " + (
                "append + root/batch" if with_root else "append only"
            )
            run(label, tree, with_root, True)
    return out


def build(folder: Path, n: int) -> tuple[AuditLog, object, float]:
    log, engine = open_log(folder, "big.db")
    batch = 10_000
    t = time.perf_counter()
    for k in range(0, n, batch):
        log.append_many(entries(min(batch, n - k), k))
    seconds = time.perf_counter() - t
    print(f"  built {n:,} entries with append_many(10,000) in {seconds:.1f} s "
          f"({n / seconds:,.0f}/s, entry construction included)")  # fmt: skip
    size = (folder / "big.db").stat().st_size + (folder / "big.db-wal").stat().st_size
    print(f"  database on disk: {size / 1e6:,.0f} MB ({size / n:.0f} bytes/entry)")
    return log, engine, seconds


def ms_stats(samples: list[float]) -> tuple[float, float, float]:
    samples = sorted(samples)
    p99 = samples[min(len(samples) - 1, int(len(samples) * 0.99))]
    return statistics.median(samples), p99, samples[-1]


def bench_proofs(log: AuditLog, n: int, rounds: int = 300) -> tuple[float, float]:
    rng = random.Random(7)
    incl: list[float] = []
    cons: list[float] = []
    root = log.root(n)
    for _ in range(rounds):
        seq = rng.randrange(n)
        t = time.perf_counter()
        p = log.inclusion_proof(seq, n)
        incl.append((time.perf_counter() - t) * 1000)
        assert verify_inclusion(p.leaf_hash, seq, n, p.hashes, root)
        old = rng.randrange(1, n)
        t = time.perf_counter()
        c = log.consistency_proof(old, n)
        cons.append((time.perf_counter() - t) * 1000)
        assert verify_consistency(old, n, c.old_root, c.new_root, c.hashes)
    worst = []
    for label, samples in (("inclusion", incl), ("consistency", cons)):
        p50, p99, top = ms_stats(samples)
        worst.append(p99)
        print(f"  {label:<12} proof on {n:,} entries: p50 {p50:.2f} ms, p99 {p99:.2f} ms, "
              f"max {top:.2f} ms")  # fmt: skip
    return worst[0], worst[1]


def mark(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100k-entry log, short runs")
    parser.add_argument("--no-pymerkle", action="store_true", help="skip the pymerkle baseline")
    parser.add_argument("--entries", type=int, help="size of the big log")
    parser.add_argument("--batch", type=int, default=1000, help="append batch size")
    args = parser.parse_args(argv)
    big = args.entries or (100_000 if args.quick else 1_000_000)
    n_rate = 20_000 if args.quick else 100_000

    print(f"audit benchmark: Python {platform.python_version()}, {os.cpu_count()} CPUs, "
          f"SQLite WAL, synchronous=FULL for audit transactions")  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="amanah-bench-audit-") as tmp:
        folder = Path(tmp)
        print("\n1. append rate")
        ours = bench_append(folder, n_rate, args.batch)
        theirs: dict[str, float] = {}
        if args.no_pymerkle:
            print("  pymerkle: skipped")
        else:
            try:
                theirs = bench_pymerkle(folder, n_rate, args.batch)
            except ImportError:
                print("  pymerkle: not installed (pip install pymerkle)")

        print(f"\n2. building a {big:,}-entry log")
        log, engine, _ = build(folder, big)

        print("\n3. proofs from the database")
        incl_p99, cons_p99 = bench_proofs(log, big)

        print("\n4. full verification")
        report = log.verify()
        print(f"  verify(): {report.entries:,} entries, {report.checkpoints:,} checkpoints in "
              f"{report.seconds:.1f} s ({report.entries_per_second:,.0f} entries/s): "
              f"{'ok' if report.ok else report.reason}")  # fmt: skip
        engine.dispose()

    print("\ntargets (issue 3)")
    print(f"  {mark(ours >= 20_000)} append >= 20,000 entries/s in batches: {ours:,.0f}/s")
    for label, r in theirs.items():
        print(f"  {mark(ours >= 2 * r)} append >= 2x {label}: {ours / r:.2f}x")
    print(f"  {mark(incl_p99 < 5)} inclusion proof on {big:,} entries < 5 ms: "
          f"p99 {incl_p99:.2f} ms")  # fmt: skip
    print(f"  {mark(cons_p99 < 5)} consistency proof on {big:,} entries < 5 ms: "
          f"p99 {cons_p99:.2f} ms")  # fmt: skip
    print(f"  full verification of {big:,} entries: {report.seconds:.1f} s, "
          f"{report.entries_per_second:,.0f} entries/s")  # fmt: skip
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
