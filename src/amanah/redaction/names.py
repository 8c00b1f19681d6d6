"""PERSON recognition without a statistical model: titles, self-introductions, name lists."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from .lang import FUNCTION_WORDS


@cache
def _load(name: str) -> frozenset[str]:
    raw = resources.files("amanah.redaction").joinpath("data", name).read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in raw.splitlines() if line.strip() and line[0] != "#"
    )


@cache
def given_names() -> frozenset[str]:
    """Indonesian and English given names (built once: the union is not free per call)."""
    return _load("names_id.txt") | _load("names_en.txt")


def surnames() -> frozenset[str]:
    return _load("surnames.txt")


# Given names that are also everyday words: never matched on their own.
AMBIGUOUS = frozenset(
    [
        "made",
        "ayu",
        "tri",
        "dwi",
        "eka",
        "nur",
        "sri",
        "mega",
        "citra",
        "kurnia",
        "lestari",
        "bintang",
        "surya",
        "wati",
        "sari",
        "grace",
        "nia",
        "ria",
        "tika",
        "dian",
        "adam",
        "bagus",
        "agung",
        "suci",
        "teguh",
        "putra",
    ]
) | frozenset(
    # given names that are also words, places or heroes' streets (English, Indonesian)
    [
     "chase", "hunter", "mason", "austin", "jordan", "savannah", "sierra", "brooke", "amber",
     "ruby", "jade", "crystal", "destiny", "poppy", "dean", "glen", "rio", "lucky", "ferry",
     "merry", "tiara", "indah", "fajar", "permata", "mutiara", "purnama", "dharma", "satria",
     "gede", "wan", "umi", "imam", "iman", "tari", "puspa", "gita", "rahmat", "slamet", "sugeng",
     "yoga", "panca", "catur", "sekar", "kirana", "laras", "sudirman", "kartini", "gatot",
     # Chinese given-name syllables: a name only beside another listed name ("Wei Ling")
     "wei", "ling", "mei", "hua", "jun", "jie", "xin", "yi", "hui", "min", "kai", "hao", "zhi",
     "xiao", "na", "yan", "ying", "qing", "fang", "jing", "lan", "xiu", "ming", "hong", "jian",
     "guo", "zhen", "chun", "yong", "kian", "boon", "chee", "siew", "swee", "beng", "hock", "kok",
     "meng", "leng", "peng", "hwee", "geok", "choon", "keat", "wen", "ting", "shu", "zi", "yu",
     "jia", "xuan", "rui", "han", "lei", "tao", "bo", "feng", "lin", "yun", "ping", "li"]
)  # fmt: skip
# Capitalised words that never continue a name.
NOT_NAME = frozenset(
    [
        "i",
        "i'm",
        "im",
        "i'll",
        "i've",
        "i'd",
        "it's",
        "that's",
        "let's",
        "we're",
        "you're",
        "there's",
        "here's",
        "the",
        "a",
        "an",
        "and",
        "or",
        "of",
        "from",
        "dari",
        "di",
        "ke",
        "dan",
        "yang",
        "bank",
        "bca",
        "bni",
        "bri",
        "mandiri",
        "amanah",
        "customer",
        "service",
        "team",
        "support",
        "thank",
        "thanks",
        "terima",
        "kasih",
        "halo",
        "hello",
        "hi",
        "selamat",
        "pagi",
        "siang",
        "sore",
        "malam",
        "good",
        "morning",
        "afternoon",
        "evening",
        "ok",
        "okay",
        "yes",
        "no",
        "ya",
        "tidak",
        "baik",
        "jakarta",
        "surabaya",
        "bandung",
        "singapore",
        "indonesia",
        "london",
        "please",
        "mohon",
        "my",
        "your",
        "saya",
        "anda",
        "is",
        "am",
        "are",
        "was",
        "here",
        "speaking",
        "calling",
        "with",
        "dengan",
        "ini",
        "itu",
        "this",
        "that",
        "mr",
        "mrs",
        "ms",
        "miss",
        "dr",
        "pak",
        "bu",
        "bapak",
        "ibu",
        "mas",
        "mbak",
        "kak",
        "sir",
        "madam",
        "card",
        "kartu",
        "account",
        "rekening",
        "visa",
        "mastercard",
        "otp",
        "pin",
        "nik",
        "ktp",
        "npwp",
        "email",
        "jl",
        "jalan",
        "jln",
        "gg",
        "gang",
        "blok",
        "blk",
        "rt",
        "rw",
        "kel",
        "kec",
        "kav",
        "lantai",
        "lt",
        "komplek",
        "perumahan",
        "perum",
        "tower",
        "apartemen",
        "cluster",
        "ruko",
        "wisma",
        "gedung",
        "avenue",
        "lane",
        "street",
        "road",
        "sorry",
        "maaf",
        "how",
        "can",
        "what",
        "apa",
        "bisa",
        "boleh",
        "just",
        "sudah",
        "fine",
        "good",
        "sure",
        "afraid",
        "glad",
        "happy",
        "calling",
        "not",
        "here",
        "there",
        "still",
        "also",
        "only",
        "going",
        # greeted or thanked, but not people: brands, apps, days, months, fillers
        "google",
        "amazon",
        "tokopedia",
        "shopee",
        "gojek",
        "grab",
        "paypal",
        "apple",
        "samsung",
        "whatsapp",
        "telkomsel",
        "ovo",
        "gopay",
        "dana",
        "netflix",
        "everyone",
        "everybody",
        "all",
        "guys",
        "so",
        "very",
        "much",
        "banyak",
        "again",
        "anyway",
        "god",
        "bro",
        "sis",
        "gan",
        "admin",
        "agent",
        "agen",
        "there",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "senin",
        "selasa",
        "rabu",
        "kamis",
        "jumat",
        "sabtu",
        "minggu",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "januari",
        "februari",
        "maret",
        "mei",
        "juni",
        "juli",
        "agustus",
        "oktober",
        "desember",
    ]
)
# Triggers after which an unlisted capitalised word that ends the clause is a name:
# greetings, thanks and "with/dengan/sama" ("thanks Rina", "hi Declan, ...").
GREETINGS = frozenset(
    [
        "thanks",
        "thank you",
        "terima kasih",
        "makasih",
        "hi",
        "hello",
        "halo",
        "hai",
        "hey",
        "dear",
        "bye",
        "with",
        "dengan",
        "sama",
        "speaking with",
        "you're speaking with",
        "youre speaking with",
        "berbicara dengan",
        "bicara dengan",
        "spoke to",
        "spoke with",
        "speak to",
        "talked to",
        "call me",
        "regards",
        "best regards",
        "salam",
        "cheers",
        "sincerely",
        "hormat saya",
    ]
)

TITLE = (  # also typed in lower case in chats ("makasih mbak rina", "pak budi")
    r"(?i:Bapak|Bpk\.?|Pak|Ibu|Bu|Mbak|Mba|Mas|Sdr\.?|Sdri\.?|Saudara|Saudari|Bang|Abang|Om|"
    r"Tante|Koh|Cik|Kang|Akang|Encik|Puan|Hj\.?|Haji|Kak|Kakak|Dik|Adik|Dek|Teh|Bli|Mbok|Tuan|"
    r"Nyonya|Nona|Cece|Ci|Ko|"
    r"Ir\.|Drs\.?|Dra\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Mister|Mdm\.?|Madam|Dr\.?|Prof\.?)"
)
STRONG = (
    r"(?i:nama(?:\s+lengkap)?\s+saya|nama\s+lengkapnya|namaku|nama\s+saya\s+adalah|"
    r"atas\s+nama|a\.\s?n\.?|a/n|my\s+(?:full\s+)?name\s+is|my\s+name'?s|full\s+name\s+is|"
    r"name\s+on\s+the\s+(?:card|account)\s+is|nama\s+di\s+kartu(?:nya)?|nama\s+pemilik(?:nya)?|"
    r"card\s*holder(?:'s)?\s+name\s+is|nama\s+ibu\s+kandung(?:\s+saya)?|mother'?s\s+maiden\s+name\s+is|"
    r"under\s+the\s+name(?:\s+of)?|the\s+name\s+is|in\s+the\s+name\s+of|nama\s+pemegang|"
    r"surname(?:'s)?|last\s+name(?:'s)?|family\s+name|first\s+name|middle\s+name|maiden\s+name|"
    r"given\s+name|"
    r"recipient|beneficiary|payee|penerima(?:nya)?|pengirim(?:nya)?|"
    r"nama(?:nya|ku)?(?:\s+(?:lengkap(?:nya)?|saya|aku|suami|istri|anak|ibu|ayah|beliau|penerima|"
    r"pengirim|pemilik(?:nya)?|nasabah|pemegang|kartu|rekening))*|name)"
)
WEAK = (
    r"(?i:this\s+is|it'?s|i\s+am|i'?m|speaking\s+with|you'?re\s+speaking\s+with|"
    r"berbicara\s+dengan|bicara\s+dengan|dengan|saya|aku|gue|ini|thanks|thank\s+you|terima\s+kasih|"
    r"hi|hello|halo|hai|hey|bye|makasih|dear|for|untuk|with|atas|sama|ke|"
    r"spoke\s+(?:to|with)|speak\s+to|talked\s+to|call\s+me|regards|best\s+regards|salam|cheers|"
    r"sincerely|hormat\s+saya)"
)
_TOKEN = r"[A-Za-z][A-Za-z'\-]*"
TRIGGER_RE = re.compile(
    rf"(?<![\w])(?:(?P<title>{TITLE})|(?P<strong>{STRONG})|(?P<weak>{WEAK}))"
    rf"(?:\s+(?i:adalah|is|:))?[\s,:]+(?P<name>{_TOKEN}(?:\s+{_TOKEN}){{0,3}})"
)
# The word-start test comes after the first letter: a pattern that opens with a
# look-behind cannot skip ahead to the characters it can start with, and so tries every
# position of the text; one that opens with a character class can (two to three times faster).
CAP_RUN_RE = re.compile(r"[A-Z](?<![\w'][A-Z])[a-z'\-]+(?:\s+[A-Z][a-z'\-]+){0,4}")


# Where a trigger word could start, in lower-cased ASCII text: every place TRIGGER_RE
# matches, and a few more. Case-sensitive, so several times faster than the (?i:) parts.
def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of ``(?i:a|b|...)``."""
    body, depth, out, cur = pattern.removeprefix("(?i:")[:-1], 0, [], ""
    for i, ch in enumerate(body):
        escaped = i > 0 and body[i - 1] == "\\"
        if ch == "(" and not escaped:
            depth += 1
        elif ch == ")" and not escaped:
            depth -= 1
        elif ch == "|" and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    return [*out, cur]


