"""The name scan always moves on: a cue that yields no name must not be found again at the
same place (a live chat path that loops for ever is an outage)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from amanah.redaction import Redactor
from amanah.redaction.recognizers import people

SPELLED_AFTER_SAID = [
    "call me lim, L for l i m",
    "it's goh, G for g o h",
    "nama saya tan, T untuk t a n",
    "speaking with ng, N for n g, yes",
]


@pytest.mark.timeout(10)
@pytest.mark.parametrize("text", SPELLED_AFTER_SAID)
def test_a_spelling_alphabet_after_a_said_name_ends(text: str) -> None:
    list(people(text))
    Redactor().analyze(text)


WORDS = st.sampled_from(
    ["call", "me", "lim", "L", "for", "l", "i", "m", "saya", "nama", "Pak", "my", "name", "is",
     "g", "o", "h", "tan", "T", "untuk", ",", "spelled", "that's", "Budi", "b", "u", "d"]
)  # fmt: skip


@pytest.mark.timeout(60)
@settings(max_examples=300, deadline=None)
@given(st.lists(WORDS, min_size=1, max_size=14))
def test_the_name_scan_ends_on_any_cue_soup(words: list[str]) -> None:
    list(people(" ".join(words)))
