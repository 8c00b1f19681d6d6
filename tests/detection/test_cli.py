"""``amanah detect replay``: one alert per line, in the documented shape; bad lines reported."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import orjson
from typer.testing import CliRunner

from amanah.detection.cli import app
from amanah.detection.events import to_json
from amanah.detection.scenarios import generate

KEYS = {"actor", "ts", "rule", "severity", "score", "explanation", "event_ids"}


def test_replay_writes_one_alert_per_line(tmp_path: Path) -> None:
    lines = [
        '{"id": "ev-1", "ts": "2026-09-01T07:05:12+07:00", "actor": "agent-014",'
        ' "action": "honeytoken.read", "customer_id": "cust-000123"}',
        "this is not json",
        '{"id": "ev-2", "ts": "2026-09-01T07:06:00+07:00", "actor": "agent-014",'
        ' "action": "customer.view", "customer_id": "cust-000777"}',
        '{"id": "ev-3", "ts": "2026-09-01T07:05:00+07:00", "actor": "agent-014",'
        ' "action": "customer.view", "customer_id": "cust-000001"}',
    ]
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(lines) + "\n")
    vips = tmp_path / "vips.txt"
    vips.write_text("# VIPs\ncust-000001\n")
    result = CliRunner().invoke(app, ["replay", str(path), "--output", "jsonl",
                                      "--vip-file", str(vips)])  # fmt: skip
    assert result.exit_code == 0, result.output
    alerts = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert all(set(a) == KEYS for a in alerts)
    by_rule = {a["rule"]: a for a in alerts}
    assert by_rule["honeytoken"] == {
        "actor": "agent-014",
        "ts": "2026-09-01T00:05:12+00:00",
        "rule": "honeytoken",
        "severity": "critical",
        "score": 1.0,
        "explanation": by_rule["honeytoken"]["explanation"],
        "event_ids": ["ev-1"],
    }
    assert by_rule["vip_access"]["event_ids"] == ["ev-3"]
    # sorted by the time of the raising event, which is replayed in time order
    assert [a["ts"] for a in alerts] == sorted(a["ts"] for a in alerts)
    assert "line 2: skipped: not valid JSON" in result.stderr


def test_replay_of_a_generated_month_finds_the_attacks(tmp_path: Path) -> None:
    world = generate(seed=5, days=24, agents_per_team=5)
    path = tmp_path / "month.jsonl"
    with path.open("wb") as handle:
        for ev in world.events:
            handle.write(orjson.dumps(to_json(ev)) + b"\n")
    out = tmp_path / "alerts.jsonl"
    result = CliRunner().invoke(app, ["replay", str(path), "--to", str(out),
                                      "--honeytoken", "cust-999001"])  # fmt: skip
    assert result.exit_code == 0, result.output
    alerts = [orjson.loads(line) for line in out.read_text().splitlines()]
    flagged = {eid for a in alerts for eid in a["event_ids"]}
    attacks = [s for s in world.scenarios if s.kind == "attack"]
    assert attacks and all(s.event_ids & flagged for s in attacks)
    for a in alerts:
        assert a["severity"] in {"low", "medium", "high", "critical"}
        assert 0 <= a["score"] <= 1 and datetime.fromisoformat(a["ts"]).tzinfo is not None


def test_text_output_and_a_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text('{"id": "e", "ts": "2026-09-01T00:00:00Z", "actor": "a", '
                    '"action": "honeytoken.read"}\n')  # fmt: skip
    result = CliRunner().invoke(app, ["replay", str(path), "--output", "text"])
    assert result.exit_code == 0 and "critical" in result.stdout and "honeytoken" in result.stdout
    missing = CliRunner().invoke(app, ["replay", str(tmp_path / "nope.jsonl")])
    assert missing.exit_code == 2
