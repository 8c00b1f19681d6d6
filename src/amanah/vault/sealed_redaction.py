"""Reversible redaction: each detected value sealed under its customer's data key.

An integrator that must keep transcripts in its own systems (a QA tool, a data lake)
asks for the ``encrypt`` operator with a customer id: the text comes back as
``... [ENC:CREDIT_CARD:<token>] ...``, where each token is the value sealed with the
vault's envelope (AES-256-GCM; the associated data binds the customer and the entity
type). The values come back only through :meth:`SealedRedaction.reveal`, which passes the
gate like any reveal and is on the trail. Erasing the customer destroys the data key, so
every token it ever issued becomes unreadable, wherever it was copied (crypto-shredding).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from amanah.access.gate import AccessRequest, Principal
from amanah.crypto.envelope import DataKey, binding
from amanah.crypto.errors import IntegrityError
from amanah.errors import InvalidInput
from amanah.redaction import Encrypt, RedactionResult, Redactor, default_redactor, sealed_types
from amanah.redaction import reveal as open_tokens
from amanah.vault.schemas import RedactionRevealIn, RedactionRevealOut
from amanah.vault.service import Vault

TOKEN_TABLE = "redaction-tokens"

# The vault field kind whose reveal rules (roles, live interaction) a sealed entity follows.
FIELD_OF_ENTITY = {
    "PERSON": "full_name",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "ADDRESS": "address",
    "DATE_OF_BIRTH": "date_of_birth",
    "CREDIT_CARD": "card",
    "CARD_EXPIRY": "card",
    "BANK_ACCOUNT": "bank_account",
    "IBAN_CODE": "bank_account",
    "ID_NIK": "national_id",
    "ID_NPWP": "national_id",
    "ID_NRIC": "national_id",
    "US_SSN": "national_id",
    "PASSPORT": "national_id",
    "IP_ADDRESS": "note",
}


def _aad(customer_id: str, entity_type: str) -> bytes:
    return binding(TOKEN_TABLE, customer_id, entity_type)


@dataclass
class SealedRedaction:
    vault: Vault
    redactor: Redactor | None = None

    def operator(self, principal: Principal, customer_id: str) -> Encrypt:
        """An ``encrypt`` operator sealing under ``customer_id``'s key (for ``redact_lines``
        or an engine of your own); the trail records who sealed values for whom."""
        key = self._key(customer_id)
        self.vault._record(principal, "redaction.seal", customer_id)
        return Encrypt(lambda kind, data: key.seal(data, _aad(customer_id, kind)))

    def redact(
        self, principal: Principal, customer_id: str, texts: Sequence[str], lang: str = "auto"
    ) -> list[RedactionResult]:
        """``texts`` redacted with every value sealed under ``customer_id``'s key."""
        operator = self.operator(principal, customer_id)
        engine = self.redactor or default_redactor()
        return [engine.redact(text, operator, lang) for text in texts]

    def reveal(
        self, principal: Principal, customer_id: str, request: RedactionRevealIn
    ) -> RedactionRevealOut:
        """The sealed values of ``request.text`` opened, if the gate allows every one of
        their field kinds; one refusal refuses the whole text."""
        types = sealed_types(request.text)
        if not types:
            raise InvalidInput("the text holds no sealed value ([ENC:TYPE:...])")
        unknown = sorted(set(types) - set(FIELD_OF_ENTITY))
        if unknown:
            raise InvalidInput(f"a sealed value has an unknown entity type: {unknown[0]}")
        kinds = tuple(sorted({FIELD_OF_ENTITY[t] for t in types}))
        key = self._key(customer_id)
        decision = self.vault._check_whole(
            AccessRequest(
                principal, "reveal", customer_id, kinds, request.purpose, request.interaction_id
            )
        )
        try:
            text = open_tokens(
                request.text, lambda kind, data: key.open(data, _aad(customer_id, kind))
            )
        except (IntegrityError, ValueError, UnicodeDecodeError):
            raise InvalidInput(
                "a sealed value does not open under this customer's key (altered, or another"
                " customer's)"
            ) from None
        return RedactionRevealOut(customer_id=customer_id, reason=decision.reason, text=text)

    def _key(self, customer_id: str) -> DataKey:
        with self.vault.factory() as session:
            self.vault._customer(session, customer_id)
            return self.vault.keys.open(session, customer_id)
