"""``amanah audit ...`` commands and the ``/api/v1/audit`` router."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from amanah.audit import api as audit_api
from amanah.audit.checkpoint import parse_verifier_key, verify_signed_checkpoint
from amanah.audit.cli import app as audit_cli
from amanah.audit.log import log_for_system
from amanah.audit.merkle import verify_consistency, verify_inclusion
from amanah.errors import AmanahError
from amanah.problems import from_error

from ._layout import store_entries, stored_entries


@pytest.fixture
def cli_env(settings, system, monkeypatch):
    monkeypatch.setenv("AMANAH_HOME", str(settings.home))
    monkeypatch.setenv("AMANAH_DATABASE_URL", settings.effective_database_url)
    return CliRunner()


def test_cli_export_verify_offline_and_tamper(cli_env, system, make_entries, tmp_path) -> None:
    log = log_for_system(system)
    log.append_many(make_entries(30))
    runner = cli_env
    trusted = tmp_path / "trusted.cp"
    result = runner.invoke(audit_cli, ["checkpoint"])
    assert result.exit_code == 0, result.output
    trusted.write_text(result.stdout)
    log.append_many(make_entries(12))

    result = runner.invoke(audit_cli, ["verify", "--trusted-checkpoint", str(trusted)])
    assert result.exit_code == 0, result.output
    assert "grew only since the trusted checkpoint (size 30): yes" in result.stdout

    out = tmp_path / "audit.jsonl"
    result = runner.invoke(audit_cli, ["export", str(out)])
    assert result.exit_code == 0, result.output
    assert "exported 42 entries" in result.stdout
    vkey = tmp_path / "audit.jsonl.vkey"
    assert vkey.read_text().strip() == log.verifier_key()
    args = ["verify", "--offline", str(out), "--trusted-checkpoint", str(trusted)]
    result = runner.invoke(audit_cli, [*args, "--key", str(vkey)])
    assert result.exit_code == 0, result.output

    text_ = out.read_text().replace('"seq\\":40', '"seq\\":41', 1)
    bad = tmp_path / "bad.jsonl"
    bad.write_text(text_)
    result = runner.invoke(audit_cli, ["verify", "--offline", str(bad), "--key", str(vkey)])
    assert result.exit_code == 1
    assert "verification FAILED: entry at position 40 is entry 41" in result.stderr

    datas = stored_entries(system)
    store_entries(system, datas[:5] + datas[6:])  # cut entry 5 out of its bundle
    result = runner.invoke(audit_cli, ["verify", "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["problems"][0]["kind"] == "gap"
    assert (
        result.stderr.strip().splitlines()[-1].startswith("verification FAILED: entry 5 is missing")
    )


def test_cli_proofs(cli_env, system, make_entries) -> None:
    log_for_system(system).append_many(make_entries(20))
    result = cli_env.invoke(audit_cli, ["prove-inclusion", "7", "--size", "19"])
    assert result.exit_code == 0, result.output
    proof = json.loads(result.stdout)
    assert proof["verifies"] and proof["size"] == 19
    result = cli_env.invoke(audit_cli, ["prove-consistency", "5", "20"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["verifies"]
    result = cli_env.invoke(audit_cli, ["prove-consistency", "9", "5"])
    assert result.exit_code == 2


@pytest.fixture
def api(system, admin_token: str):
    app = FastAPI()
    app.state.system = system

    @app.exception_handler(AmanahError)
    async def amanah_error(_: Request, exc: AmanahError) -> JSONResponse:
        body = from_error(exc)
        return JSONResponse(body, status_code=body["status"])

    app.include_router(audit_api.router)
    with TestClient(app, base_url="https://testserver") as client:
        client.headers["Authorization"] = f"Bearer {admin_token}"
        yield client


def test_api_checkpoint_proofs_and_entries(api, system, make_entries) -> None:
    log = log_for_system(system)
    log.append_many(make_entries(25))
    name, key = parse_verifier_key(log.verifier_key())

    r = api.get("/api/v1/audit/checkpoint")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    cp = verify_signed_checkpoint(r.text, name, key)
    assert cp.size == 25

    r = api.get("/api/v1/audit/proofs/inclusion", params={"seq": 11})
    assert r.status_code == 200
    body = r.json()
    b = lambda s: base64.b64decode(s)  # noqa: E731
    assert verify_inclusion(
        b(body["leaf_hash"]), 11, body["size"], [b(h) for h in body["hashes"]], cp.root_hash
    )
    r = api.get("/api/v1/audit/proofs/consistency", params={"old": 3, "new": 25})
    body = r.json()
    assert verify_consistency(
        3, 25, b(body["old_root"]), cp.root_hash, [b(h) for h in body["hashes"]]
    )
    r = api.get("/api/v1/audit/entries/4")
    assert r.status_code == 200 and r.json()["entry"]["seq"] == 4
    assert r.json()["entry"]["subjects"] == ["cus_0004"]

    assert api.get("/api/v1/audit/entries/99").status_code == 404
    assert api.get("/api/v1/audit/proofs/inclusion", params={"seq": 30}).status_code == 422
    assert (
        api.get("/api/v1/audit/proofs/consistency", params={"old": 9, "new": 3}).status_code == 422
    )


def test_api_requires_audit_read(api, system) -> None:
    from amanah.identity.tokens import issue_token

    with system.factory() as session, session.begin():
        token, _ = issue_token(session, "reader", "agent", ["customers:read"])
    r = api.get("/api/v1/audit/checkpoint", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403
    assert api.get("/api/v1/audit/checkpoint", headers={"Authorization": ""}).status_code in (
        401,
        403,
    )
