"""benchmarks/bench_audit.py runs end to end on a small log (--quick, no pymerkle);
no timing asserts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_audit.py"


def test_bench_audit_quick_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--no-pymerkle", "--entries", "5000"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "pymerkle: skipped" in out
    assert "append >= 20,000 entries/s" in out
    assert "inclusion proof on 5,000 entries" in out
    assert "verify(): 5,000 entries" in out and ": ok" in out
