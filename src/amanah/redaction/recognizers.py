"""The recognizers: compiled patterns, validators and context rules.

Every recognizer is a function ``(text, cues, regions) -> Iterable[Candidate]``
over the *normalised* text (spoken digits already rewritten). Numbers are found
once by :data:`NUM_RUN_RE` and classified by :func:`classify_digits`; when a
run holds more than one number ("4111 1111 1111 1111 12 25") its sub-runs are
tried, longest first.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from .context import Cues
from .lang import FUNCTION_WORDS
from .names import (
    AMBIGUOUS,
    CAP_RUN_RE,
    GREETINGS,
    NOT_NAME,
    given_names,
    name_extent,
    next_trigger,
    surnames,
)
from .spoken import NUMBER_WORDS, NUMBER_WORDS_RE, by_first_letter, number_chunks
from .validators import (
    card_brand,
    iban_ok,
    ipv4_ok,
    is_card,
    luhn_ok,
    nik_ok,
    npwp_ok,
    nric_ok,
    phone_ok,
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


# -- numbers -----------------------------------------------------------------------------------
NUM_RUN_RE = re.compile(
    r"(?<![\w.,/@-])(?:\+\s?)?(?:\(\d{1,5}\)|\d+)(?:(?:[ .\-/]| - | \. )(?:\(\d{1,5}\)|\d+))*"
)
_GROUP_RE = re.compile(r"\d+")
_SSN_FMT_RE = re.compile(r"^\d{3}([ -])\d{2}\1\d{4}$")
_US_FMT_RE = re.compile(r"^(?:\+?1[ .-]?)?\(?\d{3}\)?[ .-]?\d{3}[ .-]\d{4}$")
_PLAIN_DATE_RE = re.compile(r"^\d{1,4}[/.\-]\d{1,2}[/.\-]\d{2,4}$")


def classify_digits(
    raw: str, digits: str, cue: str | None, regions: tuple[str, ...]
) -> Candidate | None:
    """The best entity type for one digit sequence, or None. Start/end are filled by the caller."""
    n = len(digits)
    if cue == "NEG":
        return None
    plus = raw.startswith("+")
    if "/" in raw:  # slashes: dates and fractions, never a number we redact here
        return None
    if cue == "CVV":
        return (0, 0, "CARD_CVV", 0.9) if n in (3, 4) else None
    if cue == "SECRET" and 4 <= n <= 8 and not plus:
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
    if n == 15 and cue == "NPWP" and npwp_ok(digits):
        return (0, 0, "ID_NPWP", 0.95)
    if n == 9 and _SSN_FMT_RE.match(raw) and ssn_ok(digits) and cue in (None, "SSN"):
        return (0, 0, "US_SSN", 0.95 if cue == "SSN" else 0.85)
    if cue == "SSN" and n == 9 and ssn_ok(digits):
        return (0, 0, "US_SSN", 0.9)
    if cue == "ACCOUNT" and 6 <= n <= 20 and not plus:
        return (0, 0, "BANK_ACCOUNT", 0.85)
    if cue == "PASSPORT" and 6 <= n <= 9:
        return (0, 0, "PASSPORT", 0.85)
    if 7 <= n <= 15 and _PLAIN_DATE_RE.match(raw) is None:
        strong_shape = plus or digits[0] == "0" or cue == "PHONE" or _US_FMT_RE.match(raw)
        if strong_shape and phone_ok(raw, regions):
            return (0, 0, "PHONE_NUMBER", 0.95 if plus or cue == "PHONE" else 0.85)
        if cue == "PHONE" and n >= 8:
            return (0, 0, "PHONE_NUMBER", 0.6)
    if cue == "CARD" and 13 <= n <= 19:
        return (0, 0, "CREDIT_CARD", 0.7 if luhn_ok(digits) or card_brand(digits) else 0.6)
    if cue == "NIK" and n == 16:
        return (0, 0, "ID_NIK", 0.6)
    if cue == "NPWP" and n in (15, 16):
        return (0, 0, "ID_NPWP", 0.6)
    return None


def numbers(text: str, cues: Cues, regions: tuple[str, ...]) -> Iterator[Candidate]:
    for m in NUM_RUN_RE.finditer(text):
        run = m.group().rstrip(" .-/")
        groups = [(g.start(), g.end()) for g in _GROUP_RE.finditer(run)]
        if sum(e - s for s, e in groups) < 3:
            continue
        memo: dict[tuple[int, int], Candidate | None] = {}
        yield from _classify_run(run, m.start(), groups, 0, len(groups), cues, regions, memo)


def _window(
    run: str,
    base: int,
    groups: list[tuple[int, int]],
    i: int,
    j: int,
    cues: Cues,
    regions: tuple[str, ...],
    memo: dict[tuple[int, int], Candidate | None],
) -> Candidate | None:
    if (i, j) in memo:
        return memo[(i, j)]
    result = None
    s = groups[i][0]
    if i == 0 and run.startswith("+"):
        s = 0
    elif s > 0 and run[s - 1] == "(":
        s -= 1
    e = groups[j - 1][1]
    digits = "".join(run[a:b] for a, b in groups[i:j])
    if 3 <= len(digits) <= 19:
        found = classify_digits(run[s:e], digits, cues.closest(base + s, base + e), regions)
        if found is not None:
            result = (base + s, base + e, found[2], found[3])
    memo[(i, j)] = result
    return result


def _classify_run(
    run: str,
    base: int,
    groups: list[tuple[int, int]],
    lo: int,
    hi: int,
    cues: Cues,
    regions: tuple[str, ...],
    memo: dict[tuple[int, int], Candidate | None],
) -> Iterator[Candidate]:
    """Longest sub-run of groups[lo:hi] that validates (then any that classifies); recurse."""
    for floor in (0.85, 0.0):
        for width in range(hi - lo, 0, -1):
            for i in range(lo, hi - width + 1):
                j = i + width
                if i == 1 and run.startswith("+"):
                    continue  # never split a number from its country code
                found = _window(run, base, groups, i, j, cues, regions, memo)
                if found is None or found[3] < floor:
                    continue
                yield found
                if i > lo:
                    yield from _classify_run(run, base, groups, lo, i, cues, regions, memo)
                if j < hi:
                    yield from _classify_run(run, base, groups, j, hi, cues, regions, memo)
                return


# -- formatted identifiers ---------------------------------------------------------------------
EMAIL_RE = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)
SPOKEN_EMAIL_RE = re.compile(
    r"(?<![\w])[a-z0-9]+(?:\s?(?:dot|titik|underscore|garis bawah|strip|dash)\s?[a-z0-9]+)*"
    r"\s(?:at|et|@)\s[a-z0-9]+(?:\s(?:dot|titik)\s[a-z]{2,6})+(?![\w])",
    re.IGNORECASE,
)
_SPOKEN_EMAIL_LOW_RE = _for_lowered(SPOKEN_EMAIL_RE)

IPV4_RE = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w.]|\.\d)")
IPV6_RE = re.compile(
    r"(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}(?::|[0-9A-Fa-f]{1,4})(?:[0-9A-Fa-f:]*)(?![\w:])"
)
IBAN_RE = re.compile(r"(?<![\w])[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?(?![\w])")
NRIC_RE = re.compile(r"(?<![\w])[STFGMstfgm]\d{7}[A-Za-z](?![\w])")
NPWP_RE = re.compile(r"(?<![\w.])\d{2}\.\d{3}\.\d{3}\.\d-\d{3}\.\d{3}(?![\w])")
PASSPORT_RE = re.compile(r"(?<![\w])[A-Za-z]{1,2} ?\d{6,8}[A-Za-z]?(?![\w])")


def formatted(text: str, cues: Cues, digits: bool = True) -> Iterator[Candidate]:
    """Emails, IPs, IBAN, NRIC, NPWP, passports. ``digits=False``: the text has none,
    so the patterns that need one are not run."""
    if "@" in text:
        for m in EMAIL_RE.finditer(text):
            yield (m.start(), m.end(), "EMAIL_ADDRESS", 0.99)
    low = text.lower()
    if (" at " in low or " et " in low) and (" dot " in low or " titik " in low):
        yield from _spoken_emails(text, low)
    for m in IPV4_RE.finditer(text) if digits and text.count(".") >= 3 else ():
        if ipv4_ok(m.group().split(".")) and cues.closest(m.start(), m.end()) != "NEG":
            yield (m.start(), m.end(), "IP_ADDRESS", 0.95)
    if "::" in text or text.count(":") >= 3:
        yield from _ipv6(text)
    if not digits:
        return
    for m in IBAN_RE.finditer(text):
        if iban_ok(m.group().replace(" ", "")):
            yield (m.start(), m.end(), "IBAN_CODE", 0.99)
    for m in NRIC_RE.finditer(text):
        value = m.group().upper()
        if nric_ok(value):
            yield (m.start(), m.end(), "ID_NRIC", 0.99)
        elif cues.near(m.start(), "NRIC"):
            yield (m.start(), m.end(), "ID_NRIC", 0.7)
    for m in NPWP_RE.finditer(text):
        ok = npwp_ok(m.group().replace(".", "").replace("-", ""))
        yield (m.start(), m.end(), "ID_NPWP", 0.99 if ok else 0.75)
    for m in PASSPORT_RE.finditer(text) if cues.has("PASSPORT") else ():
        if cues.closest(m.start(), m.end()) == "PASSPORT":
            yield (m.start(), m.end(), "PASSPORT", 0.9)


_SPOKEN_AT_RE = re.compile(r"\s(?:at|et|@)\s", re.IGNORECASE)


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
            m = _SPOKEN_EMAIL_LOW_RE.search(low, lo, hi)
        else:
            m = SPOKEN_EMAIL_RE.search(text, lo, hi)
        while m is not None and m.end() <= at.start():
            m = (_SPOKEN_EMAIL_LOW_RE if ascii_text else SPOKEN_EMAIL_RE).search(
                low if ascii_text else text, m.end(), hi
            )
        if m is not None and m.start() <= at.start():
            done = m.end()
            yield (m.start(), m.end(), "EMAIL_ADDRESS", 0.8)


def _ipv6(text: str) -> Iterator[Candidate]:
    for m in IPV6_RE.finditer(text):
        try:
            ipaddress.IPv6Address(m.group())
        except ValueError:
            continue
        yield (m.start(), m.end(), "IP_ADDRESS", 0.95)


# -- dates -------------------------------------------------------------------------------------
_MONTHS = (
    r"(?:jan(?:uary|uari)?|feb(?:ruary|ruari)?|mar(?:ch)?|maret|apr(?:il)?|may|mei|june?|juni|"
    r"july?|juli|aug(?:ust)?|agu(?:stus)?|agt|sep(?:t|tember)?|oct(?:ober)?|okt(?:ober)?|"
    r"nov(?:ember)?|dec(?:ember)?|des(?:ember)?)\.?"
)
_ORD = r"(?:st|nd|rd|th)?"
DATE_RE = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}"
    r"|(?:19|20)\d{2}-\d{1,2}-\d{1,2}"
    rf"|\d{{1,2}}{_ORD}\s(?:of\s)?{_MONTHS},?\s(?:19|20)\d{{2}}"
    rf"|{_MONTHS}\s\d{{1,2}}{_ORD},?\s(?:19|20)\d{{2}}"
    r"|\d{1,2}\s\d{1,2}\s(?:19|20)\d{2}"
    rf"|\d{{1,2}}{_ORD}\s(?:of\s)?{_MONTHS},?\s'?\d{{2}}"
    r"|(?:0[1-9]|[12]\d|3[01])(?:0[1-9]|1[0-2])(?:19|20)\d{2}"
    r")(?![\w/])",
    re.IGNORECASE,
)
EXPIRY_RE = re.compile(
    r"(?<![\w/.-])(?:(?:0?[1-9]|1[0-2])\s?[/\-]\s?(?:20)?\d{2}"
    rf"|{_MONTHS}\s(?:20)?\d{{2}}|(?:0[1-9]|1[0-2])\s(?:20)?\d{{2}}"
    r"|(?:0[1-9]|1[0-2])(?:2\d|3\d))(?![\w/])",
    re.IGNORECASE,
)
_DATE_LOW_RE = _for_lowered(DATE_RE)
_EXPIRY_LOW_RE = _for_lowered(EXPIRY_RE)


def dates(text: str, cues: Cues) -> Iterator[Candidate]:
    for m in _finditer(DATE_RE, _DATE_LOW_RE, text) if cues.has("DOB") else ():
        if cues.closest(m.start(), m.end()) == "DOB":
            yield (m.start(), m.end(), "DATE_OF_BIRTH", 0.9)
    if not cues.has("EXPIRY"):
        return
    for m in _finditer(EXPIRY_RE, _EXPIRY_LOW_RE, text):
        if _expiry_cued(cues, m.start(), m.end()):
            yield (m.start(), m.end(), "CARD_EXPIRY", 0.9)


def _expiry_cued(cues: Cues, start: int, end: int) -> bool:
    """An expiry cue is closest, and it is about a card: "promo code SAVE20 expires 12/31"
    (a negative cue just before, no card cue anywhere) is not a card expiry."""
    if cues.closest(start, end, before=40) != "EXPIRY":
        return False
    return not cues.near(start, "NEG", before=45) or cues.has("CARD") or cues.has("CVV")


# Spoken dates: "the fifth of May nineteen ninety", "May 5th, nineteen ninety",
# "lima Mei sembilan belas sembilan puluh", expiry "twelve twenty seven".
_NW = NUMBER_WORDS_RE
_DAY = rf"(?:\d{{1,2}}{_ORD}|{_NW})"
_YEAR = rf"(?:(?:19|20)\d{{2}}|{_NW})"
SPOKEN_DOB_RE = re.compile(
    rf"(?<![\w])(?:(?i:the|tanggal|tgl\.?)\s+)?(?:(?P<d>{_DAY})(?:\s+(?i:of))?\s+(?P<m>{_MONTHS})"
    rf"|(?P<m2>{_MONTHS})\s+(?:(?i:the)\s+)?(?P<d2>{_DAY})),?\s+(?P<y>{_YEAR})",
    re.IGNORECASE,
)
SPOKEN_EXPIRY_RE = re.compile(
    rf"(?<![\w])(?:(?P<m>{_MONTHS})[\s,]+(?:(?i:of)\s+)?)?(?P<w>{_NW}|\d{{2}}(?:\d{{2}})?)",
    re.IGNORECASE,
)
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
    if len(chunks) == 1:
        return chunks[0] if chunks[0] >= 1900 else None
    if len(chunks) == 2 and chunks[0] in (19, 20):
        return chunks[0] * 100 + chunks[1]
    return None


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


def spoken_dates(text: str, cues: Cues) -> Iterator[Candidate]:
    """Dates of birth and card expiries said in words (after their cue).

    The runs of number words are found first (one fast scan); the date patterns are
    only tried next to a run that has a DOB or expiry cue close by.
    """
    dob, expiry = cues.has("DOB"), cues.has("EXPIRY")
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
                day = _spoken_day(m.group("d") or m.group("d2"))
                year = _spoken_year(m.group("y"))
                valid = bool(day and 1 <= day <= 31 and year and 1900 <= year <= 2030)
                if valid and cues.closest(m.start(), m.end()) == "DOB":
                    start = m.start("d") if m.group("d") else m.start("m2")
                    done = m.end()
                    yield (start, m.end(), "DATE_OF_BIRTH", 0.9)
                    continue
        if expiry and cue == "EXPIRY" and run.start() >= done:
            m = SPOKEN_EXPIRY_RE.search(text, max(0, run.start() - 12), run.end())
            if m is None or m.end() != run.end():
                continue
            words = m.group("w")
            chunks = [int(words)] if words.isdigit() else number_chunks(words)
            if not chunks:
                continue
            if m.group("m"):
                ok = len(chunks) == 1 and (20 <= chunks[0] <= 39 or 2020 <= chunks[0] <= 2039)
                ok = ok or (len(chunks) == 2 and chunks[0] == 20 and 20 <= chunks[1] <= 39)
            else:
                ok = 1 <= chunks[0] <= 12 and (
                    (len(chunks) == 2 and 20 <= chunks[1] <= 39)
                    or (len(chunks) == 3 and chunks[1] == 20 and 20 <= chunks[2] <= 39)
                )
            if ok and _expiry_cued(cues, m.start(), m.end()):
                yield (m.start(), m.end(), "CARD_EXPIRY", 0.9)


# -- secrets -----------------------------------------------------------------------------------
PASSWORD_RE = re.compile(
    r"(?i:pass\s?word|passcode|kata\s?sandi(?:nya)?|sandi(?:nya)?|pin(?:nya)?)"
    r"(?:\s+(?i:saya|ku|nya|baru|lama|is|was|adalah|itu|yang\s+baru|my|new|old|sekarang)(?![\w])|\s*:)"
    r"{0,3}"
    r"\s*[:=]?\s*(?P<v>[^\s,;\"']{4,64})"
)
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
    ]
)


# "password is X", "password: X", and the Indonesian "sandinya X", "kata sandi saya X".
_MARKED_RE = re.compile(
    r"(?i)(?:\b(?:is|adalah|itu|saya|ku|sekarang)|(?:sandi|word|code)nya|'s|[:=])\s*$"
)


def secrets(text: str, cues: Cues) -> Iterator[Candidate]:
    for m in _finditer(PASSWORD_RE, _PASSWORD_LOW_RE, text):
        value = text[m.start("v") : m.end("v")].rstrip(".?)")
        if value.lower() in _NOT_SECRET or (value.isdigit() and len(value) < 4):
            continue
        if value.lower() in FUNCTION_WORDS:
            continue
        marked = _MARKED_RE.search(text, m.start(), m.start("v")) is not None
        mixed = any(c.isdigit() for c in value) or not value.isalpha()
        if marked or mixed:
            yield (m.start("v"), m.start("v") + len(value), "SECRET", 0.85)


# -- addresses ---------------------------------------------------------------------------------
_CAPW = r"(?!(?i:No|Nomor|Nmr|RT|RW|Blok|Blk|Kel|Kec|Kab|Kota)\b)[A-Z0-9][\w.'\-]*"
_ID_PART = (
    r"(?:,?\s*(?i:No\.?|Nomor|Nmr\.?|Blok|Blk\.?|RT\.?|RW\.?|Kel\.?|Kelurahan|Kec\.?|Kecamatan|"
    r"Kab\.?|Kabupaten|Kota|Desa|Dusun|Lantai|Lt\.?|Unit)\s*"
    rf"(?:\d+[A-Za-z]?(?![\w])|{NUMBER_WORDS_RE}|[A-Z][\w.\-]*)(?:\s?/\s?(?i:RW\.?\s*)?\d+)?(?:\s(?!RT|RW|No)[A-Z][\w]+){{0,3}})"
)
ADDRESS_ID_RE = re.compile(
    r"(?<![\w])(?:\d{1,5}[A-Za-z]?\s)?(?i:Jl\.?(?=\s)|Jln\.?|Jalan|Gg\.|Gang|Komplek|Komp\.|Perumahan|Perum\.?|Apartemen|Apt\.)\s*"
    rf"{_CAPW}(?:\s{_CAPW}){{0,4}}{_ID_PART}*(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?(?:,?\s\d{{5}})?"
)
_ST = (
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|"
    r"Ct\.?|Place|Pl\.?|Close|Crescent|Cres\.?|Terrace|Highway|Hwy\.?|Square|Sq\.?|Gardens|Grove|"
    r"Row|Mews|Parkway|Circle|Walk|Hill|Rise|Vale|Heights|Trail|Park)"
)
_EN_TAIL = (
    rf"\s(?:[A-Z][a-z]+\s){{1,3}}{_ST}(?![\w])(?:\s\d{{1,3}})?"
    r"(?:,?\s(?:Apt\.?|Apartment|Unit|Suite|Flat|#)\s?[\w\-]+)?"
    r"(?:,\s[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?(?:,?\s[A-Z]{2}(?=[\s,.]|$))?"
    r"(?:,?\s(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}))?"
)
ADDRESS_EN_RE = re.compile(rf"(?<![\w])\d{{1,5}}[A-Za-z]?{_EN_TAIL}")
# "Flat 3, 22 Baker Street": checked just before a match (not scanned for everywhere).
_FLAT_RE = re.compile(r"(?<![\w])(?:Flat|Unit|Apt\.?|Apartment)\s\w{1,4},?\s$")
# The house number said in words ("twelve Baker Street"): run only when a street word is there.
ADDRESS_EN_SPOKEN_RE = re.compile(rf"{NUMBER_WORDS_RE}{_EN_TAIL}")
ADDRESS_SG_RE = re.compile(
    r"(?<![\w])(?:Blk|Block)\s\d{1,4}[A-Z]?\s(?:[A-Z][a-z]+\s?){1,4}(?:\d{1,2})?"
    r"(?:,?\s?#\d{1,3}-\d{1,4})?(?:,?\s(?:Singapore|S)\s?\(?\d{6}\)?)?"
)


_STREET_WORD_RE = re.compile(rf"\s{_ST}(?![\w])")
_ID_HINT_WORDS = r"\b(?:jl|jln|jalan|gg|gang|komp|komplek|perum|perumahan|apartemen|apt)\b"
_ID_ADDR_HINT = re.compile("(?i)" + _ID_HINT_WORDS)
_ID_ADDR_HINT_LOW = re.compile(_ID_HINT_WORDS)  # for lower-cased ASCII: same answer, faster


def _id_address_hint(text: str) -> bool:
    if text.isascii():
        return _ID_ADDR_HINT_LOW.search(text.lower()) is not None
    return _ID_ADDR_HINT.search(text) is not None


def addresses(text: str, digits: bool = True) -> Iterator[Candidate]:
    """Street addresses. ``digits=False``: the text has none (the EN and SG forms need one)."""
    regexes = [ADDRESS_EN_RE, ADDRESS_SG_RE] if digits else []
    if _id_address_hint(text):
        regexes.append(ADDRESS_ID_RE)
    matches = [m for regex in regexes for m in regex.finditer(text)]
    if _STREET_WORD_RE.search(text) is not None and _has_number_word(text):
        streets = [(max(0, m.start() - 60), m.start()) for m in _STREET_WORD_RE.finditer(text)]
        # "twelve Baker Street": tried only where a run of number words starts
        for run in _number_word_runs(text, streets):
            m = ADDRESS_EN_SPOKEN_RE.match(text, run.start())
            if m is not None:
                matches.append(m)
    for m in matches:
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in " ,.":
            end -= 1
        if m.re is not ADDRESS_ID_RE:
            flat = _FLAT_RE.search(text, max(0, start - 20), start)
            start = flat.start() if flat is not None else start
        yield (start, end, "ADDRESS", 0.85)


# -- people ------------------------------------------------------------------------------------
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_INTRO_TAIL_RE = re.compile(r"(?:\s+[A-Z][a-z]+)?(?:\s+(?:from|here|speaking|dari|di\s+sini)\b|,)")
# After a greeting or thanks: the word closes the clause ("thanks Rina", "hi Declan, ...").
_CLOSE_TAIL_RE = re.compile(
    r"(?:\s+[A-Z][a-z]+)?(?:'s)?(?:\s*(?:[,.!?;)]|$)|\s+(?:ya|yah|ok|okay|please|tadi|kemarin|"
    r"yesterday|today|again|juga|lagi|sekali|for|untuk|about|soal|from|dari|here|speaking|di|at|on)\b)"
)
_SPACES_RE = re.compile(r"\s+")
# Spelling alphabets: "F for Freddie", "B as in Budi", "S untuk Siti" name a letter, not a person.
_SPELLING_RE = re.compile(r"(?<![\w'])[A-Za-z]\s+(?:for|as\s+in|untuk|seperti)\s+$")


def _spelling(text: str, start: int) -> bool:
    return _SPELLING_RE.search(text, max(0, start - 12), start) is not None


def _weak_name(text: str, m: re.Match[str], words: list[re.Match[str]], tokens: list[str]) -> int:
    """Words of a name after a weak trigger that the name lists alone did not accept."""
    family = surnames()
    first = tokens[0]
    low = first.lower().removesuffix("'s")
    if low in NOT_NAME or low in FUNCTION_WORDS or len(low) < 2:
        return 0
    after = text[m.start("name") + words[0].end() :]
    if first[0].isupper():
        # "this is Declan from ...", "It's Siobhan here", "Saya Sutrisno Nasution"
        if _INTRO_TAIL_RE.match(after) or (len(tokens) > 1 and tokens[1].lower() in family):
            return name_extent(tokens, "title")
        trigger = _SPACES_RE.sub(" ", m.group("weak").lower())
        if trigger in GREETINGS and _CLOSE_TAIL_RE.match(after):
            return name_extent(tokens, "title")
        return 0
    # lower-case ASR: "this is rina from ...", "thanks rina"
    if low in given_names() and low not in AMBIGUOUS:
        trigger = _SPACES_RE.sub(" ", m.group("weak").lower())
        if _INTRO_TAIL_RE.match(after) or (trigger in GREETINGS and _CLOSE_TAIL_RE.match(after)):
            return name_extent(tokens, "strong")
    return 0


def _name_end(text: str, start: int, end: int) -> int:
    """``end`` without a possessive "'s" ("Mr Tan's account")."""
    return end - 2 if end - start > 2 and text[end - 2 : end] == "'s" else end


def people(text: str) -> Iterator[Candidate]:
    given, family = given_names(), surnames()
    pos = 0
    lowered = text.lower() if text.isascii() else None
    while (m := next_trigger(text, lowered, pos)) is not None:
        strength = "title" if m.group("title") else "strong" if m.group("strong") else "weak"
        name_start = m.start("name")
        words = list(_WORD_RE.finditer(m.group("name")))
        tokens = [w.group() for w in words]
        count = name_extent(tokens, strength)
        if not count and strength == "weak" and tokens:
            count = _weak_name(text, m, words, tokens)
        if count and _spelling(text, name_start):
            count = 0
        if count:
            end = _name_end(text, name_start, name_start + words[count - 1].end())
            yield (name_start, end, "PERSON", 0.9 if strength != "weak" else 0.8)
            pos = end
        else:
            pos = name_start
    for m in CAP_RUN_RE.finditer(text):
        words = m.group().split()
        first = words[0].lower()
        if first in given and first not in AMBIGUOUS and not _spelling(text, m.start()):
            count = 1
            for w in words[1:]:
                low = w.lower()
                if low in NOT_NAME:
                    break
                count += 1
            span = m.group().split()[:count]
            end = m.start() + len(" ".join(span)) if count == len(words) else None
            if end is None:
                # recompute end over the original spacing
                pos = m.start()
                for w in span:
                    pos = text.index(w, pos) + len(w)
                end = pos
            end = _name_end(text, m.start(), end)
            yield (m.start(), end, "PERSON", 0.75 if count > 1 or first in family else 0.7)
