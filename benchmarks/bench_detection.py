"""Detection: replay throughput (against plain JSON parsing) and live alert latency.

    python benchmarks/bench_detection.py [--quick] [--seed N] [--samples N]

1. Replay throughput, one core: the generated contact-centre month (about 280,000
   events; 60,000 with --quick) as JSON Lines in memory, parsed by ``JsonlReader``
   (validation, unknown fields kept) and run through ``Detector.replay`` (time
   sort, rules, baselines, the hourly model, alert grouping). Baselines in the
   same run: ``json.loads`` and ``orjson.loads`` of the same lines, nothing else.
2. Live latency: a detector trained on the month, attached to an ``InProcessBus``
   with a ``StoreSink`` on a fresh migrated SQLite database; each sample publishes
   an ``ActivityEvent`` that raises a new alert and is timed until the alert row
   is committed (the bus is synchronous, so ``publish`` returns after the store).
   Also the latency of ordinary events that raise nothing.

Targets (issue 6): >= 50,000 events/s replayed; p99 published -> stored < 50 ms.
Tests never assert timings (``tests/detection/test_bench_smoke.py`` runs --quick).
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from amanah.db import make_engine, make_session_factory
from amanah.detection.config import DetectionConfig
from amanah.detection.engine import Detector
from amanah.detection.events import JsonlReader, to_json
from amanah.detection.scenarios import generate
from amanah.detection.store import AlertStore, StoreSink
from amanah.events import ActivityEvent, InProcessBus
from amanah.migrate import upgrade


def best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--samples", type=int, default=1000)
    args = parser.parse_args(argv)
    days, per_team = (20, 5) if args.quick else (35, 11)
    runs = 1 if args.quick else 3
    samples = min(args.samples, 200) if args.quick else args.samples

    world = generate(seed=args.seed, days=days, agents_per_team=per_team)
    lines = [orjson.dumps(to_json(e)) for e in world.events]
    n = len(lines)
    config = DetectionConfig(
        vip_customers=world.vip_customers,
        honeytoken_customers=world.honeytoken_customers,
        home_countries=frozenset({"ID", "SG"}),
    )
    print(f"python {platform.python_version()} on {platform.machine()}, one core")
    print(f"{n:,} events, {len(world.agents)} agents, {days} days\n")

    t_json = best_of(runs, lambda: [json.loads(line) for line in lines])
    t_orjson = best_of(runs, lambda: [orjson.loads(line) for line in lines])
    t_parse = best_of(runs, lambda: list(JsonlReader().read(lines)))
    alerts: list = []

    def replay() -> None:
        alerts[:] = Detector(config).replay(JsonlReader().read(lines))

    t_replay = best_of(runs, replay)
    events = list(JsonlReader().read(lines))
    t_detect = best_of(runs, lambda: Detector(config).replay(events))
    rate = n / t_replay
    print(f"1. replay throughput (best of {runs})")
    print(f"   json.loads only            {n / t_json:>12,.0f} events/s")
    print(f"   orjson.loads only          {n / t_orjson:>12,.0f} events/s")
    print(f"   JsonlReader (validated)    {n / t_parse:>12,.0f} events/s")
    print(f"   detector only (parsed)     {n / t_detect:>12,.0f} events/s")
    print(f"   replay: parse + detect     {rate:>12,.0f} events/s   "
          f"{rate / (n / t_json):.2f}x json.loads   {len(alerts)} alerts   "
          f"{'PASS' if rate >= 50_000 else 'MISS'} (target >= 50,000)")  # fmt: skip

    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        store = AlertStore(make_session_factory(engine))
        detector = Detector(config, sinks=[StoreSink(store)])
        for ev in events:
            detector.process(ev)
        bus = InProcessBus()
        detector.attach(bus)
        base = datetime.fromtimestamp(events[-1].ts, UTC) + timedelta(days=1)
        alerting, quiet = [], []
        before = len(store.list(limit=1_000_000))
        for i in range(samples):
            when = base + timedelta(seconds=i)
            ev = ActivityEvent(action="honeytoken.read", actor=f"live-{i}", ts=when,
                               customer_id="cust-999001")  # fmt: skip
            started = time.perf_counter()
            bus.publish(ev)
            alerting.append((time.perf_counter() - started) * 1000)
            ev = ActivityEvent(action="customer.search", actor=f"live-{i}", ts=when)
            started = time.perf_counter()
            bus.publish(ev)
            quiet.append((time.perf_counter() - started) * 1000)
        stored = len(store.list(limit=1_000_000)) - before
        engine.dispose()
    p99 = pct(alerting, 0.99)
    print(f"\n2. live latency, published -> alert stored (SQLite, {samples} samples)")
    print(f"   alert raised and stored    p50 {statistics.median(alerting):6.2f} ms   "
          f"p99 {p99:6.2f} ms   max {max(alerting):6.2f} ms   "
          f"{'PASS' if p99 < 50 else 'MISS'} (target p99 < 50 ms)")  # fmt: skip
    print(f"   event raising nothing      p50 {statistics.median(quiet):6.3f} ms   "
          f"p99 {pct(quiet, 0.99):6.3f} ms")  # fmt: skip
    print(f"   live alerts stored: {stored}/{samples}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
