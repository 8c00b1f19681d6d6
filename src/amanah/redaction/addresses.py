"""Street addresses, Indonesian and English (and Singapore blocks), written or said.

Three ways in: the street patterns (``Jl. Melati No. 5``, ``221B Baker Street``, ``Blk 123
...``), the lower-case forms of chats and transcripts, and the clause after an address cue
("alamat saya di ...", "my address is ..."), joined with the patterns it overlaps.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from .lang import FUNCTION_WORDS
from .names import common_words, given_names
from .recognizers import (
    _NW_BUCKETS,
    Candidate,
    _for_lowered,
    _has_number_word,
    _number_word_runs,
    has_number,
)
from .spoken import NUMBER_WORDS_RE, by_first_letter

_ID_KEYS = (
    r"No|Nomor|Nmr|RT|RW|Blok|Blk|Kelurahan|Kel|Kecamatan|Kec|Kabupaten|Kab|Kota|Lt|Lantai|Unit|"
    r"Kavling|Kav|Desa|Dusun|Sektor|Sector|Tahap|Fase"
)
_CAPW = rf"(?!(?i:{_ID_KEYS})\b)[A-Z0-9][\w.'\-/]*"
# Chat addresses are often typed in lower case ("jl mawar no 12"): lower-case street
# words count when a house number follows them.
_LOWW = rf"(?!(?i:{_ID_KEYS})\b)[a-z][a-z'\-]*"
_NO_KEY = r"(?i:no\.?|nomor|nmr\.?|blok|sektor|sector|tahap|fase)"
_STREET_NAME = (
    rf"(?:{_CAPW}(?:\s{_CAPW}){{0,4}}"
    rf"|{_LOWW}(?:\s{_LOWW}){{0,5}}(?=\s{_NO_KEY}?\s?\d|\s{_NO_KEY}\s{NUMBER_WORDS_RE}"
    r"|\s(?i:blok|blk)\s[A-Za-z0-9]{1,3}(?![\w])))"
)
# Towns and cities typed in lower case after a street ("... nomor 19 jakarta selatan").
_CITIES_LOW = [
    "jakarta", "bandung", "surabaya", "medan", "bekasi", "tangerang", "depok", "bogor", "semarang",
    "yogyakarta", "jogjakarta", "jogja", "malang", "denpasar", "makassar", "palembang", "batam",
    "bali", "solo", "surakarta", "pekanbaru", "padang", "balikpapan", "samarinda", "manado",
    "pontianak", "banjarmasin", "cirebon", "sidoarjo", "gresik", "kediri", "cimahi", "sukabumi",
    "singapore", "singapura", "kuala lumpur", "johor bahru", "new york", "london", "los angeles",
    "chicago", "houston", "san francisco", "boston", "seattle", "sydney", "melbourne", "brisbane",
    "perth", "manchester", "birmingham", "glasgow", "edinburgh", "dublin", "toronto", "vancouver",
]  # fmt: skip
_CITY_TAIL_RE = re.compile(
    rf",?\s(?i:(?:{by_first_letter(_CITIES_LOW)})(?:\s(?:selatan|utara|barat|timur|pusat|"
    r"south|north|east|west|city))?)(?![\w])"
)
# A town after a comma, but not a title or a word that opens the next clause.
_PLACE = (
    r"(?!(?:Pak|Bu|Bapak|Ibu|Mas|Mbak|Kak|Mr|Mrs|Ms|Terima|Tolong|Mohon|Saya|Dan|Yang|Thanks|"
    r"Please|And|The|Thank|Jl|Jln|Jalan|Gg|Gang)\b)[A-Z][A-Za-z]+(?:\s[A-Z][a-z]+){0,2}"
)  # (a street word opens the next part: "Apartemen ... No. 08, Jl. Raya ...")
_ID_PART = (
    r"(?:,?\s*(?i:No\.?|Nomor|Nmr\.?|Blok|Blk\.?|RT\.?|RW\.?|Kel\.?|Kelurahan|Kec\.?|Kecamatan|"
    r"Kab\.?|Kabupaten|Kota|Desa|Dusun|Lantai|Lt\.?|Unit|Kav\.?|Kavling|Sektor|Sector|Tahap|"
    r"Fase)(?:(?<=\.)|(?![A-Za-z]))\s*"
    rf"(?:\d+(?:\.\d+)?[A-Za-z]?(?![\w])|{NUMBER_WORDS_RE}|[A-Za-z][\w.\-]*(?:\s\d{{1,4}}[A-Za-z]?(?![\w]))?)"
    r"(?:\s?[/-]\s?(?i:RW\.?\s*)?\d+[A-Za-z]?)?"
    rf"(?:\s(?!(?i:{_ID_KEYS})\b)(?:[A-Z][\w]+|[a-z]{{3,}}(?![\w'-]))){{0,3}})"
)
ADDRESS_ID_RE = re.compile(
    r"(?<![\w])(?:\d{1,5}[A-Za-z]?\s)?(?i:Jl\.?(?=\s)|Jln\.?|Jalan|Gg\.?(?=\s)|Gang|Komplek|Kompleks|Komp\.|"
    r"Perumahan|Perum\.?|Apartemen|Apt\.|Kampung|Kp\.|Dusun|Dsn\.|Desa|Cluster|Ruko)\s*"
    rf"{_STREET_NAME}{_ID_PART}*(?:,\s*{_PLACE}){{0,3}}(?:,?\s\d{{5}})?"
)
_ST_WORDS = [
    "Street", "St\\.?", "Road", "Rd\\.?", "Avenue", "Ave\\.?", "Lane", "Ln\\.?", "Drive", "Dr\\.?",
    "Boulevard", "Blvd\\.?", "Way", "Court", "Ct\\.?", "Place", "Pl\\.?", "Close", "Crescent",
    "Cres\\.?", "Terrace", "Highway", "Hwy\\.?", "Square", "Sq\\.?", "Gardens", "Grove", "Row",
    "Mews", "Parkway", "Circle", "Walk", "Hill", "Rise", "Vale", "Heights", "Trail", "Park",
]  # fmt: skip
_ST = f"(?:{by_first_letter(_ST_WORDS)})"
_EN_TAIL = (
    rf"\s(?:(?:[A-Z][a-z]+(?:'s)?|\d{{1,3}}(?:st|nd|rd|th))\s){{1,3}}{_ST}(?![\w])(?:\s\d{{1,3}})?"
    r"(?:,?\s(?:(?i:apt\.?|apartment|unit|suite|flat)|#)\s?[\w\-]+)?"
    r"(?:,\s(?!(?:Thanks|Thank|Please|And|But|The|Is|Correct|Right|Yes|No|Ok|Okay)\b)"
    r"(?:Co\.\s|County\s)?[A-Z][a-z]+(?:\s[A-Z][a-z]+)?){0,3}(?:,?\s[A-Z]{2}(?=[\s,.]|$))?"
    r"(?:,?\s(?:\d{4,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})(?![\w]))?"
)
ADDRESS_EN_RE = re.compile(rf"\d(?<![\w]\d)\d{{0,4}}[A-Za-z]?{_EN_TAIL}")
# "Flat 3, 22 Baker Street": checked just before a match (not scanned for everywhere).
_FLAT_RE = re.compile(r"(?<![\w])(?:Flat|Unit|Apt\.?|Apartment|Level|Floor)\s\w{1,4},?\s$")
# "Kost Griya Putra, Jl. ...", "Gedung Graha Mitra Lt. 9, Jl. ...": the building before the street
_BUILDING_RE = re.compile(
    r"(?<![\w])(?:Kost?|Gedung|Wisma|Menara|Graha|Ruko|Apartemen|Tower)\s(?:[A-Z][\w\-]*\s?){1,4}"
    r"(?:(?:Lt\.?|Lantai)\s?\d{1,3}\s?)?(?:No\.?\s?\d{1,4}[A-Za-z]?\s?)?,\s*$"
)
# The house number said in words ("twelve Baker Street"): run only when a street word is there.
ADDRESS_EN_SPOKEN_RE = re.compile(rf"{NUMBER_WORDS_RE}{_EN_TAIL}")
# A post-office box, with the town, state and postcode after it: "PO Box 2281, Austin, TX
# 78768", "P.O. Box 17, Leeds LS1 4AP", "Kotak Pos 1234 Jakarta 10000".
ADDRESS_BOX_RE = re.compile(
    r"(?<![\w])(?i:p\.?\s?o\.?\s?box|post\s+office\s+box|kotak\s+pos)\s#?\d{1,6}(?![\w])"
    r"(?:,?\s(?!(?:Thanks|Thank|Please|And|But|The)\b)[A-Z][a-z]+(?:\s[A-Z][a-z]+)?){0,3}"
    r"(?:,?\s[A-Z]{2}(?=[\s,.]|$))?"
    r"(?:,?\s(?:\d{4,6}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2})(?![\w]))?"
)
_EN_SCAN_BELOW = 300  # characters: a chat message is scanned whole


def en_addresses(text: str, at: list[int] | None) -> list[re.Match[str]]:
    """``list(ADDRESS_EN_RE.finditer(text))``, tried only where a match can open before
    one of its street words (``at``: the space before each, _STREET_AT_LOW_RE's; None:
    unknown). Opening with any digit, the pattern is tried at every digit of a transcript.

    A match is a house number (1-6 characters) and a space, then one to three words each
    followed by one space, the last of them the space before its street word: walked back
    over those words, the number ends at the space before each of the first three."""
    if at is None or len(text) < _EN_SCAN_BELOW:
        return list(ADDRESS_EN_RE.finditer(text))
    starts: set[int] = set()
    for end in at:
        for _ in range(3):  # the one to three words before the street word
            t = end
            while t and not text[t - 1].isspace():
                t -= 1
            if t == end or not t:
                break  # two spaces, or the text's start: no number before
            end = t - 1  # the space before the word: the number ends there
            starts.update(s for s in range(max(0, end - 6), end) if text[s].isdigit())
    out: list[re.Match[str]] = []
    for s in sorted(starts):  # leftmost, non-overlapping, as finditer
        if out and s < out[-1].end():
            continue
        m = ADDRESS_EN_RE.match(text, s)
        if m is not None:
            out.append(m)
    return out


# A continental street, its type word first, with its postcode and town ("14 Rue des Tanneurs,
# 67000 Strasbourg", "3 Via della Spiga, 20121 Milano, Italia"): only with both, as a street
# word alone ("via email", "la Place") says nothing.
_EU_ST = (
    r"Rue|Avenue|Av\.|Boulevard|Bd|Place|All[ée]e|Chemin|Quai|Impasse|Cours|Route|Via|Viale|"
    r"Piazza|Corso|Calle|Avenida|Rua|Travessa|Largo"
)
_EU_PARTICLE = r"(?:(?:de|des|du|la|le|les|del|della|delle|dei|di|da|do|dos|das|y)\s|d'|l')"
ADDRESS_EU_RE = re.compile(
    rf"\d(?<![\w]\d)\d{{0,4}}[A-Za-z]?,?\s(?:{_EU_ST})\s{_EU_PARTICLE}{{0,2}}[A-Z][\w'\-]+"
    rf"(?:\s{_EU_PARTICLE}{{0,2}}[A-Z][\w'\-]+){{0,3}},?\s\d{{4,5}}\s[A-Z][\w'\-]+"
    r"(?:[\s-][A-Z][\w'\-]+){0,2}(?:,\s(?:France|Belgique|Belgium|Suisse|Switzerland|Luxembourg|"
    r"Monaco|Italia|Italy|Espa[ñn]a|Spain|Portugal))?"
)
# ADDRESS_EU_RE's street words (_EU_ST), by what each opens with ("Ru": Rue, Rua; "Av":
# Avenue, Av., Avenida; "All": Allée, Allee; "Via": Viale): found by str.find.
_EU_OPENINGS = (
    "Ru", "Av", "Boulevard", "Bd", "Place", "All", "Chemin", "Quai", "Impasse", "Cours", "Route",
    "Via", "Piazza", "Corso", "Calle", "Travessa", "Largo",
)  # fmt: skip
_EU_REACH = 8  # from a match's first digit to its street word: 5 digits, a letter, ",", " "
_EU_SCAN_BELOW = 300  # characters: a chat message is scanned whole


def eu_addresses(text: str) -> list[re.Match[str]]:
    """``list(ADDRESS_EU_RE.finditer(text))``, tried only a few places before each of its
    street words (after a space, a digit there): opening with any digit, the pattern would
    be tried at every digit of a transcript. A short text is scanned whole: cheaper than
    one search for each street word."""
    if len(text) < _EU_SCAN_BELOW:
        return list(ADDRESS_EU_RE.finditer(text))
    starts: set[int] = set()
    for word in _EU_OPENINGS:
        at = text.find(word, 2)
        while at != -1:
            if text[at - 1].isspace():
                starts.update(s for s in range(max(0, at - _EU_REACH), at - 1) if text[s].isdigit())
            at = text.find(word, at + 1)
    out: list[re.Match[str]] = []
    for s in sorted(starts):  # leftmost, non-overlapping, as finditer
        if out and s < out[-1].end():
            continue
        m = ADDRESS_EU_RE.match(text, s)
        if m is not None:
            out.append(m)
    return out


# ADDRESS_EU_RE's street words that no English form has: where they are (and where the
# English street words are) is found in the one scan for street words (_STREET_AT_LOW_RE).
# Only the common ones: each is tried at every place its first letter is, in every message
# (an address on a rarer street, "Quai ...", is still found when another hint is there).
_EU_WORDS = ["rue", "rua", "via", "viale", "piazza", "calle", "avenida", "chemin"]
# A block, a street and a unit ("Blk 41 Jurong West St 42 #05-12"), said too ("block
# forty-one, ... Street forty-two, hash 0512"), or a house number and a street with the
# six-digit postcode after "Singapore" ("88 Lorong Chuan, #11-04, Singapore 556741").
_SG_UNIT = r"(?:,?\s?(?:#|hash\s)\d{1,3}-?\d{1,4})?"
_SG_BLOCK = (
    rf"[Bb](?<![\w][Bb])(?:lk|lock)\s(?:\d{{1,4}}[A-Z]?(?![\w])|{NUMBER_WORDS_RE}),?\s"
    rf"(?:[A-Z][a-z]+\s?){{1,4}}(?:\d{{1,2}}(?![\w])|{NUMBER_WORDS_RE})?"
    rf"{_SG_UNIT}(?:,?\s(?:Singapore|S)\s?\(?\d{{6}}\)?)?"
)
_SG_STREET = (
    rf"\d(?<![\w]\d)\d{{0,3}}[A-Z]?\s(?:[A-Z][a-z]+\s?){{1,4}}(?:\d{{1,2}}(?![\w]))?"
    rf"{_SG_UNIT},?\sSingapore\s?\(?\d{{6}}\)?"
)
ADDRESS_SG_RE = re.compile(f"{_SG_BLOCK}|{_SG_STREET}")
_SG_BLOCK_RE = re.compile(_SG_BLOCK)
_SG_STREET_RE = re.compile(_SG_STREET)
_SG_REACH = 200  # from a street form's first digit to its "Singapore": far more than any


def sg_addresses(text: str) -> list[re.Match[str]]:
    """``ADDRESS_SG_RE.finditer(text)``, with its street form tried only before a
    "Singapore": opening with any digit, that form would be tried all over a transcript."""
    found = list(_SG_BLOCK_RE.finditer(text))
    at = text.find("Singapore")
    while at != -1:
        found.extend(_SG_STREET_RE.finditer(text, max(0, at - _SG_REACH), at + 30))
        at = text.find("Singapore", at + 9)
    if len(found) < 2:
        return found
    found.sort(key=lambda m: (m.start(), m.re is not _SG_BLOCK_RE))  # the block form first
    out: list[re.Match[str]] = []
    for m in found:  # leftmost, non-overlapping, as one scan of the two forms
        if not out or m.start() >= out[-1].end():
            out.append(m)
    return out


_STREET_WORD_RE = re.compile(rf"\s{_ST}(?![\w])")
# Lower-case transcripts (ASR, quick chat): "i live at 42 wallaby way", "twelve baker street".
_ST_LOW_WORDS = [
    "street", "st", "road", "rd", "avenue", "ave", "lane", "ln", "drive", "boulevard", "blvd",
    "way", "court", "place", "close", "crescent", "terrace", "highway", "square", "gardens",
    "grove", "mews", "parkway", "circle",
]  # fmt: skip
_ST_LOW = f"(?:{by_first_letter(_ST_LOW_WORDS)})"
_STREET_WORD_LOW_RE = re.compile(rf"\s{_ST_LOW}(?![\w])")
_STREET_ANY_LOW_RE = re.compile(
    rf"\s(?:{by_first_letter([w.lower() for w in _ST_WORDS])})(?![\w])"
)  # either case, in lower-cased text
# _STREET_ANY_LOW_RE's words, or (group "eu") those of ADDRESS_EU_RE alone.
_STREET_AT_LOW_RE = re.compile(
    rf"\s(?:{by_first_letter([w.lower() for w in _ST_WORDS])}|(?P<eu>{by_first_letter(_EU_WORDS)}))"
    r"(?![\w])"
)
ADDRESS_EN_LOW_RE = re.compile(
    rf"(?<![\w])(?:\d{{1,5}}[a-z]?|(?:{_NW_BUCKETS})(?:[\s-]+(?:{_NW_BUCKETS}))*)"
    rf"\s(?P<name>(?:[a-z][a-z']+\s){{1,3}}){_ST_LOW}(?![\w])"
)
# "... street apartment six c", "... road unit 4b": the flat after a lower-case street.
_FLAT_LOW_RE = re.compile(
    rf",?\s(?:apartment|apt|unit|suite|flat|number|no)\s(?:\d{{1,4}}[a-z]?|{NUMBER_WORDS_RE})"
    r"(?:\s[a-z](?![\w]))?"
)
# Words that say a distance or a direction, not a street's name ("3 blocks down the road").
_NOT_STREET = frozenset(
    ["blocks", "block", "miles", "mile", "metres", "meters", "km", "minutes", "mins", "down", "up",
     "along", "past", "off", "onto", "across", "near", "houses", "doors", "steps", "times", "days"]
)  # fmt: skip
_ID_HINT_LIST = [
    "jl", "jln", "jalan", "gg", "gang", "komp", "komplek", "kompleks", "perum", "perumahan",
    "apartemen", "apt", "kampung", "kp", "dusun", "dsn", "desa", "cluster", "ruko",
]  # fmt: skip
_ID_HINT_WORDS = r"\b(?:" + "|".join(_ID_HINT_LIST) + r")\b"
_ID_ADDR_HINT = re.compile("(?i)" + _ID_HINT_WORDS)


def _word_start_alternation(words: list[str]) -> str:
    r"""``\b(?:w1|w2|...)\b`` for lower-case words, grouped by first letter with the
    word-start test after that letter (see names.CAP_RUN_RE): the engine then skips to
    the letters a word can start with instead of trying every position. Same matches."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    alts = [f"{c}(?<![\\w]{c})(?:{'|'.join(rests)})" for c, rests in groups.items()]
    return "(?:" + "|".join(alts) + r")\b"


