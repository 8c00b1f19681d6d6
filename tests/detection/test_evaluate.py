"""The scenario evaluation meets the issue's targets (a smaller world, for speed)."""

from __future__ import annotations

import statistics

import pytest

from amanah.detection.evaluate import main, run
from amanah.detection.scenarios import ATTACKS, BENIGN, generate


@pytest.mark.slow
def test_targets_on_a_generated_month() -> None:
    world = generate(seed=21, days=32, agents_per_team=8)
    names = {s.name for s in world.scenarios}
    assert set(ATTACKS) <= names and set(BENIGN) <= names
    r = run(world)
    assert r["detected_days"] / r["attack_days"] >= 0.95
    assert r["benign_alerted"] / r["benign_days"] <= 0.01
    ttds = [t for _, _, t in r["rows"] if t is not None]
    assert statistics.median(ttds) < 5 * 60
    for name, (_days, alerted) in r["surprise"].items():
        assert alerted == 0, name


def test_the_generator_is_deterministic() -> None:
    a, b = (
        generate(seed=3, days=16, agents_per_team=3),
        generate(seed=3, days=16, agents_per_team=3),
    )
    assert [(e.id, e.ts, e.actor, e.action) for e in a.events] == [
        (e.id, e.ts, e.actor, e.action) for e in b.events
    ]


@pytest.mark.slow
def test_the_report(capsys) -> None:
    assert main(["7"]) == 0
    out = capsys.readouterr().out
    assert "TARGETS MET" in out and "iforest" in out and "median time to detect" in out
