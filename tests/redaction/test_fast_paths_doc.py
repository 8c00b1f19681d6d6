"""Scans narrowed to where their anchor word is, for long transcripts: each gives exactly
what the whole-text scan it replaces gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from amanah.redaction import addresses, recognizers


def _texts(pieces: list[str]) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), max_size=18).map("".join)


SG_PIECES = [
    "Blk 41 ", "Block 12 ", "blk 7A ", "Jurong West ", "St ", "42 ", "#05-12", ", ", "Singapore ",
    "556741", "(556741)", "88 ", "Lorong Chuan", " ", "\n", "x", "Tampines ", "5 ", "S",
    "hash 0512", "forty-one ", "Road", "Singapore",
]  # fmt: skip
AGAIN_PIECES = [
    "hi ", "Hey, ", "it's ", "its ", "It is ", "this is ", "Bob ", "jess ", "Mei ", "again",
    "again.", "against", " ", "\n", "x", "agains", "down ", "Zoë ",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_texts(SG_PIECES))
def test_singapore_addresses_as_one_scan_of_both_forms(text: str) -> None:
    whole = [m.span() for m in addresses.ADDRESS_SG_RE.finditer(text)]
    assert [m.span() for m in addresses.sg_addresses(text)] == whole


@settings(max_examples=400, deadline=None)
@given(_texts(AGAIN_PIECES))
def test_again_found_back_from_each_again(text: str) -> None:
    whole = [(m.span(), m.group("hi")) for m in recognizers._AGAIN_RE.finditer(text)]
    assert [(m.span(), m.group("hi")) for m in recognizers._again_matches(text)] == whole


def test_both_forms_deep_in_a_long_transcript() -> None:
    said = "88 Lorong Chuan, #11-04, Singapore 556741, and Blk 41 Jurong West St 42"
    text = "x " * 500 + said
    found = [m.group() for m in addresses.sg_addresses(text)]
    assert found == [m.group() for m in addresses.ADDRESS_SG_RE.finditer(text)]
    assert found == ["88 Lorong Chuan, #11-04, Singapore 556741", "Blk 41 Jurong West St 42"]


CODE_PIECES = [
    "six five", "Six Five", "enam dua", "oh", " ", "  ", ", ", ",", "-", "then ", "THEN ",
    "and then ", "and  then", "next ", "terus ", "teruſ ", "TRUS ", "lalu ", "lanjut ",
    "sorry ", "x", "\n", "\u2003", "9284", "4254",
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_texts(CODE_PIECES))
def test_country_code_tried_only_after_a_joining_word(text: str) -> None:
    for at in range(len(text) + 1):
        whole = recognizers._CODE_BEFORE_RE.search(text, max(0, at - 32), at)
        fast = recognizers._code_before(text, at)
        assert (fast and fast.span()) == (whole and whole.span())