# for lower-cased ASCII text: the same answers as _ID_ADDR_HINT, several times faster
_ID_ADDR_HINT_LOW = re.compile(_word_start_alternation(_ID_HINT_LIST))


_HOUSE_NO_BEFORE_RE = re.compile(r"(?<![\w])\d{1,5}[A-Za-z]?\s$")


def _id_addresses(text: str, low: str) -> Iterator[re.Match[str]]:
    """ADDRESS_ID_RE's matches, tried only where one of its street words is (``low`` is
    ``text.lower()``): its scan of a whole document is slow, and streets are few."""
    if not text.isascii():
        if _id_address_hint(text):
            yield from ADDRESS_ID_RE.finditer(text)
        return
    done = 0
    for hint in _ID_ADDR_HINT_LOW.finditer(low):
        if hint.start() < done:
            continue
        number = _HOUSE_NO_BEFORE_RE.search(text, max(done, hint.start() - 8), hint.start())
        for at in (number.start(), hint.start()) if number is not None else (hint.start(),):
            m = ADDRESS_ID_RE.match(text, at)
            if m is not None:
                done = m.end()
                yield m
                break


def _id_address_hint(text: str) -> bool:
    if text.isascii():
        return _ID_ADDR_HINT_LOW.search(text.lower()) is not None
    return _ID_ADDR_HINT.search(text) is not None


