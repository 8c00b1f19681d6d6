"""The speed-ups keep the answers: each fast path against the plain form it replaces."""

from __future__ import annotations

import random
import re

import pytest

from amanah.redaction import Redactor, context, names, recognizers, spoken, validators
from amanah.redaction.engine import has_digit, resolve

SAMPLES = [
    "My card number is 4111 1111 1111 1111, expiry 08/27, CVV 123.",
    "Kartu saya 4111-1111-1111-1111, masa berlaku 12/26, kode CVV 987",
    "PASSWORD: Hunter2!! and my pin is 4821; Kata sandi saya adalah Rahasia99",
    "Date of Birth: 14 FEBRUARY 1988, born on March 3rd, 1990, tgl lahir 03-04-1985",
    "email JOHN dot DOE AT gmail DOT com or budi titik santoso et yahoo titik co titik id",
    "this is Declan from support, Am I speaking with Mr. Peter Harris? atas nama Budi",
    "Nama saya Siti Rahayu, alamat JL. Merdeka No. 5 RT 01/RW 02, Kel. Gambir",
    "order number 123456, ticket 8812, the code we sent, THE CODE is 551902",
    "three digits on the back of the card: 123; the last four digits 4321; e-KTP, fin",
    "call me at six five five one two three four, or nol delapan satu dua",
]


def _texts(n: int = 400) -> list[str]:
    rng = random.Random(5)
    words = " ".join(SAMPLES).split()
    out = list(SAMPLES)
    for _ in range(n):
        text = " ".join(rng.choice(words) for _ in range(rng.randrange(2, 30)))
        out.append(text.upper() if rng.random() < 0.2 else text)
    return out


def _spans(matches) -> list[tuple[int, int]]:
    return [m.span() for m in matches]


@pytest.mark.parametrize(
    "pattern",
    [
        recognizers.SPOKEN_EMAIL_RE,
        recognizers.DATE_RE,
        recognizers.EXPIRY_RE,
        recognizers.PASSWORD_RE,
    ],
)
def test_lowered_patterns_find_the_same_spans(pattern: re.Pattern[str]) -> None:
    lowered = recognizers._for_lowered(pattern)
    for text in _texts():
        assert _spans(lowered.finditer(text.lower())) == _spans(pattern.finditer(text))


def test_bucketed_cue_pattern_finds_the_same_cues() -> None:
    plain = re.compile(context._CUE_SRC)
    for text in _texts():
        low = text.lower()
        expected = [
            (m.span(), context._ALIAS.get(m.lastgroup, m.lastgroup)) for m in plain.finditer(low)
        ]
        found = [(m.span(), context._category(m.group())) for m in context.CUE_RE.finditer(low)]
        assert found == expected


def test_cue_words_are_single_alternatives() -> None:
    """The cue trie splits each word at its literal prefix: a top-level "|" would break it."""
    for words in context.CUES.values():
        for word in words:
            depth = 0
            for part in re.split(r"(\\.|\[(?:\\.|[^\]])*\])", word)[::2]:  # not escapes, classes
                for ch in part:
                    depth += {"(": 1, ")": -1}.get(ch, 0)
                    assert not (ch == "|" and depth == 0), word


def test_trigger_locator_agrees_with_trigger_search() -> None:
    for text in _texts():
        for pos in range(0, len(text), 7):
            a = names.TRIGGER_RE.search(text, pos)
            b = names.next_trigger(text, text.lower(), pos)
            assert (a and a.span()) == (b and (b[0].start(), b[1].end()))


_CUED = [
    "my wife is nur aisyah binti rahmat, my son James, istri saya bernama Rina Wati",
    "i'm goh chee keong g o h, this is rina from support, It's Siobhan here",
    "nama sesuai ktp saya: Budi Santoso; name as per my passport is Tan Wei Ling",
    "the cardholder name is A. Smith, a/n Sdr. Joko, spelled b-u-d-i, mbak rina: ok",
    "thanks Declan. hi, I'm Tobias. saya sendiri, Pak: Rajesh s/o Kumaran is here",
    "kevin lim that's lim l i m, a. n. s i t i, my name is budi b u d i with Rina",
]


def test_cue_in_two_steps_gives_the_trigger_match() -> None:
    rng = random.Random(7)
    words = " ".join(_CUED + SAMPLES).split()
    texts = [*_CUED, *(" ".join(rng.choice(words) for _ in range(12)) for _ in range(300))]
    keys = ("title", "strong", "weak")
    for text in [*texts, *(t.upper() for t in texts), *(t.title() for t in texts)]:
        low = text.lower()
        for pos in range(1, len(text)):  # the cue locator finds the places a cue matches
            cue_here = names._CUE_LOW_RE.match(low, pos) is not None
            assert (names._TRIGGER_START_RE.match(low, pos - 1) is not None) == cue_here
        for pos in range(0, len(text), 3):
            a = names.TRIGGER_RE.search(text, pos)
            b = names._next_cue(text, low, pos)
            if a is None or b is None:
                assert a is b
                continue
            cue, name = b
            assert [a.span(k) for k in (0, *keys, "name")] == [
                (cue.start(), name.end()),
                *(cue.span(k) for k in keys),
                name.span("name"),
            ]
            assert a.group("name") == name.group("name")
            assert [(a.group(k) or "").lower() for k in keys] == [cue.group(k) or "" for k in keys]
        hints = names.spell_hints(text)
        for pos in range(0, len(text), 2):  # the hints skip no spelled name
            x, y = names.next_trigger(text, low, pos), names.next_trigger(text, low, pos, hints)
            assert (x and (x[0].span(), x[1].span())) == (y and (y[0].span(), y[1].span()))


