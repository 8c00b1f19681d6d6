"""benchmarks/bench_redaction.py runs end to end (Amanah only, --quick); no timing asserts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_redaction.py"


def test_bench_redaction_quick_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--no-presidio", "--per-type"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "presidio: skipped" in out
    assert "English utterances" in out
    assert "amanah    analyze" in out
    assert "p99 latency, 200-char message (redact): < 1 ms" in out
    assert ("PASS" in out) or ("MISS" in out)
