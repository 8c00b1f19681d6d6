"""Evaluate the detector on the synthetic contact centre (``make eval-detection``).

Prints, per injected scenario, whether it was detected and how long after its
first event; the share of attack agent-days detected; the share of benign
agent-days with any alert (overall and on benign-surprise days); and the same
figures for an out-of-the-box IsolationForest over the same hourly features.

An attack event counts as detected when some alert includes it in its evidence;
time to detect is when that happened (stream time) minus the scenario's first event.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import defaultdict

from amanah.detection.alerts import Alert, Signal
from amanah.detection.config import DetectionConfig
from amanah.detection.engine import Detector
from amanah.detection.scenarios import World, generate, local_day


def run(world: World, config: DetectionConfig | None = None) -> dict:
    config = config or DetectionConfig(
        vip_customers=world.vip_customers,
        honeytoken_customers=world.honeytoken_customers,
        home_countries=frozenset({"ID", "SG"}),
    )
    now = [0.0]
    included: dict[str, float] = {}
    alerted_days: dict[tuple[str, int], set[str]] = defaultdict(set)
    hours: list[tuple[str, int, list[float]]] = []

    def trace(alert: Alert, signal: Signal) -> None:
        for eid in signal.event_ids:
            included.setdefault(eid, now[0])
        alerted_days[(alert.actor, local_day(now[0]))].add(alert.rule)

    detector = Detector(
        config, trace=trace, record_features=lambda a, b, v: hours.append((a, b, v))
    )
    started = time.perf_counter()
    for ev in world.events:
        now[0] = ev.ts
        detector.process(ev)
    detector.flush()
    elapsed = time.perf_counter() - started

    agents = {a.name for a in world.agents}
    attack_days: set[tuple[str, int]] = set()
    attack_events_by_day: dict[tuple[str, int], set[str]] = defaultdict(set)
    ev_by_id = {}
    for sc in world.scenarios:
        if sc.kind == "attack":
            attack_days |= sc.days
    for ev in world.events:
        ev_by_id[ev.id] = ev
    for sc in world.scenarios:
        if sc.kind != "attack":
            continue
        for eid in sc.event_ids:
            ev = ev_by_id[eid]
            if ev.actor == sc.actor:
                attack_events_by_day[(ev.actor, local_day(ev.ts))].add(eid)
    active_days = {
        (e.actor, local_day(e.ts))
        for e in world.events
        if e.actor in agents and e.action != "login.failure"
    }
    benign_days = active_days - attack_days

    rows = []
    for sc in world.scenarios:
        if sc.kind != "attack":
            continue
        hits = [included[e] for e in sc.event_ids if e in included]
        ttd = max(0.0, min(hits) - sc.first_ts) if hits else None
        rows.append((sc.name, sc.actor, ttd))
    detected_days = sum(
        1 for d in attack_days if any(e in included for e in attack_events_by_day[d])
    )
    benign_alerted = {d for d in benign_days if alerted_days.get(d)}
    surprise = {}
    for sc in world.scenarios:
        if sc.kind == "benign":
            days = sc.days & benign_days
            surprise.setdefault(sc.name, [0, 0])
            surprise[sc.name][0] += len(days)
            surprise[sc.name][1] += len(days & benign_alerted)

    # IsolationForest over the same agent-hour features
    from amanah.detection.model import isolation_forest_baseline

    try:
        flags = isolation_forest_baseline([v for _, _, v in hours])
    except ImportError:  # scikit-learn is a test/eval requirement, not a runtime one
        flags = [False] * len(hours)
    if_days: dict[tuple[str, int], float] = {}
    for (actor, bucket, _), flagged in zip(hours, flags, strict=True):
        if flagged:
            key = (actor, local_day(bucket * 3600))
            end = (bucket + 1) * 3600.0
            if_days[key] = min(if_days.get(key, end), end)
    if_rows = []
    for sc in world.scenarios:
        if sc.kind != "attack":
            continue
        ends = [if_days[d] for d in sc.days if d in if_days and if_days[d] >= sc.first_ts]
        if_rows.append((sc.name, sc.actor, max(0.0, min(ends) - sc.first_ts) if ends else None))
    return {
        "rows": rows,
        "attack_days": len(attack_days),
        "detected_days": detected_days,
        "benign_days": len(benign_days),
        "benign_alerted": len(benign_alerted),
        "benign_rules": _rules(benign_alerted, alerted_days),
        "surprise": surprise,
        "if_rows": if_rows,
        "if_detected_days": sum(1 for d in attack_days if d in if_days),
        "if_benign_alerted": sum(1 for d in benign_days if d in if_days),
        "events": len(world.events),
        "seconds": elapsed,
        "alerts": len(detector.book.alerts),
    }


def _rules(days, alerted_days) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for d in days:
        for rule in alerted_days[d]:
            counts[rule] += 1
    return dict(counts)


def _fmt(ttd: float | None) -> str:
    if ttd is None:
        return "missed"
    return f"{ttd / 60:.1f} min"


def main(argv: list[str] | None = None) -> int:
    seed = int((argv or sys.argv[1:] or ["7"])[0])
    world = generate(seed=seed)
    r = run(world)
    agents = len(world.agents)
    print(f"scenario: {agents} agents, {r['events']} events, seed {seed}")
    print(
        f"replayed in {r['seconds']:.1f} s ({r['events'] / r['seconds']:,.0f} events/s), "
        f"{r['alerts']} alerts\n"
    )
    print(f"{'scenario':26} {'agent':10} {'amanah':>12} {'iforest':>12}")
    for (name, actor, ttd), (_, _, ittd) in zip(r["rows"], r["if_rows"], strict=True):
        print(f"{name:26} {actor:10} {_fmt(ttd):>12} {_fmt(ittd):>12}")
    ttds = [t for _, _, t in r["rows"] if t is not None]
    if_ttds = [t for _, _, t in r["if_rows"] if t is not None]
    det = r["detected_days"] / r["attack_days"]
    fp = r["benign_alerted"] / r["benign_days"]
    print()
    print(
        f"attack agent-days detected : amanah {det:6.1%} ({r['detected_days']}/{r['attack_days']})"
        f"   iforest {r['if_detected_days'] / r['attack_days']:6.1%}   target >= 95%"
    )
    print(
        f"benign agent-days alerted  : amanah {fp:6.2%} ({r['benign_alerted']}/{r['benign_days']})"
        f"   iforest {r['if_benign_alerted'] / r['benign_days']:6.2%}   target <= 1%"
    )
    med = statistics.median(ttds) / 60 if ttds else float("nan")
    if_med = statistics.median(if_ttds) / 60 if if_ttds else float("nan")
    print(
        f"median time to detect      : amanah {med:.1f} min   iforest {if_med:.1f} min"
        "   target < 5 min"
    )
    for name, (days, alerted) in r["surprise"].items():
        print(f"benign surprise {name:14}: {alerted}/{days} agent-days alerted")
    if r["benign_rules"]:
        print(f"rules on benign agent-days : {r['benign_rules']}")
    ok = det >= 0.95 and fp <= 0.01 and med < 5
    print("\nTARGETS MET" if ok else "\nTARGETS NOT MET")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
