"""Write the synthetic contact-centre month as JSON Lines, with its ground truth.

    python tests/data/detection/generate.py OUT.jsonl [--labels LABELS.jsonl] [--seed 7] [--days 35]

The generator itself is ``amanah.detection.scenarios`` (``evaluate`` uses it too);
then ``amanah detect replay OUT.jsonl`` replays it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import orjson

from amanah.detection.events import to_json
from amanah.detection.scenarios import generate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--labels", type=Path)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--days", type=int, default=35)
    args = parser.parse_args()
    world = generate(seed=args.seed, days=args.days)
    with args.out.open("wb") as handle:
        for event in world.events:
            handle.write(orjson.dumps(to_json(event)) + b"\n")
    if args.labels:
        with args.labels.open("wb") as handle:
            for sc in world.scenarios:
                row = {"scenario": sc.name, "kind": sc.kind, "actor": sc.actor,
                       "event_ids": sorted(sc.event_ids)}  # fmt: skip
                handle.write(orjson.dumps(row) + b"\n")
    print(f"{len(world.events)} events, {len(world.scenarios)} labelled scenarios")


if __name__ == "__main__":
    main()