# An address after its cue ("alamat saya di ...", "my address is ...", "I live at ..."),
# in whatever shape it comes: up to the end of the clause.
_ADDRESS_CUES = (
    r"(?<![\w-])(?i:alamat(?:nya)?(?:\s+(?:saya|aku|rumah|kantor|lengkap(?:nya)?|pengiriman|baru|"
    r"lama|tinggal|domisili|penagihan|surat|ktp|sekarang)(?![\w]))?(?:\s+(?:di|ke|adalah|yaitu)(?![\w]))?"
    r"|(?:(?:home|billing|delivery|mailing|new|postal|shipping|current|street|old)\s+)?address"
    r"(?:\s+(?:is|was)(?![\w]))?"
    r"|(?:rumah|apartemen|apartment|kos|kost|kosan|kontrakan|tempat\s+tinggal)(?:ku|nya)?"
    r"(?:\s+(?:saya|sy|aku|kami|gue|gw))?\s+(?:ada\s+)?di"
    r"|my\s+(?:house|home|flat|apartment|place|condo|unit)\s+is\s+(?:at|in|on)"
    r"|i\s+live\s+(?:at|on|in)|i\s+stay\s+at|i(?:'m|\s+am)\s+staying\s+at|i(?:'ve|\s+have)?\s+moved\s+to|tinggal\s+di"
    r"|domisili(?:\s+di)?|pindah\s+ke|deliver(?:ed)?\s+(?:it\s+)?to|ship(?:ped)?\s+(?:it\s+)?to"
    r"|kirim(?:kan)?(?:\s+ke\s+alamat|\s+ke))(?![\w])"
)
ADDRESS_CUE_RE = re.compile(_ADDRESS_CUES)
_ADDRESS_CUE_LOW_RE = _for_lowered(ADDRESS_CUE_RE)  # over lower-cased ASCII text: faster
# the clause after the cue: up to a full stop, but not the dot of "Jl.", "No.", "Lt."
_ADDRESS_VALUE_RE = re.compile(
    r"\s*:?\s+(?P<v>[A-Za-z0-9](?:[^\n.?!;]|\.(?<![A-Za-z]{5}\.)(?=\s?[\w#])){4,160})"
)
_ADDRESS_STOP_RE = re.compile(
    r",?\s+(?:(?i:ya|yah|dan|and|tapi|but|with|dekat|near|next\s+to|sebelah|please|tolong|"
    r"thanks|makasih|terima|karena|because|since|sejak|atas\s+nama|a\.n\.|attn|c/o|u\.p\.)|"
    r"kak|pak|bu|mbak|mas|bersama)(?![\w])"  # in lower case only: not "Jl. Karya Bersama"
    r"|,\s*(?:Pak|Bu|Bapak|Ibu|Mbak|Mas|Kak|Mr|Mrs|Ms|Miss|Dr)\.?\s"
    r"|,?\s*\+?\d[\d \-]{7,}\d|\S+@"
    # (not an address's own part after the comma: "..., nomor lima belas", "er-te tiga")
    r"|,\s*(?!(?i:rt|rw|er-?te|er-?we|kel|kelurahan|kec|kecamatan|kab|kota|no|blok|blk|desa|"
    r"dusun|kav|lt|lantai|apt|unit|flat|suite|gang|gg|(?:nomor|nomer)(?=\s+(?:\d|satu|dua|"
    r"tiga|empat|lima|enam|tujuh|delapan|sembilan|se)))\b)[a-z]"
)
# What the address is for, between the cue and a colon: "(address) for the chargeback
# letter:", "(alamat) untuk pengiriman kartu:".
_LABEL_RE = re.compile(r"(?i:for|on|of|untuk|buat|pada)\s[^\d:\n.?!]{1,40}:\s*(?=[A-Za-z0-9#])")
_ADDRESS_WORD_RE = re.compile(
    r"(?<![\w])(?i:rt|rw|no|nomor|blok|blk|kel|kec|kab|desa|dusun|kav|lantai|lt|unit|flat|apt|"
    rf"apartment|jl|jln|jalan|gg|gang)(?![\w])|\s{_ST}(?![\w])"
)
_LAST_WORD_RE = re.compile(r"(?<![\w])[a-z]+$")


