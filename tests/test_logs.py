"""Logs are JSON and never carry a secret, even when a caller passes one by mistake."""

from __future__ import annotations

import json
import logging

import pytest
import structlog

from amanah.logs import configure


@pytest.fixture(autouse=True)
def _restore_logging() -> object:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)
    structlog.reset_defaults()


def test_log_lines_are_json_with_secrets_scrubbed(capsys: pytest.CaptureFixture[str]) -> None:
    configure("INFO")
    structlog.get_logger("amanah.test").info(
        "unsealed", request_id="r-1", passphrase="hunter2 hunter2", admin_token="amk_x"
    )
    logging.getLogger("uvicorn.error").info("started")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert lines[0]["event"] == "unsealed" and lines[0]["request_id"] == "r-1"
    assert lines[0]["passphrase"] == "[redacted]" and lines[0]["admin_token"] == "[redacted]"
    assert lines[1]["event"] == "started" and lines[1]["logger"] == "uvicorn.error"
    assert "hunter2" not in json.dumps(lines)
