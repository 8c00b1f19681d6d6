"""The recognizers: compiled patterns, validators and context rules.

Every recognizer is a function ``(text, cues, regions) -> Iterable[Candidate]``
over the *normalised* text (spoken digits already rewritten). Numbers are found
once by :data:`NUM_RUN_RE` and classified by :func:`classify_digits`; when a
run holds more than one number ("4111 1111 1111 1111 12 25") its sub-runs are
tried, longest first. Street addresses are in :mod:`.addresses`.
"""

from __future__ import annotations

import datetime
import ipaddress
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator
from itertools import accumulate, pairwise

from .context import AFTER, BEFORE, Cues
from .lang import FUNCTION_WORDS
from .names import (
    AMBIGUOUS,
    CAP_RUN_RE,
    GREETINGS,
    NOT_NAME,
    Trigger,
    common_words,
    echo_pairs,
    given_names,
    is_kin,
    kin_extent,
    kin_name,
    name_extent,
    next_trigger,
    spell_hints,
    surnames,
    unlisted_then_surname,
)
from .spoken import (
    DIGIT_WORDS,
    IDENTITY,
    NUMBER_WORDS,
    NUMBER_WORDS_RE,
    OffsetMap,
    by_first_letter,
    number_chunks,
)
from .validators import (
    IBAN_LENGTHS,
    card_brand,
    iban_ok,
    ipv4_ok,
    is_card,
    luhn_ok,
    nik_ok,
    npwp_ok,
    nric_ok,
    phone_ok,
    phone_possible,
    service_number,
    ssn_ok,
)

Candidate = tuple[int, int, str, float]


