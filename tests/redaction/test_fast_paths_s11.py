"""Per-message fast paths (speed11) against the plain forms they replace."""

from __future__ import annotations

import json

import pytest

from amanah.redaction import Redactor, context, detect_language, engine, names
from amanah.redaction.context import Cues
from amanah.redaction.evaluate import CORPORA, NEVER_TUNED

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


def test_relaxed_drops_lookarounds_and_boundaries() -> None:
    assert context._relaxed(r"c(?<!\b[a-z] c)\.? v\.? [vc]\.?(?! [a-z](?![\w]))") == (
        r"c\.? v\.? [vc]\.?"
    )
    assert context._relaxed(r"\bfin\b") == "fin"
    assert context._relaxed(r"kartu(?! keluarga| tanda)(?:nya)?") == "kartu(?:nya)?"


def test_date_hint_whenever_cues_hold_a_date_cue() -> None:
    """may_cue_date is False only when Cues finds no DOB or expiry cue."""
    assert context._DATE_HINT_RE is not None  # every DOB and expiry cue understood
    texts = [
        "born on the fifth of may",
        "d o b is the twelfth",
        "tgl lahir 1 jan",
        "masa berlakunya sampai",
        "valid thru twelve twenty seven",
        "my date of birth, please",
        "the card expired-nya kapan",
        "Hi, this is Sarah Tan.",
    ]
    for path in CORPORA:  # no blind set: a failure would show one of its texts
        if path.stem in NEVER_TUNED:
            continue
        texts += [json.loads(line)["text"] for line in path.read_text().splitlines()]
    for text in texts:
        for variant in (text, text.lower(), text.upper()):
            cues = Cues(variant)
            if cues.has("DOB") or cues.has("EXPIRY"):
                assert context.may_cue_date(variant)
    assert not context.may_cue_date("Hi, this is Sarah Tan.")


def test_cue_at_the_start_found_by_the_padded_search() -> None:
    """_next_cue from 0 searches " " + low: a cue at 0 is found where _CUE_LOW_RE finds it."""
    starts = ["my name is Budi", "Hi Rina, thanks", "saya Budi Santoso", "ok my wife Sarah", "x"]
    for text in [*starts, *(t.upper() for t in starts), *(t.title() for t in starts)]:
        low = text.lower()
        padded = names._TRIGGER_START_RE.match(" " + low) is not None
        assert padded == (names._CUE_LOW_RE.match(low, 0) is not None)
        a, b = names.TRIGGER_RE.search(text), names._next_cue(text, low, 0)
        assert (a and a.span()) == (b and (b[0].start(), b[1].end()))