def _by_first_char(patterns: list[str]) -> str:
    """The alternatives grouped by their (literal, lower-case) first character: the engine
    rejects a whole group with one test. Order within a group is kept, though here only
    *where* a match can start matters."""
    groups: dict[str, list[str]] = {}
    for alt in patterns:
        assert alt[:1].isalpha() and alt[1:2] not in ("?", "*", "+", "{"), alt
        groups.setdefault(alt[0].lower(), []).append(alt[1:].lower())
    return "|".join(f"{c}(?:{'|'.join(rests)})" for c, rests in groups.items())


_TRIGGER_START_RE = re.compile(
    r"(?<![\w])(?:"
    + _by_first_char([*_alternatives(TITLE), *_alternatives(STRONG), *_alternatives(WEAK)])
    + ")"
)


def next_trigger(text: str, low: str | None, pos: int) -> re.Match[str] | None:
    """``TRIGGER_RE.search(text, pos)``; ``low`` is ``text.lower()`` for ASCII text, else None.

    Only the places :data:`_TRIGGER_START_RE` finds in ``low`` can start a match,
    so the slower TRIGGER_RE is tried there alone.
    """
    if low is None:
        return TRIGGER_RE.search(text, pos)
    while (start := _TRIGGER_START_RE.search(low, pos)) is not None:
        m = TRIGGER_RE.match(text, start.start())
        if m is not None:
            return m
        pos = start.start() + 1
    return None


def name_extent(words: list[str], strength: str) -> int:
    """How many of ``words`` form the name after a trigger of ``strength``."""
    given, family = given_names(), surnames()
    count = 0
    for i, word in enumerate(words):
        low = word.lower().strip("'-")
        if low.endswith("'s"):  # "Mr Tan's account"
            low = low[:-2]
        if low in NOT_NAME:
            break
        listed = low in given or low in family
        if i == 0 and low in FUNCTION_WORDS and not listed:
            break  # "Kak Mau tanya", "Pak Sudah": a word, not a name
        capital = word[0].isupper()
        if i == 0:
            if strength == "weak" and not (listed and capital and low not in AMBIGUOUS):
                break
            if strength == "title" and not (capital or listed):
                break
            if strength == "strong" and not (capital or listed):
                break
        elif not (capital or listed or (strength == "strong" and low not in FUNCTION_WORDS)):
            break
        count += 1
        if word.endswith("'s"):
            break  # a possessive ends the name
    return count
