"""``POST /api/v1/redact``: text or a batch in, redacted text and entity offsets out."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from amanah.access.gate import Principal
from amanah.identity.api import require
from amanah.redaction import default_redactor, get_operator

router = APIRouter(prefix="/api/v1", tags=["redaction"])
Text = Annotated[str, StringConstraints(max_length=100_000)]
HASH_KEY_LABEL = b"amanah.redaction.hash-key.v1"


class RedactIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: Text | None = None
    texts: list[Text] | None = Field(None, max_length=1000)
    lang: Literal["auto", "en", "id"] = "auto"
    operator: Literal["replace", "mask", "hash", "pseudonym", "encrypt"] = "replace"
    customer_id: Annotated[str, StringConstraints(min_length=1, max_length=40)] | None = Field(
        None, description="With operator encrypt: the customer whose key seals the values."
    )

    @model_validator(mode="after")
    def _one_of(self) -> RedactIn:
        if (self.text is None) == (self.texts is None):
            raise ValueError("give exactly one of text or texts")
        if (self.operator == "encrypt") != (self.customer_id is not None):
            raise ValueError("customer_id goes with the encrypt operator, and only with it")
        return self


class EntityOut(BaseModel):
    type: str
    start: int
    end: int
    score: float


class RedactedOut(BaseModel):
    text: str
    lang: str
    entities: list[EntityOut]


class RedactOut(BaseModel):
    results: list[RedactedOut]


def hash_key(keyring: object) -> bytes:
    """A tenant-stable HMAC key derived inside the keyring (never stored anywhere)."""
    return keyring.blind_index(HASH_KEY_LABEL)  # type: ignore[attr-defined]


@router.post("/redact", response_model=RedactOut)
def redact(
    body: RedactIn, request: Request, who: Principal = Depends(require("redact"))
) -> RedactOut:
    """Redact a text or a batch. ``encrypt`` seals each value under the customer's key
    (``amanah.vault.sealed_redaction``); the other operators need no customer."""
    system = request.app.state.system
    texts = [body.text] if body.text is not None else (body.texts or [])
    if body.customer_id is not None:
        results = system.sealed_redaction.redact(who, body.customer_id, texts, body.lang)
    else:
        key = hash_key(system.keyring) if body.operator == "hash" else None
        operator = get_operator(body.operator, key=key)  # one per request: pseudonyms agree
        engine = default_redactor()
        results = [engine.redact(text, operator, body.lang) for text in texts]
    return RedactOut(
        results=[
            RedactedOut(
                text=r.text, lang=r.lang, entities=[EntityOut(**e.to_dict()) for e in r.entities]
            )
            for r in results
        ]
    )
