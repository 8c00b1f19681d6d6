"""Per-message fast paths (speed11) against the plain forms they replace."""

from __future__ import annotations

import pytest

from amanah.redaction import Redactor, detect_language, engine

TEXTS = [
    "call me on 0812 3456 7890 please",
    "nomor hp saya 0812-3456-7890 ya kak",
    "my number is 312 884 5016, thanks",
    "+65 9123 4567 or (415) 555-2671",
    "kartu 4111 1111 1111 1111 exp 12/27",
    "Hi, this is Sarah Tan.",
    "",
]


@pytest.mark.parametrize("text", TEXTS)
def test_lazy_language_same_as_detected(text: str) -> None:
    """``analyze`` detects the language only when a phone is checked: same entities as
    with the detected language passed in."""
    r = Redactor()
    assert r.analyze(text) == r.analyze(text, detect_language(text) if text else "en")


def test_lazy_language_not_detected_without_digits(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    monkeypatch.setattr(engine, "detect_language", lambda t: calls.append(t) or "en")
    Redactor().analyze("Hi, this is Sarah Tan, my email is sarah.tan@gmail.com")
    assert calls == []
