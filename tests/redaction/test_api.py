"""POST /api/v1/redact: one text or a batch, with offsets into the original."""

from __future__ import annotations

from fastapi.testclient import TestClient


def test_redact_one_text(client: TestClient) -> None:
    text = "my card is 4111 1111 1111 1111 thanks"
    body = client.post("/api/v1/redact", json={"text": text}).json()
    (result,) = body["results"]
    assert result["text"] == "my card is [CREDIT_CARD] thanks"
    (entity,) = result["entities"]
    assert text[entity["start"] : entity["end"]] == "4111 1111 1111 1111"


def test_batch_with_a_stable_keyed_hash(client: TestClient) -> None:
    texts = ["email budi@example.co.id", "again: budi@example.co.id"]
    results = client.post("/api/v1/redact", json={"texts": texts, "operator": "hash"}).json()[
        "results"
    ]
    first, second = (r["text"].split()[-1] for r in results)
    assert first == second and "budi" not in first


def test_bad_requests_are_problems(client: TestClient) -> None:
    both = client.post("/api/v1/redact", json={"text": "a", "texts": ["b"]})
    assert both.status_code == 422
    unknown = client.post("/api/v1/redact", json={"text": "a", "operator": "rot13"})
    assert unknown.status_code == 422
