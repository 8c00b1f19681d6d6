"""Scans narrowed to where their anchor word is, for long transcripts: each gives exactly
what the whole-text scan it replaces gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from amanah.redaction import addresses, context, recognizers, validators


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


IBAN_PIECES = [
    "IBAN ", "my iban is ", "Iban: ", "G B two nine N W B K 6016 1331 9268 19",
    "g, uh, b 29 NWBK 60161331926819", "GB29 NWBK 6016 1331 9268 19", "DE89 3704 0044 0532 0130 00",
    "D E", "e ", "o ", "O", "ſ", "ß", "ı", "é", "a ", "I ", ", ", " ", "_", "umm ", "uh", "Ok ",
    "thanks", "GB", "29", "nine ", "NWBK", "6016", "\n", "x",
]  # fmt: skip


def _spoken_ibans_tried_everywhere(text: str) -> list[tuple[int, int, str, float]]:
    """_spoken_ibans as it was: every cue's window tokenised."""
    out = []
    for cue in recognizers._IBAN_CUE_RE.finditer(text.lower()):
        stop = min(len(text), cue.end() + recognizers._IBAN_WINDOW)
        tokens = recognizers._iban_tokens(text, cue.end(), stop)
        for i, (start, _, first) in enumerate(tokens):
            end = recognizers._iban_end(tokens, i) if first[:1].isalpha() else None
            if end is not None:
                out.append((start, end, "IBAN_CODE", 0.95))
                break
    return out


@settings(max_examples=400, deadline=None)
@given(_texts(IBAN_PIECES))
def test_iban_windows_tokenised_only_where_a_country_code_may_open(text: str) -> None:
    found = list(recognizers._spoken_ibans(text, text.lower()))
    assert found == _spoken_ibans_tried_everywhere(text)


@settings(max_examples=400, deadline=None)
@given(_texts(["iban", "Iban", "ibaniban", "xiban", "IBAN", " ", "-iban", "ib", "an", "é", "z"]))
def test_iban_cues_found_by_find(text: str) -> None:
    low = text.lower()
    whole = [m.end() for m in recognizers._IBAN_CUE_RE.finditer(low)]
    assert list(recognizers._iban_cues(low)) == whole


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet="GB29NWK?0O1A", max_size=30)
    | st.sampled_from(["GB29NWBK60161331926819", "GB29NWBK6?161331926819", "G?29NWBK60161331926"])
)
def test_iban_value_without_unknowns_is_iban_ok(chars: str) -> None:
    if chars.count("?") > 4:
        expected = False
    else:
        options = [""]
        for c in chars:
            options = [o + x for o in options for x in ("O0" if c == "?" else c)]
        expected = any(validators.iban_ok(o) for o in options)
    assert recognizers._iban_value(chars) == expected


