"""Number, date and formatted-id fast paths against the plain forms they replace."""

from __future__ import annotations

import random
import re

import pytest

from amanah.redaction import recognizers, validators

_MONTHS = recognizers._MONTHS
_ORD = recognizers._ORD
PLAIN_DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}"
    r"|\d{1,2} [/.\-] \d{1,2} [/.\-] (?:19|20)\d{2}"
    r"|(?:19|20)\d{2}(?:-\d{1,2}-|/\d{1,2}/|\.\d{1,2}\.)\d{1,2}"
    rf"|\d{{1,2}}[-/.\s]{_MONTHS}[-/.\s](?:19|20)?\d{{2}}"
    rf"|\d{{1,2}}{_ORD}\s(?:of\s)?{_MONTHS},?\s(?:19|20)\d{{2}}"
    rf"|{_MONTHS}\s\d{{1,2}}{_ORD},?\s(?:19|20)\d{{2}}"
    r"|\d{1,2}\s\d{1,2}\s(?:19|20)\d{2}"
    rf"|\d{{1,2}}{_ORD}\s(?:of\s)?{_MONTHS},?\s'?\d{{2}}"
    r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}"
    r")(?![\w/])",
    re.IGNORECASE,
)
PLAIN = [
    (recognizers.DATE_RE, PLAIN_DATE_RE),
    (recognizers._DATE_LOW_RE, recognizers._for_lowered(PLAIN_DATE_RE)),
    (
        recognizers._COMPACT_DATE_RE,
        re.compile(r"(?<![\w/.,-])\d{6}(?:\d{2})?(?![\w/]|[.,-]\d)"),
    ),
    (
        recognizers._EXPIRY_AFTER_CARD_RE,
        re.compile(r"\d{4}[,;]?\s+(?P<e>(?:0[1-9]|1[0-2])\s?/\s?(?:20)?\d{2})(?![\w/])"),
    ),
]

# Pieces that make dates, numbers and near misses when strung together at random.
PIECES = [
    "/", "-", ".", ",", " ", " ", " ", "  ", " / ", " - ", "'", ":", "\n", "of", "of ", "st",
    "nd", "rd", "th", "jan", "January", "Feb.", "mar", "maret", "MAY", "mei", "june", "juli",
    "jul", "agu", "agustus", "agt", "sept", "september", "okt", "Des", "dec", "nov", "apr",
    "a", "b", "s", "x", "\u017f", "\u212a", "\u0663", "\u00e9", "and", "4111 1111 1111 1111",
]  # fmt: skip


def _number(rng: random.Random) -> str:
    """A day, a month or a year, or any run of 1 to 8 digits."""
    kind = rng.random()
    if kind < 0.4:
        return str(rng.randrange(0, 40)).zfill(rng.choice((1, 2)))
    if kind < 0.7:
        return str(rng.choice((19, 20, 18, 21))) + str(rng.randrange(100)).zfill(2)
    return "".join(rng.choice("0123456789") for _ in range(rng.randrange(1, 9)))


_MONTH_WORDS = [p for p in PIECES if p[0].isalpha() and len(p) > 2 and p != "and"]


def _date_like(rng: random.Random) -> str:
    """One of the written forms of a date, with numbers in or out of range."""
    day, month = _number(rng), _number(rng)
    year = str(rng.randrange(1800, 2200)) if rng.random() < 0.7 else str(rng.randrange(100))
    name = rng.choice(_MONTH_WORDS) + rng.choice(("", ".", ""))
    sep, ord_ = rng.choice("/.- "), rng.choice(("", "", "st", "th", "rd"))
    return rng.choice(
        (
            f"{day}{sep}{month}{sep}{year}",
            f"{day} {sep} {month} {sep} {year}",
            f"{year}{sep}{month}{sep}{day}",
            f"{day}{sep}{name}{sep}{year}",
            f"{day}{ord_} {rng.choice(('', 'of '))}{name}{rng.choice(('', ','))} {year}",
            f"{name} {day}{ord_}{rng.choice(('', ','))} {year}",
            f"{day} {month} {year}",
            f"{day}{ord_} of {name} '{year[-2:]}",
            f"{day.zfill(2)}{month.zfill(2)}{year}",
        )
    )


