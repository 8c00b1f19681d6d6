"""Spoken digits in English and Indonesian, with offsets into the original text."""

from __future__ import annotations

import pytest

from amanah.redaction import Redactor
from amanah.redaction.spoken import normalise


def test_normalise_offsets() -> None:
    text = "nomor saya kosong delapan satu dua tiga empat lima enam tujuh delapan sembilan nol ya"
    norm, offsets = normalise(text)
    assert norm == "nomor saya 081234567890 ya"
    s, e = offsets.span(11, 23)
    assert text[s:e].startswith("kosong") and text[s:e].endswith("nol")


def test_double_and_mixed() -> None:
    assert normalise("double five six seven")[0] == "5567"
    assert normalise("0812 tiga empat lima 6789")[0] == "08123456789"
    assert normalise("one moment please")[0] == "one moment please"
    assert normalise("dua hari lagi")[0] == "dua hari lagi"


@pytest.mark.parametrize(
    ("text", "kind", "starts", "ends"),
    [
        ("my card number is four one one one, one one one one, one one one one, one one one one",
         "CREDIT_CARD", "four", "one"),
        ("nomor kartunya empat satu satu satu satu satu satu satu satu satu satu satu satu satu "
         "satu satu", "CREDIT_CARD", "empat", "satu"),
        ("NIK saya tiga satu tujuh satu nol satu satu tujuh nol delapan empat lima nol nol nol "
         "satu", "ID_NIK", "tiga", "satu"),
        ("call me on oh eight one two three four five six seven eight nine oh", "PHONE_NUMBER",
         "oh", "oh"),
        ("my phone is plus six five nine one two three four five six seven", "PHONE_NUMBER",
         "plus", "seven"),
        ("kode OTP nya satu dua tiga empat lima enam mbak", "SECRET", "satu", "enam"),
        ("my PIN is four double two one", "SECRET", "four", "one"),
    ],
)  # fmt: skip
def test_spoken_entities(text: str, kind: str, starts: str, ends: str) -> None:
    (entity,) = Redactor().analyze(text)
    value = entity.value(text)
    assert entity.type == kind
    assert value.startswith(starts) and value.endswith(ends)
    assert (
        kind not in Redactor().redact(text).text or "[" + kind + "]" in Redactor().redact(text).text
    )