def test_spoken_fast_path_matches_ignorecase() -> None:
    edges = ["five_up", "xfive", "five2", "FIVE!", "(nine)", "one-two", "tiga\tdua", "seven's"]
    for text in [*_texts(), *edges]:
        low = text.lower()
        assert _spans(spoken._RUN_LOW_RE.finditer(low)) == _spans(spoken.RUN_RE.finditer(text))
        if text.isascii():
            assert spoken._has_word(text) == bool(spoken.HAS_WORD_RE.search(text))
        for plain, lowered in (
            (spoken._TOK_RE, spoken._TOK_LOW_RE),
            (spoken._DIGIT_TOK_RE, spoken._DIGIT_TOK_LOW_RE),
        ):
            assert _spans(lowered.finditer(low)) == _spans(plain.finditer(text))


def test_exotic_case_variants_of_number_words_do_not_crash() -> None:
    # IGNORECASE matches "ſix" (long s) for "six" and "sıx" (dotless i); lower() did not
    # map them back to the dictionary word, and analyze raised KeyError.
    redactor = Redactor()
    for text in ("call ſix ſeven one two", "ſatu dua tiga empat", "sıx nıne one two"):
        redactor.analyze(text)
    assert spoken.normalise("ſix ſeven one two")[0] == "6712"


def _resolve_plain(cands, min_score):
    ordered = sorted(
        (c for c in cands if c[3] >= min_score and c[1] > c[0]),
        key=lambda c: (-c[3], c[0] - c[1], c[0]),
    )
    kept = []
    for c in ordered:
        if all(c[1] <= k[0] or c[0] >= k[1] for k in kept):
            kept.append(c)
    return sorted(kept)


def test_resolve_matches_the_quadratic_scan() -> None:
    rng = random.Random(9)
    for _ in range(300):
        cands = []
        for _ in range(rng.randrange(0, 60)):
            s = rng.randrange(0, 200)
            cands.append((s, s + rng.randrange(0, 25), "X", rng.choice((0.4, 0.6, 0.85, 0.9))))
        assert resolve(cands, 0.5) == _resolve_plain(cands, 0.5)


@pytest.mark.parametrize("text", ["", "abc", "a1", "x²", "٣", "no digits here", "ok 0"])
def test_has_digit(text: str) -> None:
    assert has_digit(text) == any(c.isdigit() for c in text)


def test_phone_cache_gives_the_validator_answer_and_holds_no_number() -> None:
    regions = ("ID", "SG", "US")
    for raw in ("+62 812-3456-7890", "0812 3456 7890", "12345678", "(021) 555-1234"):
        expected = validators._phone_valid(raw, regions)
        assert validators.phone_ok(raw, regions) is expected
        assert validators.phone_ok(raw, regions) is expected  # cached
    assert all(isinstance(k, bytes) and len(k) == 16 for k in validators._PHONE_CACHE)


def test_address_precheck_is_necessary() -> None:
    """Wherever a street, Indonesian street or address-cue hint is found, so is the union."""
    from amanah.redaction import addresses as ad

    extra = ["i live at 42 wallaby way", "Jl. Melati No. 5", "ship to 1 Raffles Place", "blk 12"]
    for text in [*_texts(), *extra]:
        low = text.lower()
        hinted = (
            ad._STREET_ANY_LOW_RE.search(low)
            or ad._ID_ADDR_HINT_LOW.search(low)
            or ad._ADDRESS_CUE_HINT_RE.search(low)
        )
        if hinted:
            assert ad._may_hold_address(low, digits=False)


def test_street_words_at_the_street_positions() -> None:
    from amanah.redaction import addresses as ad

    extra = ["42 Wallaby Way,  St. Road\tlane", "i live at 9 main st.x and 3 park ave", "Rd.Rd. rd"]
    for text in [*_texts(), *extra]:
        at = [m.start() for m in ad._STREET_ANY_LOW_RE.finditer(text.lower())]
        for regex in (ad._STREET_WORD_RE, ad._STREET_WORD_LOW_RE):
            assert _spans(ad._street_words(regex, text, at)) == _spans(regex.finditer(text))


def test_lows_strip_like_each_word_alone() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        words = [
            "".join(rng.choice("abcXYZ'-s") for _ in range(rng.randrange(1, 6)))
            for _ in range(rng.randrange(1, 7))
        ]
        expected = [w.lower().strip("'-").removesuffix("'s") for w in words]
        assert names._lows(words) == expected
