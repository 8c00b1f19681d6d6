"""The values the library returns. Entities never hold the matched text."""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES: tuple[str, ...] = (
    "PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "CREDIT_CARD", "CARD_CVV", "CARD_EXPIRY",
    "BANK_ACCOUNT", "IBAN_CODE", "ID_NIK", "ID_NPWP", "ID_NRIC", "US_SSN", "PASSPORT",
    "ADDRESS", "DATE_OF_BIRTH", "IP_ADDRESS", "SECRET",
)  # fmt: skip


@dataclass(frozen=True, slots=True, order=True)
class Entity:
    """A span of personal data: ``text[start:end]`` is the value; the entity does not keep it."""

    start: int
    end: int
    type: str
    score: float

    def value(self, text: str) -> str:
        return text[self.start : self.end]

    def to_dict(self) -> dict[str, object]:
        return {"type": self.type, "start": self.start, "end": self.end, "score": self.score}


@dataclass(frozen=True, slots=True)
class RedactionResult:
    """The redacted text, the entities (offsets into the *original* text) and the language."""

    text: str
    entities: list[Entity] = field(default_factory=list)
    lang: str = "en"

    def __repr__(self) -> str:  # the redacted text is safe to show; keep it short anyway
        return f"RedactionResult(lang={self.lang!r}, entities={self.entities!r})"
