"""benchmarks/bench_vault.py runs end to end (--quick: envelope, a 5,000-row import that
starts the importer's worker pool, the API over HTTPS); no timing asserts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_vault.py"


def test_bench_vault_quick_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    out = proc.stdout
    assert "DataKey.seal+open, 1 KiB" in out
    assert "import_file CSV -> SQLite, sealed" in out
    assert "masked customer reads" in out and "/health" in out
    assert "summary" in out and (("PASS" in out) or ("MISS" in out))
