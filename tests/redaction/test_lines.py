"""redact_lines: the core of `amanah redact`."""

from __future__ import annotations

import json

import pytest

from amanah.redaction import RedactionError, redact_lines

LINES = ["halo kak\n", "My card number is 4111 1111 1111 1111.\n", "nama saya Budi Santoso\n"]


def test_text_output() -> None:
    assert list(redact_lines(LINES)) == [
        "halo kak",
        "My card number is [CREDIT_CARD].",
        "nama saya [PERSON]",
    ]


def test_jsonl_output_offsets_into_original_line() -> None:
    out = [json.loads(x) for x in redact_lines(LINES, output="jsonl")]
    assert [o["line"] for o in out] == [1, 2, 3]
    assert out[1]["entities"] == [{"type": "CREDIT_CARD", "start": 18, "end": 37, "score": 0.99}]
    assert LINES[1][18:37] == "4111 1111 1111 1111"
    assert out[0] == {"line": 1, "text": "halo kak", "entities": []}


def test_pseudonym_across_lines_and_errors() -> None:
    out = list(redact_lines(["Pak Budi Santoso", "Budi Santoso lagi"], operator="pseudonym"))
    assert out == ["Pak [PERSON_1]", "[PERSON_1] lagi"]
    with pytest.raises(RedactionError):
        list(redact_lines(["x"], output="xml"))  # type: ignore[arg-type]
