"""Property: a redacted output never contains the original value of a detected entity."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from amanah.crypto.envelope import DataKey, new_data_key
from amanah.redaction import Encrypt, KeyedHash, Mask, Pseudonym, Redactor, Replace
from amanah.redaction.validators import luhn_ok

R = Redactor()


@st.composite
def card_number(draw: st.DrawFn) -> str:
    body = "4" + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=14, max_size=14)))
    check = next(d for d in "0123456789" if luhn_ok(body + d))
    digits = body + check
    sep = draw(st.sampled_from(["", " ", "-"]))
    return sep.join(digits[i : i + 4] for i in range(0, 16, 4))


@st.composite
def email(draw: st.DrawFn) -> str:
    user = draw(st.from_regex(r"[a-z][a-z0-9]{2,10}(\.[a-z]{2,8})?", fullmatch=True))
    return f"{user}@{draw(st.sampled_from(['gmail.com', 'yahoo.co.id', 'example.org']))}"


otp = st.from_regex(r"[0-9]{6}", fullmatch=True)
filler = st.sampled_from(["", "ok ", "halo kak, ", "hi, ", "baik, ", "so "])
_KEY = DataKey(new_data_key())
sealed = Encrypt(lambda kind, data: _KEY.seal(data, kind.encode()))  # the vault's AES-256-GCM
operators = st.sampled_from([Replace(), Mask(), KeyedHash(b"k" * 32), Pseudonym(), sealed])


@settings(max_examples=150, deadline=None)
@given(card_number(), email(), otp, filler, operators)
def test_redacted_text_never_contains_detected_values(
    card: str, mail: str, code: str, prefix: str, op: object
) -> None:
    text = f"{prefix}kartu saya {card}, email {mail}, kode OTP nya {code}"
    result = R.redact(text, op)  # type: ignore[arg-type]
    assert {e.type for e in result.entities} >= {"CREDIT_CARD", "EMAIL_ADDRESS", "SECRET"}
    for entity in result.entities:
        assert entity.value(text) not in result.text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), operators)
def test_any_text_is_safe(text: str, op: object) -> None:
    result = R.redact(text, op)  # type: ignore[arg-type]
    previous_end = 0
    for entity in result.entities:
        assert previous_end <= entity.start < entity.end <= len(text)
        previous_end = entity.end
        value = entity.value(text)
        if len(value) >= 4 and text.count(value) == 1:
            assert value not in result.text
