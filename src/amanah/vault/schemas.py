"""What goes in and out of the vault. Inputs are strict; outputs are masked by default."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    StringConstraints,
    model_validator,
)

from amanah.vault.validation import reject_security_code

ShortText = Annotated[str, StringConstraints(min_length=1, max_length=200)]
LongText = Annotated[str, StringConstraints(min_length=1, max_length=4000)]
NationalIdKind = Literal["nik", "npwp", "nric", "fin", "ssn", "passport"]
FieldKind = Literal[
    "full_name",
    "phone",
    "email",
    "national_id",
    "date_of_birth",
    "address",
    "card",
    "bank_account",
    "note",
]
FIELD_KINDS: tuple[str, ...] = FieldKind.__args__  # type: ignore[attr-defined]
MULTI_LIMIT = 20


def _iso_text(value: Any) -> Any:
    """JSON has no date type: dates come as ISO 8601 text, never as numbers (no epoch coercion)."""
    if isinstance(value, str | date):
        return value
    raise ValueError("must be an ISO 8601 string")


IsoDate = Annotated[date, BeforeValidator(_iso_text)]
IsoDateTime = Annotated[datetime, BeforeValidator(_iso_text)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _no_security_codes(cls, data: Any) -> Any:
        if isinstance(data, dict):
            reject_security_code(k for k in data if isinstance(k, str))
        return data


class NationalIdIn(_Strict):
    kind: NationalIdKind
    number: ShortText


class CardIn(_Strict):
    number: Annotated[str, StringConstraints(min_length=12, max_length=30)]


class BankAccountIn(_Strict):
    number: Annotated[str, StringConstraints(min_length=4, max_length=40)]
    bank: ShortText | None = None


class FieldsIn(_Strict):
    """Sensitive values; every list is optional and bounded."""

    phones: list[ShortText] = Field(default_factory=list, max_length=MULTI_LIMIT)
    emails: list[ShortText] = Field(default_factory=list, max_length=MULTI_LIMIT)
    national_ids: list[NationalIdIn] = Field(default_factory=list, max_length=MULTI_LIMIT)
    addresses: list[Annotated[str, StringConstraints(min_length=1, max_length=500)]] = Field(
        default_factory=list, max_length=MULTI_LIMIT
    )
    cards: list[CardIn] = Field(default_factory=list, max_length=MULTI_LIMIT)
    bank_accounts: list[BankAccountIn] = Field(default_factory=list, max_length=MULTI_LIMIT)
    notes: list[LongText] = Field(default_factory=list, max_length=MULTI_LIMIT)


class CustomerIn(FieldsIn):
    external_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    full_name: ShortText
    date_of_birth: IsoDate | None = None
    vip: StrictBool = False


class CustomerPatch(FieldsIn):
    """Adds the listed values; replaces name and date of birth when given."""

    full_name: ShortText | None = None
    date_of_birth: IsoDate | None = None
    vip: StrictBool | None = None


class FieldOut(BaseModel):
    id: str
    kind: FieldKind
    masked: str
    meta: dict[str, str] = Field(default_factory=dict)


class CustomerOut(BaseModel):
    id: str
    external_id: str | None
    vip: bool
    created_at: datetime
    updated_at: datetime
    fields: list[FieldOut]


class CustomerPage(BaseModel):
    items: list[CustomerOut]
    next_cursor: str | None


class SearchIn(_Strict):
    """Exact-match lookup through the blind index. Exactly one of the three."""

    phone: ShortText | None = None
    email: ShortText | None = None
    national_id: ShortText | None = None
    national_id_kind: NationalIdKind | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> SearchIn:
        given = [v for v in (self.phone, self.email, self.national_id) if v is not None]
        if len(given) != 1:
            raise ValueError("give exactly one of phone, email, national_id")
        return self


Purpose = Annotated[str, StringConstraints(min_length=3, max_length=200)]


class _RevealRequest(_Strict):
    """What every reveal states: why, and in which call or chat (the gate weighs both)."""

    purpose: Purpose
    interaction_id: Annotated[str, StringConstraints(max_length=40)] | None = None


class RevealIn(_RevealRequest):
    fields: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] = Field(
        min_length=1, max_length=50, description="Field ids or field kinds to reveal."
    )


class RevealedField(BaseModel):
    id: str
    kind: FieldKind
    value: str
    meta: dict[str, str] = Field(default_factory=dict)


class RevealOut(BaseModel):
    customer_id: str
    decision: Literal["allow", "allow_masked", "step_up", "deny"]
    reason: str
    fields: list[RevealedField]


class InteractionIn(_Strict):
    customer_id: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    channel: Literal["voice", "chat"]
    channel_ref: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    agent_id: Annotated[str, StringConstraints(min_length=1, max_length=128)] | None = None
    started_at: IsoDateTime | None = None


class InteractionEnd(_Strict):
    ended_at: IsoDateTime | None = None


class InteractionOut(BaseModel):
    id: str
    customer_id: str
    channel: Literal["voice", "chat"]
    channel_ref: str | None
    agent_id: str | None
    started_at: datetime
    ended_at: datetime | None


class SegmentIn(_Strict):
    speaker: Literal["customer", "agent", "system"]
    text: Annotated[str, StringConstraints(min_length=1, max_length=20_000)]
    spoken_at: IsoDateTime | None = None


class TranscriptIn(_Strict):
    segments: list[SegmentIn] = Field(min_length=1, max_length=1000)


class SegmentOut(BaseModel):
    id: str
    seq: int
    speaker: str
    text: str
    entity_types: list[str]
    spoken_at: datetime


class TranscriptOut(BaseModel):
    interaction_id: str
    segments: list[SegmentOut]


class TranscriptRevealIn(_Strict):
    purpose: Purpose


class RedactionRevealIn(_RevealRequest):
    text: Annotated[str, StringConstraints(min_length=1, max_length=100_000)] = Field(
        description="Text holding [ENC:TYPE:...] tokens from the encrypt operator."
    )


class RedactionRevealOut(BaseModel):
    customer_id: str
    reason: str
    text: str


class RevealedSegment(BaseModel):
    id: str
    seq: int
    speaker: str
    text: str


class TranscriptRevealOut(BaseModel):
    interaction_id: str
    reason: str
    segments: list[RevealedSegment]
