"""The detection benchmark runs (--quick); timings are reported, never asserted."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_detection.py"


@pytest.mark.slow
def test_bench_detection_quick(capsys) -> None:
    spec = importlib.util.spec_from_file_location("bench_detection", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--quick", "--samples", "50"]) == 0
    out = capsys.readouterr().out
    assert "events/s" in out and "p99" in out and "live alerts stored: 50/50" in out
