"""``amanah init`` and ``amanah keys ...`` from a shell reach the trail as ``cli:<os user>``,
read back with ``amanah audit accessed-by ... --format json`` as an auditor would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ACTOR = "cli:dewi"  # the sudo caller: what `sudo amanah ...` records


def amanah(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMANAH_HOME": str(home), "COLUMNS": "200", "SUDO_USER": "dewi"}
    env.pop("AMANAH_DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "amanah.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def trail(home: Path) -> list[dict]:
    found = amanah(home, "audit", "accessed-by", ACTOR, "--format", "json", "--proofs")
    assert found.returncode == 0, found.stderr
    body = json.loads(found.stdout)
    assert all(item["proof"]["verified"] for item in body["entries"])
    return [item["entry"] for item in body["entries"]]


def test_init_and_key_rotation_are_on_the_trail(tmp_path: Path) -> None:
    home = tmp_path / "var"
    first = amanah(home, "init", "--no-demo")
    assert first.returncode == 0, first.stderr
    (init,) = trail(home)
    assert (init["actor"], init["action"], init["outcome"]) == (ACTOR, "system.init", "ok")
    assert init["extra"] == {
        "keyring": True,
        "admin_token": True,
        "tls_certificate": True,
        "demo_customers": 0,
    }
    assert "amk_" not in json.dumps(init)  # the token is shown once, never recorded

    again = amanah(home, "init", "--no-demo")  # nothing created: nothing to record
    assert again.returncode == 0 and len(trail(home)) == 1

    rotated = amanah(home, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    entries = trail(home)[1:]
    assert [(e["action"], e["outcome"]) for e in entries] == [
        ("keys.rotate", "ok"),
        ("keys.rewrap", "ok"),
        ("keys.retire", "ok"),
    ]
    rotate, rewrap, retire = (e["extra"] for e in entries)
    key_id = rotate["key_id"]
    assert rotate == {"key_id": key_id, "version": 2, "previous_version": 1}
    assert rewrap == {"key_id": key_id, "version": 2, "rewrapped": 0}
    assert retire == {"key_id": key_id, "version": 1}
    status = json.loads(amanah(home, "keys", "status", "--json").stdout)
    assert status["key_id"] == key_id
