"""benchmarks/bench_signin.py runs end to end (--quick: a few rounds of each sign-in flow
with the configured Argon2id parameters and the audit trail on); no timing asserts."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_signin.py"


def test_bench_signin_quick_runs() -> None:
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick", "--runs", "2"],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    out = proc.stdout
    assert re.search(r"Argon2id: t=\d+, m=[\d,]+ KiB, p=\d+", out)  # the configured ones
    for flow in ("argon2id verify (baseline)", "password + TOTP", "password + passkey",
                 "passkey alone (passwordless)"):  # fmt: skip
        assert re.search(re.escape(flow) + r"\s+[\d.]+\s+[\d.]+\s+[\d.]+", out), flow
    assert "summary: password + TOTP p50" in out