_OTHER_ADDRESS_RE = re.compile(r"(?i:e-?mail|ip|web|website|surel)\s+$")


_FIRST_WORD_RE = re.compile(r"[A-Za-z]+")


def _person_first(text: str, start: int) -> bool:
    """Does the text at ``start`` open with a title or a listed given name?"""
    m = _FIRST_WORD_RE.match(text, start)
    if m is None:
        return False
    low = m.group().lower()
    return low in given_names() or low in _TITLE_WORDS


_TITLE_WORDS = frozenset(
    ["pak", "bu", "bapak", "ibu", "mbak", "mas", "kak", "mr", "mrs", "ms", "miss", "dr", "sdr"]
)


def _address_cues(text: str) -> Iterator[re.Match[str]]:
    """ADDRESS_CUE_RE's matches: over ASCII text, searched for only around the words it
    needs (a scan with its leading look-behind at every position is slow on documents)."""
    if not text.isascii():
        yield from ADDRESS_CUE_RE.finditer(text)
        return
    low, done = text.lower(), 0
    for hit in _ADDRESS_CUE_HINT_RE.finditer(low):
        if hit.start() < done:
            continue
        m = _ADDRESS_CUE_LOW_RE.search(low, max(done, hit.start() - 24), hit.end() + 24)
        if m is not None and m.start() <= hit.start() < m.end():
            done = m.end()
            yield m


