"""The vault over HTTP: status codes, problem details, scopes, sealed keyring."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from amanah.bootstrap import System
from amanah.db import utcnow
from amanah.identity.tokens import issue_token, revoke_token
from amanah.problems import MEDIA_TYPE
from amanah.vault.schemas import CustomerIn


@pytest.fixture
def budi_json(budi: CustomerIn) -> dict[str, Any]:
    return budi.model_dump(mode="json", exclude_defaults=True)


def _token(system: System, scopes: list[str], **kw: Any) -> tuple[str, str]:
    with system.factory() as session, session.begin():
        token, row = issue_token(session, "integration", "agent", scopes, **kw)
    return token, row.id


def test_create_read_search_reveal_erase(client: TestClient, budi_json: dict[str, Any]) -> None:
    created = client.post("/api/v1/customers", json=budi_json)
    assert created.status_code == 201
    cid = created.json()["id"]
    masked = {
        f["kind"]: f["masked"] for f in client.get(f"/api/v1/customers/{cid}").json()["fields"]
    }
    assert masked["card"] == "**** **** **** 1111"

    found = client.post("/api/v1/customers/search", json={"phone": "0812-3456-7890"})
    assert [c["id"] for c in found.json()] == [cid]

    revealed = client.post(
        f"/api/v1/customers/{cid}/reveal", json={"fields": ["phone"], "purpose": "call back"}
    )
    assert revealed.json()["fields"][0]["value"] == "+6281234567890"

    assert client.delete(f"/api/v1/customers/{cid}").status_code == 204
    gone = client.get(f"/api/v1/customers/{cid}")
    assert gone.status_code == 404
    assert gone.headers["content-type"] == MEDIA_TYPE
    assert gone.json()["type"].endswith("/customer-not-found")


def test_invalid_values_are_422_without_echo(client: TestClient) -> None:
    response = client.post(
        "/api/v1/customers", json={"full_name": "Ani", "phones": ["+62 999 000"]}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["type"].endswith("/invalid-field") and body["field"] == "phone"
    assert "999" not in response.text


def test_card_security_codes_are_refused(client: TestClient) -> None:
    response = client.post(
        "/api/v1/customers",
        json={"full_name": "Ani", "cards": [{"number": "4111111111111111", "cvc": "123"}]},
    )
    assert response.status_code == 422
    assert response.json()["type"].endswith("/security-code-refused")
    assert "123" not in response.text


def test_wrong_types_malformed_json_and_oversized_bodies(client: TestClient) -> None:
    assert client.post("/api/v1/customers", json={"full_name": 5}).status_code == 422
    malformed = client.post(
        "/api/v1/customers", content=b'{"full_name": ', headers={"content-type": "application/json"}
    )
    assert malformed.status_code == 400 and malformed.json()["type"].endswith("/malformed-json")
    huge = client.post("/api/v1/customers", json={"full_name": "A", "notes": ["x" * 2_000_000]})
    assert huge.status_code == 413 and huge.headers["content-type"] == MEDIA_TYPE


def test_scopes_and_token_lifecycle(system: System, client: TestClient) -> None:
    reader, reader_id = _token(system, ["customers:read"])
    headers = {"Authorization": f"Bearer {reader}"}
    assert client.get("/api/v1/customers", headers=headers).status_code == 200
    denied = client.post("/api/v1/customers", json={"full_name": "X"}, headers=headers)
    assert denied.status_code == 403

    with system.factory() as session, session.begin():
        assert revoke_token(session, reader_id)
    assert client.get("/api/v1/customers", headers=headers).status_code == 401

    expired, _ = _token(system, ["customers:read"], expires_at=utcnow() - timedelta(seconds=1))
    response = client.get("/api/v1/customers", headers={"Authorization": f"Bearer {expired}"})
    assert response.status_code == 401
    assert response.json()["type"].endswith("/invalid-credentials")


def test_interactions_and_transcripts_are_redacted(
    client: TestClient, budi_json: dict[str, Any]
) -> None:
    cid = client.post("/api/v1/customers", json=budi_json).json()["id"]
    started = client.post(
        "/api/v1/interactions", json={"customer_id": cid, "channel": "voice", "agent_id": "a-7"}
    )
    assert started.status_code == 201
    iid = started.json()["id"]
    said = "my card number is 4111 1111 1111 1111 and my email is budi@example.co.id"
    posted = client.post(
        f"/api/v1/interactions/{iid}/transcript",
        json={"segments": [{"speaker": "customer", "text": said}]},
    )
    assert posted.status_code == 201
    segment = posted.json()["segments"][0]
    assert "4111" not in segment["text"] and "budi@example.co.id" not in segment["text"]
    assert {"CREDIT_CARD", "EMAIL_ADDRESS"} <= set(segment["entity_types"])
    ended = client.post(f"/api/v1/interactions/{iid}/end", json={})
    assert ended.status_code == 200 and ended.json()["ended_at"]
    assert client.post(f"/api/v1/interactions/{iid}/end", json={}).status_code == 409
    listed = client.get(f"/api/v1/customers/{cid}/interactions").json()
    assert [i["id"] for i in listed] == [iid]


def test_a_sealed_keyring_answers_503_until_unsealed(tmp_path: Any) -> None:
    from amanah.app import create_app
    from amanah.crypto.local_keyring import LocalKeyring
    from amanah.home import init_home
    from amanah.settings import Settings

    settings = Settings(home=tmp_path / "home")
    report = init_home(settings, passphrase="a good long passphrase")
    sealed = LocalKeyring(settings.keyring_path)
    assert sealed.sealed
    from amanah.bootstrap import build

    with TestClient(create_app(settings, build(settings, sealed))) as api:
        api.headers["Authorization"] = f"Bearer {report.admin_token}"
        locked = api.get("/api/v1/customers")
        assert locked.status_code == 503 and locked.json()["type"].endswith("/vault-sealed")
        assert api.get("/api/v1/system/status").json()["sealed"] is True
        wrong = api.post("/api/v1/system/unseal", json={"passphrase": "wrong"})
        assert wrong.status_code == 422
        right = api.post("/api/v1/system/unseal", json={"passphrase": "a good long passphrase"})
        assert right.status_code == 204
        assert len(api.get("/api/v1/customers").json()["items"]) == 4


def test_a_number_split_across_requests_is_redacted_in_both_turns(
    client: TestClient, budi_json: dict[str, Any]
) -> None:
    cid = client.post("/api/v1/customers", json=budi_json).json()["id"]
    iid = client.post("/api/v1/interactions", json={"customer_id": cid, "channel": "chat"}).json()[
        "id"
    ]
    url = f"/api/v1/interactions/{iid}/transcript"
    client.post(url, json={"segments": [{"speaker": "customer", "text": "my card is 4111 1111"}]})
    client.post(url, json={"segments": [{"speaker": "customer", "text": "1111 1111 ok?"}]})
    first, second = client.get(url).json()["segments"]
    assert "4111" not in first["text"] and "1111" not in second["text"]
    assert first["entity_types"] == ["CREDIT_CARD"] == second["entity_types"]

    revealed = client.post(f"{url}/reveal", json={"purpose": "quality review"})
    assert [s["text"] for s in revealed.json()["segments"]] == [
        "my card is 4111 1111",
        "1111 1111 ok?",
    ]
