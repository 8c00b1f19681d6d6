"""Spoken digits: "empat satu satu satu", "four one one one", "double five", "kosong".

:func:`normalise` rewrites every run of digit words (optionally mixed with
written digits) as the digits it spells and returns an :class:`OffsetMap` so
spans found in the normalised text map back to the original characters.
Runs need at least two number words and three digits, so "one moment" or
"dua hari" stay as they are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

_EN = {
    "zero": "0", "oh": "0", "o": "0", "nought": "0", "naught": "0", "one": "1", "two": "2",
    "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
}  # fmt: skip
_ID = {
    "nol": "0", "kosong": "0", "satu": "1", "dua": "2", "tiga": "3", "empat": "4",
    "lima": "5", "enam": "6", "tujuh": "7", "delapan": "8", "lapan": "8", "sembilan": "9",
}  # fmt: skip
_REPEAT = {"double": 2, "triple": 3, "dobel": 2, "tripel": 3}
DIGIT_WORDS: dict[str, str] = {**_EN, **_ID}
# Numbers read in pairs ("oh eight one two, thirty four, fifty six"; "dua puluh tiga"):
# teens are two digits, a tens word takes the unit that follows it.
_PAIR_TEENS = {
    "ten": "10", "eleven": "11", "twelve": "12", "thirteen": "13", "fourteen": "14",
    "fifteen": "15", "sixteen": "16", "seventeen": "17", "eighteen": "18", "nineteen": "19",
    "sepuluh": "10", "sebelas": "11",
}  # fmt: skip
_PAIR_TENS = {
    "twenty": "2", "thirty": "3", "forty": "4", "fifty": "5", "sixty": "6", "seventy": "7",
    "eighty": "8", "ninety": "9",
}  # fmt: skip
_ID_SUFFIXES = frozenset(["belas", "puluh"])
_JOINERS = frozenset(["dash", "hyphen", "strip"])  # "four eight two dash nine one three"
# "one nine two dot one six eight dot ...": a dot between two numbers is written as one
_DOTS = frozenset(["dot", "titik", "point"])
# Hundreds, as in an IP address read out: "seratus delapan puluh dot ...", "one ninety two"
# is pairs, "one hundred ninety two" a hundred ("dua ratus lima puluh lima" = 255).
_HUNDREDS = frozenset(["hundred", "ratus", "seratus"])
_WORDS = sorted(
    [
        *DIGIT_WORDS,
        *_REPEAT,
        *_PAIR_TEENS,
        *_PAIR_TENS,
        *_ID_SUFFIXES,
        *_JOINERS,
        *_DOTS,
        *_HUNDREDS,
        "plus",
    ],
    key=len,
    reverse=True,
)
# A run opens with a digit, a digit word, "double"/"triple" or "plus" (or a teen before a
# dot: "ten dot zero dot ..."); pairs ("thirty four"), teens and "dash" only continue one
# (so the scan for runs stays cheap).
_START_WORDS = sorted([*DIGIT_WORDS, *_REPEAT, "plus", "seratus"], key=len, reverse=True)
_TEEN_DOT = (
    r"(?:" + "|".join(sorted(_PAIR_TEENS, key=len, reverse=True)) + r")(?=\s(?:dot|titik)\s)"
)
_TOKEN = r"(?:(?:" + "|".join(_WORDS) + r")(?![\w])|\d+(?![\w]))"
_START = r"(?:(?:" + "|".join(_START_WORDS) + r")(?![\w])|" + _TEEN_DOT + r"|\d+(?![\w]))"
# A run: tokens separated by spaces, commas, hyphens or dots (pauses in a transcript), or
# a hesitation between two pauses: "one four eight ... uh ... seven two", "dua, eh, satu".
_HESITATION = r"(?:uh|um|umm|uhm|eh|ehm|er|erm|sebentar|bentar)"
_SEP = r"(?:[\s,.\-–—…]{1,5}|[\s,.…]{1,5}" + _HESITATION + r"[\s,.…]{1,5})"
RUN_RE = re.compile(r"(?<![\w])" + _START + r"(?:" + _SEP + _TOKEN + r")+", re.IGNORECASE)
_TOK_RE = re.compile(_TOKEN, re.IGNORECASE)
_DIGIT_TOK_RE = re.compile(_START, re.IGNORECASE)  # the tokens of a run with one digit a word
HAS_WORD_RE = re.compile(
    r"\b(?:" + "|".join(w for w in _START_WORDS if len(w) > 2) + r")\b", re.IGNORECASE
)


def by_first_letter(words: list[str]) -> str:
    """``w1|w2|...`` grouped by first letter, order kept within a letter.

    Words with different first letters never match at the same place, so the regex
    finds the same matches, but rejects a whole group with one character test.
    """
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())


# The same patterns for ASCII text, matched case-sensitively against its lower-cased
# copy (same offsets, same answers as IGNORECASE, several times faster).
_TOKEN_LOW = r"(?:(?:" + by_first_letter(_WORDS) + r")(?![\w])|\d+(?![\w]))"
_TEEN_DOT_LOW = (
    r"(?:" + by_first_letter(sorted(_PAIR_TEENS, key=len, reverse=True)) + r")(?=\s(?:dot|titik)\s)"
)
_START_LOW = (
    r"(?:(?:" + by_first_letter(_START_WORDS) + r")(?![\w])|" + _TEEN_DOT_LOW + r"|\d+(?![\w]))"
)
_RUN_LOW_RE = re.compile(r"(?<![\w])" + _START_LOW + r"(?:" + _SEP + _TOKEN_LOW + r")+")
_START_WORD_BYTES = frozenset(w.encode() for w in _START_WORDS if len(w) > 2)
# ASCII letters to lower case, every byte that is no word character to a space
_WORD_BYTES = bytes(
    c | 0x20 if chr(c).isascii() and chr(c).isalpha() else c if chr(c) in "0123456789_" else 32
    for c in range(256)
)


def _has_word(text: str) -> bool:
    """``HAS_WORD_RE.search`` for ASCII text: is one of its words a whole word of ``text``
    in any case? Its words, split by a byte table, looked up in a set (no regex scan)."""
    return not _START_WORD_BYTES.isdisjoint(text.encode().translate(_WORD_BYTES).split())


_TOK_LOW_RE = re.compile(_TOKEN_LOW)
_DIGIT_TOK_LOW_RE = re.compile(_START_LOW)


def _tokens(
    run: str, plain: re.Pattern[str], lowered: re.Pattern[str]
) -> list[tuple[int, int, str]]:
    """(start, end, dictionary form) of each token of ``run``: over an ASCII run, the
    lower-case pattern over its lower-cased copy (same spans, several times faster)."""
    if run.isascii():
        return [(m.start(), m.end(), m.group()) for m in lowered.finditer(run.lower())]
    return [(m.start(), m.end(), _fold(m.group())) for m in plain.finditer(run)]


_LETTER_RE = re.compile(r"[^\W\d_]")


# A stretch of the normalised text: copied unchanged (an int, original index minus
# normalised index) or a rewritten run (per character: original start, original end).
Stretch = int | tuple[tuple[int, ...], tuple[int, ...]]


@dataclass(frozen=True, slots=True)
class OffsetMap:
    """Maps each normalised character index to the span of original text it came from.

    Kept by stretch (``marks``: where each stretch starts in the normalised text, sorted):
    text copied unchanged is one number however long, so a long document with a few runs
    read out costs a few entries, not two per character.
    """

    marks: tuple[int, ...] = ()  # none: the identity map
    stretches: tuple[Stretch, ...] = ()
    size: int = 0  # length of the normalised text

    def span(self, start: int, end: int) -> tuple[int, int]:
        marks = self.marks
        if not marks:
            return start, end
        last = end - 1
        if 0 <= start <= last < self.size:  # the usual case: both in one copied stretch
            k = bisect_right(marks, start) - 1
            shift = self.stretches[k]
            if isinstance(shift, int) and (k + 1 == len(marks) or last < marks[k + 1]):
                return start + shift, end + shift
        return self._at(start, 0), self._at(last, 1)

    def _at(self, i: int, side: int) -> int:
        """Original start (``side`` 0) or end (1) of normalised character ``i``."""
        if i < 0:  # as a sequence index would
            i += self.size
        if not 0 <= i < self.size:
            raise IndexError("offset out of range")
        k = bisect_right(self.marks, i) - 1
        stretch = self.stretches[k]
        if isinstance(stretch, int):
            return i + stretch + side
        return stretch[side][i - self.marks[k]]


IDENTITY = OffsetMap()


def _fold(token: str) -> str:
    """The dictionary form of a token. Not just lower(): IGNORECASE also matches "ſix", "sıx"."""
    if token.isascii():
        return token.lower()
    return token.casefold().replace("i\u0307", "i").replace("ı", "i")


_PLUS, _REP, _SKIP, _TEEN, _TENS, _DOT, _HUND = range(7)
_KIND = {
    "plus": _PLUS,
    **{w: _HUND for w in _HUNDREDS},
    **{w: _DOT for w in _DOTS},
    **{w: _REP for w in _REPEAT},
    **{w: _SKIP for w in (*_ID_SUFFIXES, *_JOINERS)},
    **{w: _TEEN for w in _PAIR_TEENS},
    **{w: _TENS for w in _PAIR_TENS},
}


# Over the lower-cased run; may also find them inside words ("seventeen"): then the full
# parse runs, which gives the same answer, only slower.
_NOT_AFTER_DOT = frozenset([_PLUS, _SKIP, _DOT])
_PAIR_WORDS_RE = re.compile(
    by_first_letter(
        sorted([*_PAIR_TEENS, *_PAIR_TENS, *_ID_SUFFIXES, *_JOINERS, *_DOTS, *_HUNDREDS], key=len)
    )
)


def _digits_of(
    run: str, least: int = 3
) -> tuple[str, int, list[tuple[int, int, str, bool]]] | None:
    """Digits spelled by a run, its number of words, per token (start, end, digits, written).

    A token may be several words: "double five" -> "55", "thirty four" -> "34",
    "dua puluh tiga" -> "23", "tujuh belas" -> "17".
    """
    if _PAIR_WORDS_RE.search(run.lower()) is None:
        return _digit_words_of(run, least)  # one digit a word (the usual case): the simple loop
    out: list[tuple[int, int, str, bool]] = []
    words = 0
    pending = 1
    rep_start: int | None = None
    toks = _tokens(run, _TOK_RE, _TOK_LOW_RE)
    n = len(toks)
    low = run.lower()
    suffixes = "belas" in low or "puluh" in low  # Indonesian teens and tens: rare, checked once
    i = 0
    while i < n:
        start, end, tok = toks[i]
        i += 1
        kind = _KIND.get(tok)
        written = False
        if kind is None:
            written = tok.isdigit()
            if written:
                digits = tok
            elif suffixes and i < n and toks[i][2] in _ID_SUFFIXES and DIGIT_WORDS[tok] != "0":
                if run[end : toks[i][0]] not in (" ", "-"):
                    digits = DIGIT_WORDS[tok]
                    words += 1
                else:  # "tiga belas" = 13, "dua puluh (tiga)" = 20 (23)
                    unit, suffix, end = DIGIT_WORDS[tok], toks[i][2], toks[i][1]
                    i += 1
                    digits = "1" + unit if suffix == "belas" else unit + "0"
                    if suffix == "puluh" and i < n and run[end : toks[i][0]] in (" ", "-"):
                        tail = DIGIT_WORDS.get(toks[i][2], "0")
                        if tail != "0":
                            digits, end = unit + tail, toks[i][1]
                            i += 1
                    words += 2
            else:
                digits = DIGIT_WORDS[tok]
                words += 1
        elif kind == _PLUS:
            if out or rep_start is not None:
                break
            out.append((start, end, "+", False))
            continue
        elif kind == _REP:
            pending = _REPEAT[tok]
            rep_start = start
            words += 1
            continue
        elif kind == _SKIP:
            continue  # a stray "belas"/"puluh", or "dash": part of the run, says no digit
        elif kind == _DOT:
            after_number = out and out[-1][2] not in ("+", ".")
            if after_number and i < n and _KIND.get(toks[i][2]) not in _NOT_AFTER_DOT:
                out.append((start, end, ".", False))  # between two numbers only
            continue
        elif kind == _HUND:
            last = out[-1] if out else None
            if tok == "seratus":
                head = "1"
            elif last is not None and not last[3] and last[2].isdigit() and len(last[2]) <= 2:
                start, _, head, _ = out.pop()  # "dua ratus", "one hundred", "eleven hundred"
            else:
                continue  # a bare "hundred": says no digit
            tail, i, end, used = _below_hundred(toks, i, run, end)
            digits = head + tail
            words += 1 + used
        elif kind == _TEEN:
            digits = _PAIR_TEENS[tok]
            words += 1
        else:  # a tens word takes the unit right after it: "thirty four"
            unit = "0"
            if i < n and run[end : toks[i][0]] in (" ", "-"):
                unit = DIGIT_WORDS.get(toks[i][2], "0")
            digits = _PAIR_TENS[tok] + unit
            if unit != "0":
                end = toks[i][1]
                i += 1
            words += 1
        if rep_start is not None:
            start = rep_start
        if pending > 1 and len(digits) == 1:
            out.append((start, end, digits * pending, False))
        else:
            out.append((start, end, digits, written))
        pending = 1
        rep_start = None
    while out and out[-1][2] == ".":  # "one two three dot" (then a word): no dot at the end
        out.pop()
    total = "".join(t[2] for t in out).lstrip("+")
    if words < 2 or len(total.replace(".", "")) < least:
        return None
    if out[0][2] == "+":
        total = "+" + total
    return total, words, out


def _below_hundred(
    toks: list[tuple[int, int, str]], i: int, run: str, end: int
) -> tuple[str, int, int, int]:
    """The two digits after a hundred: "(seratus) delapan puluh" -> "80", "(one hundred)
    ninety two" -> "92", "(dua ratus) lima" -> "05" (a lone unit only when the number ends
    there: "eight hundred five five five ..." is 800 555 ...). Returns (digits, next token,
    end, words used)."""
    n = len(toks)
    if i >= n or run[end : toks[i][0]] not in (" ", "-"):
        return "00", i, end, 0
    tok = toks[i][2]
    nxt = toks[i + 1][2] if i + 1 < n else ""
    joined = i + 1 < n and run[toks[i][1] : toks[i + 1][0]] in (" ", "-")
    if tok in _PAIR_TEENS:
        return _PAIR_TEENS[tok], i + 1, toks[i][1], 1
    if tok in _PAIR_TENS:
        unit = DIGIT_WORDS.get(nxt, "0") if joined else "0"
        if unit != "0":
            return _PAIR_TENS[tok] + unit, i + 2, toks[i + 1][1], 2
        return _PAIR_TENS[tok] + "0", i + 1, toks[i][1], 1
    unit = DIGIT_WORDS.get(tok, "0")
    if unit == "0":
        return "00", i, end, 0
    if joined and nxt in _ID_SUFFIXES:  # "lima puluh (lima)", "dua belas"
        if nxt == "belas":
            return "1" + unit, i + 2, toks[i + 1][1], 2
        after = i + 2
        if after < n and run[toks[i + 1][1] : toks[after][0]] in (" ", "-"):
            tail = DIGIT_WORDS.get(toks[after][2], "0")
            if tail != "0":
                return unit + tail, after + 1, toks[after][1], 3
        return unit + "0", i + 2, toks[i + 1][1], 2
    if i + 1 == n or _KIND.get(nxt) == _DOT:
        return "0" + unit, i + 1, toks[i][1], 1
    return "00", i, end, 0


def _digit_words_of(
    run: str, least: int = 3
) -> tuple[str, int, list[tuple[int, int, str, bool]]] | None:
    """:func:`_digits_of` for a run without pairs, teens or "dash": one digit a word."""
    out: list[tuple[int, int, str, bool]] = []
    words = 0
    pending = 1
    rep_start: int | None = None
    for tok_start, tok_end, tok in _tokens(run, _DIGIT_TOK_RE, _DIGIT_TOK_LOW_RE):
        if tok == "plus":
            if out or rep_start is not None:
                break
            out.append((tok_start, tok_end, "+", False))
            continue
        if tok in _REPEAT:
            pending = _REPEAT[tok]
            rep_start = tok_start
            words += 1
            continue
        written = tok.isdigit()
        if written:
            digits = tok
        else:
            digits = DIGIT_WORDS[tok]
            words += 1
        start = tok_start if rep_start is None else rep_start
        if pending > 1 and len(digits) == 1:
            out.append((start, tok_end, digits * pending, False))
        else:
            out.append((start, tok_end, digits, written))
        pending = 1
        rep_start = None
    total = "".join(t[2] for t in out).lstrip("+")
    if words < 2 or len(total) < least:
        return None
    if out[0][2] == "+":
        total = "+" + total
    return total, words, out


# A count said before the digits it counts: "first three seven two six", "middle two eight
# two", "last four three one six five" (the count word is no digit of the number).
_POSITION_END_RE = re.compile(r"(?i)(?<![\w])(?:first|middle|next|last|final)\s+$")
_COUNT_RE = re.compile(r"(?i)(?:two|three|four|five|six)[\s,.\-–—…]{1,3}(?=[^\s,.\-–—…])")


def _count_word(scan: str, start: int, run: str) -> int | None:
    """Where a run's digits start when it opens with a count after "first", "last", ...
    (None: no count before them)."""
    if _POSITION_END_RE.search(scan, max(0, start - 8), start) is None:
        return None
    count = _COUNT_RE.match(run)
    return count.end() if count is not None else None


def normalise(text: str) -> tuple[str, OffsetMap]:
    """Rewrite spoken digit runs as digits. Identity (and no copy) when there are none."""
    if text.isascii():
        if not _has_word(text):
            return text, IDENTITY
        scan, runs = text.lower(), _RUN_LOW_RE
    else:
        scan, runs = text, RUN_RE
        if HAS_WORD_RE.search(scan) is None:
            return text, IDENTITY
    pieces: list[str] = []
    marks: list[int] = []
    stretches: list[Stretch] = []
    size = 0  # characters of the normalised text so far
    pos = 0
    for m in runs.finditer(scan):
        base, run = m.start(), m.group()
        if _LETTER_RE.search(run) is None:
            continue  # written digits only: no number word to rewrite
        least = 3
        if (cut := _count_word(scan, base, run)) is not None:
            base, run, least = base + cut, run[cut:], 2  # "middle two eight two": 2 digits
        parsed = _digits_of(run, least)
        if parsed is None:
            continue
        if base > pos:  # the untouched text before the run
            pieces.append(text[pos:base])
            marks.append(size)
            stretches.append(pos - size)
            size += base - pos
        starts, ends = _rewrite(base, run, parsed[2], pieces)
        marks.append(size)
        stretches.append((tuple(starts), tuple(ends)))
        size += len(starts)
        pos = base + parsed[2][-1][1]  # a trailing "dash"/"dot" stays text
    if not marks:
        return text, IDENTITY
    if len(text) > pos:
        pieces.append(text[pos:])
        marks.append(size)
        stretches.append(pos - size)
        size += len(text) - pos
    return "".join(pieces), OffsetMap(tuple(marks), tuple(stretches), size)


def _rewrite(
    base: int, run: str, tokens: list[tuple[int, int, str, bool]], pieces: list[str]
) -> tuple[list[int], list[int]]:
    """Append the digits of one run (``run``, at ``base``) to ``pieces``; the original
    span of each character."""
    starts: list[int] = []
    ends: list[int] = []
    for i, (ts, te, digits, written) in enumerate(tokens):
        # written digit groups keep their own characters; words become digits.
        pieces.append(digits)
        if written:
            starts.extend(range(base + ts, base + te))
            ends.extend(range(base + ts + 1, base + te + 1))
        else:
            starts.extend([base + ts] * len(digits))
            ends.extend([base + te] * len(digits))
        if i + 1 < len(tokens):
            # keep written separators between two written groups ("0812 3456"), else join
            nxt = tokens[i + 1]
            sep = run[te : nxt[0]]
            if sep == " " and written and nxt[3]:
                pieces.append(" ")
                starts.append(base + te)
                ends.append(base + te + 1)
    return starts, ends


# -- number words with tens and teens: spoken dates ("the fifth of May nineteen ninety",
# "expiry twelve twenty seven", "dua belas dua puluh tujuh") ----------------------------
_UNITS = {**{k: int(v) for k, v in _EN.items() if k != "o"}, **{k: int(v) for k, v in _ID.items()}}
_TEENS = {
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "sepuluh": 10, "sebelas": 11,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20, "thirtieth": 30,
}  # fmt: skip
_SCALES = {"hundred": 100, "thousand": 1000, "ratus": 100, "ribu": 1000}
_SE_SCALES = {"seratus": 100, "seribu": 1000}
_ID_SUFFIX = {"belas", "puluh"}
NUMBER_WORDS = sorted(
    [*_UNITS, *_TEENS, *_TENS, *_ORDINALS, *_SCALES, *_SE_SCALES, *_ID_SUFFIX],
    key=len,
    reverse=True,
)
# A run of number words ("nineteen eighty-five", "sembilan belas sembilan puluh").
NUMBER_WORDS_RE = (
    r"(?i:(?:"
    + "|".join(NUMBER_WORDS)
    + r")(?:[\s-]+(?:and\s+|dan\s+)?(?:"
    + "|".join(NUMBER_WORDS)
    + r"))*)(?![\w])"
)
_NW_TOKEN_RE = re.compile(r"[a-z]+")


def number_chunks(words: str) -> list[int] | None:
    """The numbers a run of number words says, chunk by chunk, or None.

    "twelve twenty seven" -> [12, 27]; "oh five twenty nine" -> [5, 29];
    "nineteen ninety" -> [19, 90]; "two thousand and three" -> [2003];
    "dua belas dua puluh tujuh" -> [12, 27]; "the fifth" is handled by the caller.
    """
    tokens = [t for t in _NW_TOKEN_RE.findall(words.lower()) if t not in ("and", "dan")]
    if not tokens:
        return None
    if any(t in _SCALES or t in _SE_SCALES for t in tokens):
        total = current = 0
        for i, t in enumerate(tokens):
            if t in _SE_SCALES:
                total += _SE_SCALES[t]
            elif t in _SCALES:
                scale = _SCALES[t]
                current = max(current, 1) * scale
                if scale == 1000:
                    total, current = total + current, 0
            elif t in _TEENS or t in _TENS or t in _ORDINALS:
                current += _TEENS.get(t) or _TENS.get(t) or _ORDINALS[t]
            elif t in _UNITS:
                nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
                if nxt == "belas":
                    current += 10 + _UNITS[t]
                elif nxt == "puluh":
                    current += 10 * _UNITS[t]
                else:
                    current += _UNITS[t]
        return [total + current]
    chunks: list[int] = []
    open_tens = False  # the last chunk is a bare tens ("twenty", "dua puluh") a unit can join
    zero = False  # "oh five": the last token was a spoken zero
    i = 0
    while i < len(tokens):
        t = tokens[i]
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
        if t in _UNITS and nxt in _ID_SUFFIX:
            value = _UNITS[t] * 10 if nxt == "puluh" else 10 + _UNITS[t]
            chunks.append(value)
            open_tens = nxt == "puluh"
            zero = False
            i += 2
            continue
        if t in _ID_SUFFIX:
            return None
        if t in _UNITS:
            if open_tens and _UNITS[t]:
                chunks[-1] += _UNITS[t]
            elif zero:
                chunks[-1] = _UNITS[t]
            else:
                chunks.append(_UNITS[t])
            zero = _UNITS[t] == 0 and not open_tens
            open_tens = False
        elif t in _TENS:
            chunks.append(_TENS[t])
            open_tens, zero = True, False
        elif open_tens and _ORDINALS.get(t, 10) < 10:
            chunks[-1] += _ORDINALS[t]  # "twenty-first"
            open_tens = zero = False
        else:
            chunks.append(_TEENS.get(t) or _ORDINALS[t])
            open_tens = zero = False
        i += 1
    return chunks