def _cued_addresses(text: str) -> Iterator[tuple[int, int]]:
    """Spans of addresses that follow an address cue: the clause after it, when it looks
    like one (a house number, RT/RW, a street word) and is not an email or IP address."""
    for cue in _address_cues(text):
        if _OTHER_ADDRESS_RE.search(text, max(0, cue.start() - 10), cue.start()):
            continue
        m = _ADDRESS_VALUE_RE.match(text, cue.end())
        if m is None:
            continue
        start, end = m.start("v"), m.end("v")
        label = _LABEL_RE.match(text, start, end)  # "address for the letter: Unit 7, ..."
        start = label.end() if label is not None else start
        if _person_first(text, start):
            continue  # "kirim ke Budi Santoso, Jl. ...": the person is not the address
        stop = _ADDRESS_STOP_RE.search(text, start, end)
        end = stop.start() if stop is not None else end
        # all in lower case (ASR, chat): a town is a lower-case word too, so only everyday
        # words are cut from the end
        lower = not _CAPITAL_RE.search(text, start, end)
        while True:  # not the lower-case words after it ("... Jakarta Selatan last month")
            while end > start and text[end - 1] in " ,.-":
                end -= 1
            last = _LAST_WORD_RE.search(text, start, end)
            if last is None or last.start() == start or _ADDRESS_WORD_RE.fullmatch(last.group()):
                break
            if (
                lower
                and last.group() not in common_words()
                and not _NUMBER_WORD_RE.fullmatch(last.group())
            ):
                break
            end = last.start()
        value = text[start:end]
        if len(value) < 8 or " " not in value:
            continue
        # a place: capitalised words, and an address word (RT, No., Street) or a number
        capitals = sum(1 for w in value.split() if len(w) >= 3 and w[0].isupper())
        if value[0].islower() or not capitals:  # "pls: Flat 3, ...": the street patterns' job
            if _lower_address(value):
                yield start, end
            continue
        if _ADDRESS_WORD_RE.search(value) or (capitals >= 2 and has_number(value)):
            yield start, end


