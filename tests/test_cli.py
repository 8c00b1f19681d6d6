"""The ``amanah`` command, driven as a user would, on a fresh AMANAH_HOME."""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest

GOOD_CSV = (
    "external_id,full_name,phone,email,national_id,national_id_kind\n"
    "x1,Rina Wijaya,0812 9999 0001,rina@example.id,3171024506850003,nik\n"
    "x2,Bad Phone,123,,,\n"
)


def amanah(home: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AMANAH_HOME": str(home), "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "amanah.cli", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("cli") / "var"
    first = amanah(home, "init")
    assert first.returncode == 0, first.stderr
    assert "Initial admin token" in first.stdout and "amk_" in first.stdout
    return home


def test_init_creates_a_private_home_and_is_idempotent(home: Path) -> None:
    assert stat.S_IMODE((home / "keyring.json").stat().st_mode) == 0o600
    assert (home / "tls" / "cert.pem").exists() and (home / "amanah.db").exists()
    second = amanah(home, "init")
    assert second.returncode == 0
    assert "amk_" not in second.stdout and "ready" in second.stdout


def test_import_then_find(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_text(GOOD_CSV)
    result = amanah(home, "customers", "import", str(path))
    assert result.returncode == 0, result.stderr
    assert "imported 1, rejected 1" in result.stdout
    assert "line 3: phone" in result.stdout

    found = amanah(home, "customers", "find", "--phone", "+62 812-9999-0001", "--json")
    assert found.returncode == 0, found.stderr
    (customer,) = json.loads(found.stdout)
    assert customer["external_id"] == "x1"
    masked = {f["kind"]: f["masked"] for f in customer["fields"]}
    assert masked["national_id"] == "3171**********03"
    assert "rina@example.id" not in found.stdout

    missing = amanah(home, "customers", "find", "--email", "nobody@example.id")
    assert missing.returncode == 1


def test_invalid_lookup_is_one_line_and_exit_code(home: Path) -> None:
    result = amanah(home, "customers", "find", "--phone", "12")
    assert result.returncode == 2
    assert result.stderr.startswith("error: phone:")
    assert "Traceback" not in result.stderr


def test_keys_rotate_then_status(home: Path) -> None:
    rotated = amanah(home, "keys", "rotate")
    assert rotated.returncode == 0, rotated.stderr
    assert "root key version 2 is now active" in rotated.stdout
    assert "retired root key versions: 1" in rotated.stdout
    status = json.loads(amanah(home, "keys", "status", "--json").stdout)
    states = {v["version"]: (v["state"], v["data_keys"]) for v in status["versions"]}
    assert states[1] == ("retired", 0)
    assert states[2][0] == "active" and states[2][1] >= 4


def test_a_sealed_keyring_refuses_until_the_passphrase_is_given(tmp_path: Path) -> None:
    home = tmp_path / "sealed"
    env = {**os.environ, "AMANAH_KEYRING_PASSPHRASE": "a long local passphrase"}
    created = subprocess.run(
        [sys.executable, "-m", "amanah.cli", "init", "--passphrase"],
        env={**env, "AMANAH_HOME": str(home)},
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert created.returncode == 0, created.stderr
    locked = amanah(home, "customers", "find", "--phone", "+6281234567890")
    assert locked.returncode != 0 and "sealed" in locked.stderr


def test_redact_jsonl_from_stdin(home: Path) -> None:
    lines = "my card is 4111 1111 1111 1111 thanks\norder INV-2024-0088 costs Rp 1.500.000\n"
    result = amanah(home, "redact", "-", "--output", "jsonl", stdin=lines)
    assert result.returncode == 0, result.stderr
    first, second = (json.loads(line) for line in result.stdout.splitlines())
    assert first == {
        "line": 1,
        "text": "my card is [CREDIT_CARD] thanks",
        "entities": [{"type": "CREDIT_CARD", "start": 11, "end": 30, "score": 0.99}],
    }
    assert second["entities"] == [] and second["line"] == 2


def test_redact_with_encrypt_seals_under_the_customers_key(home: Path, tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("external_id,full_name,phone\nenc1,Dewi Lestari,0812 7777 0001\n")
    assert amanah(home, "customers", "import", str(path)).returncode == 0
    found = amanah(home, "customers", "find", "--phone", "0812 7777 0001", "--json")
    customer_id = json.loads(found.stdout)[0]["id"]
    said = "kartu saya 4111 1111 1111 1111, CVV 123\n"
    result = amanah(home, "redact", "--operator", "encrypt", "--customer", customer_id, stdin=said)
    assert result.returncode == 0, result.stderr
    assert "[ENC:CREDIT_CARD:" in result.stdout and "[CARD_CVV]" in result.stdout
    assert "CVV [CARD_CVV]" in result.stdout
    outside_tokens = re.sub(r"\[ENC:[^\]]+\]", "", result.stdout)
    assert "4111" not in outside_tokens and "123" not in outside_tokens

    alone = amanah(home, "redact", "--operator", "encrypt", stdin=said)
    assert alone.returncode == 2 and "--customer" in alone.stderr
    nobody = amanah(home, "redact", "--operator", "encrypt", "--customer", "cus_x", stdin=said)
    assert nobody.returncode != 0 and "Traceback" not in nobody.stderr