def _for_lowered(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """``pattern`` without IGNORECASE, to run over lower-cased ASCII text.

    For patterns whose letters are all lower-case: over ASCII text IGNORECASE only
    folds A-Z, so this finds the same spans, about twice as fast (seven times for
    PASSWORD_RE). tests/redaction/test_speed.py checks each pair.
    """
    return re.compile(pattern.pattern.replace("(?i:", "(?:"), pattern.flags & ~re.IGNORECASE)


def _finditer(pattern: re.Pattern[str], lowered: re.Pattern[str], text: str) -> Iterator[re.Match]:
    """``pattern.finditer(text)``, through ``lowered`` when the text is ASCII.

    Same spans; take matched text from ``text`` by span, not from the match.
    """
    if text.isascii():
        return lowered.finditer(text.lower())
    return pattern.finditer(text)


def _rare(pattern: re.Pattern[str], text: str) -> Iterable[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern that seldom matches (and never matches
    empty): one ``search`` first, which costs a quarter of a ``finditer`` to set up, and
    the iterator only from the first match it finds (the same matches from there on)."""
    first = pattern.search(text)
    return () if first is None else pattern.finditer(text, first.start())


# -- numbers -----------------------------------------------------------------------------------
# A run of digit groups: "0812-3456-7890", "+62 (0)812 3456 7890", "(+62) 812 ...",
# "4111, 1111, 1111, 1111" (a comma and a space: groups read out one by one),
# "4532 uh 0151 1283" (a hesitation between groups, in transcripts).
_FILLER = r"(?:uh|um|umm|uhm|eh|ehm|em|er|erm|hmm|mm|ah)"
# ... or between two pauses: "0814 ... eh ... 6221 0577", "442 ... sebentar ... 210".
_PAUSED = rf" ?(?:\.{{2,3}}|…) (?:{_FILLER[3:-1]}|sebentar|bentar) ?(?:\.{{2,3}}|…) ?"
_DIGIT_GROUP = r"(?:\(\+?\d{1,5}\)(?:\s?\d+)?|\d+)"
# Not glued to a word, a decimal or an amount: "(?<![\w.,/@!#$%&=~^-])", tested after the
# run's first character (see names.CAP_RUN_RE: much faster than a leading look-behind).
_NOT_AFTER = r"[\w.,/@!#$%&=~^-]"
# The first character is taken by one class, then each form is told by it (a look-behind):
# a pattern that opens with a class lets the engine skip to the next digit, "+" or "(".
NUM_RUN_RE = re.compile(
    rf"[+(\d](?<!{_NOT_AFTER}[+(\d])"
    rf"(?:(?<=\+)\s?{_DIGIT_GROUP}|(?<=\()\+?\d{{1,5}}\)(?:\s?\d+)?|(?<=\d)\d*)"
    rf"(?:(?:[ .\-/–]|, | - | \. | ?(?:\.{{2,3}}|…|–|—) ?|,? {_FILLER}[,.]? |{_PAUSED})"
    rf"{_DIGIT_GROUP})*"
)
_GROUP_RE = re.compile(r"(\d+)")  # (captured: a split keeps the groups)
# A digit said as a word (of more than one letter: not "o")
_DIGIT_WORD = "|".join(sorted((w for w in DIGIT_WORDS if len(w) > 1), key=len, reverse=True))
_SSN_FMT_RE = re.compile(r"^\d{3}([ -])\d{2}\1\d{4}$")
_US_FMT_RE = re.compile(r"^(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$")
_THOUSANDS_RE = re.compile(r"^\d{1,3}(?:[.,]\d{3})+$")
_PLAIN_DATE_RE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}$")


def classify_digits(
    raw: str, digits: str, cue: str | None, regions: Iterable[str]
) -> Candidate | None:
    """The best entity type for one digit sequence, or None. Start/end are filled by the caller."""
    n = len(digits)
    if cue == "NEG":
        return None
    plus = raw.startswith(("+", "(+"))
    if plus or "(" in raw:  # "(+62) 812 ...", "+62 (0)812 ...": as phonenumbers reads them
        raw = raw.replace("(0)", "").replace("(+", "+").replace(")", " ")
    if "/" in raw:  # slashes: dates and fractions, never a number we redact here
        return None
    if cue != "PHONE" and ("." in raw or "," in raw) and _THOUSANDS_RE.match(raw):
        # "15.000.000": an amount (the pattern needs a dot or a comma: tested first, cheaper)
        return None
    if cue == "CVV":  # "security code" also names the one-time codes apps send
        if n in (3, 4) and "-" not in raw and "." not in raw:
            return (0, 0, "CARD_CVV", 0.9)
        return (0, 0, "SECRET", 0.75) if 5 <= n <= 8 and not plus else None
    if cue == "SECRET" and 4 <= n <= 8 and not plus and "." not in raw:  # not "at 10.30"
        return (0, 0, "SECRET", 0.9)
    if cue == "EXPIRY" and not (13 <= n <= 19 and is_card(digits)):
        return None
    if 13 <= n <= 19 and not plus and is_card(digits):
        if cue == "NIK" and nik_ok(digits):
            return (0, 0, "ID_NIK", 0.99)
        if cue == "NPWP" and npwp_ok(digits):
            return (0, 0, "ID_NPWP", 0.99)
        if cue == "ACCOUNT":
            return (0, 0, "BANK_ACCOUNT", 0.9)
        if cue == "PHONE" and phone_ok(raw, regions):
            return (0, 0, "PHONE_NUMBER", 0.9)
        return (0, 0, "CREDIT_CARD", 0.99)
    if n == 16 and not plus and nik_ok(digits):
        if cue == "NPWP":
            return (0, 0, "ID_NPWP", 0.95)
        if cue == "ACCOUNT":
            return (0, 0, "BANK_ACCOUNT", 0.85)
        if cue == "CARD":
            return (0, 0, "CREDIT_CARD", 0.6)
        return (0, 0, "ID_NIK", 0.99 if cue == "NIK" else 0.9)
    if n in (15, 16) and cue == "NPWP" and npwp_ok(digits):  # (16: "0" and the 15)
        return (0, 0, "ID_NPWP", 0.95)
    # (a US "tax id" in the SSN's own 3-2-4 shape is one; an NPWP has 15 digits)
    if n == 9 and _SSN_FMT_RE.match(raw) and ssn_ok(digits) and cue in _SSN_CUES:
        return (0, 0, "US_SSN", 0.95 if cue == "SSN" else 0.85)
    if cue == "SSN" and n == 9:  # said to be one: even a specimen (123-45-6789) is redacted
        return (0, 0, "US_SSN", 0.9 if ssn_ok(digits) else 0.7)
    if cue == "ACCOUNT" and 6 <= n <= 20 and not plus:
        return (0, 0, "BANK_ACCOUNT", 0.85)
    if cue == "BANK" and 8 <= n <= 16 and not plus and digits[:2] != "08" and digits[-3:] != "000":
        return (0, 0, "BANK_ACCOUNT", 0.7)  # "BCA 5271234567": a bank's name, then a number
    if cue == "PASSPORT" and 6 <= n <= 9:
        return (0, 0, "PASSPORT", 0.85)
    if cue == "NPWP" and "." in raw:  # "09.241.822.7...": the first part of an NPWP
        return None
    if 7 <= n <= 15 and (raw.isdecimal() or _PLAIN_DATE_RE.match(raw) is None):
        strong_shape = (
            plus
            or digits[0] == "0"
            or cue == "PHONE"
            or (cue == "NUMBER" and n >= 10)  # "the number is 312 884 5016", said or typed
            or _US_FMT_RE.match(raw)
        )
        if strong_shape and phone_ok(raw, regions):
            if n <= 8 and digits[0] == "1" and not plus and service_number(raw, regions):
                return None  # "Halo BCA di 1500888": a company's line
            return (0, 0, "PHONE_NUMBER", 0.95 if plus or cue == "PHONE" else 0.85)
        if not plus and _country_code_phone(raw, digits, cue, regions):
            return (0, 0, "PHONE_NUMBER", 0.85)
        if plus and n >= 8 and phone_possible(raw):  # "+44 7700 900123": a number, if unissued
            return (0, 0, "PHONE_NUMBER", 0.8)
        if cue == "PHONE" and (n >= 8 or (n == 7 and len(raw) > n)):  # "555-0123" after its cue
            return (0, 0, "PHONE_NUMBER", 0.6)
    if cue == "CARD" and 13 <= n <= 19:
        return (0, 0, "CREDIT_CARD", 0.7 if luhn_ok(digits) or card_brand(digits) else 0.6)
    if cue == "NIK" and n == 16:
        return (0, 0, "ID_NIK", 0.6)
    if cue == "NPWP" and n in (15, 16):
        return (0, 0, "ID_NPWP", 0.6)
    return None


_SSN_CUES = frozenset([None, "SSN", "NUMBER", "NPWP"])
_NANP_RE = re.compile(r"^1?[2-9]\d{2}[2-9]\d{6}$")


def _bare_phone(raw: str, digits: str, spoken: Callable[[], bool]) -> Candidate | None:
    """A phone with no cue before it (or only "number"), from its shape alone.

    A Singapore mobile (8 digits from 8 or 9) is rarely anything else; a US number
    when written in its own format ("(415) 555-2671": the 555 range phonenumbers
    rejects) or read out digit by digit ("three one two five five five ..."): ``spoken``
    tells, asked only then.
    """
    n = len(digits)
    if n == 8 and digits[0] in "89" and "." not in raw and phone_ok(raw, ("SG",)):
        return (0, 0, "PHONE_NUMBER", 0.8)
    if n in (10, 11) and _NANP_RE.match(digits):
        if len(raw) > n and _US_FMT_RE.match(raw) and "." not in raw:
            return (0, 0, "PHONE_NUMBER", 0.8)
        if spoken() and phone_ok(raw, ("US",)):
            return (0, 0, "PHONE_NUMBER", 0.75)
    return None


def _country_code_phone(raw: str, digits: str, cue: str | None, regions: Iterable[str]) -> bool:
    """A number said with its country code but no "+": "62 812 3456 7890", "6591234567".

    Indonesian mobiles (62 8..) are distinctive enough on their own; other codes
    need a phone cue.
    """
    if digits.startswith("628") and 11 <= len(digits) <= 14:
        return phone_ok("+" + raw, regions)
    return (
        cue == "PHONE"
        and digits[:2] in ("62", "65", "60", "44", "61")
        and phone_ok("+" + raw, regions)
    )


_HAS_NUMBER_RE = re.compile(r"\d")
# A word without a digit, other than a verb that only links a cue to its value ("the
# tracking number is 1Z ...", "tracking says 1Z ...", "nomor resinya adalah JP ...").
_WORD_NO_DIGIT_RE = re.compile(
    r"(?<!\S)(?!(?i:is|was|are|says|said|reads|shows|adalah|yaitu|itu)[\s,:]*(?!\S))"
    r"[^\s\d]*[A-Za-z][^\s\d]*(?!\S)"
)


def _other_number(between: str) -> bool:
    """Is there another number between a cue and a value, with words apart from it?
    Pieces of one code ("1Z 999 AA1") all hold a digit, and "is" or "says" may open them."""
    return has_number(between) and _WORD_NO_DIGIT_RE.search(between) is not None


def _card_context(cues: Cues) -> bool:
    return cues.has("CARD") or cues.has("EXPIRY") or cues.has("CVV")


_BANK_SKIP = frozenset(["BANK", "AMOUNT"])


def has_number(text: str) -> bool:
    return _HAS_NUMBER_RE.search(text) is not None


# The cues under which classify_digits finds anything in 6 digits or fewer; a window takes
# one only when the text holds one of them, or a "security code" (read as a CVV or a code).
_SHORT_CUES = frozenset(["CVV", "SECRET", "ACCOUNT", "PASSPORT"])
_SHORT_CUE_CATS = _SHORT_CUES | {"SECCODE"}


def numbers(
    text: str, cues: Cues, regions: Iterable[str], offsets: OffsetMap = IDENTITY
) -> Iterator[Candidate]:
    """Numbers of ``text``; ``offsets`` (from :func:`normalise`) tells runs read out in words."""
    pieces: list[tuple[int, int, str]] = []  # plain digit groups, for cards read in pieces
    short = not _SHORT_CUE_CATS.isdisjoint(cues.cats)  # may 6 digits or fewer be anything?
    for m in NUM_RUN_RE.finditer(text):
        run = m.group().rstrip(" .-/")
        if run.isdecimal():  # one group (most runs): no regex needed to split it
            if 2 <= len(run) <= 8:  # (7 or 8: the rest of a phone after its area code)
                pieces.append((m.start(), m.start() + len(run), run))
            if len(run) < 3 or (len(run) <= 6 and not short):  # (see _Run.window)
                continue
            groups, digits = [(0, len(run))], run
        else:
            groups, digits = _split_groups(run)
            if _PIECE_RE.match(run):
                pieces.append((m.start(), m.start() + len(run), digits))
            if len(digits) < 3:
                continue
        found_in = _Run(text, run, m.start(), (groups, digits), cues, regions, offsets, short=short)
        if len(groups) == 1:  # what _classify_run comes down to, without a generator
            found = found_in.window(0, 1)
            if found is not None:
                yield found
            continue
        yield from _classify_run(found_in, 0, len(groups))
    if not pieces:
        return
    # "six five, then 9284 4254": a country code said before the rest (a joining word in
    # lower case, as the pattern wants it: most texts hold none)
    if cues.has("PHONE") and _joining_word(text):
        yield from _code_then_rest(text, pieces, cues, regions)
    if len(pieces) > 1:
        if sum(len(p[2]) for p in pieces) >= 13:  # (what a card has, at the least)
            yield from _card_in_pieces(text, pieces, cues)
        if cues.has("PHONE") or cues.number_ends:
            yield from _phone_in_pieces(text, pieces, cues, regions)
        if cues.has("SSN") or (
            ("irst" in text or "IRST" in text) and _SSN_PLACES_RE.search(text) is not None
        ):
            yield from _ssn_in_pieces(text, _with_word_pairs(text, pieces), cues)
        if short and cues.has("SECRET"):
            yield from _code_in_pieces(text, pieces, cues)
        if cues.has("NEG"):
            yield from _area_code_phone(text, pieces, cues, regions)


def _split_groups(run: str) -> tuple[list[tuple[int, int]], str]:
    """The spans of the digit groups of ``run``, and the groups joined: from one C-level
    split (the groups at the odd places, the text between them at the even ones), not a
    match object a group."""
    parts = _GROUP_RE.split(run)
    groups = []
    pos = len(parts[0])
    for k in range(1, len(parts), 2):
        end = pos + len(parts[k])
        groups.append((pos, end))
        pos = end + len(parts[k + 1])
    return groups, "".join(parts[1::2])


# A piece of a card read out in parts: "first four are 4883" ... "then 0906 7171".
_PIECE_RE = re.compile(r"^\d{2,6}(?:[ -]\d{2,6})*$")
# Between two pieces: a few words ("then", "next four", "sorry the line cut, last four"),
# no digits, no question; a full stop too, as a pause or around the agent's prompt in a
# stream's window ("4681 9632. Go on. 2801"): the pieces must make a valid card.
_PIECE_GAP_RE = re.compile(r"[^\d?!/:]{1,48}")
_PIECE_GAP_CUES = frozenset(["NEG", "CARD", "SECRET"])  # "last four", "card", "the code"


def _card_in_pieces(
    text: str, pieces: list[tuple[int, int, str]], cues: Cues
) -> Iterator[Candidate]:
    """Digit groups a few words apart that together make a valid card number (Luhn and a
    card scheme's prefix and length): each group is a piece of it. A lone "last four 2003"
    never makes a card; a card read in pieces around "last four" does."""
    i = 0
    while i < len(pieces) - 1:
        best = 0
        digits = pieces[i][2]
        for j in range(i + 1, len(pieces)):
            gap_start, gap_end = pieces[j - 1][1], pieces[j][0]
            if (
                _PIECE_GAP_RE.fullmatch(text, gap_start, gap_end) is None
                or len(digits := digits + pieces[j][2]) > 19
            ):
                break
            if _cue_between(cues, gap_start, gap_end):
                break
            if len(digits) >= 13 and is_card(digits):
                best = j
        if not best:
            i += 1
            continue
        for a, b, _ in pieces[i : best + 1]:
            yield (a, b, "CREDIT_CARD", 0.95)
        i = best + 1


# Between two pieces of a phone: only a joining word ("0878 terus 5561", "8462, then 1937").
_PHONE_JOIN_RE = re.compile(
    r"(?i),? (?:and then|then|next|terus|trus|lalu|habis itu|abis itu|lanjut|sambung),? "
)


def _phone_in_pieces(
    text: str, pieces: list[tuple[int, int, str]], cues: Cues, regions: Iterable[str]
) -> Iterator[Candidate]:
    """Digit groups joined by "then" or "terus" after a phone cue that together make a valid
    phone number: each group is a piece of it (labelled apart, words come between). After a
    bare "number"/"nomornya" too, when the first piece opens with a trunk "0" ("nomornya
    0812, terus 3456 7890")."""
    i = 0
    while i < len(pieces) - 1:
        j, digits = i, pieces[i][2]
        while j + 1 < len(pieces) and _PHONE_JOIN_RE.fullmatch(
            text, pieces[j][1], pieces[j + 1][0]
        ):
            j += 1
            digits += pieces[j][2]
        if (
            j > i
            and 8 <= len(digits) <= 13
            and _phone_piece_cue(cues, pieces[i])
            and phone_ok(digits, regions)
        ):
            for a, b, _ in pieces[i : j + 1]:
                yield (a, b, "PHONE_NUMBER", 0.9)
        i = j + 1


def _phone_piece_cue(cues: Cues, piece: tuple[int, int, str]) -> bool:
    """Is the first piece of a phone said after a phone cue, or after a bare "number" with
    its trunk "0"?"""
    cue = cues.closest(piece[0], piece[1])
    if cue == "PHONE":
        return True
    return cue is None and piece[2][0] == "0" and cues.number_near(piece[0])


# A country code said in words before the rest of the number: "six five, then 9284 4254",
# "enam dua, terus 812 ..." (normalise leaves two digit words as words).
_COUNTRY_CODES = frozenset(["62", "65", "60", "61", "44"])
_CODE_BEFORE_RE = re.compile(
    rf"(?i)(?<![\w])(?P<cc>(?:{_DIGIT_WORD})[\s-]+(?:{_DIGIT_WORD})),?\s+"
    r"(?:and\s+then|then|next|terus|trus|lalu|lanjut),?\s+$"
)


# The last four letters of each joining word of _CODE_BEFORE_RE, lower-cased ("ſ", the long s,
# is an "s" to its case-blind pattern): a cheap test of the place before each piece.
_JOIN_ENDS = frozenset(["then", "next", "erus", "trus", "lalu", "njut"])


def _code_before(text: str, at: int) -> re.Match[str] | None:
    """``_CODE_BEFORE_RE.search(text, max(0, at - 32), at)``, tried only when a space and a
    joining word (and a comma) end there: a search is 32 tries, for every piece of a text."""
    tail = text[max(0, at - 32) : at]
    if not tail or not tail[-1].isspace():
        return None
    tail = tail.rstrip()
    if tail.endswith(","):
        tail = tail[:-1]
    if tail[-4:].lower().replace("ſ", "s") not in _JOIN_ENDS:
        return None
    return _CODE_BEFORE_RE.search(text, max(0, at - 32), at)


def _joining_word(text: str) -> bool:
    """Does ``text`` hold a word that joins the pieces of a number (see _CODE_BEFORE_RE)?"""
    return "then" in text or "rus" in text or "lalu" in text or "next" in text or "lanjut" in text


def _code_then_rest(
    text: str, pieces: list[tuple[int, int, str]], cues: Cues, regions: tuple[str, ...]
) -> Iterator[Candidate]:
    """A country code in words, "then" the rest of the number in digits, after a phone cue:
    both labelled, when "+" and the two make a valid phone number."""
    for a, b, digits in pieces:
        m = _code_before(text, a)
        if m is None:
            continue
        code = "".join(DIGIT_WORDS[w] for w in m.group("cc").lower().split())
        if code not in _COUNTRY_CODES or cues.closest(m.start(), m.end()) != "PHONE":
            continue
        if phone_ok("+" + code + digits, regions):
            yield (m.start("cc"), m.end("cc"), "PHONE_NUMBER", 0.9)
            yield (a, b, "PHONE_NUMBER", 0.9)


_SSN_PIECE_GAP_CUES = frozenset(["NEG", "SSN"])  # "first three ..., last four ..."
# Between an SSN's pieces: a few words, across a sentence or an agent's question too ("268,
# then 76. And the last four are 7613", "471. Got it, and the middle two? 09"): three groups
# of 3, 2 and 4 digits that validate after an SSN cue are seldom anything else.
_SSN_GAP_RE = re.compile(r"[^\d/:]{1,40}")


# Its groups named by place, with no SSN cue: "the first three digits are 552 ... and the
# last four are 5364" (the 3-2-4 shape, the places and the check make it one).
_SSN_PLACES_RE = re.compile(r"(?i)(?<![\w])first\s+(?:three|3)(?![\w])")
_FIRST_THREE_END_RE = re.compile(
    r"(?i)(?<![\w])first\s+(?:three|3)(?:\s+digits?)?(?:\s+(?:are|is))?[\s,:]*$"
)
_LAST_FOUR_END_RE = re.compile(
    r"(?i)(?<![\w])(?:last|final)\s+(?:four|4)(?:\s+digits?)?(?:\s+(?:are|is))?[\s,:]*$"
)
# Two digits said as words, alone between two pieces: "471 ... the middle two? oh nine, and
# then the last four are 2286" (normalise leaves them words).
_WORD_PAIR_RE = re.compile(rf"(?i)(?<![\w])(?:{_DIGIT_WORD})[\s,]+(?:{_DIGIT_WORD})(?![\w])")


def _with_word_pairs(text: str, pieces: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """``pieces``, with a pair of digit words found between a piece of 3 digits and one of
    4 taken as a piece of its own."""
    out = [pieces[0]]
    for a, b in pairwise(pieces):
        if len(a[2]) == 3 and len(b[2]) == 4:
            m = _WORD_PAIR_RE.search(text, a[1], b[0])
            if m is not None:
                words = m.group().lower().replace(",", " ").split()
                out.append((m.start(), m.end(), "".join(DIGIT_WORDS[w] for w in words)))
        out.append(b)
    return out


def _ssn_cued(text: str, cues: Cues, trio: list[tuple[int, int, str]]) -> bool:
    """Is an SSN's cue the closest before its first group, or are its groups named "first
    three" and "last four" with no other cue before them?"""
    cue = cues.closest(trio[0][0], trio[0][1])
    if cue == "SSN":
        return True
    if cues.before_other(trio[0][0], _PLACE_CUES) is not None:
        return False
    if _FIRST_THREE_END_RE.search(text, max(0, trio[0][0] - 40), trio[0][0]) is None:
        return False
    if _LAST_FOUR_END_RE.search(text, max(0, trio[2][0] - 40), trio[2][0]) is not None:
        return True
    # "the first three are 708 ... then four five, and then 5760": each piece after "then"
    return not _cues_between(cues, trio[0][1], trio[2][0]) and all(
        _THEN_RE.search(text, a[1], b[0]) is not None for a, b in pairwise(trio)
    )


_THEN_RE = re.compile(r"(?i)(?<![\w])(?:then|next|terus|lalu|lanjut)(?![\w])")


_PLACE_CUES = frozenset(["CVV"])  # "first three digits"


def _ssn_in_pieces(
    text: str, pieces: list[tuple[int, int, str]], cues: Cues
) -> Iterator[Candidate]:
    """An SSN read out in its three groups with words between ("my ssn, first three 726,
    middle two 82, last four 3165"): 3, 2 and 4 digits a few words apart, after an SSN cue
    (or named by their places)."""
    for i in range(len(pieces) - 2):
        trio = pieces[i : i + 3]
        if [len(p[2]) for p in trio] != [3, 2, 4]:
            continue
        digits = "".join(p[2] for p in trio)
        if not ssn_ok(digits) or not _ssn_cued(text, cues, trio):
            continue
        if all(
            _SSN_GAP_RE.fullmatch(text, a[1], b[0]) is not None
            and set(_cues_between(cues, a[1], b[0])) <= _SSN_PIECE_GAP_CUES
            for a, b in ((trio[0], trio[1]), (trio[1], trio[2]))
        ):
            for a, b, _ in trio:
                yield (a, b, "US_SSN", 0.95)


# Between the halves of a code: an aside ("... hold on, the screen dimmed ..."), no digit, no
# question or sentence end (a pause's dots are allowed).
_CODE_GAP_RE = re.compile(r"(?:[^\d.?!/:]|\.{2,3}|…){1,40}")


def _code_in_pieces(
    text: str, pieces: list[tuple[int, int, str]], cues: Cues
) -> Iterator[Candidate]:
    """A one-time code read in two halves with an aside between ("391... hold on, the screen
    dimmed... 448") after a code's cue: a first half too short to be a code on its own (2
    or 3 digits), a second of 3 or more, 5 to 8 digits in all, no other cue between or
    right after ("20 dollars")."""
    for a, b in pairwise(pieces):
        if not (2 <= len(a[2]) <= 3 and len(b[2]) >= 3 and len(a[2]) + len(b[2]) <= 8):
            continue
        if cues.closest(a[0], a[1]) != "SECRET" or _cues_between(cues, a[1], b[1] + 2):
            continue
        if _CODE_GAP_RE.fullmatch(text, a[1], b[0]) is not None:
            yield (a[0], a[1], "SECRET", 0.8)
            yield (b[0], b[1], "SECRET", 0.8)


# "area code is 646. Then 555 0199": an area code, then the rest of the number a few words
# on ("the area code's 646, and then the number itself is 709 2089")
_AREA_CODE_END_RE = re.compile(
    r"(?i)(?<![\w])(?:area code|kode area)(?:['’]s|\s?nya)?(?:\s+(?:is|adalah|first|dulu))?"
    r"[\s:,]*$"
)
_AREA_GAP_RE = re.compile(r"[^\d?!/:]{1,40}")


def _area_code_phone(
    text: str, pieces: list[tuple[int, int, str]], cues: Cues, regions: Iterable[str]
) -> Iterator[Candidate]:
    """A phone said as its area code (just after "area code") and then the rest (7 digits,
    or 3 and 4), a few words apart with no cue between: a North American number, labelled
    piece by piece. An area code with its trunk "0" ("kode areanya 022, nomornya 465 4992")
    takes a rest of 5 to 8 digits, when the two make a valid number of the text's regions.
    The area code alone stays (a place, like a postcode)."""
    for k, a in enumerate(pieces[:-1]):
        trunk = a[2][0] == "0" and len(a[2]) in (3, 4)
        if not (len(a[2]) == 3 or trunk):
            continue
        if _AREA_CODE_END_RE.search(text, max(0, a[0] - 24), a[0]) is None:
            continue
        rest = pieces[k + 1 : k + 2]
        if len(rest[0][2]) in (3, 4) and k + 2 < len(pieces):  # "206, then 443, then 4504"
            rest = pieces[k + 1 : k + 3]
        digits = a[2] + "".join(p[2] for p in rest)
        if trunk:
            if not 8 <= len(digits) <= 11 or not phone_ok(digits, regions):
                continue
        elif [len(p[2]) for p in rest] not in ([7], [3, 4]) or _NANP_RE.match(digits) is None:
            continue
        if all(
            _AREA_GAP_RE.fullmatch(text, x[1], y[0]) and not _cues_between(cues, x[1], y[0])
            for x, y in pairwise([a, *rest])
        ):
            for s, e, _ in (a, *rest):
                yield (s, e, "PHONE_NUMBER", 0.9)


def _area_code_first(text: str, start: int) -> bool:
    """Does the number at ``start`` come just after "area code" (with "first", "is")?"""
    return _AREA_CODE_END_RE.search(text, max(0, start - 24), start) is not None


def _cues_between(cues: Cues, start: int, end: int) -> list[str]:
    """Categories of the cues that start in ``[start, end)`` (cues are sorted by start)."""
    k = bisect_right(cues.starts, start)
    return list(cues.cats[k : bisect_left(cues.starts, end, k)])


def _cue_between(cues: Cues, start: int, end: int) -> bool:
    """Is a cue other than :data:`_PIECE_GAP_CUES` starting in ``[start, end)``? (Cues are
    sorted by start: the scan stops at the first one at or past ``end``.)"""
    k = bisect_right(cues.starts, start)
    while k < len(cues.starts) and cues.starts[k] < end:
        if cues.cats[k] not in _PIECE_GAP_CUES:
            return True
        k += 1
    return False


class _Run:
    """One run of digit groups ("4111 1111 1111 1111 12 25"), and what every window of
    it (a slice of its groups) shares: the text around it, the cues, the phone regions,
    the offset map (was it read out in words?), and the windows classified so far."""

    __slots__ = ("base", "counts", "cues", "digits", "groups", "memo", "offsets", "regions")
    __slots__ += ("run", "short", "text")

    def __init__(
        self,
        text: str,
        run: str,
        base: int,
        split: tuple[list[tuple[int, int]], str],
        cues: Cues,
        regions: Iterable[str],
        offsets: OffsetMap,
        *,
        short: bool,
    ) -> None:
        """``split``: the run's groups (spans in ``run``) and its digits (the groups joined);
        ``short``: may a window of 6 digits or fewer be anything (see :data:`_SHORT_CUES`)?"""
        self.text, self.run, self.base = text, run, base
        groups, digits = self.groups, self.digits = split
        self.cues, self.regions, self.offsets, self.short = cues, regions, offsets, short
        self.memo: dict[tuple[int, int], Candidate | None] = {}
        # digits in groups[:k], for each k: groups[i:j] is a slice of ``digits``
        if len(groups) == 1:
            self.counts = [0, len(digits)]
        else:
            self.counts = [0, *accumulate([b - a for a, b in groups])]

    def spoken(self) -> bool:
        """Was the run read out in words (its span in the original text has another length)?
        Asked only of the few runs whose answer depends on it."""
        s, e = self.offsets.span(self.base, self.base + len(self.run))
        return e - s != len(self.run)

    def window(self, i: int, j: int) -> Candidate | None:
        """The candidate for groups[i:j] (memoised: a run's windows are tried again when
        its parts are)."""
        key = (i, j)
        if key in self.memo:
            return self.memo[key]
        n = self.counts[j] - self.counts[i]
        # under 3 digits nothing; up to 6, only under a cue of _SHORT_CUES
        result = _window(self, i, j) if n > 6 or (n >= 3 and self.short) else None
        self.memo[key] = result
        return result


def _window(r: _Run, i: int, j: int) -> Candidate | None:
    """The candidate for groups[i:j] of the run ``r`` (of 3 to 19 digits or not)."""
    text, run, base, groups, cues = r.text, r.run, r.base, r.groups, r.cues
    result = None
    s = groups[i][0]
    if i == 0 and run.startswith(("+", "(+")):
        s = 0
    elif s > 0 and run[s - 1] == "(":
        s -= 1
    e = groups[j - 1][1]
    digits = r.digits[r.counts[i] : r.counts[j]]
    if 3 <= len(digits) <= 19:
        cue, before, cue_end = cues.closest_before(base + s, base + e)
        if cue == "BANK":  # "rekening BCA 123...", "token BCA 123...": an earlier cue decides
            cue = cues.before_other(base + s, _BANK_SKIP) or cue
        elif cue == "SECCODE":  # a card's security code, or an app's?
            card = len(digits) == 3 or cues.has("CARD") or cues.has("CVV") or cues.has("EXPIRY")
            cue = "CVV" if card else "SECRET"
        elif cue == "SECRET" and len(digits) == 3 and _card_context(cues):
            cue = "CVV"  # "card 4111..., exp 12/27, code 737"
        elif cue == "CVV" and before and _place_named(text, cue_end):
            cue = None  # "the first three digits are 552": a piece named by its place
        elif cue is None and cues.number_near(base + s):
            cue = "NUMBER"
        elif cue == "PHONE" and len(digits) <= 6 and _code_near(cues, base + s):
            cue = "SECRET"  # "kode verifikasi dari SMS: 7319": the channel, not a phone number
        elif cue == "NEG" and not before and _extension_at(text, cue_end):
            cue = "PHONE"  # "312 352 1616 extension 204": the number an extension is of
        elif cue == "NEG" and before and len(digits) == 10 and _area_code_first(text, base + s):
            cue = "PHONE"  # "area code first, 415, 317, 7249": the whole number, area code first
        elif cue == "ACCOUNT" and len(digits) >= 13 and cues.near(base + s, "CARD"):
            cue = "CARD"  # "the card on my account is 4111 ...": a card said to be one
        elif cue == "ACCOUNT" and before and _number_on_record(cues, text, base + s):
            phone = classify_digits(run[s:e], digits, "NUMBER", r.regions)
            cue = "NUMBER" if phone is not None and phone[2] == "PHONE_NUMBER" else cue
        elif cue in _CARRIERS and before and (carried := _carried_by(cues, text, base + s)):
            cue = cue if is_card(digits) else carried
        if cue in (None, "NUMBER") and 8 <= len(digits) <= 9 and _ISSUED_RE.match(text, base + e):
            cue = "PASSPORT"  # "a UK one, 548213967, issued in Liverpool": a travel document
        if len(digits) <= 6 and cue not in _SHORT_CUES:
            return None  # (what classify_digits and _bare_phone would say)
        # "the one ending 4417, not 4111 ...": a negative cue is about the first number after
        # it; but "tracking number 1Z 999 AA1 01 2345 6784" is one code, read in pieces
        weak = cue in ("NEG", "AMOUNT") and before and _other_number(text[cue_end:base])
        if len(digits) == 9 and cue in _SSN_CUES and _said_as_ssn(r, base + s, digits):
            return (base + s, base + e, "US_SSN", 0.85)
        if cue == "AMOUNT" or (cue == "NEG" and not before) or weak:
            # beside an amount, or with "... order number" only after it: only what
            # validates on its own
            found = classify_digits(run[s:e], digits, None, r.regions)
            found = found if found is not None and found[3] >= 0.85 else None
        else:
            found = classify_digits(run[s:e], digits, cue, r.regions)
            if found is None and cue in (None, "NUMBER") and i == 0 and j == len(groups):
                found = _bare_phone(run[s:e], digits, r.spoken)
        if found is not None and found[2] == "CARD_CVV" and _joined(run, s, e):
            found = None  # "1-800", "3.14": a piece of a longer written number
        if found is not None:
            result = (base + s, base + e, found[2], found[3])
    return result


# Where a document came from, just after its number: what passports are said with.
_ISSUED_RE = re.compile(
    r"(?i),?\s+(?:issued|diterbitkan|dikeluarkan|terbit)\s+(?:in|at|by|di|oleh)\b"
)


# "first three digits", "next three": the place of a piece, not the three digits of a CVV
_FIRST_COUNT_END_RE = re.compile(
    r"(?i)(?<![\w])(?:first|next|middle)\s+(?:three|3|tiga)[- ](?:digits?|angka)$"
)


def _place_named(text: str, cue_end: int) -> bool:
    """Does the CVV cue ending at ``cue_end`` name a piece's place ("first three digits")?
    (Most CVV cues end otherwise: "CVV", "on the back".)"""
    if not text.endswith(("digit", "digits", "angka"), 0, cue_end):
        return False
    return _FIRST_COUNT_END_RE.search(text, max(0, cue_end - 24), cue_end) is not None


# "the CVV on the new card is 094", "the NPWP on my card reads ...", "the passport on the
# booking should be ...", "the mobile on the account, is it ...": the card, the booking or
# the account only carries the value the cue before it names.
_ON_CARD_RE = re.compile(r"(?i)\s+(?:on|of|for|from|in|di|dari|pada|untuk)\s+(?:[\w-]+\s+){0,3}")
_CARRIERS = frozenset(["CARD", "NEG", "ACCOUNT"])
_CARRIED = frozenset(["CVV", "NPWP", "NIK", "SECRET", "NRIC", "PASSPORT", "SSN", "PHONE"])


def _carried_by(cues: Cues, text: str, start: int) -> str | None:
    """The category of the cue just before the (card or negative) cue closest before
    ``start``, when the words between say the value is on that card or record ("CVV on
    the replacement card")."""
    i = bisect_right(cues.ends, start) - 1
    if i < 1 or cues.cats[i - 1] not in _CARRIED:
        return None
    if _ON_CARD_RE.fullmatch(text, cues.ends[i - 1], cues.starts[i]) is None:
        return None
    return cues.cats[i - 1]


def _number_on_record(cues: Cues, text: str, start: int) -> bool:
    """Is the account cue closest before ``start`` the record a bare "number" is on ("the
    number on the account is 07809 281913": the contact number it holds, when the digits
    make a phone; "account number" names the account's own)?"""
    i = bisect_right(cues.ends, start) - 1
    k = bisect_right(cues.number_ends, cues.starts[i]) - 1
    return k >= 0 and _ON_CARD_RE.fullmatch(text, cues.number_ends[k], cues.starts[i]) is not None


def _said_as_ssn(r: _Run, start: int, digits: str) -> bool:
    """Nine digits read out in words in an SSN's groups of 3, 2 and 4, told by the pauses
    between them ("zero four nine, uh, five five... seven seven one five"): one space
    between the words of a group, more (a comma, a filler, dots) between groups."""
    if not r.spoken() or not ssn_ok(digits):
        return False
    spans = [r.offsets.span(start + k, start + k + 1) for k in range(9)]
    sizes, size = [], 1
    for k in range(1, 9):
        if spans[k][0] - spans[k - 1][1] > 1:
            sizes.append(size)
            size = 0
        size += 1
    sizes.append(size)
    return sizes == [3, 2, 4]


_EXT_END_RE = re.compile(r"(?i)(?<![\w])(?:extension|ext\.?|ekstensi)(?:\s?nya)?$")


def _extension_at(text: str, cue_end: int) -> bool:
    """Is the cue ending at ``cue_end`` "extension"/"ext"?"""
    return _EXT_END_RE.search(text, max(0, cue_end - 12), cue_end) is not None


def _code_near(cues: Cues, start: int) -> bool:
    """A one-time code's cue before a phone cue: "the code sent to my phone is 551204"."""
    return cues.near(start, "SECRET") or cues.near(start, "SECCODE")


def _joined(run: str, s: int, e: int) -> bool:
    """Is ``run[s:e]`` tied to the digits beside it by a hyphen or a dot?"""
    return (s > 0 and run[s - 1] in "-.") or (e < len(run) and run[e] in "-.")


def _classify_run(r: _Run, lo: int, hi: int) -> Iterator[Candidate]:
    """Longest sub-run of groups[lo:hi] that validates (then any that classifies); recurse."""
    if hi - lo == 1:  # one group (most runs): the search below comes down to this
        if not (lo == 1 and r.run.startswith(("+", "(+"))):
            found = r.window(lo, hi)
            if found is not None:
                yield found
        return
    picked = _pick(r, lo, hi)
    if picked is None:
        return
    found, i, j = picked
    yield found
    if i > lo:
        yield from _classify_run(r, lo, i)
    if j < hi:
        yield from _classify_run(r, j, hi)


def _pick(r: _Run, lo: int, hi: int) -> tuple[Candidate, int, int] | None:
    """The first window of groups[lo:hi], longest first then leftmost, that validates
    (score 0.85 or more); else the first that classifies at all, and where it is.

    One pass: a second one for the fallback, in the same order, would find the same."""
    plus = r.run.startswith(("+", "(+"))
    first = None
    for width in range(hi - lo, 0, -1):
        for i in range(lo, hi - width + 1):
            if i == 1 and plus:
                continue  # never split a number from its country code
            found = r.window(i, i + width)
            if found is None:
                continue
            if found[3] >= 0.85:
                return found, i, i + width
            if first is None:
                first = (found, i, i + width)
    return first


# -- formatted identifiers ---------------------------------------------------------------------
EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
# hesitations inside an address read out: "tan dot weiling uh eighty eight then at ..."
_EMAIL_UH = r"(?:\s(?:uh|um|umm|eh|ehm|er|erm|hmm))?"
SPOKEN_EMAIL_RE = re.compile(
    r"(?<![\w.-])[a-z0-9]+"
    r"(?:(?:\s?(?:dot|titik|underscore|garis bawah|strip|dash)\s?|[-._])[a-z0-9]+)*"
    rf"{_EMAIL_UH}(?:\s(?:\d+|{NUMBER_WORDS_RE}))?"  # "tom dot baker seventy at ..."
    rf"{_EMAIL_UH}(?:\s(?:then|and\s+then|terus|trus|lalu|habis\s+itu))?"
    r"(?:\.{2,3}|…)?\s(?:at|et|@|at\s+the\s+rate(?:\s+of)?|at\s+sign|keong)"  # "pryce... at"
    # the domain may be said as words: "at bank sejahtera dot co dot id"
    rf"{_EMAIL_UH}\s(?P<dom>[a-z0-9]+(?:\s[a-z0-9]+){{0,2}}?)(?:\s(?:dot|titik)\s[a-z]{{2,6}})+(?![\w])",
    re.IGNORECASE,
)
_SPOKEN_EMAIL_LOW_RE = _for_lowered(SPOKEN_EMAIL_RE)


def _anchored(
    pattern: re.Pattern[str], anchor: re.Pattern[str], text: str, back: int
) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, for a pattern each match of which starts 1 to ``back``
    characters before a hit of ``anchor`` (a pattern that opens with a rare character, so
    that its scan is fast): ``pattern`` is only tried at those places, left to right."""
    pos = 0  # every place before it has been tried, or lies in a match
    for hit in anchor.finditer(text):
        at = hit.start()
        p = max(pos, at - back)
        while p < at:
            m = pattern.match(text, p)
            if m is None:
                p += 1
                continue
            yield m
            p = m.end()
        pos = max(pos, p)


# (a full stop may close the sentence after it: "WAN IP 36.72.214.5.")
# (word-start tests after the first character, as in IBAN_RE below)
IPV4_RE = re.compile(r"\d(?<![\w.]\d)\d{0,2}\.(?:\d{1,3}\.){2}\d{1,3}(?![\w]|\.\d)")
IPV6_RE = re.compile(
    r"[0-9A-Fa-f](?<![\w:][0-9A-Fa-f])[0-9A-Fa-f]{0,3}:(?:[0-9A-Fa-f]{1,4}:){1,6}"
    r"(?::|[0-9A-Fa-f]{1,4})(?:[0-9A-Fa-f:]*)(?![\w:])"
)
# Where an IPv4 / IPv6 match has its first "." / ":", 1 to 3 / 4 characters after its start.
_IPV4_ANCHOR_RE = re.compile(r"\.(?=\d{1,3}\.)")
_IPV6_ANCHOR_RE = re.compile(r":(?=[0-9A-Fa-f]{1,4}:)")
# (word-start tests after the first character: see names.CAP_RUN_RE)
IBAN_RE = re.compile(
    r"[A-Z](?<![\w][A-Z])[A-Z]\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w])"
)
# (read out with spaces: "S 1234567 D")
NRIC_RE = re.compile(r"[STFGMstfgm](?<![\w][STFGMstfgm]) ?\d{7}(?:[A-Za-z]|,? [A-Z])(?![\w])")
NPWP_RE = re.compile(r"\d(?<![\w.]\d)\d\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}(?![\w])")
# A check letter may be read out apart: "e seven three one five eight two two k" (not "a"
# or "I", the words). Three letters and six digits: a Spanish passport ("PAF418273").
PASSPORT_RE = re.compile(
    r"(?<![\w])(?:[A-Za-z]{1,2} ?\d{6,8}|[A-Za-z]{3}\d{6}(?![\w]))"
    r"(?:[A-Za-z]| (?![AaIi](?![\w]))[A-Za-z](?![\w'’]))?(?![\w])"
)


# Addresses written to dodge scrapers: "john (at) example (dot) com", "john[at]example[dot]com".
_OBFUSCATED_EMAIL_RE = re.compile(
    r"(?<![\w.+-])[a-z0-9][a-z0-9._%+-]*\s?[\[({<]\s?(?:at|@|et)\s?[\])}>]\s?[a-z0-9-]+"
    r"(?:(?:\s?[\[({<]\s?(?:dot|titik)\s?[\])}>]\s?|\.)[a-z0-9-]+)+"
)
# A chat link or a number in a URL: "wa.me/6281234567890", "tel:+6281234567890".
_PHONE_LINK_RE = re.compile(r"(?:wa\.me/|api\.whatsapp\.com/send\?phone=|tel:)(\+?\d{8,15})(?!\d)")


_EMAIL_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-@")


def _emails(text: str) -> Iterator[re.Match[str]]:
    """``EMAIL_RE.finditer(text)``, run only over the stretches around each "@".

    An address is made of the characters of :data:`_EMAIL_CHARS` alone, so every
    match lies inside one maximal stretch of them that holds an "@"; the pattern's
    look-behind still sees the character before the stretch. Scanning a document
    from every word start is what this avoids.
    """
    at = text.find("@")
    while at >= 0:
        lo, hi = at, at + 1
        while lo > 0 and text[lo - 1] in _EMAIL_CHARS:
            lo -= 1
        while hi < len(text) and text[hi] in _EMAIL_CHARS:
            hi += 1
        yield from EMAIL_RE.finditer(text, lo, hi)
        at = text.find("@", hi)


# The domain typed apart from the user name, or sent in the next chat turn (a stream joins
# turns with a space): "budi_santoso87 @yahoo.co.id".
_SPACED_DOMAIN_RE = re.compile(r" @[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w@])")
_LOCAL_PART_RE = re.compile(r"(?<![\w.+@-])[A-Za-z0-9][A-Za-z0-9._%+-]*$")


def _spaced_emails(text: str) -> Iterator[Candidate]:
    """An address with a space before its "@": a user name that is not a word ("me", "saya")."""
    at = text.find(" @")
    while at >= 0:
        dom = _SPACED_DOMAIN_RE.match(text, at)
        local = _LOCAL_PART_RE.search(text, max(0, at - 64), at) if dom is not None else None
        if dom is not None and local is not None and local.group().lower() not in _NOT_LOCAL:
            yield (local.start(), dom.end(), "EMAIL_ADDRESS", 0.85)
        at = text.find(" @", at + 2)


def formatted(
    text: str, cues: Cues, digits: bool = True, spoken: bool = False
) -> Iterator[Candidate]:
    """Emails, IPs, IBAN, NRIC, NPWP, passports. ``digits=False``: the text has none,
    so the patterns that need one are not run; ``spoken``: it had digits said in words."""
    if "@" in text:
        for m in _emails(text):
            yield (m.start(), m.end(), "EMAIL_ADDRESS", 0.99)
        if " @" in text:
            yield from _spaced_emails(text)
    low = text.lower()
    if "at]" in low or "at)" in low or "at}" in low or "at>" in low:
        for m in _OBFUSCATED_EMAIL_RE.finditer(low):
            yield (m.start(), m.end(), "EMAIL_ADDRESS", 0.9)
    if digits and ("wa.me/" in low or "tel:" in low or "phone=" in low):
        for m in _PHONE_LINK_RE.finditer(low):
            yield (m.start(1), m.end(1), "PHONE_NUMBER", 0.9)
    if (" at " in low or " et " in low or " keong " in low) and (
        " dot " in low or " titik " in low
    ):
        yield from _spoken_emails(text, low)
    if ("mail" in low or "surel" in low) and (
        _JOINER_WORD_RE.search(low) is not None or "." in low or "_" in low
    ):
        for m in _EMAIL_FRAGMENT_RE.finditer(low):
            if m.group("t") and re.split(r"[._]", m.group("t"))[-1] in _TLDS:
                continue  # "emailnya gmail.com": a domain, no one's address
            yield (m.start("f"), m.end("f"), "EMAIL_ADDRESS", 0.7)
    for m in (
        _anchored(IPV4_RE, _IPV4_ANCHOR_RE, text, 3) if digits and text.count(".") >= 3 else ()
    ):
        if ipv4_ok(m.group().split(".")) and cues.closest(m.start(), m.end()) != "NEG":
            yield (m.start(), m.end(), "IP_ADDRESS", 0.95)
    if "::" in text or text.count(":") >= 3:
        yield from _ipv6(text)
    if not digits:
        return
    for m in _rare(IBAN_RE, text):
        if iban_ok(m.group().replace(" ", "")):
            yield (m.start(), m.end(), "IBAN_CODE", 0.99)
    if "iban" in low:
        yield from _spoken_ibans(text, low)
    elif spoken:
        yield from _uncued_ibans(text)
    for m in _rare(NRIC_RE, text):
        value = m.group().upper().replace(" ", "").replace(",", "")
        if nric_ok(value):
            yield (m.start(), m.end(), "ID_NRIC", 0.99)
        elif cues.near(m.start(), "NRIC"):
            yield (m.start(), m.end(), "ID_NRIC", 0.7)
    # (an NPWP is written with four dots and a hyphen: two counts skip the scan without them)
    for m in _anchored(NPWP_RE, _NPWP_AT_RE, text, 2) if _npwp_hint(text) else ():
        ok = npwp_ok(m.group().replace(".", "").replace("-", ""))
        yield (m.start(), m.end(), "ID_NPWP", 0.99 if ok else 0.75)
    if "kpp" in low:
        for m in _KPP_RE.finditer(low):
            yield (m.start(1), m.end(1), "ID_NPWP", 0.8)
    for m in _anchored(PASSPORT_RE, _PASSPORT_AT_RE, text, 3) if cues.has("PASSPORT") else ():
        cue = cues.closest(m.start(), m.end())
        if cue == "PASSPORT" or (
            cue in ("NEG", "CARD") and _carried_by(cues, text, m.start()) == "PASSPORT"
        ):
            yield (m.start(), m.end(), "PASSPORT", 0.9)


# An IBAN read out after its cue: letters one by one, digits as words or figures, in any
# grouping ("G B two three, L O Y D, 9579 ..."). Each token is a single letter, a group of
# capitals and figures, or a digit word; a filler is skipped, any other word ends it.
_IBAN_CUE_RE = re.compile(r"(?<![a-z])iban")
_IBAN_TOKEN_RE = re.compile(r"[^\W_]+")
_IBAN_SKIP = frozenset(["uh", "um", "umm", "eh", "ehm", "er", "erm", "hmm"])
_IBAN_WINDOW = 200  # characters after the cue (normalised text: digit runs are figures)


def _iban_tokens(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """(start, end, value) of each token from ``start``; value "" for a word that is no
    part of an IBAN, "?" for a lone "o" (the letter or zero)."""
    out: list[tuple[int, int, str]] = []
    for m in _IBAN_TOKEN_RE.finditer(text, start, end):
        word = m.group()
        low = word.lower()
        if low in _IBAN_SKIP:
            continue
        if low == "o":
            value = "?"
        elif (len(word) == 1 and word.isalpha()) or word.isdigit():
            value = word.upper()
        elif low in DIGIT_WORDS:
            value = DIGIT_WORDS[low]
        elif word.isascii() and word.isupper() and len(word) <= 4:  # "LOYD", "GB23"
            value = word
        else:
            value = ""
        out.append((m.start(), m.end(), value))
    return out


def _iban_value(chars: str) -> bool:
    """``iban_ok`` with each "?" read as the letter O or a zero (at most 4 of them)."""
    if "?" not in chars:
        return iban_ok(chars)  # (the one option: no list of options built char by char)
    if chars.count("?") > 4:
        return False
    options = [""]
    for c in chars:
        options = [o + x for o in options for x in ("O0" if c == "?" else c)]
    return any(iban_ok(o) for o in options)


# Where an IBAN's country code may open, as _iban_tokens reads tokens: a token opening with
# two capitals ("GB", "GB23"), a lone letter then (past fillers) a lone letter or a token
# opening with a capital ("G B", "g, uh, B"), or a lone non-ASCII character (its capital may
# be two letters or an ASCII one: "ß", "ſ"). A window with none of them holds no IBAN.
_IBAN_OPEN_RE = re.compile(
    r"(?<![^\W_])(?:[A-Z]{2}"
    r"|[^\W\d_](?![^\W_])(?:[\W_]+(?i:uh|umm|um|ehm|eh|erm|er|hmm)(?![^\W_]))*[\W_]+"
    r"(?:[^\W\d_](?![^\W_])|[A-Z])"
    r"|[^\x00-\x7f](?![^\W_]))"
)


def _iban_cues(low: str) -> Iterator[int]:
    """Where each match of _IBAN_CUE_RE in ``low`` ends, found by ``str.find``: the pattern
    opens with a look-behind, so its search is tried at every place of the text."""
    at = low.find("iban")
    while at != -1:
        if at == 0 or not "a" <= low[at - 1] <= "z":
            yield at + 4
            at = low.find("iban", at + 4)
        else:
            at = low.find("iban", at + 1)


def _spoken_ibans(text: str, low: str) -> Iterator[Candidate]:
    """IBANs read out within :data:`_IBAN_WINDOW` characters after an "IBAN" cue: from a
    token that opens a known country code, as many tokens as make that country's length,
    checked by the IBAN check digits. A window where no country code can open is not
    tokenised (every "IBAN" of a long transcript would be), and one that may is from the
    first place one may open (no token before it opens one)."""
    for at in _iban_cues(low):
        stop = min(len(text), at + _IBAN_WINDOW)
        first = _IBAN_OPEN_RE.search(text[at:stop])
        if first is None:
            continue
        tokens = _iban_tokens(text, at + first.start(), stop)
        for i, (start, _, first) in enumerate(tokens):
            end = _iban_end(tokens, i) if first[:1].isalpha() else None
            if end is not None:
                yield (start, end, "IBAN_CODE", 0.95)
                break


# A country code read out letter by letter: "G B nine three, ..." (only in a text that had
# digits said in words; with no cue, the IBAN's length and check digits must vouch for it)
_LETTER_PAIR_RE = re.compile(r"[A-Z](?<![\w][A-Z]) [A-Z](?![\w])")


def _uncued_ibans(text: str) -> Iterator[Candidate]:
    """IBANs read out with no "IBAN" cue: from two capitals that open a known country code,
    exactly that country's length, valid by the check digits."""
    for m in _rare(_LETTER_PAIR_RE, text):
        if text[m.start()] + text[m.end() - 1] not in IBAN_LENGTHS:
            continue
        tokens = _iban_tokens(text, m.start(), min(len(text), m.start() + _IBAN_WINDOW))
        end = _iban_end(tokens, 0)
        if end is not None:
            yield (m.start(), end, "IBAN_CODE", 0.9)


def _iban_end(tokens: list[tuple[int, int, str]], i: int) -> int | None:
    """Where a valid IBAN that opens with ``tokens[i]`` ends, or None."""
    chars = ""
    for _, end, value in tokens[i:]:
        if not value:
            return None
        chars += value
        need = IBAN_LENGTHS.get(chars[:2].replace("?", "O"))
        if need is None and len(chars) >= 2:
            return None
        if need is not None and len(chars) >= need:
            return end if len(chars) == need and _iban_value(chars) else None
    return None


# Where an NPWP_RE match has its first dot, 2 characters after its start: a pattern that
# opens with a literal dot is searched for at C speed, where NPWP_RE tries every digit.
_NPWP_AT_RE = re.compile(r"\.(?=\d{3}\.\d{3}\.\d-\d{3}\.\d{3})")
# Where a PASSPORT_RE match has its digits, 1 to 3 characters after its start (one or two
# letters, a space): at the start of a run of 6 digits or more.
_PASSPORT_AT_RE = re.compile(r"\d(?<!\d\d)(?=\d{5})")


# The last six digits of an NPWP, named by the tax office they code: "kode KPP-nya 905.000"
_KPP_RE = re.compile(
    r"(?<![\w])kpp(?:[\s-]?nya)?(?:\s+(?:adalah|is|saya))?[\s:,]*(\d{3}\.\d{3})(?![\w]|[.,]\d)"
)


def _npwp_hint(text: str) -> bool:
    return "-" in text and text.count(".") >= 4


_NOT_LOCAL = FUNCTION_WORDS | frozenset(["me", "us", "him", "her", "them", "saya", "aku", "kami"])
# The start of an address read out and cut off ("the email is r dot k underscore", and
# the rest in the next turn): after an email cue, words joined by a spoken "dot" or
# "underscore", up to the end of the text or a pause (a comma, "..."). Over lower case.
_JOINER = r"(?:dot|titik|underscore|garis\s+bawah|dash|hyphen|strip|minus)"
_JOINER_WORD_RE = re.compile(rf"\s{_JOINER}(?![\w])")
_EMAIL_FRAGMENT_RE = re.compile(
    r"(?:e(?<![\w]e)-?mail|s(?<![\w]s)urel)(?:\s?nya|ku|['’]s)?(?:\s+(?:address|alamat))?"
    r"(?:(?<=nya)|(?<=ku)|(?<=['’]s)|(?:\s+(?:is|adalah|itu|saya|aku|nya|yaitu|yakni|tuh))+\s*:?|\s*:)\s+"
    rf"(?P<f>[a-z0-9]{{1,20}}(?:\s{_JOINER}(?:\s[a-z0-9]{{1,20}})?)+"
    # ... or typed ("emailnya ayu.pratiwi"), the domain to come
    r"|(?P<t>[a-z0-9]{1,20}(?:[._][a-z0-9]{1,20})+))"
    r"(?=\s*(?:\.?$|[,;…]|\.\.|\s(?:hang|wait|sorry|sebentar|bentar|tunggu|eh|uh|um)\b))"
)
_TLDS = frozenset(["com", "net", "org", "id", "sg", "my", "uk", "au", "us", "io", "edu", "gov"])
_SPOKEN_AT_RE = re.compile(r"\s(?:at|et|@|keong)\s", re.IGNORECASE)
# Every spoken address ends with a spoken top-level domain (" dot com"): a window
# without one holds none (over lower-cased text).
_SPOKEN_DOT_RE = re.compile(r"\s(?:dot|titik)\s")


def _spoken_emails(text: str, low: str) -> Iterator[Candidate]:
    """SPOKEN_EMAIL_RE, tried only around each spoken " at " (a scan of the whole text
    from every word start is slow on long documents). A spoken address is short: the
    pattern is searched within 64 characters either side of its " at "."""
    ascii_text = text.isascii()
    done = 0
    for at in _SPOKEN_AT_RE.finditer(low if ascii_text else text):
        if at.start() < done:
            continue
        lo, hi = max(done, at.start() - 64), at.end() + 64
        if ascii_text:
            if _SPOKEN_DOT_RE.search(low, lo, hi) is None:
                continue  # (the costly pattern would find nothing in the window)
            m = _SPOKEN_EMAIL_LOW_RE.search(low, lo, hi)
        else:
            m = SPOKEN_EMAIL_RE.search(text, lo, hi)
        while m is not None and m.end() <= at.start():
            m = (_SPOKEN_EMAIL_LOW_RE if ascii_text else SPOKEN_EMAIL_RE).search(
                low if ascii_text else text, m.end(), hi
            )
        if m is not None and m.start() <= at.start():
            if text[m.start() : at.start()].strip().lower() in _NOT_LOCAL or _not_domain(m):
                done = at.end()  # "email me at john dot smith at ...": "me" is no address
                continue
            done = m.end()
            start, score = m.start(), 0.8
            if at.start() - start == 1:  # "d m c c a r t h y at ...": spelled letter by letter
                spelled = _LETTERS_BEFORE_RE.search(text, max(0, start - 60), start)
                if spelled is not None:  # (over the spelled name a name cue would take)
                    start, score = spelled.start(), 0.92
            yield (_email_start(text, start), m.end(), "EMAIL_ADDRESS", score)


_LETTERS_BEFORE_RE = re.compile(r"(?<![\w'])(?:[A-Za-z] )+$")


def _not_domain(m: re.Match[str]) -> bool:
    """A domain said as several words holds no function word ("at the bank dot com")."""
    words = m.group("dom").lower().split()
    return len(words) > 1 and any(w in FUNCTION_WORDS for w in words)


# Words between an email cue and the address that are not part of it: "email kantor dian
# underscore p at ...", "my email is uh budi dot s".
_EMAIL_QUALIFIERS = frozenset(
    ["kantor", "kerja", "pribadi", "work", "office", "personal", "business", "private", "lain",
     "lainnya", "alternatif", "alternate", "backup", "cadangan", "utama", "primary", "baru",
     "lama", "new", "old", "uh", "um", "umm", "eh", "ehm", "er", "erm", "hmm", "ya", "yes"]
)  # fmt: skip


# "emailnya dewi kartika delapan at gmail titik com": a local part said as two words.
_EMAIL_CUE_BEFORE_RE = re.compile(
    r"(?i:e-?mail|surel)(?:\s?nya|ku)?(?:\s+(?i:saya|aku|nya|is|adalah|address|my|yaitu))*"
    r"\s*:?\s+(?P<w>(?:[A-Za-z0-9]+\s){1,2})$"
)


def _email_start(text: str, start: int) -> int:
    """Where a spoken address starts: right after its email cue, when a word or two the
    pattern left out lie between them."""
    m = _EMAIL_CUE_BEFORE_RE.search(text, max(0, start - 48), start)
    if m is None or any(w.lower() in FUNCTION_WORDS for w in m.group("w").split()):
        return start
    at = m.start("w")
    for w in m.group("w").split():  # the address starts after "kantor", "uh"
        if w.lower() not in _EMAIL_QUALIFIERS:
            return at
        at = text.index(w, at) + len(w) + 1
    return start


def _ipv6(text: str) -> Iterator[Candidate]:
    for m in _anchored(IPV6_RE, _IPV6_ANCHOR_RE, text, 4):
        try:
            ipaddress.IPv6Address(m.group())
        except ValueError:
            continue
        yield (m.start(), m.end(), "IP_ADDRESS", 0.95)


# -- dates -------------------------------------------------------------------------------------
_MONTH_NAMES = (
    "jan(?:uary|uari)?", "feb(?:ruary|ruari)?", "mar(?:ch)?", "maret", "apr(?:il)?", "may", "mei",
    "june?", "juni", "july?", "juli", "aug(?:ust)?", "agu(?:stus)?", "agt", "sep(?:t|tember)?",
    "oct(?:ober)?", "okt(?:ober)?", "nov(?:ember)?", "dec(?:ember)?", "des(?:ember)?",
)  # fmt: skip
_MONTHS = "(?:" + "|".join(_MONTH_NAMES) + r")\.?"
# The same, once its first letter is read: each name told by a look-behind at that letter.
_MONTHS_REST = "(?:" + "|".join(f"(?<={m[0]}){m[1:]}" for m in _MONTH_NAMES) + r")\.?"
_ORD = r"(?:st|nd|rd|th)?"
# A date starts with a digit or a month's first letter. The pattern opens with that class
# (the engine skips to the next place it matches), the word-start test follows it, and each
# form goes on from its second character, in the order of the plain alternation it replaces
# (kept in tests/redaction/test_fast_paths_s2.py, which compares the two).
_DATE_DIGIT_FORMS = (  # each from its second character, its first a digit
    r"\d?[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}"
    r"|\d? [/.\-] \d{1,2} [/.\-] (?:19|20)\d{2}"  # "12 - 08 - 1975"
    r"|(?:(?<=1)9|(?<=2)0)\d{2}(?:-\d{1,2}-|/\d{1,2}/|\.\d{1,2}\.)\d{1,2}"
    rf"|\d?[-/.\s]{_MONTHS}[-/.\s](?:19|20)?\d{{2}}"
    rf"|\d?{_ORD}\s(?:of\s)?{_MONTHS},?\s(?:19|20)\d{{2}}"
    r"|\d?\s\d{1,2}\s(?:19|20)\d{2}"
    rf"|\d?{_ORD}\s(?:of\s)?{_MONTHS},?\s'?\d{{2}}"
    r"|(?:(?<=0)[1-9]|(?<=[12])\d|(?<=3)[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}"
)
DATE_RE = re.compile(
    r"[\dadfjmnos](?<![\w/.-][\dadfjmnos])(?:(?<=\d)(?:"
    rf"{_DATE_DIGIT_FORMS}"
    rf")|{_MONTHS_REST}\s\d{{1,2}}{_ORD},?\s(?:19|20)\d{{2}})(?![\w/])",
    re.IGNORECASE,
)
EXPIRY_RE = re.compile(
    r"(?<![\w/.-])(?:(?:0?[1-9]|1[0-2])\s?[/\-]\s?['’]?(?:20)?\d{2}"
    rf"|{_MONTHS},?\s(?:of\s)?['’]?(?:20)?\d{{2}}|(?:0[1-9]|1[0-2])\s(?:20)?\d{{2}}"
    r"|(?:0[1-9]|1[0-2]|[1-9])(?:2\d|3\d))(?![\w/])",
    re.IGNORECASE,
)
_DATE_LOW_RE = _for_lowered(DATE_RE)
_EXPIRY_LOW_RE = _for_lowered(EXPIRY_RE)
# Their matches that open with a digit, over lower-cased text: a pattern that opens with
# ``\d`` lets the engine skip to the next digit (the month forms are tried at each "a", "d",
# "f", ... of the text). In EXPIRY's, each month number from its second character.
_DATE_DIGIT_LOW_RE = re.compile(rf"\d(?<![\w/.-]\d)(?:{_DATE_DIGIT_FORMS})(?![\w/])")
_EXPIRY_DIGIT_LOW_RE = re.compile(
    r"\d(?<![\w/.-]\d)(?:(?:(?<=0)[1-9]|(?<=[1-9])|(?<=1)[0-2])\s?[/\-]\s?['’]?(?:20)?\d{2}"
    r"|(?:(?<=0)[1-9]|(?<=1)[0-2])\s(?:20)?\d{2}"
    r"|(?:(?<=0)[1-9]|(?<=1)[0-2]|(?<=[1-9]))(?:2\d|3\d))(?![\w/])"
)
# Where a month's name may open (its first three letters), in lower-cased text
_MONTH_OPENING_RE = re.compile(r"jan|feb|ma[ry]|apr|mei|ju[nl]|aug|ag[ut]|sep|o[ck]t|nov|de[cs]")
_SCAN_BELOW = 300  # characters: a chat message is scanned whole (DATE, EXPIRY, compact dates)


def _month_openings(text: str) -> tuple[str, list[int]] | None:
    """The lower-cased text and where a month's name may open in it, for a long ASCII
    text (None: scan it whole)."""
    if len(text) < _SCAN_BELOW or not text.isascii():
        return None
    low = text.lower()
    return low, [m.start() for m in _MONTH_OPENING_RE.finditer(low)]


def _digit_or_month(
    lowered: re.Pattern[str], digit: re.Pattern[str], low: str, months: list[int]
) -> list[re.Match[str]]:
    """``list(lowered.finditer(low))`` for DATE's or EXPIRY's pattern: its matches that open
    with a digit are ``digit``'s, the others open with a month's name (at one of
    ``months``, tried there alone). Leftmost and non-overlapping, as one scan."""
    named = [m for s in months if (m := lowered.match(low, s)) is not None]
    out: list[re.Match[str]] = []
    pos = i = 0
    d = digit.search(low)
    while True:
        while i < len(named) and named[i].start() < pos:
            i += 1
        if d is not None and d.start() < pos:
            d = digit.search(low, pos)
        m = named[i] if i < len(named) else None
        if d is not None and (m is None or d.start() < m.start()):
            m = d
        if m is None:
            return out
        out.append(m)
        pos = m.end()


# "card 4111 1111 1111 1111, 12/27, 737": the expiry read right after the card number.
# (``\d\d{3}``: a pattern that opens with a class lets the engine skip to the next digit)
_EXPIRY_AFTER_CARD_RE = re.compile(
    r"\d\d{3}[,;]?\s+(?P<e>(?:0[1-9]|1[0-2])\s?/\s?(?:20)?\d{2})(?![\w/])"
)


# A full date with a year long past, and no cue: "find my file under 1979-06-30", "Sarah Lee,
# 14/02/1987". Events that far back are rare in a contact centre, unless a word says so.
_BIRTH_YEAR_MAX = datetime.date.today().year - 15
# (the digit-start test after the first digit: the engine skips to the next "1" or "2")
_YEAR4_RE = re.compile(r"(?:1(?<!\d1)9|2(?<!\d2)0)\d\d(?!\d)")


def _old_year(text: str) -> bool:
    """A four-digit year at most :data:`_BIRTH_YEAR_MAX` in ``text``. Most texts hold no
    "19" or "20" at all: two substring tests rule them out before the regex runs."""
    if "19" not in text and "20" not in text:
        return False
    years = _YEAR4_RE.findall(text)
    return bool(years) and min(map(int, years)) <= _BIRTH_YEAR_MAX


_EVENT_BEFORE_RE = re.compile(
    r"(?i:\b(?:on|pada|since|sejak|from|dari|until|till|to|sampai|hingga|in|di|at|per|tanggal|tgl|"
    r"dated|by|before|after|sebelum|setelah|sesudah|between|antara|of)\s*$|\b(?:opened|joined|"
    r"started|registered|issued|moved|married|graduated|purchased|bought|signed|renewed|expired|"
    r"closed|paid|daftar|didaftarkan|dibuka|bergabung|menikah|pindah|lulus|terbit|diterbitkan|beli|"
    r"dibeli|transfer|bayar|dibayar|ditutup|tutup)\b)"
)


_NOT_BIRTH_CUES = frozenset(["NEG", "AMOUNT", "EXPIRY"])


def _bare_birth_date(text: str, m: re.Match[str], cues: Cues) -> bool:
    """A full date with a four-digit year at least 15 years back, no cue near it, and no
    word before it that makes it an event ("on", "since", "opened", "sejak")."""
    if not _old_year(m.group()) or cues.closest(m.start(), m.end()) in _NOT_BIRTH_CUES:
        return False
    return _EVENT_BEFORE_RE.search(text, max(0, m.start() - 40), m.start()) is None


# A date of birth with no separators after its cue, typed or read out digit by digit:
# "150689", "oh four oh nine seventy five" (040975), "19830412".
# (the word-start test after the first digit: the engine skips to the next digit)
_COMPACT_DATE_RE = re.compile(r"\d(?<![\w/.,-]\d)\d{5}(?:\d{2})?(?![\w/]|[.,-]\d)")


def _day_month(a: int, b: int) -> bool:
    """Day then month, or month then day."""
    return (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)


def _compact_date(digits: str) -> bool:
    """DDMMYY or MMDDYY; DDMMYYYY, MMDDYYYY or YYYYMMDD (years 1900-2030)."""
    if len(digits) == 6:
        return _day_month(int(digits[:2]), int(digits[2:4]))
    if 1900 <= int(digits[:4]) <= 2030 and 1 <= int(digits[4:6]) <= 12:
        return 1 <= int(digits[6:]) <= 31
    return 1900 <= int(digits[4:]) <= 2030 and _day_month(int(digits[:2]), int(digits[2:4]))


def dates(text: str, cues: Cues) -> Iterable[Candidate]:
    """Dates of birth and card expiries written in digits.

    A plain function, not a generator: most texts hold none of the cues or shapes it
    needs, and it returns at once (``()``) for them."""
    dob = cues.has("DOB")
    full = dob or _old_year(text)  # a full date may be a date of birth
    card = "/" in text and (cues.has("CARD") or cues.has("CVV"))  # an expiry after a card
    if not (full or card or cues.has("EXPIRY")):
        return ()
    return _dates(text, cues, dob, (full, card))


def _dates(text: str, cues: Cues, dob: bool, kinds: tuple[bool, bool]) -> Iterator[Candidate]:
    """:func:`dates`; ``kinds``: whether to look for full dates, and for expiries after a
    card number."""
    full, card = kinds
    opened = _month_openings(text) if full or cues.has("EXPIRY") else None
    found: Iterable[re.Match[str]]
    if full:
        if opened is not None:
            found = _digit_or_month(_DATE_LOW_RE, _DATE_DIGIT_LOW_RE, *opened)
        else:
            found = _finditer(DATE_RE, _DATE_LOW_RE, text)
        for m in found:
            if dob and cues.closest(m.start(), m.end()) == "DOB":
                yield (m.start(), m.end(), "DATE_OF_BIRTH", 0.9)
            elif _bare_birth_date(text, m, cues):
                yield (m.start(), m.end(), "DATE_OF_BIRTH", 0.75)  # over "Jan" as a name
    if dob:
        for m in _compact_dates(text, cues):
            if cues.closest(m.start(), m.end()) == "DOB" and _compact_date(m.group()):
                yield (m.start(), m.end(), "DATE_OF_BIRTH", 0.9)
    if card:
        for m in _EXPIRY_AFTER_CARD_RE.finditer(text):
            yield (m.start("e"), m.end("e"), "CARD_EXPIRY", 0.8)
            cvv = _CVV_AFTER_EXPIRY_RE.match(text, m.end())
            if cvv is not None:
                yield (cvv.start("v"), cvv.end("v"), "CARD_CVV", 0.8)
    if not cues.has("EXPIRY"):
        return
    if opened is not None:
        found = _digit_or_month(_EXPIRY_LOW_RE, _EXPIRY_DIGIT_LOW_RE, *opened)
    else:
        found = _finditer(EXPIRY_RE, _EXPIRY_LOW_RE, text)
    for m in found:
        if _expiry_cued(text, cues, m.start(), m.end()):
            yield (m.start(), m.end(), "CARD_EXPIRY", 0.9)
            cvv = _CVV_AFTER_EXPIRY_RE.match(text, m.end())
            if cvv is not None and (cues.has("CARD") or cues.has("CVV")):
                yield (cvv.start("v"), cvv.end("v"), "CARD_CVV", 0.8)


# Card details read in their usual order: "4111 ..., 12/27, 737" (the CVV after the expiry).
_CVV_AFTER_EXPIRY_RE = re.compile(
    r"(?:[,;]?\s+(?:(?i:and|dan|then|terus|lalu|trus)\s+)?|\s*[,;/|]\s*)(?P<v>\d{3,4})(?![\w/.,-])"
)


# "last four 2003, expiry 10/29": digits of a card named by their place say it is a card.
_CARD_DIGITS_RE = re.compile(
    r"(?i)\b(?:(?:last|first|next|final) (?:four|4|six|6)|(?:empat|4) (?:digit|angka) "
    r"(?:terakhir|pertama))\b"
)


# "expires on 14 September 2026": a day before the month makes it a full date, which no card
# carries (a passport's or a policy's)
_DAY_BEFORE_MONTH_RE = re.compile(r"(?<![\w/.-])\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?$")


def _compact_dates(text: str, cues: Cues) -> list[re.Match[str]]:
    """``list(_COMPACT_DATE_RE.finditer(text))`` where a date of birth cue is closest (all
    that :func:`_dates` keeps): in a long text, only the stretches after and just before
    each DOB cue are scanned. A match opens a digit run and ends one, so no match hides
    another, and a scan from anywhere finds every match after it."""
    if len(text) < _SCAN_BELOW:
        return list(_COMPACT_DATE_RE.finditer(text))
    # where a kept match may open (by Cues.closest): 60 characters after a DOB cue, or
    # ending 25 before one
    spans: list[tuple[int, int]] = []
    for start, end, cat in zip(cues.starts, cues.ends, cues.cats, strict=True):
        if cat == "DOB":
            spans += [(end, end + BEFORE), (start - AFTER - 8, start - 6)]
    out: list[re.Match[str]] = []
    last = -1  # where the stretches scanned so far end
    for lo, hi in sorted(spans):
        lo = max(lo, last + 1, 0)
        if lo > hi:
            continue
        # (a match is 8 digits at most, and its look-ahead reads 2 characters past it)
        for m in _COMPACT_DATE_RE.finditer(text, lo, hi + 11):
            if m.start() > hi:
                break
            out.append(m)
        last = max(last, hi)
    return out


def _expiry_cued(text: str, cues: Cues, start: int, end: int) -> bool:
    """An expiry cue is closest, and it is about a card: "promo code SAVE20 expires 12/31"
    (a negative cue just before, no card cue anywhere) is not a card expiry."""
    if text[start].isalpha() and _DAY_BEFORE_MONTH_RE.search(text, max(0, start - 10), start):
        return False
    cue = cues.closest(start, end, before=40)
    if cue != "EXPIRY" and not (cue == "CARD" and cues.near(start, "EXPIRY", before=40)):
        return False  # (but "masa berlaku kartu saya 09/28": the card is named in between)
    if cues.has("CARD") or cues.has("CVV") or _CARD_DIGITS_RE.search(text, 0, start):
        return True
    return not (cues.near(start, "NEG", before=45) or cues.near(start, "AMOUNT", before=45))


# Spoken dates: "the fifth of May nineteen ninety", "May 5th, nineteen ninety",
# "lima Mei sembilan belas sembilan puluh", expiry "twelve twenty seven".
_NW = NUMBER_WORDS_RE
# A day said in words, and no more ("march the third sixty nine": the day is "third").
_DAY_UNIT = (
    r"(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|one|two|three|four|five|six|"
    r"seven|eight|nine|satu|dua|tiga|empat|lima|enam|tujuh|delapan|sembilan)"
)
_DAY_NW = (
    rf"(?i:(?:twenty|thirty|(?:dua|tiga)\s+puluh)(?:[\s-]+{_DAY_UNIT})?"
    r"|(?:tenth|eleventh|twelfth|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|"
    r"eighteenth|nineteenth|twentieth|thirtieth|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|seventeen|eighteen|nineteen|sepuluh|sebelas)"
    rf"|(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan)\s+belas|{_DAY_UNIT})(?![\w])"
)
_DAY = rf"(?:\d{{1,2}}{_ORD}|{_DAY_NW})"
_YEAR = rf"(?:(?:19|20)\d{{2}}|{_NW})"
# a hesitation between the parts: "twelve uh august ninety"
_UH = r"(?:,?\s+(?i:uh|um|umm|er|erm|eh|ehm|ah))?"
SPOKEN_DOB_RE = re.compile(
    rf"(?<![\w])(?:(?i:the|tanggal|tgl\.?)\s+)?(?:(?:(?P<d>{_DAY}){_UH}(?:\s+(?i:of))?\s+(?P<m>{_MONTHS})"
    rf"|(?P<m2>{_MONTHS}){_UH}\s+(?:(?i:the)\s+)?(?P<d2>{_DAY})),?{_UH}\s+(?P<y>{_YEAR})"
    # the year first: "nineteen ninety june third", "1985, March the 12th"
    rf"|(?P<y2>{_YEAR}),?{_UH}\s+(?P<m3>{_MONTHS}){_UH}\s+(?:(?i:the)\s+)?(?P<d3>{_DAY}))",
    re.IGNORECASE,
)
# The Indonesian form with its parts named: "tanggal delapan bulan lima tahun delapan lima",
# "tgl 17 bln 8 thn 1990" (and the year first: "tahun 85 bulan 3 tanggal 2").
_MONTH_NUM = (
    r"(?:\d{1,2}|(?i:dua\s+belas|sebelas|sepuluh|satu|dua|tiga|empat|lima|enam|tujuh|delapan|"
    r"sembilan)(?![\w]))"
)
_TGL = r"(?i:tanggal|tgl\.?)"
_BLN = r"(?i:bulan|bln\.?)"
_THN = r"(?i:tahun|thn\.?)"
ID_DMY_RE = re.compile(
    rf"(?<![\w])(?:{_TGL}\s+)?(?P<d>{_DAY})\s+{_BLN}\s+(?P<m>{_MONTHS}|{_MONTH_NUM})\s+{_THN}"
    rf"\s+(?P<y>(?:19|20)?\d{{2}}(?![\w])|{_NW})"
    rf"|(?<![\w]){_THN}\s+(?P<y2>(?:19|20)?\d{{2}}(?![\w])|{_NW})\s+{_BLN}\s+"
    rf"(?P<m2>{_MONTHS}|{_MONTH_NUM})\s+{_TGL}\s+(?P<d2>{_DAY})"
)
_ID_DMY_HINT_RE = re.compile(r"(?i)\b(?:bulan|bln)\b")


def _id_dmy_hint(text: str) -> bool:
    """``_ID_DMY_HINT_RE.search(text)``, after two substring tests that rule most texts out
    (neither word has a letter that IGNORECASE folds from outside ASCII)."""
    low = text.lower()
    return ("bulan" in low or "bln" in low) and _ID_DMY_HINT_RE.search(text) is not None


_SLASH_WORD = r"(?i:slash|garis\s+miring|garing|per)"
SPOKEN_EXPIRY_RE = re.compile(
    rf"(?<![\w])(?:(?P<m>{_MONTHS})[\s,]+(?:(?i:of)\s+)?)?"
    # "twelve twenty seven", "oh four slash twenty seven", "27"
    rf"(?P<w>(?:{_NW}\s+{_SLASH_WORD}\s+)?{_NW}|\d{{2}}(?:\d{{2}})?)",
    re.IGNORECASE,
)
_SLASH_WORD_RE = re.compile(_SLASH_WORD)
_HAS_NUMBER_WORD_RE = re.compile(r"(?i)\b(?:" + "|".join(NUMBER_WORDS) + r")\b")
_HAS_NUMBER_WORD_LOW_RE = re.compile(r"\b(?:" + by_first_letter(NUMBER_WORDS) + r")\b")


def _has_number_word(text: str) -> bool:
    if text.isascii():
        return _HAS_NUMBER_WORD_LOW_RE.search(text.lower()) is not None
    return _HAS_NUMBER_WORD_RE.search(text) is not None


def _spoken_day(value: str) -> int | None:
    if value[0].isdigit():
        digits = value[:2] if value[:2].isdigit() else value[:1]
        return int(digits) if digits.isdigit() else None
    chunks = number_chunks(value)
    return chunks[0] if chunks and len(chunks) == 1 else None


def _spoken_year(value: str) -> int | None:
    if value.isdigit():
        return int(value)
    chunks = number_chunks(value)
    if not chunks:
        return None
    if len(chunks) == 1:  # "nineteen ninety" is two chunks; "eighty five", "ninety": 19xx
        return chunks[0] if chunks[0] >= 1900 else 1900 + chunks[0] if chunks[0] >= 20 else None
    if len(chunks) == 2 and chunks[0] in (19, 20):
        return chunks[0] * 100 + chunks[1]
    if len(chunks) == 2 and 2 <= chunks[0] <= 9 and chunks[1] <= 9:
        return 1900 + 10 * chunks[0] + chunks[1]  # read digit by digit: "enam enam", "eight five"
    return None


def _spoken_month(value: str) -> int | None:
    """A month said by name or number ("mei", "lima", "12")."""
    if value.isdigit():
        return int(value)
    if value[0].isalpha() and _MONTH_NAME_RE.fullmatch(value):
        return 1
    chunks = number_chunks(value)
    return chunks[0] if chunks and len(chunks) == 1 else None


_MONTH_NAME_RE = re.compile(_MONTHS, re.IGNORECASE)


def _id_dmy_dates(text: str, cues: Cues) -> Iterator[Candidate]:
    """A date said "(tanggal) D bulan M tahun Y" after a DOB cue; the span takes "tanggal"."""
    for m in ID_DMY_RE.finditer(text):
        d, mo, y = (
            (m.group("d"), m.group("m"), m.group("y"))
            if m.group("d")
            else (m.group("d2"), m.group("m2"), m.group("y2"))
        )
        day, month, year = _spoken_day(d), _spoken_month(mo), _spoken_year(y)
        if not (day and 1 <= day <= 31 and month and 1 <= month <= 12):
            continue
        if not (year and 1900 <= year <= 2030):
            continue
        at = m.start("d") if m.group("d") else m.start("y2")
        if cues.before_other(at, _DMY_SKIP, before=40) == "DOB":  # "tahun" is no cue here
            yield (m.start(), m.end(), "DATE_OF_BIRTH", 0.9)


_DMY_SKIP = frozenset(["AMOUNT"])
# A card's expiry with its parts named: "bulan sebelas tahun dua tujuh", "bln 11 thn 2027".
ID_MY_EXPIRY_RE = re.compile(
    rf"(?<![\w]){_BLN}\s+(?P<m>{_MONTHS}|{_MONTH_NUM})\s+{_THN}\s+(?P<y>(?:20)?\d{{2}}(?![\w])|{_NW})"
)


def _id_month_year_expiry(text: str, cues: Cues) -> Iterator[Candidate]:
    """A month and a year of 2020-2039 after an expiry cue, said "bulan M tahun Y"."""
    for m in ID_MY_EXPIRY_RE.finditer(text):
        month = _spoken_month(m.group("m"))
        y = m.group("y")
        chunks = [int(y)] if y.isdigit() else number_chunks(y)
        year = chunks[0] % 100 if len(chunks) == 1 else None
        if len(chunks) == 2 and chunks[0] in (2, 3) and chunks[1] <= 9:  # "dua tujuh"
            year = 10 * chunks[0] + chunks[1]
        if not (month and 1 <= month <= 12 and year and 20 <= year <= 39):
            continue
        if cues.before_other(m.start(), _DMY_SKIP, before=40) == "EXPIRY":
            yield (m.start(), m.end(), "CARD_EXPIRY", 0.9)


_NW_BUCKETS = by_first_letter(NUMBER_WORDS)
_NW_RUN_LOW_RE = re.compile(
    rf"(?<![\w])(?:{_NW_BUCKETS})(?:[\s-]+(?:and\s+|dan\s+)?(?:{_NW_BUCKETS}))*(?![\w])"
)
_NW_RUN_RE = re.compile(rf"(?<![\w]){NUMBER_WORDS_RE}")


def _number_word_runs(text: str, windows: list[tuple[int, int]]) -> Iterator[re.Match[str]]:
    """Runs of number words within ``windows`` (sorted, spans only: offsets are the same
    in the lower-cased copy). Each run is reported once."""
    if text.isascii():
        scan, regex = text.lower(), _NW_RUN_LOW_RE
    else:
        scan, regex = text, _NW_RUN_RE
    done = 0
    for lo, hi in windows:
        for run in regex.finditer(scan, max(lo, done), hi):
            done = run.end()
            yield run


def _numeric_dob(words: str) -> bool:
    """Day, month and year said as plain numbers: "twelve eleven seventy nine", "three four
    nineteen eighty five" (either order of day and month)."""
    chunks = number_chunks(words)
    if len(chunks) == 4 and chunks[2] in (19, 20):
        year = chunks[2] * 100 + chunks[3]
    elif len(chunks) == 3 and 20 <= chunks[2] <= 99:
        year = 1900 + chunks[2]
    else:
        return False
    a, b = chunks[0], chunks[1]
    day_month = (1 <= a <= 31 and 1 <= b <= 12) or (1 <= a <= 12 and 1 <= b <= 31)
    return day_month and 1900 <= year <= _BIRTH_YEAR_MAX


_MMYY_AFTER_RE = re.compile(r"[,\s]+((?:0[1-9]|1[0-2])\d\d)(?![\w/]|[.,]\d)")


def _day_then_month_year(text: str, run: re.Match[str]) -> int:
    """The end of a day said as a word and then month and year read digit by digit, which
    normalising turned into four figures ("twelve, 0388"; not a year: "twelve, 2024"), or 0."""
    tail = _MMYY_AFTER_RE.match(text, run.end())
    if tail is None:
        return 0
    day = _spoken_day(run.group())
    ok = day is not None and 1 <= day <= 31 and _compact_date(f"{day:02d}{tail.group(1)}")
    return tail.end() if ok else 0


def spoken_dates(text: str, cues: Cues) -> Iterable[Candidate]:
    """Dates of birth and card expiries said in words (after their cue).

    A plain function, not a generator: without a DOB or expiry cue (most texts) it
    returns ``()`` at once.
    """
    dob, expiry = cues.has("DOB"), cues.has("EXPIRY")
    if not (dob or expiry):
        return ()
    return _spoken_dates(text, cues, dob, expiry)


def _spoken_dates(text: str, cues: Cues, dob: bool, expiry: bool) -> Iterator[Candidate]:
    """:func:`spoken_dates`, with a DOB or an expiry cue in the text.

    The runs of number words are found first (one fast scan); the date patterns are
    only tried next to a run that has a DOB or expiry cue close by.
    """
    if dob and _id_dmy_hint(text):
        yield from _id_dmy_dates(text, cues)
    if expiry and _id_dmy_hint(text):
        yield from _id_month_year_expiry(text, cues)
    if not (dob or expiry) or not _has_number_word(text):
        return
    windows = [
        (end, end + 60)
        for end, cat in zip(cues.ends, cues.cats, strict=True)
        if cat in ("DOB", "EXPIRY")
    ]
    done = -1
    for run in _number_word_runs(text, windows):
        cue = cues.closest(run.start(), run.end())
        if dob and cue == "DOB" and run.start() >= done:
            m = SPOKEN_DOB_RE.search(text, max(0, run.start() - 16), run.end() + 48)
            if m is not None and m.start() <= run.start() < m.end():
                day = _spoken_day(m.group("d") or m.group("d2") or m.group("d3"))
                year = _spoken_year(m.group("y") or m.group("y2"))
                valid = bool(day and 1 <= day <= 31 and year and 1900 <= year <= 2030)
                start = m.start("d") if m.group("d") else m.start("m2")
                if m.group("y2"):
                    start = m.start("y2")
                # (from the day: "tanggal" may end the cue, "lahir tanggal")
                if valid and cues.closest(start, m.end()) == "DOB":
                    done = m.end()
                    yield (start, m.end(), "DATE_OF_BIRTH", 0.9)
                    continue
            if _numeric_dob(run.group()):  # "dob twelve eleven seventy nine"
                done = run.end()
                yield (run.start(), run.end(), "DATE_OF_BIRTH", 0.85)
                continue
            end = _day_then_month_year(text, run)
            if end:  # "DOB, twelve, oh three, eighty-eight" (normalised "twelve, 0388")
                done = end
                yield (run.start(), end, "DATE_OF_BIRTH", 0.85)
                continue
        # (or the card named in between: "masa berlaku kartu agustus dua enam")
        if expiry and cue in ("EXPIRY", "CARD") and run.start() >= done:
            # the match that ends with the run ("7584 expiry twelve twenty six": not "7584")
            m = next(
                (
                    x
                    for x in SPOKEN_EXPIRY_RE.finditer(text, max(0, run.start() - 28), run.end())
                    if x.end() == run.end()
                ),
                None,
            )
            if m is None:
                continue
            words = _SLASH_WORD_RE.sub(" ", m.group("w"))
            chunks = [int(words)] if words.isdigit() else number_chunks(words)
            if not chunks:
                continue
            if m.group("m"):
                ok = len(chunks) == 1 and (20 <= chunks[0] <= 39 or 2020 <= chunks[0] <= 2039)
                ok = ok or (len(chunks) == 2 and chunks[0] == 20 and 20 <= chunks[1] <= 39)
                # the year digit by digit: "november dua tujuh", "june two nine"
                ok = ok or (len(chunks) == 2 and chunks[0] in (2, 3) and chunks[1] <= 9)
            else:
                ok = 1 <= chunks[0] <= 12 and (
                    (len(chunks) == 2 and 20 <= chunks[1] <= 39)
                    or (len(chunks) == 3 and chunks[1] == 20 and 20 <= chunks[2] <= 39)
                    # the year digit by digit: "sebelas dua delapan", "oh four two seven"
                    or (len(chunks) == 3 and chunks[1] in (2, 3) and chunks[2] <= 9)
                )
            if ok and _expiry_cued(text, cues, m.start(), m.end()):
                yield (m.start(), m.end(), "CARD_EXPIRY", 0.9)


# -- secrets -----------------------------------------------------------------------------------
PASSWORD_RE = re.compile(
    # grouped by first letter: the scan rejects most places with one test
    # (the word-start test comes after the first letter, "p(?<![\w]p)": a leading look-behind
    # would cost a test at every position of the text)
    r"(?i:p(?<![\w]p)(?:ass\s?word(?:-?nya|ku)?|asscode(?:nya)?|ass\s?phrase|ass\s?nya|ass(?=\s*:)|"
    # chat shorthand, "pass" before what it opens: "pass email sy X", "pass wifi nya X"
    r"ass(?=\s+(?:e-?mail|akun|account|wifi|ig|fb|login|app|aplikasi|[im]-?banking)(?![\w]))|"
    r"wd?(?:nya)?|in(?:nya|ku)?|ertanyaan\s+keamanan(?:nya)?)|k(?<![\w]k)(?:ata\s+kunci(?:-?nya)?|"
    r"ata\s?sandi(?:-?nya|ku)?|ata\s+rahasia(?:-?nya)?)|s(?<![\w]s)(?:andi(?:-?nya|ku)?|ecret[\s_-]?key|"
    r"ecret\s+(?:word|answer|question)|ecurity\s+(?:question|answer|word|phrase)s?)|a(?<![\w]a)(?:pi|ccess)"
    r"[\s_-]?(?:key|token)|m(?<![\w]m)emorable\s+(?:word|answer|phrase)|j(?<![\w]j)awaban(?:nya)?"
    r"(?:\s+(?:pertanyaan\s+)?keamanan(?:nya)?))(?![\w])"
    # "the passcode for the app is X", "sandi internet banking saya X", "password wifi nya X"
    # (after a comma too: "your passcode, the temporary one is X")
    r"(?:,?(?:\s+[\w\-]{1,12}){1,3}?(?=\s+(?i:is|was|adalah|itu|saya|sy|gw|gue|aku|ku|nya|yang|"
    r"baru|sekarang)(?![\w])|\s*:))?"
    r"(?:\s+(?i:saya|sy|gw|gue|aku|ku|nya|baru|lama|is|was|adalah|itu|yang\s+(?:baru|lama)|my|new|old|"
    r"sekarang|to|as|jadi|menjadi|sebelumnya|sebelum\s+ini|dulu|dulunya|tadinya|previously|before|"
    r"earlier|currently|originally)(?![\w])|\s*:|'s"
    # "my password, it was X", "the passcode? that's X"
    r"|[,?]?\s+(?i:it|that)(?:'s|\s+(?i:is|was))(?![\w]))"
    r"{0,3}"
    r"\s*[:=]?\s*[\"'“‘]?(?P<v>[^\s,;\"'“”‘’]{4,64}|[A-Za-z](?=[\s,]+[A-Za-z0-9][\s,]))"
)
# A password read out: "sunflower 123" (digits said after it), "capital T, i, g, e, r",
# "capital m mango exclamation twenty twenty four", "huruf besar B budi tanda seru".
_SPELL_TOKEN_RE = re.compile(r"[\s,]+([^\s,]+)")
# Words that say a letter's case or a symbol (or half of one: "tanda seru", "at sign").
_SPELL_MARKERS = frozenset(
    ["capital", "caps", "uppercase", "lowercase", "small", "huruf", "besar", "kecil", "underscore",
     "hash", "hashtag", "pagar", "tanda", "seru", "exclamation", "mark", "sign", "dollar", "star",
     "bintang", "asterisk", "garis", "bawah", "dash", "hyphen", "strip", "dot", "titik", "plus",
     "ampersand", "percent", "persen", "slash", "garing", "tilde", "caret", "symbol", "simbol",
     "angka", "number"]
)  # fmt: skip
_CASE_MARKERS = frozenset(["capital", "caps", "uppercase", "huruf", "besar", "kecil", "small"])
_NUMBER_WORD_SET = frozenset(NUMBER_WORDS)


_I_VERBS = frozenset(
    ["think", "guess", "believe", "mean", "set", "used", "use", "have", "had", "am", "was",
     "will", "can", "forgot", "don't", "dont", "changed", "made", "chose", "picked", "reckon"]
)  # fmt: skip


def _spell_kind(core: str, nxt: str) -> str:
    """The kind of one word after a password: ``s`` a spelled piece (digits, a letter, a
    number or symbol word), ``w`` a plain word, empty for a word that ends it ("and", "kak")."""
    low = core.lower()
    if low == "i" and nxt in _I_VERBS:
        return ""  # "Tr0ub4dor&3 I think": the speaker, not a letter
    if core.isdigit() or (len(core) == 1 and core.isalpha()):
        return "s"
    if low in _SPELL_MARKERS or low in _NUMBER_WORD_SET or (low == "at" and nxt == "sign"):
        return "s"
    if core.isalpha() and low not in FUNCTION_WORDS and low not in _NOT_SECRET:
        return "w"
    return ""


def _spelled_end(text: str, end: int, spelling: bool) -> int:
    """Where a password read out piece by piece ends, from ``end`` (the end of its start).

    Plain words join only once a case or symbol word has been said ("capital m mango"),
    and only right after a spelled piece; punctuation closing a piece ends it.
    """
    toks = []
    pos = end
    while len(toks) < 16 and (m := _SPELL_TOKEN_RE.match(text, pos)) is not None:
        toks.append(m)
        pos = m.end()
    prev = "s" if spelling else "w"
    for i, m in enumerate(toks):
        raw = m.group(1)
        core = raw.rstrip(".?!;:)")
        nxt = toks[i + 1].group(1).lower().rstrip(".?!;:)") if i + 1 < len(toks) else ""
        kind = _spell_kind(core, nxt) if core else ""
        if kind == "w" and not (spelling and prev == "s"):
            break
        if kind == "":
            break
        spelling = spelling or core.lower() in _CASE_MARKERS
        prev = kind
        end = m.start(1) + len(core)
        if len(core) < len(raw):
            break
    return end


_PASSWORD_LOW_RE = _for_lowered(PASSWORD_RE)
_NOT_SECRET = frozenset(
    [
        "wrong",
        "salah",
        "expired",
        "reset",
        "incorrect",
        "not",
        "tidak",
        "lupa",
        "forgot",
        "change",
        "ganti",
        "diganti",
        "blocked",
        "terblokir",
        "locked",
        "keblokir",
        "sudah",
        "belum",
        "harus",
        "must",
        "should",
        "will",
        "akan",
        "ke",
        "to",
        "for",
        "untuk",
        "and",
        "dan",
        "or",
        "atau",
        "the",
        "yang",
        "ini",
        "itu",
        "again",
        "lagi",
        "please",
        "mohon",
        "tolong",
        "field",
        "box",
        "manager",
        "policy",
        "kamu",
        "anda",
        "your",
        "my",
        "saya",
        "is",
        "adalah",
        "was",
        "baru",
        "new",
        "lama",
        "old",
        "sama",
        "same",
        "mana",
        "apa",
        "what",
        "where",
        "kok",
        "never",
        "always",
        "already",
        "sent",
    ]
)


# "password is X", "password: X", and the Indonesian "sandinya X", "kata sandi saya X".
_MARKED_RE = re.compile(
    r"(?i)(?:\b(?:is|adalah|itu|saya|ku|nya|sekarang|sebelumnya|dulu|tadinya|previously)|"
    r"(?:sandi|word|code)-?nya|'s|[:=])\s*$"
)


# A word with its enclitic after a password's cue: "wifi-nya", "emailnya" name what it is for
_ENCLITIC_RE = re.compile(r"[A-Za-z]+-nya")
# "the security word I set up was X", "the password we chose was X": a word the speaker set
_CHOSE_WAS_RE = re.compile(
    r"(?i)\b(?:i|we)\s+(?:set(?:\s+up)?|chose|picked|used|gave|created|made|registered|"
    r"(?:came|come)\s+up\s+with)(?:\s+(?:it|up|them))?\s+was\s*$"
)
# A remark on the case of a whole password read out: not part of it.
_CASE_REMARK_RE = re.compile(
    r"[\s,]+(?i:huruf\s+(?:kecil|besar)(?:\s+semua(?:nya)?)?|semua(?:nya)?\s+huruf|all\s+"
    r"(?:lower|upper)\s?case|all\s+(?:small|caps)|lower\s?case|upper\s?case)(?![\w])"
)
# A password spelled from its first letter: "huruf besar B, u, d, i", "capital T, i, g".
_SPELL_WORDS = frozenset(["huruf", "capital", "caps"])
# Unmarked, the word after the cue may still say which password: "password wifi rumah123".
_NEXT_MIXED_RE = re.compile(
    r"\s+(?:[A-Za-z\-]{1,12}\s+)?(?P<v>(?=[^\s,;]*\d)(?=[^\s,;]*[A-Za-z])[^\s,;\"'“”‘’]{6,64})"
)


# A passphrase of plain words: "blue elephant forty two all one word", "kucing hitam dua
# satu". Plain words after the first join only when a number or a "one word" remark follows.
_PHRASE_TOKEN_RE = re.compile(r"\s+([A-Za-z]+|\d+)(?=[\s,.;!?]|$)")
_ONE_WORD_RE = re.compile(
    r"\s*,?\s+(?i:all\s+(?:one\s+word|in\s+one|lower\s?case|small|caps|upper\s?case|together|"
    r"joined)|one\s+word|no\s+spaces?|without\s+(?:any\s+)?spaces?|semua(?:nya)?\s+(?:digabung|"
    r"huruf\s+kecil|kecil|nyambung|disambung)|digabung|disambung|tanpa\s+spasi|jadi\s+satu(?:\s+kata)?|"
    r"nyambung|satu\s+kata)(?![\w])"
)
_PHRASE_STOP = frozenset(
    ["since", "sejak", "because", "karena", "soalnya", "until", "sampai", "from", "dari", "last",
     "ago", "lalu", "years", "tahun", "times", "kali", "digits", "digit", "angka", "characters",
     "karakter", "but", "tapi", "then", "terus", "right", "ya", "yes", "okay", "ok", "oke"]
)  # fmt: skip


def _phrase_end(text: str, end: int) -> int:
    """Where a passphrase that starts with a plain word ends (``end``: after that word)."""
    pos = end
    for count in range(4):
        if count and _ONE_WORD_RE.match(text, pos):
            return pos
        m = _PHRASE_TOKEN_RE.match(text, pos)
        if m is None:
            return end
        tok = m.group(1).lower()
        if tok.isdigit() or tok in _NUMBER_WORD_SET:
            return _spelled_end(text, pos, False) if count else end
        if tok in FUNCTION_WORDS or tok in _NOT_SECRET or tok in _PHRASE_STOP or count == 3:
            return end
        pos = m.end()
    return end


# A code of letters and digits after a code's cue: "the recovery code on the screen is
# X7K9-Q2LM-4RTP", "kode verifikasinya 8XK4L2" (digits only: :func:`numbers`).
_ALNUM_CODE_RE = re.compile(
    r"(?<![\w-])(?=[A-Za-z0-9-]*\d)(?=[A-Za-z0-9-]*[A-Za-z])[A-Za-z0-9]{2,}(?:-[A-Za-z0-9]{2,}){0,5}"
    r"(?![\w-])"
)


_CODE_CHARS_RE = re.compile(r"[A-Za-z0-9-]*")


def _code_scan_end(text: str, cue_end: int) -> int:
    """Where the scan for a code after a cue may stop: past the last place a code could
    start (40 characters after the cue), the token there and the character after it.

    Everything :data:`_ALNUM_CODE_RE` reads from a start lies in that start's run of
    ``[A-Za-z0-9-]`` and one character more, so matches starting in range are the same;
    the first one out of range (found or not) ends the scan either way."""
    last = cue_end + 40
    if last >= len(text):
        return len(text)
    return min(len(text), _CODE_CHARS_RE.match(text, last).end() + 1)


def _alnum_codes(text: str, cues: Cues) -> Iterator[Candidate]:
    """Codes of letters and digits up to 40 characters after a SECRET cue.

    Only the stretch after each SECRET cue is scanned: a code starts at a token start
    (never inside a run of ``[\\w-]``), so a scan from the cue's end finds the same
    matches there as a scan of the whole text.
    """
    done = 0
    for cue_end, cat in zip(cues.ends, cues.cats, strict=True):
        if cat != "SECRET":
            continue
        for m in _ALNUM_CODE_RE.finditer(text, max(cue_end, done), _code_scan_end(text, cue_end)):
            if m.start() - cue_end > 40:
                break
            done = m.end()
            if sum(c.isalnum() for c in m.group()) < 5:
                continue
            cue, before, end = cues.closest_before(m.start(), m.end())
            if cue == "SECRET" and before and m.start() - end <= 40:
                start, stop = _symbol_joined(text, m.start(), m.end())
                yield (start, stop, "SECRET", 0.85)


# A password's characters: letters, digits and the symbols sites ask for ("Kopi#Susu2024!").
_PASSWORD_CHARS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&*^~+="
)
_SYMBOL_MIXED_RE = re.compile(r"(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9]*[!#$%&*^~+=][^\s]*")


def _symbol_joined(text: str, start: int, end: int) -> tuple[int, int]:
    """The span of a code widened over the password characters glued to it, when a symbol
    joins them ("Tuesday!Harbor88"); ``(start, end)`` as it is otherwise."""
    lo, hi = start, end
    while lo > 0 and text[lo - 1] in _PASSWORD_CHARS:
        lo -= 1
    while hi < len(text) and text[hi] in _PASSWORD_CHARS:
        hi += 1
    if (lo, hi) == (start, end) or not any(not c.isalnum() for c in text[lo:hi]):
        return start, end
    return lo, hi


def _may_name_password(low: str) -> bool:
    """Does lower-cased ``low`` hold a stem of a PASSWORD_RE cue word? Most messages name
    no password; twelve substring tests rule them out in half the time of one search
    for the same stems."""
    return (
        "pass" in low or "pw" in low or "pin" in low or "kata" in low or "sandi" in low
        or "secret" in low or "security" in low or "api" in low or "access" in low
        or "memorable" in low or "jawaban" in low or "pertanyaan" in low
    )  # fmt: skip


def _password_cues(text: str) -> Iterator[re.Match[str]] | None:
    """``PASSWORD_RE.finditer(text)`` (via :func:`_finditer`), or None for ASCII text that
    holds none of the pattern's cue words (most messages name no password)."""
    if not text.isascii():
        return PASSWORD_RE.finditer(text)
    low = text.lower()
    if _may_name_password(low):
        return _PASSWORD_LOW_RE.finditer(low)
    return None


def secrets(text: str, cues: Cues) -> Iterable[Candidate]:
    """Codes after a code's cue, and passwords.

    A plain function, not a generator: when the text names neither (most), it returns
    ``()`` at once."""
    codes = cues.has("SECRET") and has_number(text)
    passwords = _password_cues(text)
    if not codes and passwords is None:
        return ()
    return _secrets(text, cues, codes, passwords or iter(()))


# Digits a password goes on with, after a remark: "sunflower, all lower case, then 77" (two
# digit words stay words in the normalised text: "then seven seven")
_THEN_DIGITS_RE = re.compile(
    r"(?i)(?:,[^,.\d]{0,30})?,?\s+(?:and\s+then|then|terus|lalu|habis\s+itu|trus)\s+"
    rf"(?P<d>\d{{1,8}}|(?:{_DIGIT_WORD})(?:\s+(?:{_DIGIT_WORD})){{1,3}})(?=\s*(?:[.,!?]|$))"
)


def _secrets(
    text: str, cues: Cues, codes: bool, passwords: Iterator[re.Match[str]]
) -> Iterator[Candidate]:
    """:func:`secrets`: ``codes``, whether to look for codes; ``passwords``, the matches
    of :data:`PASSWORD_RE`."""
    if codes:
        yield from _alnum_codes(text, cues)
    for m in passwords:
        start = m.start("v")
        value = text[start : m.end("v")].rstrip(".?)")
        low = value.lower()
        if len(value) == 1:  # spelled from its first letter: "passwordnya m a w a r 123"
            end = _spelled_end(text, start + 1, True)
            remark = _CASE_REMARK_RE.search(text, start, end)
            end = remark.start() if remark is not None else end
            if end - start >= 7:
                yield (start, end, "SECRET", 0.9)
            continue
        if low in _SPELL_WORDS:
            end = _spelled_end(text, start + len(value), True)
            if end > start + len(value):  # over the digits in it ("... pagar 2024": a PIN?)
                yield (start, end, "SECRET", 0.95)
            continue
        if low in _NOT_SECRET or (value.isdigit() and len(value) < 4) or low in FUNCTION_WORDS:
            continue
        marked = (
            _MARKED_RE.search(text, m.start(), start) is not None
            or _CHOSE_WAS_RE.search(text, m.start(), start) is not None
        )
        mixed = any(c.isdigit() for c in value) or not value.isalpha()
        raw = m.group("v")
        if _ENCLITIC_RE.fullmatch(value):  # "kata sandi wifi-nya X": what it is for, then X
            marked = mixed = False
        if not (marked or mixed):
            nxt = _NEXT_MIXED_RE.match(text, start + len(value))
            if nxt is None:
                continue
            start, raw = nxt.start("v"), nxt.group("v")
            value = raw.rstrip(".?)")
        end = start + len(value)
        score = 0.95 if _SYMBOL_MIXED_RE.fullmatch(value) else 0.85  # "Nusa#7721": no name
        if len(value) == len(raw):  # nothing stripped: the password may go on, spelled
            end = _spelled_end(text, end, False)
            if end == start + len(value) and value.isalpha():
                end = _phrase_end(text, end)
                score = 0.85 if end == start + len(value) else 0.95  # over its digits
        yield (start, end, "SECRET", score)
        more = _THEN_DIGITS_RE.match(text, end)
        if more is not None:  # "sunflower, all lower case, then seven seven": its digits
            yield (more.start("d"), more.end("d"), "SECRET", 0.85)


# -- people ------------------------------------------------------------------------------------
_WORD_RE = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'\-]*")  # (see names._TOKEN)
_INTRO_TAIL_RE = re.compile(
    r"(?:\s+(?:[A-Z][a-z]+|de|van|von|da|del|di\s+(?=[A-Z]))){0,3}"
    r"(?:\s+(?:from|here|speaking|calling|with|at\s+(?=[A-Z])|dari|di\s+sini|mau|ingin|pengen|mo|"
    r"nasabah|pemilik|pemegang|ada\s+yang|ada\s+yg|how\s+(?:can|may)|what\s+can)\b|,)"
)
# After a greeting or thanks: the word closes the clause ("thanks Rina", "hi Declan, ...").
# (a surname with its particle too: "you're speaking with Sanne de Vries.")
_CLOSE_TAIL_RE = re.compile(
    r"(?:\s+(?:(?:de|van|von|der|den|da|del|della|di|le|la)\s+)?[A-Z][a-z]+)?(?:'s)?(?:\s*(?:[,.!?;)]|$)|\s+(?:ya|yah|ok|okay|please|tadi|kemarin|"
    r"yesterday|today|again|juga|lagi|sekali|for|untuk|about|soal|from|dari|here|speaking|di|at|on)\b)"
)
_SPACES_RE = re.compile(r"\s+")
# "I'm Tobias." / "saya Sutrisno dan ...": a self-introduction that ends the sentence.
_INTRODUCTIONS = frozenset(
    ["this is", "i'm", "im", "i am", "saya", "aku", "gue", "ini", "sy", "aq", "gw", "gua"]
)
# ... or that calls the agent by a title right after: "sy Tiara kak, ...", "saya Dimas pak"
_HONORIFIC_AFTER_RE = re.compile(r"\s+(?:kak|kakak|ka|mas|mbak|mba|pak|bu|bang|gan|min)\b")
_ADJECTIVE_RE = re.compile(r"(?:ous|ful|able|ible|ive|ing|ed|ly|ish|ese|ian|ic|al|im|ist)$")
# ... or that the speaker corrects or hesitates after ("saya ucok eh maksudnya ...")
_INTRO_END_RE = re.compile(
    r"(?:\s+[A-Z][a-z]+)?(?:\s*(?:[.!?;]|$)|\s+(?:and|dan|eh|uh|um|er|maksudnya|i\s+mean)\b)"
)
# Spelling alphabets: "F for Freddie", "B as in Budi", "S untuk Siti" name a letter, not a person.
_SPELLING_RE = re.compile(r"(?<![\w'])[A-Za-z]\s+(?:for|as\s+in|untuk|seperti)\s+$")


def _spelling(text: str, start: int) -> bool:
    return _SPELLING_RE.search(text, max(0, start - 12), start) is not None


def _weak_name(text: str, m: Trigger, words: list[re.Match[str]], tokens: list[str]) -> int:
    """Words of a name after a weak trigger that the name lists alone did not accept."""
    cue, m_name = m
    family = surnames()
    first = tokens[0]
    low = first.lower().removesuffix("'s")
    if low in NOT_NAME or low in FUNCTION_WORDS or len(low) < 2:
        return 0
    after = text[m_name.start("name") + words[0].end() :]
    if first[0].isupper():
        trigger = _SPACES_RE.sub(" ", cue.group("weak").lower())
        if _not_weak_name(trigger, low, tokens, after):
            return 0
        # "this is Declan from ...", "It's Siobhan here", "Saya Sutrisno Nasution"
        if _INTRO_TAIL_RE.match(after) or (len(tokens) > 1 and tokens[1].lower() in family):
            return name_extent(tokens, "title")
        if trigger in GREETINGS and _CLOSE_TAIL_RE.match(after):
            return name_extent(tokens, "title")
        if (
            trigger in _INTRODUCTIONS
            and (_INTRO_END_RE.match(after) or _HONORIFIC_AFTER_RE.match(after))
            and not _ADJECTIVE_RE.search(low)
        ):
            return name_extent(tokens, "title")  # "Hi, I'm Tobias." (not "I'm Indonesian.")
        return 0
    # lower-case ASR: "this is rina from ...", "thanks rina", "it's sarah tan"
    if low in given_names() and low not in AMBIGUOUS:
        trigger = _SPACES_RE.sub(" ", cue.group("weak").lower())
        if _INTRO_TAIL_RE.match(after) or (trigger in GREETINGS and _CLOSE_TAIL_RE.match(after)):
            return name_extent(tokens, "strong")
        if len(tokens) > 1 and _surname_word(tokens[1].lower()):
            return name_extent(tokens, "strong")
        if trigger in _INTRODUCTIONS and _INTRO_END_RE.match(after):
            return name_extent(tokens, "strong")
    return 0


# "for National Day", "it's Polish", "kirim ke Singapura, ...": a day, a language, a place
_HOLIDAY_WORDS = frozenset(["day", "eve", "festival", "holiday", "week"])
_LANGUAGE_RE = re.compile(r"(?:ish|ese|ian|ch)$")


# "through to SingNet", "pay with PayPal": a capital inside a word names a brand, but not
# after a surname's prefix ("McKenzie", "DeShawn", "LaToya", "MacLeod")
_CAMEL_RE = re.compile(r"(?!(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|Fitz)[A-Z])[A-Z][a-z]+[A-Z]")


def _not_weak_name(trigger: str, low: str, tokens: list[str], after: str) -> bool:
    """An unlisted capitalised word after a weak cue that the tail alone would take."""
    if len(tokens) > 1 and tokens[1].lower() in _HOLIDAY_WORDS:
        return True
    if _CAMEL_RE.match(tokens[0]):
        return True
    if trigger in ("it's", "its", "it is") and _LANGUAGE_RE.search(low):
        return low not in given_names()
    return trigger == "ke" and after.startswith(",")


def _surname_word(low: str) -> bool:
    return low in surnames() and low not in FUNCTION_WORDS and low not in NOT_NAME and len(low) > 2


_LOWER_WORD_RE = re.compile(r"[a-z]+(?![\w'-])")


def _lower_case_names(text: str, hits: set[str]) -> Iterator[Candidate]:
    """A listed given name and a listed surname, in lower case, with no cue: "budi santoso".
    ``hits``: the words of ``text`` (split on spaces) that are listed given names."""
    for first in hits:
        if first in AMBIGUOUS or first in FUNCTION_WORDS or first in NOT_NAME:
            continue
        at = text.find(first + " ")
        while at >= 0:
            after = at + len(first) + 1
            if at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "'-"):
                m = _LOWER_WORD_RE.match(text, after)
                if m is not None and _surname_word(m.group()):
                    yield (at, m.end(), "PERSON", 0.7)
            at = text.find(first + " ", after)


def _name_end(text: str, start: int, end: int) -> int:
    """``end`` without a possessive "'s" ("Mr Tan's account")."""
    return end - 2 if end - start > 2 and text[end - 2 : end] == "'s" else end


_NONSPACE_RE = re.compile(r"\S+")
# Capitalised words that come before a name: roles, relations, fillers ("Customer Budi
# Santoso", "Mama Rina", "Oke Sarah"). Skipped, so the name after them is looked at.
_LEAD_WORDS = frozenset(
    ["customer", "nasabah", "pelanggan", "caller", "agen", "cs", "officer", "petugas", "teller",
     "kurir", "courier", "driver", "supervisor", "manager", "staff", "staf", "operator",
     "dokter", "doctor", "nurse", "suster", "guru", "teacher", "oke", "okey", "siap", "sip",
     "nah", "wah", "great", "perfect", "alright", "right", "cool", "noted", "mantap", "permisi",
     "excuse", "hai", "hey", "kepada", "yth", "almarhum", "almarhumah", "alm", "almh", "ayah",
     "bunda", "mama", "papa", "mami", "papi", "kakak", "adik", "nenek", "kakek", "paman",
     "bibi", "suami", "istri", "anak", "mom", "mum", "dad", "uncle", "aunt", "auntie",
     "grandma", "grandpa", "brother", "sister", "husband", "wife", "son", "daughter", "friend",
     "colleague", "boss", "partner", "landlord", "tenant", "beneficiary", "recipient", "sender",
     "penerima", "pengirim", "pemilik", "owner", "holder", "cardholder", "traveller",
     "traveler", "passenger", "penumpang", "guest", "tamu", "patient", "pasien", "client",
     "klien", "applicant", "pemohon", "member", "anggota", "subscriber", "user", "pengguna",
     "debitur", "debtor", "nasabahnya", "contact", "cc", "bcc", "attn", "ni"]
)  # fmt: skip


# Skipped at the start of a run of capitalised words: one set, one look-up.
_BEFORE_NAME = FUNCTION_WORDS | NOT_NAME | _LEAD_WORDS


def _opens_name(lows: list[str], i: int, given: frozenset[str], family: frozenset[str]) -> bool:
    """Does the i-th capitalised word start a name? A listed given name that is not also
    an everyday word; or one that is ("Grace", "Sri"), when another listed name follows it
    ("Grace Tan", "Sri Wahyuni")."""
    low = lows[i]
    if low not in given:
        # surname first: "Tan Wei Ling", "Kwee Li Na", "Lim Mei Hua"
        return (
            low in family
            and low not in FUNCTION_WORDS
            and low not in NOT_NAME
            and i + 1 < len(lows)
            and lows[i + 1] in given
            and (lows[i + 1] not in NOT_NAME or (i + 2 < len(lows) and lows[i + 2] in given))
        )
    if low not in AMBIGUOUS:
        return True
    return i + 1 < len(lows) and (lows[i + 1] in family or lows[i + 1] in given)


def _after_lead(lows: list[str], k: int, given: frozenset[str], family: frozenset[str]) -> bool:
    """After a role word ("Traveller Kumaravel Pillai", "Customer Ayu Lestari"), two
    capitalised words one of which is a listed name."""
    if k == 0 or lows[k - 1] not in _LEAD_WORDS or k + 1 >= len(lows):
        return False
    pair = lows[k : k + 2]
    if any(w in NOT_NAME or w in FUNCTION_WORDS for w in pair):
        return False
    return any(w in given or w in family for w in pair)


def _unlisted_after(
    text: str, cue: re.Match[str], first: str, given: frozenset[str], family: frozenset[str]
) -> bool:
    """An unlisted word after a cue that names someone only before a listed name: a lower-case
    "dr" is chat for "dari" too ("sy Yohanes dr Kupang"), "is under" files things too ("it's
    under Settings"). ``cue`` may have matched the lower-cased text: its words are read from
    ``text``, where "Dr" and "dr" differ."""
    group = "title" if cue.group("title") else "strong"  # ("under": after "is", "booked"...)
    said = text[cue.start(group) : cue.end(group)]
    if said != "dr" and (len(said) != 5 or said.lower() != "under"):
        return False
    low = first.lower().removesuffix("'s")
    return low not in given and low not in family


def _past(pos: int, name_start: int) -> int:
    """Where the next cue search starts after a cue that gave no name: at the name's start
    (a cue may hide inside it), but always past ``pos``, or a cue found again at the same
    place ("call me lim, L for l i m") would loop for ever."""
    return name_start if name_start > pos else pos + 1


# Words that make capitalised words a company's name, and banks named like people.
_ORG_WORDS = frozenset(
    ["logistics", "group", "holdings", "ltd", "limited", "inc", "llc", "plc", "corp",
     "corporation", "company", "solutions", "services", "consulting", "partners",
     "industries", "enterprises", "technologies", "systems", "trading", "airlines", "airways",
     "insurance", "motors", "foods", "bank", "tbk", "studio", "agency", "pharmacy", "mobile",
     "telecom", "broadband", "energy", "finance", "networks", "wireless", "communications"]
)  # fmt: skip
_BANK_NAMES = frozenset(["chase", "barclays", "lloyds", "halifax", "santander", "citi", "ally"])
_WITH_END_RE = re.compile(r"(?i)(?:with|at|from|di|ke)\s+$")


def _organisation(text: str, start: int, tokens: list[str], count: int) -> bool:
    """Are the words a weak trigger took a company ("Jennings Logistics") or a bank named
    like a person ("it's with Chase")?"""
    if any(t.lower() in _ORG_WORDS for t in tokens[: count + 1]):
        return True
    first = tokens[0].lower()
    if first == "with" and count > 1:
        first = tokens[1].lower()
    return first in _BANK_NAMES and (
        tokens[0].lower() == "with"
        or _WITH_END_RE.search(text, max(0, start - 6), start) is not None
    )


def people(text: str) -> Iterator[Candidate]:
    given, family = given_names(), surnames()
    pos = 0
    lowered = text.lower() if text.isascii() else None
    hints = spell_hints(text)
    while (m := next_trigger(text, lowered, pos, hints)) is not None:
        cue, name = m  # cue words perhaps lower-cased: read them only in lower case
        strength = "title" if cue.group("title") else "strong" if cue.group("strong") else "weak"
        kin = strength == "title" and is_kin(cue.group("title"))
        name_start = name.start("name")
        unlisted = 0
        if strength == "weak" and text[name_start].islower():
            first = _WORD_RE.match(text, name_start)
            if first is None or first.group().lower() not in given:
                unlisted = unlisted_then_surname(cue.group("weak"), name.group("name"))
                if not unlisted:
                    pos = _past(pos, name_start)  # "for example", "saya mau": no name here
                    continue
        words = list(_WORD_RE.finditer(name.group("name")))
        tokens = [w.group() for w in words]
        count = unlisted or name_extent(tokens, strength)
        if not count and strength == "weak" and tokens:
            count = _weak_name(text, m, words, tokens)
        english = kin and cue.group("title")[:1].lower() in "mhot"  # my, his/her, our, their
        if not count and english and tokens[0][0].isupper() and tokens[0].lower() in given:
            # "my wife Mei": a given name the word lists hold too (kin_name decides)
            count = 1 + name_extent(tokens[1:], "title") if len(tokens) > 1 else 1
        if count and kin:  # "my wife said", "my daughter will": a word, not her name
            after = name_start + words[0].end()
            count = kin_extent(tokens, count) if kin_name(tokens, text, after, english) else 0
        if count and _spelling(text, name_start):
            count = 0
        if count and strength != "weak" and _unlisted_after(text, cue, tokens[0], given, family):
            count = 0
        if count and strength == "title" and not kin and "," in text[cue.start() : name_start]:
            count = 0  # "makasih kak, WA juga aktif": the title closed the clause
        if count and strength == "weak" and _organisation(text, name_start, tokens, count):
            count = 0  # "I work for Jennings Logistics", "it's with Chase"
        if count:
            end = _name_end(text, name_start, name_start + words[count - 1].end())
            yield (name_start, end, "PERSON", 0.9 if strength != "weak" else 0.8)
            pos = end
        else:
            pos = _past(pos, name_start)
    if hints:
        for s, e in echo_pairs(text):
            yield (s, e, "PERSON", 0.7)  # below a password or email read out
    if "again" in text:
        yield from _back_again(text, given)
    if "for short" in text:  # "I'm Magdalena, Magda for short"
        for m in _FOR_SHORT_RE.finditer(text):
            if m.group(1).lower() not in common_words():
                yield (m.start(1), m.end(1), "PERSON", 0.8)
    hits = given.intersection(text.split())
    if hits:  # usually none: one C-speed test
        yield from _lower_case_names(text, hits)
    if not text.islower():  # every run of CAP_RUN_RE opens with a capital
        yield from _capitalised_names(text, given, family)


# "hey it's Mei again", "its jess again lol": a caller back in a new chat says who they are.
_AGAIN_RE = re.compile(
    r"(?i:(?P<hi>\b(?:hi|hey|hello|halo|hai)[\s,!]+)?\b(?:it's|it’s|its|it is|this is)\s+)"
    r"(?P<name>[A-Za-zÀ-ÖØ-öø-ÿ][a-zß-öø-ÿ'-]+)\s+again\b"
)
_NOT_AGAIN_NAME = frozenset(
    ["down", "out", "off", "back", "late", "over", "up", "gone", "broken", "empty", "full",
     "closed", "open", "wrong", "same", "stuck", "dead", "offline", "online", "slow"]
)  # fmt: skip
_CALENDAR = frozenset(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december", "monday", "tuesday", "wednesday", "thursday",
     "friday", "saturday", "sunday"]
)  # fmt: skip


# A nickname given beside the full name: "I'm Magdalena, Magda for short"
_FOR_SHORT_RE = re.compile(r"(?<![\w'])([A-Z][a-z]{2,}),?\s+for\s+short\b")


def _again_matches(text: str) -> Iterator[re.Match[str]]:
    """``_AGAIN_RE.finditer(text)``, found from each "again" back: the pattern opens with an
    optional greeting, so scanning a whole transcript for it costs about 1 ms."""
    done, at = 0, text.find("again")
    while at != -1:
        end = at + 5
        if _WORD_CHAR_RE.match(text, end) is None:  # the pattern's closing \b
            for m in _AGAIN_RE.finditer(text, max(done, at - _AGAIN_REACH), end):
                if m.end() == end:
                    yield m
                    done = end
        at = text.find("again", end)


_AGAIN_REACH = 200  # far more than a greeting, "it's" and one name
_WORD_CHAR_RE = re.compile(r"\w")


def _back_again(text: str, given: frozenset[str]) -> Iterator[Candidate]:
    """The name in "it's <name> again": capitalised and no everyday word (or a listed name,
    "Mei", that is also a month elsewhere); in lower case only after a greeting, and not a
    word that says how something is ("its down again")."""
    common = common_words()
    for m in _again_matches(text):
        word = m.group("name")
        low = word.lower()
        if low in _CALENDAR or low in _NOT_AGAIN_NAME or len(low) < 3:
            continue
        if word[0].isupper():
            ok = low not in common or (low in given and low not in FUNCTION_WORDS)
        else:
            ok = m.group("hi") is not None and low not in common
            ok = ok and (low in given or not _ADJECTIVE_RE.search(low))
        if ok:
            yield (m.start("name"), m.end("name"), "PERSON", 0.8)


_MONTH_ABBR = frozenset(
    ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"]
)
_DAY_BEFORE_RE = re.compile(r"\d(?:st|nd|rd|th)?\s+$")
_DAY_AFTER_RE = re.compile(r"\s+\d")


def _day_beside(text: str, start: int, end: int) -> bool:
    """Is a day's number right before or after ``text[start:end]``?"""
    return (
        _DAY_BEFORE_RE.search(text, max(0, start - 6), start) is not None
        or _DAY_AFTER_RE.match(text, end) is not None
    )


# A street type right after a run of capitalised words: the run names the street.
_NOT_NAME_OR_STREET = NOT_NAME | frozenset(
    ["boulevard", "street", "road", "avenue", "drive", "lane", "highway"]
)
_STREET_AFTER_RE = re.compile(
    r"(?:\s+[JS]r)?\.?\s+(?:Blvd|Boulevard|Street|St|Road|Rd|Avenue|Ave|Drive|Lane|Ln|Way|"
    r"Highway|Hwy|Parkway|Pkwy|Place|Square|Crescent|Terrace|Close|Court|Ct)\b"
)


_THE_BEFORE_RE = re.compile(r"(?<![\w])[Tt]he\s+$")
_NOUN_AFTER_RE = re.compile(r"\s+(?!who\b|whose\b)[a-z]")
_AMP_AFTER_RE = re.compile(r"\s*&\s*[A-Z]")


def _brand(text: str, start: int, end: int) -> bool:
    """Names used as a brand: "the Tommy Hilfiger one" (a noun after), or joined by "&"."""
    if _AMP_AFTER_RE.match(text, end) or text[max(0, start - 3) : start].strip().endswith("&"):
        return True
    return (
        _THE_BEFORE_RE.search(text, max(0, start - 5), start) is not None
        and _NOUN_AFTER_RE.match(text, end) is not None
    )


# A listed name that is also a word ("Grace"), said to hold papers only a person has:
# "Grace has a US passport", "Grace's date of birth".
_PAPERS_AFTER_RE = re.compile(
    r"(?:(?<='s)|'s|\s+(?:has|had|holds)(?:\s+(?:a|an|her|his|their))?)(?:\s+[A-Za-z]+)?\s+(?:passport|"
    r"paspor|date\s+of\s+birth|birthday|nric|ic\s+number|ktp|nik)\b"
)


def _capitalised_names(
    text: str, given: frozenset[str], family: frozenset[str]
) -> Iterator[Candidate]:
    """Runs of capitalised words that hold a listed given name, with no cue before them."""
    for m in CAP_RUN_RE.finditer(text):
        lows = m.group().lower().split()
        if "'" in m.group():  # "Daniel's passport": the name without its possessive
            lows = [w.removesuffix("'s") for w in lows]
        if len(lows) == 1 and (lows[0] not in given or lows[0] in AMBIGUOUS):
            if lows[0] in given and _PAPERS_AFTER_RE.match(text, m.end()) is not None:
                yield (m.start(), _name_end(text, m.start(), m.end()), "PERSON", 0.75)
            continue  # one word ("My", "Thanks"): a name only if listed and not also a word
        if len(lows) == 1 and lows[0] in _MONTH_ABBR and _day_beside(text, m.start(), m.end()):
            continue  # "from 22 Dec to 5 Jan", "Jan 5": a month's abbreviation, not a name
        # skip the words before a name: "Is Jessica there?", "Customer Budi Santoso", "Oke Rina"
        k = 0
        while k < len(lows) - 1 and lows[k] in _BEFORE_NAME:
            k += 1
        if not _opens_name(lows, k, given, family) and not _after_lead(lows, k, given, family):
            continue
        spans = [
            (m.start() + w.start(), m.start() + w.end()) for w in _NONSPACE_RE.finditer(m.group())
        ]
        if _spelling(text, spans[k][0]):
            continue
        count = 1
        for i in range(k + 1, len(lows)):
            # a month or word that is also a name, between two names: "Lim Mei Hua"
            if lows[i] in _NOT_NAME_OR_STREET and not (
                lows[i] in given and i + 1 < len(lows) and lows[i + 1] in given
            ):
                break
            count += 1
        start = spans[k][0]
        if k and lows[k - 1] == "ni":  # Balinese: "Ni Luh Putu ..."
            start = spans[k - 1][0]
        end = _name_end(text, start, spans[k + count - 1][1])
        if _STREET_AFTER_RE.match(text, end) is not None:
            continue  # "Martin Luther King Jr. Blvd", "Sudirman Street": a street's name
        if _brand(text, start, end):
            continue  # "the Ralph Lauren shirt", "Marks & Spencer": a brand, not a person
        yield (start, end, "PERSON", 0.75 if count > 1 or lows[k] in family else 0.7)