def _texts(n: int = 4000) -> list[str]:
    """Dates and near misses: numbers, dates and the pieces above, one after another,
    mostly with a space between."""
    rng = random.Random(7)
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randrange(1, 8)):
            roll = rng.random()
            parts.append(
                _date_like(rng)
                if roll < 0.3
                else _number(rng)
                if roll < 0.6
                else rng.choice(PIECES)
            )
            if rng.random() < 0.6:
                parts.append(" ")
        text = "".join(parts)
        out.append(text.upper() if rng.random() < 0.2 else text)
    return out


@pytest.mark.parametrize("fast, plain", PLAIN)
def test_rewritten_patterns_find_the_same_matches(
    fast: re.Pattern[str], plain: re.Pattern[str]
) -> None:
    for text in _texts():
        for t in (text, text.lower()):
            expected = [(m.span(), m.groupdict()) for m in plain.finditer(t)]
            assert [(m.span(), m.groupdict()) for m in fast.finditer(t)] == expected


def test_luhn_sums_match_the_loop() -> None:
    rng = random.Random(3)
    for _ in range(20000):
        alphabet = "0123456789" if rng.random() < 0.9 else "0123456789\u0663a -"
        digits = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 21)))
        assert validators.luhn_ok(digits) == validators._luhn_loop(digits)


@pytest.mark.parametrize(
    "pattern, anchor, back",
    [
        (recognizers.IPV4_RE, recognizers._IPV4_ANCHOR_RE, 3),
        (recognizers.IPV6_RE, recognizers._IPV6_ANCHOR_RE, 4),
        (recognizers.NPWP_RE, recognizers._NPWP_AT_RE, 2),
        (recognizers.PASSPORT_RE, recognizers._PASSPORT_AT_RE, 3),
    ],
)
def test_anchored_scans_find_the_same_matches(
    pattern: re.Pattern[str], anchor: re.Pattern[str], back: int
) -> None:
    rng = random.Random(2)
    pieces = ["1", "25", "255", "0", "192", ".", ".", ":", "::", "a", "f", "db8", "fe80", "g"]
    pieces += [" ", "-", "/", "1.2", "\u0663", "3.4.5.6", "ab:cd", "09.254.294.3-407.000", "E", "S"]
    pieces += ["ab", "i", "'", "254", "123456", "1234567", "12345678", "A1234567"]
    found = 0
    for _ in range(20000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 16)))
        expected = [m.span() for m in pattern.finditer(text)]
        assert [m.span() for m in recognizers._anchored(pattern, anchor, text, back)] == expected
        found += len(expected)
    assert found > 100


def test_password_stems_agree_with_their_search() -> None:
    stems = re.compile(
        r"p(?:ass|wd?|in|ertanyaan)|kata|sandi|sec(?:ret|urity)|a(?:pi|ccess)|memorable|jawaban"
    )
    rng = random.Random(9)
    pieces = ["pa", "ss", "p", "w", "d", "in", "pertanya", "an", "ka", "ta", "sand", "i", "sec"]
    pieces += ["ret", "urity", "a", "pi", "cc", "ess", "memor", "able", "jawab", " ", "x"]
    for _ in range(20000):
        low = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 8)))
        assert recognizers._may_name_password(low) == (stems.search(low) is not None)


def test_split_groups_matches_the_digit_runs() -> None:
    rng = random.Random(5)
    pieces = ["1", "23", "456", "7890", " ", "-", ".", "/", "(+62)", "(0)", "+", ", ", " uh "]
    pieces += ["\u2026", "\u0663\u0664", "a"]
    for _ in range(20000):
        run = "".join(rng.choice(pieces) for _ in range(rng.randrange(1, 10)))
        spans = [m.span() for m in re.finditer(r"\d+", run)]
        digits = "".join(run[a:b] for a, b in spans)
        assert recognizers._split_groups(run) == (spans, digits)