EU_PIECES = [
    "14 ", "3", "12b", "12b, ", "123456 ", "x1 ", " ", "\n", "\u00a0", ", ", "Rue ", "Route ",
    "Rua ", "Av. ", "Avenue ", "Avenida ", "Allée ", "Allee ", "Via ", "Viale ", "Place ", "Bd ",
    "Quai ", "Corso ", "des ", "de la ", "d'", "Tanneurs", "Spiga", "67000 ", "20121 ",
    "Strasbourg", "Milano", ", Italia", "-Sur", "x", "Rue", "Chemin ", "Largo ",
    "14 Rue des Tanneurs, 67000 ",
    "3 Via della Spiga, 20121 Milano", "8 Route de Lyon, 1201 Genève", "Calle Mayor 5",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(_texts(EU_PIECES))
def test_continental_streets_tried_only_before_their_street_words(text: str) -> None:
    text = " " * addresses._EU_SCAN_BELOW + text  # (a shorter text is scanned whole)
    whole = [m.span() for m in addresses.ADDRESS_EU_RE.finditer(text)]
    assert [m.span() for m in addresses.eu_addresses(text)] == whole


def test_every_continental_street_word_opens_with_a_searched_opening() -> None:
    for word in addresses._EU_ST.split("|"):
        for spelt in (word.replace("[ée]", "é"), word.replace("[ée]", "e")):
            spelt = spelt.replace("\\.", ".")
            assert re.fullmatch(f"(?:{addresses._EU_ST})", spelt), spelt
            assert spelt.startswith(addresses._EU_OPENINGS), spelt


EN_PIECES = [
    "12 ", "221B ", "#4 ", "7", "12345 ", "Baker ", "Street", "St.", "St ", "Park ", "Road",
    "O'Brien's ", "3rd ", "Avenue", ", Austin, TX 78701", " apt 4", ", ", " ", "  ", "\n", "x",
    "drive ", "Lane", "Mc", "x" * 300,
]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(_texts(EN_PIECES))
def test_english_streets_found_back_from_each_street_word(text: str) -> None:
    whole = [m.span() for m in addresses.ADDRESS_EN_RE.finditer(text)]
    low = text.lower()
    at = [m.start() for m in addresses._STREET_AT_LOW_RE.finditer(low) if m.lastgroup != "eu"]
    assert [m.span() for m in addresses.en_addresses(text, at)] == whole


DATE_PIECES = [
    "12", "3", "08", "1975", "2027", "19", "20", "0", "1", "/", "-", ".", " ", ", ", "'", "’",
    "\n", "of ", "the ", "x", "Jan", "january ", "Mar", "May ", "mei ", "June", "junov ", "sept",
    "Sep.", "agt ", "Agustus ", "Dec", "des", "th ", "st", "nd ", "rd", "and ", "on ", "5th ",
]  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(_texts(DATE_PIECES))
def test_dates_and_expiries_as_digit_forms_and_months_found_by_name(text: str) -> None:
    low = text.lower()
    months = [m.start() for m in recognizers._MONTH_OPENING_RE.finditer(low)]
    for lowered, digit in (
        (recognizers._DATE_LOW_RE, recognizers._DATE_DIGIT_LOW_RE),
        (recognizers._EXPIRY_LOW_RE, recognizers._EXPIRY_DIGIT_LOW_RE),
    ):
        whole = [m.span() for m in lowered.finditer(low)]
        assert [m.span() for m in recognizers._digit_or_month(lowered, digit, low, months)] == whole


COMPACT_PIECES = [
    "date of birth ", "DOB: ", "born ", "150689", "19830412", "040975", "1234567", "123456789",
    "12345", " ", ", ", ".5", "/", "-", "\n", "x", "card ", "phone ", "my name is Sam ",
    "and " * 10, "x " * 40, "well okay ", "hmm, ",
]  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(_texts(COMPACT_PIECES), _texts(COMPACT_PIECES))
def test_compact_dates_scanned_only_around_dob_cues(head: str, tail: str) -> None:
    text = head + "ok " * 100 + tail  # a long text: the narrowed scan
    cues = context.Cues(text)

    def kept(found: list[re.Match[str]]) -> list[tuple[int, int]]:
        return [m.span() for m in found if cues.closest(m.start(), m.end()) == "DOB"]

    whole = list(recognizers._COMPACT_DATE_RE.finditer(text))
    assert kept(recognizers._compact_dates(text, cues)) == kept(whole)


def test_compact_dates_at_every_distance_from_a_dob_cue() -> None:
    for gap in range(75):
        for text in (
            "ok " * 100 + "date of birth " + "x" * gap + " 150689 ok",
            "ok " * 100 + "150689 " + "x" * gap + " date of birth",
        ):
            cues = context.Cues(text)
            whole = [m.span() for m in recognizers._COMPACT_DATE_RE.finditer(text)]
            fast = [m.span() for m in recognizers._compact_dates(text, cues)]
            assert [s for s in fast if cues.closest(*s) == "DOB"] == [
                s for s in whole if cues.closest(*s) == "DOB"
            ]
