"""Reversible redaction: values sealed under the customer's key, opened only through the gate."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from amanah.access.errors import AccessDenied
from amanah.access.gate import AccessRequest, Decision, Outcome, Principal
from amanah.audit import queries
from amanah.audit.log import log_for_system
from amanah.bootstrap import System
from amanah.problems import MEDIA_TYPE
from amanah.vault.schemas import CustomerIn, RedactionRevealIn

SAID = "Atas nama Budi Santoso, kartu 4111 1111 1111 1111, CVV 123, email budi@example.co.id"
TOKEN_RE = re.compile(r"\[ENC:[A-Z_]+:[A-Za-z0-9_\-]+\]")


@pytest.fixture
def customer(client: TestClient, budi: CustomerIn) -> str:
    body = budi.model_dump(mode="json", exclude_defaults=True)
    return client.post("/api/v1/customers", json=body).json()["id"]


def _seal(client: TestClient, customer_id: str, text: str = SAID) -> str:
    response = client.post(
        "/api/v1/redact", json={"text": text, "operator": "encrypt", "customer_id": customer_id}
    )
    assert response.status_code == 200, response.text
    return response.json()["results"][0]["text"]


def _reveal(client: TestClient, customer_id: str, text: str) -> Any:
    return client.post(
        f"/api/v1/customers/{customer_id}/redactions/reveal",
        json={"text": text, "purpose": "QA review of a disputed call"},
    )


def test_values_are_sealed_and_come_back_through_a_reveal(
    client: TestClient, customer: str, system: System
) -> None:
    sealed = _seal(client, customer)
    outside_tokens = TOKEN_RE.sub("", sealed)  # a token's base64 may hold any digits by chance
    for value in ("Budi Santoso", "4111", "budi@example.co.id", "123"):
        assert value not in outside_tokens
    assert len(TOKEN_RE.findall(sealed)) == 3 and "[CARD_CVV]" in sealed
    assert "[ENC:CREDIT_CARD:" in sealed  # analytics still see what kind of value it was

    opened = _reveal(client, customer, f"QA note: {sealed}")
    assert opened.status_code == 200, opened.text
    assert opened.json()["text"] == "QA note: " + SAID.replace("123", "[CARD_CVV]")

    actions = [
        f.entry.action for f in queries.who_accessed(log_for_system(system), customer).entries
    ]
    assert "redaction.seal" in actions and "field.reveal" in actions


def test_each_seal_is_fresh_so_tokens_do_not_link_records(client: TestClient, customer: str):
    assert _seal(client, customer, "kartu 4111 1111 1111 1111") != _seal(
        client, customer, "kartu 4111 1111 1111 1111"
    )


def test_another_customers_key_or_an_altered_token_opens_nothing(
    client: TestClient, customer: str
) -> None:
    sealed = _seal(client, customer)
    other = client.post("/api/v1/customers", json={"full_name": "Siti Rahma", "external_id": "2"})
    assert other.status_code == 201, other.text
    refused = _reveal(client, other.json()["id"], sealed)
    assert refused.status_code == 422 and refused.headers["content-type"] == MEDIA_TYPE
    assert "Budi" not in refused.text

    token = TOKEN_RE.findall(sealed)[1]
    flipped = token[:-3] + ("A" if token[-3] != "A" else "B") + token[-2:]
    assert _reveal(client, customer, sealed.replace(token, flipped)).status_code == 422
    relabelled = sealed.replace("[ENC:CREDIT_CARD:", "[ENC:EMAIL_ADDRESS:")
    assert _reveal(client, customer, relabelled).status_code == 422  # the type is bound too


def test_erasing_the_customer_shreds_every_token(client: TestClient, customer: str) -> None:
    sealed = _seal(client, customer)
    assert client.delete(f"/api/v1/customers/{customer}").status_code == 204
    gone = _reveal(client, customer, sealed)
    assert gone.status_code == 404 and gone.json()["type"].endswith("/customer-not-found")


@pytest.mark.parametrize(
    "body",
    [
        {"text": "hi", "operator": "encrypt"},
        {"text": "hi", "operator": "replace", "customer_id": "cus_x"},
    ],
)
def test_customer_id_goes_with_encrypt_and_only_with_it(client: TestClient, body: dict) -> None:
    response = client.post("/api/v1/redact", json=body)
    assert response.status_code == 422 and response.headers["content-type"] == MEDIA_TYPE


def test_unknown_customer_and_text_without_tokens(client: TestClient, customer: str) -> None:
    unknown = client.post(
        "/api/v1/redact", json={"text": "hi", "operator": "encrypt", "customer_id": "cus_nobody"}
    )
    assert unknown.status_code == 404
    assert _reveal(client, customer, "nothing sealed here").status_code == 422


class _Refuse:
    """A gate input that records what it was asked and refuses every reveal."""

    name = "test-refuse"

    def __init__(self) -> None:
        self.asked: list[AccessRequest] = []

    def evaluate(self, request: AccessRequest) -> Decision | None:
        if request.action != "reveal":
            return None
        self.asked.append(request)
        return Decision(Outcome.DENY, "refused by test")


def test_the_gate_decides_on_the_field_kinds_and_a_refusal_opens_nothing(
    system: System, admin: Principal, budi: CustomerIn
) -> None:
    customer = system.vault.create_customer(admin, budi).id
    sealed = system.sealed_redaction.redact(admin, customer, [SAID])[0].text
    refuse = _Refuse()
    system.gate.register(refuse)
    request = RedactionRevealIn(text=sealed, purpose="dispute", interaction_id="int_1")
    with pytest.raises(AccessDenied):
        system.sealed_redaction.reveal(admin, customer, request)
    (asked,) = refuse.asked
    assert asked.fields == ("card", "email", "full_name")
    assert (asked.purpose, asked.interaction_id) == ("dispute", "int_1")
