"""The alerts API with service tokens: scopes, filters, verdicts, the register, and problem+json
for every refusal (401, 403, 404, 409, 422)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient
from tests.detection.alert_helpers import EXPLANATION, raise_alert

from amanah.identity.tokens import issue_token
from amanah.problems import MEDIA_TYPE, PROBLEM_BASE

T0 = datetime(2026, 9, 20, 3, 0, tzinfo=UTC)


def bearer(system, *scopes: str) -> dict[str, str]:
    with system.factory() as session, session.begin():
        token, _ = issue_token(session, "soc integration", "integration", list(scopes))
    return {"Authorization": f"Bearer {token}"}


def problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    body = response.json()
    assert body["type"] == PROBLEM_BASE + code and body["status"] == status
    return body


@pytest.fixture
def api(client: TestClient) -> TestClient:
    client.headers.pop("Authorization")
    return client


def test_read_an_alert_with_its_responses(system, api) -> None:
    alert, responses = raise_alert(system, "acc_agent", severity="high")
    reader = bearer(system, "alerts:read")
    listed = api.get("/api/v1/alerts", headers=reader)
    assert listed.status_code == 200
    (item,) = listed.json()["items"]
    assert listed.json()["next_cursor"] is None
    assert item["id"] == alert.id and item["severity"] == "high" and item["status"] == "open"

    detail = api.get(f"/api/v1/alerts/{alert.id}", headers=reader).json()
    assert detail["explanation"] == EXPLANATION and detail["event_ids"] == ["ev-1", "ev-2"]
    assert detail["details"] == {"customers": 212, "usual": 14} and detail["history"] == []
    assert [r["id"] for r in detail["responses"]] == [r.id for r in responses]
    assert [r["action"] for r in detail["responses"]] == ["step_up", "end_sessions", "notify"]

    register = api.get("/api/v1/responses", params={"alert_id": alert.id}, headers=reader)
    assert [r["action"] for r in register.json()] == ["notify", "end_sessions", "step_up"]
    assert api.get("/api/v1/responses", params={"account_id": "acc_x"}, headers=reader).json() == []


def test_scopes_decide_who_reads_and_who_acts(system, api) -> None:
    alert, (notify,) = raise_alert(system, "acc_agent", severity="low")
    problem(api.get("/api/v1/alerts"), 401, "invalid-credentials")
    unrelated = bearer(system, "customers:read")
    problem(api.get("/api/v1/alerts", headers=unrelated), 403, "not-security-officer")
    problem(api.get(f"/api/v1/alerts/{alert.id}", headers=unrelated), 403, "not-security-officer")
    problem(api.get("/api/v1/responses", headers=unrelated), 403, "not-security-officer")

    reader = bearer(system, "alerts:read")
    problem(api.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=reader), 403,
            "not-security-officer")  # fmt: skip

    writer = bearer(system, "alerts:write")
    acked = api.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=writer)
    assert acked.status_code == 200 and acked.json()["alert"]["status"] == "acknowledged"
    for path in (f"/api/v1/alerts/{alert.id}/false-positive", f"/api/v1/alerts/{alert.id}/reopen",
                 f"/api/v1/responses/{notify.id}/undo"):  # fmt: skip
        problem(api.post(path, headers=writer), 403, "not-security-officer")
    resolved = api.post(f"/api/v1/alerts/{alert.id}/resolve", headers=writer)
    assert resolved.json()["alert"]["status"] == "resolved"
    history = api.get(f"/api/v1/alerts/{alert.id}", headers=writer).json()["history"]
    assert [h["to_status"] for h in history] == ["acknowledged", "resolved"]
    assert all(h["by"].startswith("tok_") for h in history)  # the token's id, audited as such


def test_unknown_ids_conflicts_and_bad_filters(system, api) -> None:
    alert, _ = raise_alert(system, "acc_agent", severity="low", respond=False)
    writer = bearer(system, "alerts:write")
    problem(api.get("/api/v1/alerts/alr_unknown", headers=writer), 404, "not-found")
    problem(api.post("/api/v1/alerts/alr_unknown/resolve", headers=writer), 404, "not-found")
    problem(api.get("/api/v1/alerts/" + "a" * 300, headers=writer), 404, "not-found")
    api.post(f"/api/v1/alerts/{alert.id}/resolve", headers=writer)
    problem(api.post(f"/api/v1/alerts/{alert.id}/acknowledge", headers=writer), 409, "conflict")

    for params in (
        {"status": "closed"},
        {"severity": "info"},
        {"since": "yesterday"},
        {"since": "2026-09-20T00:00:00Z", "until": "2026-09-19T00:00:00Z"},
        {"until": "9999-12-31T23:59-23:59"},
        {"limit": 0},
        {"limit": 501},
        {"cursor": "not-a-cursor"},
        {"actor": "acc\x01"},
    ):
        response = api.get("/api/v1/alerts", params=params, headers=writer)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"] == MEDIA_TYPE


def test_filters_and_pages(system, api) -> None:
    made = [
        raise_alert(system, actor, severity=severity, at=T0 + timedelta(hours=n),
                    respond=False)[0]
        for n, (severity, actor) in enumerate(
            [("low", "acc_a"), ("high", "acc_b"), ("critical", "acc_a")]
        )
    ]  # fmt: skip
    reader = bearer(system, "alerts:read")

    def ids(**params) -> list[str]:
        response = api.get("/api/v1/alerts", params=params, headers=reader)
        assert response.status_code == 200, response.text
        return [a["id"] for a in response.json()["items"]]

    assert ids() == [made[2].id, made[1].id, made[0].id]
    assert ids(severity=["high", "critical"]) == [made[2].id, made[1].id]
    assert ids(actor="acc_a", status="open") == [made[2].id, made[0].id]
    assert ids(since="2026-09-20T04:00:00", until="2026-09-20T05:00:00+00:00") == [made[1].id]
    assert ids(rule="bulk_viewing", status="resolved") == []

    first = api.get("/api/v1/alerts", params={"limit": 2}, headers=reader).json()
    assert [a["id"] for a in first["items"]] == [made[2].id, made[1].id]
    rest = api.get(
        "/api/v1/alerts", params={"limit": 2, "cursor": first["next_cursor"]}, headers=reader
    ).json()
    assert [a["id"] for a in rest["items"]] == [made[0].id] and rest["next_cursor"] is None


def test_the_operations_are_in_the_openapi_document(api) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert set(paths["/api/v1/alerts"]) == {"get"}
    for verb in ("acknowledge", "resolve", "false-positive", "reopen"):
        assert set(paths[f"/api/v1/alerts/{{alert_id}}/{verb}"]) == {"post"}
    assert set(paths["/api/v1/responses/{response_id}/undo"]) == {"post"}