_CAPITAL_RE = re.compile(r"[A-Z]")
_NUMBER_WORD_RE = re.compile(NUMBER_WORDS_RE)


def _lower_address(value: str) -> bool:
    """An address typed or transcribed in lower case ("221 baker lane apartment four c austin
    texas 78701"): a house number first, then an address or street word."""
    if not (value[0].isdigit() or _ID_ADDR_HINT_LOW.match(value) or _BEFORE_HOUSE_RE.match(value)):
        return False
    if not (has_number(value) or _has_number_word(value)):
        return False
    return (
        _ADDRESS_WORD_RE.search(value) is not None or _STREET_WORD_LOW_RE.search(value) is not None
    )


# Words that can open a lower-case address before its number: "flat 9 ...", "blok c 2 ...".
_BEFORE_HOUSE_RE = re.compile(r"(?:flat|apartment|apt|unit|suite|block|blk|blok|house)\s")


def addresses(text: str, digits: bool = True) -> Iterator[Candidate]:
    """Street addresses. ``digits=False``: the text has none (the EN and SG forms need one).

    An address after a cue is taken to the end of its clause, joined with the street
    patterns it overlaps (so the whole of it is redacted, not just the part they know)."""
    low = text.lower()  # for cheap tests of which patterns can match at all
    if text.isascii() and not _may_hold_address(low, digits):
        return
    found = list(_street_addresses(text, low, digits))
    for s, e in _cued_addresses(text) if _ADDRESS_CUE_HINT_RE.search(low) else ():
        inside = [c for c in found if c[0] < e and s < c[1]]
        lo, hi = min([s, *(c[0] for c in inside)]), max([e, *(c[1] for c in inside)])
        found.append((lo, hi, "ADDRESS", 0.9 if inside else 0.86))
    if found and _BUSINESS_HINT_RE.search(low) is not None:
        found = [c for c in found if not _business(text, c[0], c[1])]
    if len(found) > 1:
        found = _joined(text, found)
    for s, e, kind, score in found:
        if s and text[s - 1] == "-":  # "forty-four ten Cedar Ridge Drive": "four ten" is 410
            tens = _TENS_BEFORE_RE.search(text, max(0, s - 9), s)
            s = tens.start() if tens is not None else s
        yield s, e, kind, score


def _joined(text: str, found: list[Candidate]) -> list[Candidate]:
    """Spans that overlap or only a comma parts joined into one: parts of the same address
    ("Apartemen Kalibata City ... No. 08" and "Jl. Raya Kalibata, Jakarta Selatan")."""
    out: list[Candidate] = []
    for c in sorted(found):
        if out and (c[0] < out[-1][1] or text[out[-1][1] : c[0]] in (", ", ",")):
            last = out[-1]
            out[-1] = (last[0], max(last[1], c[1]), last[2], max(last[3], c[3]))
        else:
            out.append(c)
    return out


# The tens word of a house number said in pairs, left as a word by normalise ("forty-410").
_TENS_BEFORE_RE = re.compile(r"(?i)(?<![\w])(?:twen|thir|for|fif|six|seven|eigh|nine)ty-$")


# A company's own premises ("our head office is at ...", "kantor cabang kami di ..."): not
# the caller's personal data, so left as it is.
_BUSINESS_HINT_RE = re.compile(
    r"head\s?(?:office|quarters)|hq\b|branch|outlet|showroom|gerai|cabang|kc[pu]\b|"
    r"kantor\s+(?:pusat|kami)|"
    r"our\s+(?:office|store|shop|warehouse|service)|toko\s+kami|service\s+cent(?:er|re)"
)
_BUSINESS_RE = re.compile(
    r"(?i:(?<![\w])(?:head\s?(?:office|quarters)|hq|(?:our|the|nearest|a)\s+branch(?:es)?|branch\s+office|"
    r"our\s+(?:office|offices|store|shop|outlet|showroom|warehouse|service\s+cent(?:er|re))|"
    r"outlet\s+kami|gerai(?:\s+kami)?|showroom(?:\s+kami)?|kantor\s+(?:pusat|cabang|kami|perwakilan)|"
    r"cabang\s+(?:kami|terdekat|utama)|toko\s+kami|service\s+cent(?:er|re)|"
    r"(?:bank|company|perusahaan)(?:'s)?\s+(?:office|address|alamat|kantor))(?![\w]))"
)
_SENTENCE_END_RE = re.compile(r"[.!?\n](?:\s|$)")


# A branch named by its street: "Cabang Jl. Sudirman", "kcp jalan melawai", "outlet di Jl. ...",
# "the branch on Orchard Road", "Jl. Sudirman branch".
_BRANCH_BEFORE_RE = re.compile(
    r"(?i:(?<![\w])(?:cabang|kcp|kcu|kantor\s+cabang|outlet|gerai|branch)"
    r"(?:\s+(?:di|yang\s+di|yang\s+ada\s+di|at|on|in))?\s*)$"
)
_BRANCH_AFTER_RE = re.compile(r"(?i:\s*(?:branch|outlet)(?![\w]))")


def _business(text: str, start: int, end: int) -> bool:
    """Is the address at ``start:end`` a business's, by its sentence?"""
    if _BRANCH_BEFORE_RE.search(text, max(0, start - 24), start) or _BRANCH_AFTER_RE.match(
        text, end
    ):
        return True
    lo = max(0, start - 100)
    for m in _SENTENCE_END_RE.finditer(text, lo, start):
        lo = m.end()
    if _BUSINESS_RE.search(text, lo, start) is not None:
        return True
    # after it, in the same clause: "1 Raffles Place is our head office"
    stop = _CLAUSE_END_RE.search(text, end)
    hi = min(stop.start() if stop is not None else len(text), end + 40)
    return _BUSINESS_RE.search(text, end, hi) is not None


