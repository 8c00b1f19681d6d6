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
from .names import (
    AMBIGUOUS,
    CAP_RUN_RE,
    NOT_NAME,
    given_names,
    name_extent,
    next_trigger,
    surnames,
)
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
    if cue == "EXPIRY":
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
        for m in _finditer(SPOKEN_EMAIL_RE, _SPOKEN_EMAIL_LOW_RE, text):
            yield (m.start(), m.end(), "EMAIL_ADDRESS", 0.8)
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
    r")(?![\w/])",
    re.IGNORECASE,
)
EXPIRY_RE = re.compile(
    r"(?<![\w/.-])(?:(?:0?[1-9]|1[0-2])\s?[/\-]\s?(?:20)?\d{2}"
    rf"|{_MONTHS}\s(?:20)?\d{{2}}|(?:0[1-9]|1[0-2])\s(?:20)?\d{{2}})(?![\w/])",
    re.IGNORECASE,
)
_DATE_LOW_RE = _for_lowered(DATE_RE)
_EXPIRY_LOW_RE = _for_lowered(EXPIRY_RE)


def dates(text: str, cues: Cues) -> Iterator[Candidate]:
    for m in _finditer(DATE_RE, _DATE_LOW_RE, text) if cues.has("DOB") else ():
        if cues.closest(m.start(), m.end()) == "DOB":
            yield (m.start(), m.end(), "DATE_OF_BIRTH", 0.9)
    for m in _finditer(EXPIRY_RE, _EXPIRY_LOW_RE, text) if cues.has("EXPIRY") else ():
        cue = cues.closest(m.start(), m.end(), before=40)
        if cue == "EXPIRY":
            yield (m.start(), m.end(), "CARD_EXPIRY", 0.9)


# -- secrets -----------------------------------------------------------------------------------
PASSWORD_RE = re.compile(
    r"(?i:pass\s?word|passcode|kata\s?sandi(?:nya)?|sandi(?:nya)?|pin(?:nya)?)"
    r"(?:\s+(?i:saya|ku|nya|baru|lama|is|was|adalah|itu|yang\s+baru|my|new|old|sekarang|:)){0,3}"
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


def secrets(text: str, cues: Cues) -> Iterator[Candidate]:
    for m in _finditer(PASSWORD_RE, _PASSWORD_LOW_RE, text):
        value = text[m.start("v") : m.end("v")].rstrip(".?)")
        if value.lower() in _NOT_SECRET or (value.isdigit() and len(value) < 4):
            continue
        marked = bool(
            re.search(r"(?i)\b(?:is|adalah|itu)\s*$|[:=]\s*$", text[m.start() : m.start("v")])
        )
        mixed = any(c.isdigit() for c in value) or not value.isalpha()
        if marked or mixed:
            yield (m.start("v"), m.start("v") + len(value), "SECRET", 0.85)


# -- addresses ---------------------------------------------------------------------------------
_CAPW = r"(?!(?i:No|Nomor|Nmr|RT|RW|Blok|Blk|Kel|Kec|Kab|Kota)\b)[A-Z0-9][\w.'\-]*"
_ID_PART = (
    r"(?:,?\s*(?i:No\.?|Nomor|Nmr\.?|Blok|Blk\.?|RT\.?|RW\.?|Kel\.?|Kelurahan|Kec\.?|Kecamatan|"
    r"Kab\.?|Kabupaten|Kota|Desa|Dusun|Lantai|Lt\.?|Unit)\s*"
    r"(?:\d+[A-Za-z]?|[A-Z][\w.\-]*)(?:\s?/\s?(?i:RW\.?\s*)?\d+)?(?:\s(?!RT|RW|No)[A-Z][\w]+){0,3})"
)
ADDRESS_ID_RE = re.compile(
    r"(?<![\w])(?i:Jl\.?(?=\s)|Jln\.?|Jalan|Gg\.|Gang|Komplek|Komp\.|Perumahan|Perum\.?|Apartemen|Apt\.)\s*"
    rf"{_CAPW}(?:\s{_CAPW}){{0,4}}{_ID_PART}*(?:,\s*[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?(?:,?\s\d{{5}})?"
)
_ST = (
    r"(?:Street|St\.?|Road|Rd\.?|Avenue|Ave\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Way|Court|"
    r"Ct\.?|Place|Pl\.?|Close|Crescent|Cres\.?|Terrace|Highway|Hwy\.?|Square|Sq\.?)"
)
ADDRESS_EN_RE = re.compile(
    rf"(?<![\w])\d{{1,5}}[A-Za-z]?\s(?:[A-Z][a-z]+\s){{1,3}}{_ST}(?![\w])(?:\s\d{{1,3}})?"
    r"(?:,?\s(?:Apt\.?|Apartment|Unit|Suite|Flat|#)\s?[\w\-]+)?"
    r"(?:,\s[A-Z][a-z]+(?:\s[A-Z][a-z]+)?)?(?:,?\s[A-Z]{2}(?=[\s,.]|$))?"
    r"(?:,?\s(?:\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}))?"
)
ADDRESS_SG_RE = re.compile(
    r"(?<![\w])(?:Blk|Block)\s\d{1,4}[A-Z]?\s(?:[A-Z][a-z]+\s?){1,4}(?:\d{1,2})?"
    r"(?:,?\s?#\d{1,3}-\d{1,4})?(?:,?\s(?:Singapore|S)\s?\(?\d{6}\)?)?"
)


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
    for regex in regexes:
        for m in regex.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in " ,.":
                end -= 1
            yield (m.start(), end, "ADDRESS", 0.85)


# -- people ------------------------------------------------------------------------------------
_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'\-]*")
_INTRO_TAIL_RE = re.compile(r"(?:\s+[A-Z][a-z]+)?(?:\s+(?:from|here|speaking|dari|di\s+sini)\b|,)")


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
        if not count and strength == "weak" and tokens and tokens[0][0].isupper():
            # "this is Declan from ...", "It's Siobhan here", "Saya Sutrisno Nasution"
            after = text[name_start + words[0].end() :]
            low = tokens[0].lower()
            if low not in NOT_NAME and (
                _INTRO_TAIL_RE.match(after) or (len(tokens) > 1 and tokens[1].lower() in family)
            ):
                count = name_extent(tokens, "title")
        if count:
            end = name_start + words[count - 1].end()
            yield (name_start, end, "PERSON", 0.9 if strength != "weak" else 0.8)
            pos = end
        else:
            pos = name_start
    for m in CAP_RUN_RE.finditer(text):
        words = m.group().split()
        first = words[0].lower()
        if first in given and first not in AMBIGUOUS:
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
            yield (m.start(), end, "PERSON", 0.75 if count > 1 or first in family else 0.7)