_CLAUSE_END_RE = re.compile(r"[,;.!?\n]")


# Where ADDRESS_CUE_RE can match, in lower-cased text (a cheap test before the costly one).
_ADDRESS_CUE_HINT_WORDS = [
    "alamat", "address", "live", "stay", "moved", "tinggal", "domisili", "pindah", "deliver",
    "ship", "kirim", "rumah", "apartemen", "apartment", "kos", "kontrakan", "house", "home",
    "flat", "place", "condo", "unit",
]  # fmt: skip
_ADDRESS_CUE_HINT_RE = re.compile(by_first_letter(_ADDRESS_CUE_HINT_WORDS))


def _any_hint() -> str:
    """One alternation that matches where _STREET_ANY_LOW_RE, _ID_ADDR_HINT_LOW or
    _ADDRESS_CUE_HINT_RE would (at a nearby position). Grouped by first letter, with the
    boundary tests after it, so the engine skips to the letters that can start a word.
    Order does not matter: only whether something matches is used."""
    kinds = (
        ([w.lower() for w in _ST_WORDS], r"(?<=\s{})", r"(?![\w])"),  # \s before, as there
        (_EU_WORDS, r"(?<=\s{})", r"(?![\w])"),
        (_ID_HINT_LIST, r"(?<![\w]{})", r"\b"),
        (_ADDRESS_CUE_HINT_WORDS, "", ""),
    )
    groups: dict[str, list[str]] = {}
    for words, before, after in kinds:
        rests: dict[str, list[str]] = {}
        for word in words:
            rests.setdefault(word[0], []).append(word[1:])
        for c, rest in rests.items():
            groups.setdefault(c, []).append(f"{before.format(c)}(?:{'|'.join(rest)}){after}")
    return "|".join(f"{c}(?:{'|'.join(alts)})" for c, alts in groups.items())


_ANY_HINT_RE = re.compile(_any_hint())


def _may_hold_address(low: str, digits: bool) -> bool:
    """Can any address pattern match ``low`` (lower-cased ASCII)? One scan for the street,
    Indonesian street and address-cue words instead of one scan each (most messages have
    none of them)."""
    if digits and (
        "blk" in low or "block" in low or "singapore" in low or "box" in low or "kotak pos" in low
    ):
        return True  # the Singapore block and the post-office box forms have their own
    return _ANY_HINT_RE.search(low) is not None


def _street_words(regex: re.Pattern[str], text: str, at: list[int] | None) -> list[re.Match[str]]:
    """``list(regex.finditer(text))`` for _STREET_WORD_RE and _STREET_WORD_LOW_RE, tried only
    at ``at`` (where _STREET_ANY_LOW_RE matches the lower-cased text, None: unknown).

    Their matches open with a space and hold no other, so they never overlap, and each is
    one of _STREET_ANY_LOW_RE's: one scan of the text instead of three."""
    if at is None:
        return list(regex.finditer(text))
    return [m for p in at if (m := regex.match(text, p)) is not None]


def _street_addresses(text: str, low: str, digits: bool = True) -> Iterator[Candidate]:
    # where a street word is (the EN forms all need one), in either case
    eu = False  # a street word of ADDRESS_EU_RE's own
    if text.isascii():
        at = []
        for m in _STREET_AT_LOW_RE.finditer(low):
            if m.lastgroup == "eu":
                eu = True
            else:
                at.append(m.start())
        street = bool(at)
    else:
        at = None
        street = _STREET_ANY_LOW_RE.search(low) is not None
        eu = _STREET_AT_LOW_RE.search(low) is not None
    finders: list[Callable[[str], Iterable[re.Match[str]]]] = []
    if digits and street:
        finders.append(lambda t: en_addresses(t, at))
    if digits and ("blk" in low or "block" in low or "singapore" in low):
        finders.append(sg_addresses)
    if digits and ("box" in low or "kotak pos" in low):
        finders.append(ADDRESS_BOX_RE.finditer)
    if digits and (eu or street):  # ("Avenue", "Place": street words of both)
        finders.append(eu_addresses)
    matches = [m for find in finders for m in find(text)]
    matches.extend(_id_addresses(text, low))
    words = _street_words(_STREET_WORD_RE, text, at) if street else []
    if words and _has_number_word(text):
        streets = [(max(0, m.start() - 60), m.start()) for m in words]
        # "twelve Baker Street": tried only where a run of number words starts
        for run in _number_word_runs(text, streets):
            m = ADDRESS_EN_SPOKEN_RE.match(text, run.start())
            if m is not None:
                matches.append(m)
    for st in _street_words(_STREET_WORD_LOW_RE, text, at) if street else ():
        lo = max(0, st.start() - 60)
        if not (has_number(text[lo : st.start()]) or _has_number_word(text[lo : st.start()])):
            continue  # "in a way", "close to": no house number before the street word
        m = ADDRESS_EN_LOW_RE.search(text, lo, st.end())
        if m is not None and m.end() == st.end():
            words = m.group("name").split()
            if not any(w in FUNCTION_WORDS or w in _NOT_STREET for w in words):
                matches.append(m)
    for m in matches:
        start, end = m.start(), m.end()
        while end > start and text[end - 1] in " ,.":
            end -= 1
        if m.re is ADDRESS_EN_LOW_RE:
            flat = _FLAT_LOW_RE.match(text, end)
            end = flat.end() if flat is not None else end
        if m.re is not ADDRESS_ID_RE:
            flat = _FLAT_RE.search(text, max(0, start - 20), start)
            start = flat.start() if flat is not None else start
        if m.re is ADDRESS_ID_RE:
            end = _trim_id(text, start, end)
            if _bare_street(text[start:end]):
                continue  # "macet di Jalan MH Thamrin": a place passed, not where one lives
            if start > 2 and text[start - 2] == ",":
                building = _BUILDING_RE.search(text, max(0, start - 60), start)
                start = building.start() if building is not None else start
        city = _CITY_TAIL_RE.match(text, end)
        end = city.end() if city is not None else end
        start, end = _widen(text, start, end)
        yield (start, end, "ADDRESS", 0.85)


def _bare_street(value: str) -> bool:
    """A street named without a house number, RT/RW, block or km: only an address after a
    cue ("alamat saya di Jalan Melati", found by the cued pattern)."""
    return not has_number(value) and not _has_number_word(value)


# A US state after the town ("... austin texas 78701"): full names only, a two-letter code
# only in capitals with its ZIP ("Austin, TX 78701" is matched by the street patterns).
_US_STATES = [
    "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut",
    "delaware", "florida", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas",
    "kentucky", "louisiana", "maine", "maryland", "massachusetts", "michigan", "minnesota",
    "mississippi", "missouri", "montana", "nebraska", "nevada", "new hampshire", "new jersey",
    "new mexico", "new york", "north carolina", "north dakota", "ohio", "oklahoma", "oregon",
    "pennsylvania", "rhode island", "south carolina", "south dakota", "tennessee", "texas",
    "utah", "vermont", "virginia", "washington", "west virginia", "wisconsin", "wyoming",
]  # fmt: skip
_US_STATE = f"(?:{by_first_letter(_US_STATES)})"
# A UK postcode, written or said ("M14 5PQ", "m fourteen five p q", "sw one a one a a").
_UK_NUM = (
    r"(?:\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|"
    r"fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty(?:\s(?:one|two|three|four|"
    r"five|six|seven|eight|nine))?|zero|oh)"
)
_UK_DIGIT = r"(?:\d|zero|oh|one|two|three|four|five|six|seven|eight|nine)"
_UK_POSTCODE = (
    rf"[a-z](?:\s?[a-z])?\s?{_UK_NUM}(?:\s?[a-z](?![a-z]))?\s?{_UK_DIGIT}\s?[a-z]\s?[a-z](?![\w])"
)
# Before a house number: the word "block" and number words the normaliser left
# ("block 123 ...", "twenty 211 mission street" from "twenty two eleven").
_BEFORE_RE = re.compile(
    rf"(?:(?<![\w])(?:blk|block|blok|house|rumah|flat|apartment|apt|unit|suite)\s"
    r"|(?<![\w])(?:flat|apartment|apt|unit|suite)\s#?[\w\-]{1,5},?\s"
    rf"|(?<![\w])(?:{_NW_BUCKETS})\s)$",
    re.IGNORECASE,
)
# After an address: a block number said after the street ("avenue three"), the unit
# ("unit 05112", "#03-12", "hash 03123"), "singapore 560123", a postcode, a town.
_TAIL_RE = re.compile(
    rf",?\s(?:(?:unit|apartment|apt|flat|suite|hash|#|lantai|floor|level|lt)\.?\s?#?"
    rf"(?:\d[\d\-]*[a-z]?|{NUMBER_WORDS_RE})(?:\s[a-z](?![\w]))?"
    r"|(?:singapore|singapura|s)\s?\(?\d{6}\)?(?![\w])|\d{5,6}(?:-\d{4})?(?![\w])"
    rf"|(?:(?!(?:and|or|but|in|to|from|near|dan|di|ke)\s)[a-z]+\s){{0,2}}{_US_STATE}(?:,?\s\d{{5}}(?:-\d{{4}})?)?(?![\w])"
    rf"|{_UK_POSTCODE}"
    rf"|(?:\d{{1,3}}[a-z]?(?![\w])|{NUMBER_WORDS_RE})(?=,?\s(?:unit|apartment|apt|flat|#|hash|"
    r"singapore|singapura|lantai)(?![\w])|\s*[.,;!?]?\s*$))",
    re.IGNORECASE,
)


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """The address with the parts around it that the patterns leave out."""
    while (before := _BEFORE_RE.search(text, max(0, start - 12), start)) is not None:
        start = before.start()
    while (tail := _TAIL_RE.match(text, end)) is not None and tail.end() > end:
        end = tail.end()
        city = _CITY_TAIL_RE.match(text, end)
        end = city.end() if city is not None else end
    return start, end


_ID_KEY_WORDS = frozenset(
    ["no", "nomor", "nmr", "rt", "rw", "blok", "blk", "kel", "kec", "kab", "kota", "lt", "lantai",
     "unit", "kav", "kavling", "desa", "dusun", "kelurahan", "kecamatan", "kabupaten"]
)  # fmt: skip
_LOW_TAIL_WORD_RE = re.compile(r"(?<![\w])[a-z]{3,}(?![\w'-])")


def _trim_id(text: str, start: int, end: int) -> int:
    """The end of an Indonesian address before the first everyday word among the lower-case
    words after its street ("... kelurahan cempaka putih dekat masjid": not "dekat masjid")."""
    key = _ID_KEY_RE.search(text, start, end)
    if key is None:
        return end
    common = common_words()
    for w in _LOW_TAIL_WORD_RE.finditer(text, key.end(), end):
        word = w.group()
        if word in common and word not in _ID_KEY_WORDS:
            end = w.start()
            while end > start and text[end - 1] in " ,.":
                end -= 1
            break
    return end


_ID_KEY_RE = re.compile(
    r"(?i:(?<![\w])(?:no|nomor|nmr|rt|rw|blok|blk|kel|kelurahan|kec|kecamatan|kav)\b)"
)
