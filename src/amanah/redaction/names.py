"""PERSON recognition without a statistical model: titles, self-introductions, name lists."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from functools import cache
from importlib import resources

from .lang import FUNCTION_WORDS
from .spoken import by_first_letter


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


@cache
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
     "jia", "xuan", "rui", "han", "lei", "tao", "bo", "feng", "lin", "yun", "ping", "li",
     # Hokkien spellings (Chinese-Indonesian, Singaporean): "Ong Tjoe Liang", "Lie Mei Hwa"
     "tjoe", "liang", "hwa", "hwie", "kiem", "swie", "sioe", "nio", "hian", "kie", "tjeng",
     "siok", "liong", "gwan", "tjien", "tjoen", "bing", "hok", "giok", "kiat", "hoat", "khing",
     "lian", "tiong", "tjwan", "siang", "sian", "tjiang", "gim", "houw", "joen", "kwan", "lien",
     "mey", "tjhoen", "yauw", "wai", "kiong", "keng", "seong", "loong", "chong", "kheng",
     "teck", "huat", "eng", "bee", "keong", "hoon", "choo", "soon", "wah", "fook", "kin",
     "foong", "yoke", "mun", "kum", "yin", "hin", "sze", "tze", "kwok", "chye", "suan", "guat",
     "poh", "gek", "cheng", "chin", "seng", "kiang", "huay", "siong", "khoon", "cheow", "chiew",
     "ngee", "wai", "kuan", "kiam", "thiam", "tiang", "soo", "beng", "tiong",
     # words too: "jaya" (glory), "raja" (king), "desak" (urgent), "hakim" (judge) ...
     "jaya", "raja", "desak", "alit", "hakim", "gusti", "hidayah", "rohani", "devi", "rani",
     "noor", "nour", "huda", "uma", "usha", "mariam",
     # short forms that are everyday English words: "Bill Turner", not "the bill"
     "bill", "rob", "pat", "sue", "max", "ray", "don", "ken", "nick",
     # Balinese "Luh" (girl), like "Ni": "Ni Luh Putu Ayu", but "Ni Luh" alone names no one
     "luh"]
)  # fmt: skip
# Capitalised words that never continue a name.
NOT_NAME = frozenset(
    [
        "i",
        "rp",  # "limit kartu Bapak Rp 25.000.000": a currency after a title
        "usd",
        "sgd",
        "idr",
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
        # departments an agent answers for: "you're through to Billing, how can I help?"
        "billing",
        "sales",
        "reservations",
        "bookings",
        "enquiries",
        "inquiries",
        "collections",
        "complaints",
        "accounts",
        "helpdesk",
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
        "facebook",
        "instagram",
        "twitter",
        "tiktok",
        "telegram",
        "youtube",
        "linkedin",
        "wechat",
        "messenger",
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
        "sy",
        "aq",
        "gw",
        "gua",
    ]
) | frozenset(
    # fillers and acknowledgements that open a turn ("... mbak" + "Oke Pak, saya ulangi")
    ["oke", "okey", "oce", "okai", "sip", "siap", "noted", "mantap", "nah", "wah", "yup", "yep",
     "yeah", "alright", "baiklah", "iya", "nggak", "enggak", "gak", "ga", "betul", "benar",
     "right", "correct", "great", "perfect", "cool", "hmm", "hm", "uh", "um", "eh", "oh"]
) | frozenset(
    # the next field of a form after a name ("Nama: Rosmawati Nasution Tgl lahir: ...")
    ["tgl", "tanggal", "ttl", "lahir", "alamat", "telp", "telepon", "hp", "dob", "phone", "tel",
     "mobile", "address", "jenis", "kelamin", "agama", "pekerjaan", "status", "rek", "norek",
     "no", "nomor", "birth", "born", "date", "expiry", "exp", "cvv", "kode", "code"]
) | frozenset(
    # nationalities, demonyms and ethnic groups: "I'm Malaysian", "saya orang Batak"
    [
     "malaysian", "indonesian", "singaporean", "chinese", "indian", "american", "british",
     "english", "australian", "filipino", "filipina", "thai", "vietnamese", "japanese", "korean",
     "arab", "arabic", "dutch", "german", "french", "italian", "spanish", "portuguese", "russian",
     "canadian", "irish", "scottish", "welsh", "european", "asian", "african", "muslim",
     "christian", "catholic", "hindu", "buddhist", "javanese", "balinese", "sundanese",
     "malay", "melayu", "jawa", "sunda", "bali", "batak", "minang", "bugis", "betawi",
     "tionghoa", "cina", "tamil", "punjabi", "bengali", "pakistani", "bangladeshi", "burmese",
     "cambodian", "bruneian", "timorese", "papua", "papuan", "dayak", "madura",
     "madurese", "acehnese", "aceh", "local", "foreigner", "foreign", "expat", "citizen",
     "resident", "permanent", "wni", "wna", "pr", "warga", "negara", "asing", "orang",
     "new", "zealander", "kiwi", "taiwanese", "mainland", "nationality",
     "kewarganegaraan", "passport", "paspor", "ic", "nric", "fin"]
)  # fmt: skip
# Triggers after which an unlisted capitalised word that ends the clause is a name:
# greetings, thanks and "with/dengan/sama" ("thanks Rina", "hi Declan, ...").
GREETINGS = frozenset(
    [
        "thanks",
        "thank you",
        "terima kasih",
        "makasih",
        "hi",
        "hiya",
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
        # a nickname or a correction: "..., panggilan Tere.", "I go by Kit.", "I mean Kit"
        "panggilan",
        "go by",
        "goes by",
        "calls me",
        "known as",
        "maksudnya",
        "maksud saya",
        "i mean",
    ]
)

TITLE = (  # also typed in lower case in chats ("makasih mbak rina", "pak budi")
    r"(?i:Bapak|Bpk\.?|Pak|Ibu|Bu|Mbak|Mba|Mas|Sdr\.?|Sdri\.?|Saudara|Saudari|Bang|Abang|Om|"
    r"Tante|Koh|Cik|Kang|Akang|Encik|Puan|Hj\.?|Haji|Kak|Kakak|Dik|Adik|Dek|Teh|Bli|Mbok|Tuan|"
    r"Nyonya|Nona|Cece|Ci|Ko|"
    r"Ir\.|Drs\.?|Dra\.?|Mr\.?|Mrs\.?|Ms\.?|Miss|Mister|Mdm\.?|Madam|Dr\.?|Prof\.?|"
    r"Doctor|Dokter|Professor|Profesor|Ustadz|Ustaz|Ustazah|Romo|Pendeta|Pastor|Datuk|Dato'?|"
    r"Datin|Tun|Sister|Suster)"
)
# Where a document names the holder: "nama sesuai buku tabungan", "name as per my passport".
_ID_DOCS = (
    r"(?:ktp|e-?ktp|kartu(?:\s+(?:identitas|kredit|debit|atm))?|buku\s+tabungan|rekening|paspor|"
    r"passport|identitas|sim|kk|akun|aplikasi|ic|nric|id|card|account|record|booking|ticket|"
    r"policy|polis)"
)
# Chinese family names said first ("i'm goh chee keong", "saya lim swee hock"): none is an
# everyday English or Indonesian word, and a given-name syllable must follow (see _CN_INTRO).
_CN_SURNAMES = (
    "tan", "lim", "goh", "ong", "ng", "teo", "koh", "chua", "yeo", "chew", "chia", "toh", "seah",
    "quek", "tay", "yap", "foo", "heng", "neo", "phua", "soh", "kwek", "liew", "loh", "lai",
    "lau", "leong", "wong", "chan", "cheong", "chong", "khoo", "kho", "lee", "liu", "chen",
    "zhang", "wang", "huang", "zhao", "zhou", "xu", "zhu", "guo", "zheng", "xie", "jiang", "cai",
    "yeoh", "tjoa", "oei", "oey", "liem", "kwee", "tjan", "thio", "tio", "tjia", "gouw", "ang",
    "pang", "choo", "siew", "yong", "lum", "mok", "tsang", "fong", "khor", "pua", "sim", "lie",
    "kwok", "chin", "gan", "hew", "tham", "wee", "yew", "sng", "pek", "chai", "cheah", "ooi",
)  # fmt: skip


def _cn_given() -> tuple[str, ...]:
    """Chinese given-name syllables: the block of :data:`AMBIGUOUS` from "wei" to "tiong"."""
    return tuple(w for w in _CN_GIVEN_ORDER if w in AMBIGUOUS)


_CN_GIVEN_ORDER = (
    "wei", "ling", "mei", "hua", "jun", "jie", "xin", "yi", "hui", "min", "kai", "hao", "zhi",
    "xiao", "yan", "ying", "qing", "fang", "jing", "lan", "xiu", "ming", "hong", "jian", "guo",
    "zhen", "chun", "yong", "kian", "boon", "chee", "siew", "swee", "beng", "hock", "kok", "meng",
    "leng", "peng", "hwee", "geok", "choon", "keat", "wen", "ting", "shu", "jia", "xuan", "rui",
    "lei", "feng", "yun", "ping", "tjoe", "liang", "hwa", "hwie", "kiem", "swie", "sioe", "nio",
    "hian", "kie", "tjeng", "siok", "liong", "gwan", "tjien", "tjoen", "bing", "hok", "giok",
    "kiat", "hoat", "khing", "lian", "tiong", "tjwan", "siang", "sian", "tjiang", "gim", "houw",
    "joen", "kwan", "lien", "mey", "tjhoen", "yauw", "wai", "kiong", "keng", "seong", "loong",
    "chong", "kheng", "teck", "huat", "eng", "bee", "keong", "hoon", "choo", "soon", "wah",
    "fook", "kin", "foong", "yoke", "mun", "kum", "yin", "hin", "sze", "tze", "kwok", "chye",
    "suan", "guat", "poh", "gek", "cheng", "chin", "seng", "kiang", "huay", "siong", "khoon",
    "cheow", "chiew", "ngee", "kuan", "kiam", "thiam", "tiang", "soo",
)  # fmt: skip
_CN_NAME = (  # grouped by first letter: one test rejects a group (see spoken.by_first_letter)
    rf"(?=\s+(?:{by_first_letter(sorted(_CN_SURNAMES, key=len, reverse=True))})"
    rf"\s+(?:{by_first_letter(sorted(_cn_given(), key=len, reverse=True))})(?![\w'-]))"
)
# Self-introductions and "with ...", when a Chinese name said surname first follows: a strong
# cue then, so a lower-case surname that is not a given name can open the name. One
# alternative, the look-ahead written once: the same matches as one alternative per cue
# (tried in the same order), in a sixteenth of the compiled pattern.
_CN_CUES = (
    r"i'?m", r"i\s+am", r"this\s+is", r"it'?s", "saya", "aku", "sy", "ini", "dengan", r"with",
    "sama", r"call\s+me", r"speaking\s+with", r"you'?re\s+speaking\s+with",
    r"berbicara\s+dengan", r"bicara\s+dengan",
)  # fmt: skip
_CN_INTRO = f"(?:{'|'.join(_CN_CUES)}){_CN_NAME}"
# Relatives and roles named with "is" ("my wife is nur aisyah ...", "the director is Rajesh
# s/o Kumaran", "istri saya bernama ..."): the word after is a name when it opens like one.
_KIN = (
    r"(?:wife|husband|spouse|son|daughter|mother|father|mum|mom|dad|brother|sister|partner|"
    r"fianc[eé]e?|landlord|landlady|tenant|director|manager|boss|owner|guarantor|nominee|"
    r"next\s+of\s+kin|emergency\s+contact|(?:joint|secondary|supplementary)\s+(?:account\s+|"
    r"card\s*)?holder|authori[sz]ed\s+user|employer|(?:unit|property|house|home)\s+owner)"
    r"(?:'s\s+name)?\s+is"
)
_KIN_ID = r"(?:ku|nya)?(?:\s+(?:saya|sy|aku|kami))?\s+(?:bernama|namanya|adalah|yaitu|yakni)"
_RELATION = "|".join(
    [*(rf"{det}\s+{_KIN}" for det in ("my", "his", "her", "the", "our", "their", "your")),
     *(rf"{w}\s+owner(?:\s+is)?" for w in ("unit", "property", "house", "home", "registered")),
     *(f"{w}{_KIN_ID}" for w in ("istri", "suami", "anak", "ibu", "ayah", "bapak", "kakak",
                                 "adik", "mertua", "pemilik", "direktur", "penjamin",
                                 r"ahli\s+waris", "pasangan"))]
)  # fmt: skip
# Letters said one by one ("m o h a m m e d", "b-u-d-i", "W, H, I, T", "R-A-H-A... Y-U"):
# at least three, then no word.
_LETTER_SEP = r"[\s.,\-…]{1,4}"
_SPELLED = rf"[A-Za-z](?:{_LETTER_SEP}[A-Za-z](?![\w'])){{2,40}}+(?![\w'])"
# "my English name is Jason", "Chinese name Lim Wei Ling": a name besides the one on record
_OTHER_NAMES = (
    "english", "chinese", "christian", "baptismal", "indonesian", "malay", "tamil", "legal", "real",
)  # fmt: skip
STRONG = (
    rf"(?i:{_CN_INTRO}|{_RELATION}|"
    r"nama(?:nya)?\s+(?:yang\s+)?(?:ada\s+)?(?:sesuai|seperti|tertera|tercantum|terdaftar|"
    rf"tertulis|di)(?:\s+(?:di|dengan|pada|dalam))?(?:\s+{_ID_DOCS})?(?:\s+(?:saya|aku|anda))?|"
    rf"name\s+(?:as\s+)?(?:it\s+)?(?:appears|is\s+shown|shown|written|printed|registered)?\s*"
    rf"(?:on|in|as\s+per|per)\s+(?:(?:the|my|your|his|her)\s+)?(?:credit\s+|debit\s+|bank\s+)?{_ID_DOCS}|"
    r"card\s*holder(?:'s)?(?:\s+name)?|account\s*holder(?:'s)?(?:\s+name)?|"
    rf"spel(?:led|t|ling)(?:\s+(?:as|out|it))?(?=[\s,:]+(?:is\s+)?{_SPELLED})|"
    rf"dieja(?:nya)?(?=[\s,:]+{_SPELLED})|ejaan(?:nya)?(?=[\s,:]+{_SPELLED})|"
    rf"that'?s(?=[\s,:]+{_SPELLED})|"
    r"nama(?:\s+lengkap)?\s+saya|nama\s+lengkapnya|namaku|nama\s+saya\s+adalah|"
    r"atas\s+nama|a\.\s?n\.?|a/n|my\s+(?:full\s+)?name\s+is|my\s+name'?s|full\s+name\s+is|"
    r"nama\s+di\s+kartu(?:nya)?|nama\s+pemilik(?:nya)?|"
    r"card\s*holder(?:'s)?\s+name\s+is|nama\s+ibu\s+kandung(?:\s+saya)?|mother'?s\s+maiden\s+name\s+is|"
    # the answer after the question: "mother's maiden name? Oh, that's Haverford"
    r"maiden\s+name\??[\s,]+(?:(?:oh|uh|um|well|ah|yes|yeah|sure|ok|okay)[\s,]+)?"
    r"(?:that'?s|it'?s|it\s+(?:is|was))|"
    r"under\s+the\s+name(?:\s+of)?|the\s+name\s+is|in\s+the\s+name\s+of|nama\s+pemegang|"
    # "the account is under wong mei fong" (looked behind: "is" opens too many words)
    r"under(?:(?<=is\sunder)|(?<=was\sunder)|(?<=it's\sunder)|(?<=its\sunder)|"
    r"(?<=registered\sunder)|(?<=booked\sunder))|"
    r"surname(?:'s)?|last\s+name(?:'s)?|family\s+name|first\s+name|middle\s+name|maiden\s+name|"
    r"given\s+name|marga(?:nya|ku|\s+saya)?|"  # a Batak clan name: "marganya Siahaan"
    r"recipient|beneficiary|payee|penerima(?:nya)?|pengirim(?:nya)?|"
    r"nama(?:nya|ku)?(?:\s+(?:lengkap(?:nya)?|saya|aku|suami|istri|anak|ibu|ayah|beliau|penerima|"
    r"pengirim|pemilik(?:nya)?|nasabah|pemegang|kartu|rekening|"
    # the name in another language, or the one people use: "nama Indonesianya", "nama panggilan"
    r"(?:indonesia|cina|china|tionghoa|mandarin|inggris|baptis|panggilan|kecil|asli)(?:nya|ku)?))*|"
    r"panggilan(?:nya|ku)|dipanggil|nick\s*name(?:'s|\s+is)?|"
    + "|".join(rf"{w}\s+name(?:'s|\s+is)?" for w in _OTHER_NAMES)
    + "|"
    r"name)"
)
WEAK = (
    r"(?i:saya\s+sendiri|aku\s+sendiri|sy\s+sendiri|this\s+is|it'?s|i\s+am|i'?m|sy|aq|gw|gua|dgn|utk|speaking\s+with|you'?re\s+speaking\s+with|"
    r"berbicara\s+dengan|bicara\s+dengan|dengan|saya|aku|gue|ini|thanks|thank\s+you|terima\s+kasih|"
    r"hi|hiya|hello|halo|hai|hey|bye|you'?re\s+through\s+to|makasih|dear|for|untuk|with|atas|sama|ke|"
    r"spoke\s+(?:to|with)|speak\s+to|talked\s+to|call\s+me|regards|best\s+regards|salam|cheers|"
    r"sincerely|hormat\s+saya|panggilan|go(?:es)?\s+by|calls\s+me|known\s+as|"
    # a self-correction: "saya ucok eh maksudnya parlindungan hutapea", "I mean Jessica"
    r"maksudnya|maksud\s+saya|i\s+mean)"
)
# A relative or close one named right after the word, with no "is" ("my wife Priya", "for my
# son james", "istri saya Rina"): read like a title (see recognizers.people for lower case).
_KIN_WORDS = (
    r"(?:wife|husband|spouse|son|daughter|mother|father|mum|mom|mama|dad|papa|brother|sister|"
    r"partner|fianc[eé]e?|boyfriend|girlfriend|grandmother|grandfather|grandma|grandpa|granny|"
    r"grandson|granddaughter|aunt|auntie|uncle|niece|nephew|cousin|friend|colleague|boss|"
    r"stepson|stepdaughter|stepmother|stepfather)(?:-in-law)?"
)
_KIN_DETS = ("my", "his", "her", "our", "their")
_KIN_ID_WORDS = (
    "istri", "suami", "anak", "ibu", "ayah", "bapak", "mama", "papa", "kakak", "adik", "mertua",
    "nenek", "kakek", "pacar", "tunangan", "teman", "paman", "bibi", "tante", "sepupu",
    "keponakan", "cucu",
)  # fmt: skip
KIN = (
    "(?i:"
    + "|".join(
        [*(rf"{det}\s+(?:late\s+|elderly\s+|little\s+|older\s+|younger\s+|eldest\s+|"
           rf"youngest\s+|best\s+)?{_KIN_WORDS}(?![\w'])(?!\s+(?:is|was)\b)"
           for det in _KIN_DETS),
         # "istri saya bernama ..." is a strong cue of its own (_RELATION)
         *(rf"{w}(?:ku|nya|\s+(?:saya|sy|aku|gue|gw|kami))(?!\s+(?:bernama|namanya|yaitu|yakni)\b)"
           for w in _KIN_ID_WORDS)]
    )
    + ")"
)  # fmt: skip
# A middle initial is a token too, when a capitalised word follows: "Marcus J. Holloway".
# (accented letters inside a name too: "Lucía", "Tomás", "Ní")
_TOKEN = (
    r"(?:[sSdD]/[oO]|[aA]/[lLpP])(?![\w/])|[A-Z]\.(?=\s+[A-Z][a-z])"
    r"|[A-Za-zÀ-ÖØ-öø-ÿ][A-Za-zÀ-ÖØ-öø-ÿ'\-]*"
)
# The word-start test comes after the first letter: a pattern that opens with a
# look-behind cannot skip ahead to the characters it can start with, and so tries every
# position of the text; one that opens with a character class can (two to three times faster).
# Particles inside a name, in lower case: "Nur Aisyah binti Rahmat", "Anthony de Souza".
CONNECTORS = frozenset(
    ["bin", "binti", "binte", "bte", "ibn", "ibni", "bint", "van", "von", "der", "den", "de", "da",
     "dos", "das", "del", "della", "al", "el", "la", "le", "a/l", "a/p", "s/o", "d/o"]
)  # fmt: skip
_CONNECTOR_RE = (
    r"(?:bin|binti|binte|bte|ibn|ibni|bint|van|von|der|den|de|da|dos|das|del|della|al|el|"
    r"[sd]/o|a/[lp])"
)
# Capitals and small letters, with the accented ones of Western names ("Jürgen", "Zoë").
_UP = "A-ZÀ-ÖØ-Þ"
_LO = "a-zß-öø-ÿ"
# A capital inside a name after "-", "'", "Mc" or "Mac": "Dubois-Martin", "O'Neill", "MacLeod".
_NAME_WORD = rf"(?:(?<=M)a?c[{_UP}])?[{_LO}'\-]+(?:(?<=[-'])[{_UP}][{_LO}'\-]+)*"
CAP_RUN_RE = re.compile(
    rf"[{_UP}](?<![\w'][{_UP}]){_NAME_WORD}"
    # more words, with particles ("binti", "van der") or a middle initial ("Marcus J. Holloway")
    rf"(?:\s+(?:(?:{_CONNECTOR_RE}\s+){{1,2}}|[{_UP}]\.?\s+)?[{_UP}]{_NAME_WORD}){{0,5}}"
)


# The cue patterns rewritten for speed: alternatives grouped by first letter (TRIGGER_RE),
# lower-cased and case-sensitive (_CUE_LOW_RE), factored into a tree (_TRIGGER_START_RE).
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


_QUANTIFIERS = ("?", "*", "+", "{")
_SPACE_ATOMS = (r"\s+", r"\s*")


def _first_atom(pattern: str) -> str | None:
    """The literal character (or ``\\s+``, ``\\s*``) ``pattern`` opens with, when no
    quantifier follows it; else None."""
    for atom in _SPACE_ATOMS:
        if pattern.startswith(atom):
            return atom if pattern[3:4] not in _QUANTIFIERS else None
    if not pattern or pattern[0] in "\\.()[]{}|?*+^$" or pattern[1:2] in _QUANTIFIERS:
        return None
    return pattern[0]


def _factored(patterns: list[str]) -> str:
    """The alternatives as a tree on their common opening characters ("my\\s+name",
    "my\\s+wife": "m(?:y(?:\\s+(?:name|wife)))"): the engine rejects a whole branch with
    one test. Their order changes, so only *where* a match can start is kept."""
    branches: dict[str, list[str]] = {}
    whole: list[str] = []
    for alt in patterns:
        atom = _first_atom(alt)
        if atom is None:
            whole.append(alt)
        else:
            branches.setdefault(atom, []).append(alt[len(atom) :])
    tree = (
        f"{atom}{rests[0]}" if len(rests) == 1 else f"{atom}(?:{_factored(rests)})"
        for atom, rests in branches.items()
    )
    return "|".join([*whole, *tree])


def _grouped(pattern: str) -> str:
    """``(?i:a|b|...)`` with its alternatives grouped by first letter, order kept within a
    letter. Under IGNORECASE, alternatives with different first letters never match at the
    same place, so the answer (and which alternative gives it) is the same; the engine
    rejects a whole group with one test instead of trying every alternative in turn.
    The first alternative may open with a group (:data:`_CN_INTRO`): it stays first."""
    alts = _alternatives(pattern)
    whole = alts[:1] if alts[0].startswith("(?:") else []
    groups: dict[str, list[str]] = {}
    for alt in alts[len(whole) :]:
        assert alt[:1].isalpha() and alt[1:2] not in ("?", "*", "+", "{"), alt
        groups.setdefault(alt[0].lower(), []).append(alt[1:])
    rests = (f"{c}(?:{'|'.join(rests)})" for c, rests in groups.items())
    return "(?i:" + "|".join([*whole, *rests]) + ")"


_KIN_OR_TITLE = "(?i:" + "|".join([*_alternatives(KIN), *_alternatives(TITLE)]) + ")"
_KIN_RE = re.compile(KIN)


def is_kin(title: str) -> bool:
    """Is this title of a TRIGGER_RE match a relative ("my wife", "istri saya")?"""
    return _KIN_RE.fullmatch(title) is not None


# KIN in the title group, before the titles: "ibu saya Rina" is not the title "Ibu"
_CUES = (_grouped(_KIN_OR_TITLE), _grouped(STRONG), _grouped(WEAK))
_CUE_GROUPS = "(?:(?P<title>{})|(?P<strong>{})|(?P<weak>{}))"
# Between a cue and its name; every alternative of _NAME opens with an ASCII letter.
_AFTER_CUE = r"(?:\s+(?i:adalah|is|:))?[\s,:]+"
_NAME = rf"{_SPELLED}|(?:{_TOKEN})(?:\s+(?:{_TOKEN})){{0,5}}"
TRIGGER_RE = re.compile(rf"(?<![\w]){_CUE_GROUPS.format(*_CUES)}{_AFTER_CUE}(?P<name>{_NAME})")


def _lowered(pattern: str) -> str:
    """A ``(?i:...)`` pattern for lower-cased ASCII text: case-sensitive, so the engine
    skips an alternative on its first letter instead of entering it."""
    assert re.search(r"\\[A-Z]|\(\?P|\(\?i\)", pattern) is None, pattern
    return pattern.lower().replace("(?i:", "(?:")


# TRIGGER_RE in two steps, for ASCII text: the cue in the lower-cased text (what must follow
# it as a look-ahead, down to the letter every name opens with), then the name after it.
# The cue chosen is the one TRIGGER_RE chooses: the same alternatives in the same order,
# each kept under the same condition. Twice as fast as TRIGGER_RE.match.
_CUE_LOW_RE = re.compile(
    rf"(?<![\w]){_CUE_GROUPS.format(*map(_lowered, _CUES))}(?={_lowered(_AFTER_CUE)}[a-z])"
)
_NAME_AFTER_CUE_RE = re.compile(rf"{_AFTER_CUE}(?P<name>{_NAME})")


# Each Chinese-name cue is a weak cue too: where it starts, the weak cue starts.
assert set(_CN_CUES) <= set(_alternatives(WEAK))
_CUE_ALTERNATIVES = [
    cue
    for cue in (*_alternatives(TITLE), *_alternatives(STRONG), *_alternatives(WEAK))
    if cue != _CN_INTRO
]


# A cue and its name: two matches, or one TRIGGER_RE (or _ECHO_RE) match twice. The cue
# groups ("title", "strong", "weak") may come from the lower-cased text: every reader
# lower-cases them (or matches them ignoring case) anyway.
Trigger = tuple[re.Match[str], re.Match[str]]


# Where a cue can start, in lower-cased ASCII text: exactly where _CUE_LOW_RE matches (the
# same cues and look-ahead; a Chinese-name cue starts where its weak cue does), its cues
# in one tree (see _factored). It matches from the character before the cue, which no
# word character can be (the look-behind of _CUE_LOW_RE): a pattern that opens with a
# class lets the engine skip to the places it can start, instead of trying every one.
_TRIGGER_START_RE = re.compile(
    r"[^a-z0-9_](?:"
    + _factored([_lowered(cue) for cue in (*_CUE_ALTERNATIVES, *_alternatives(KIN))])
    + rf")(?={_lowered(_AFTER_CUE)}[a-z])"
)


def next_trigger(
    text: str, low: str | None, pos: int, hints: list[int] | None = None
) -> Trigger | None:
    """``TRIGGER_RE.search(text, pos)``; ``low`` is ``text.lower()`` for ASCII text, else None.

    Only the places :data:`_TRIGGER_START_RE` finds in ``low`` can start a match,
    so the cue is tried there alone (see :data:`_CUE_LOW_RE`). A name spelled right after
    it is said (:func:`_next_echo`) counts as a strong trigger too; ``hints`` (from
    :func:`spell_hints`) says where letters said one by one can start (None: anywhere).
    """
    found = _next_cue(text, low, pos)
    end = found[0].start() if found is not None else len(text)
    if hints is not None:
        i = bisect_left(hints, pos - 1)
        if i == len(hints) or hints[i] >= end:
            return found  # no spelled run can start between pos - 1 and the cue
    echo = _next_echo(text, pos, end)
    return (echo, echo) if echo is not None else found


# Where a run of _LETTER_RUN_RE can start, in any window: the space before three letters
# said one by one (one character long, so no place is hidden inside another match).
_SPELL_START_RE = re.compile(rf"[\s,:](?=[A-Za-z]{_LETTER_SEP}[A-Za-z]{_LETTER_SEP}[A-Za-z])")


def spell_hints(text: str) -> list[int]:
    """Where ``text`` may hold a spelled run (:func:`_next_echo`), in order: one scan of
    the whole text instead of one per trigger, and most texts hold none."""
    first = _SPELL_START_RE.search(text)  # a search is cheaper than an empty finditer
    if first is None:
        return []
    return [m.start() for m in _SPELL_START_RE.finditer(text, first.start())]


def _next_cue(text: str, low: str | None, pos: int) -> Trigger | None:
    if low is None:
        m = TRIGGER_RE.search(text, pos)
        return (m, m) if m is not None else None
    cue = None
    if pos == 0:  # one search of " " + low: its space stands before a cue at 0
        before = _TRIGGER_START_RE.search(" " + low)
        if before is None:
            return None
        pos = before.start()  # (where the cue starts in ``low``)
        cue = _CUE_LOW_RE.match(low, pos)
        pos += 1
    while cue is None:
        before = _TRIGGER_START_RE.search(low, max(pos - 1, 0))
        if before is None:
            return None
        pos = before.start() + 1
        cue = _CUE_LOW_RE.match(low, pos)
        pos += 1
    name = _NAME_AFTER_CUE_RE.match(text, cue.end())
    assert name is not None  # the look-ahead saw the letter it opens with
    return cue, name


# Letters said one by one that spell a word said just before them: "kevin lim that's lim
# l i m", "i'm goh chee keong g o h", or just after: "K O W A L C Z Y K, Tomasz Kowalczyk".
# People spell names (and little else) that way.
_LETTER_RUN_RE = re.compile(  # from the space before: a class first is the fast scan
    rf"[\s,:][A-Za-z](?:{_LETTER_SEP}[A-Za-z](?![\w'])){{2,13}}(?![\w'])"
)
# The same run as a trigger match: the space before it is the (strong) cue.
_ECHO_RE = re.compile(rf"(?P<strong>[\s,:]+)(?P<title>(?!))?(?P<weak>(?!))?(?P<name>{_SPELLED})")
_WORDS_BEFORE_RE = re.compile(r"[A-Za-z]{3,14}")
# ... unless what is spelled is a password, an email or a user name.
_NOT_A_NAME_RE = re.compile(r"(?i:pass|sandi|mail|surel|user|kode|code|\bpin\b|\bid\b)")


def _next_echo(text: str, pos: int, end: int) -> re.Match[str] | None:
    """The first spelled run in ``text[pos:end]`` that spells one of the five words before it
    (or of the three after it)."""
    for run in _LETTER_RUN_RE.finditer(text, max(0, pos - 1), end):
        letters = "".join(ch for ch in run.group() if ch.isalpha()).lower()
        first = run.start() + 1  # the first letter (the run opens with the space before it)
        near = _WORDS_BEFORE_RE.findall(text, max(0, first - 60), first)[-5:]
        near += _WORDS_BEFORE_RE.findall(text, run.end(), run.end() + 40)[:3]
        if (
            letters in (w.lower() for w in near)
            and letters not in FUNCTION_WORDS
            and _NOT_A_NAME_RE.search(text, max(0, first - 60), first) is None
        ):
            at = first
            while at > 0 and text[at - 1] in " ,:":
                at -= 1
            if (m := _ECHO_RE.match(text, at)) is not None:
                return m
    return None


# One to three capitalised words a spelled run may spell: "Farrugia", "Siti Maemunah".
_CAP_WORDS_RE = re.compile(r"[A-Z][a-z]+(?:[ '-][A-Z][a-z]+){0,2}")
_WORD_IN_CAPS_RE = re.compile(r"[A-Za-z]+")
# ... not a password or user name, nor an email's part (a domain, "gmail", is no cue here).
_NOT_ECHO_RE = re.compile(r"(?i:pass|sandi|\be-?mail|surel|user|kode|code|\bpin\b|\bid\b)")


def echo_pairs(text: str) -> Iterator[tuple[int, int]]:
    """A spelled run and the capitalised name it spells, before or after it, both as spans:
    "F-A-R-R-U-G-I-A, Farrugia", "Oyelaran is O-Y-E-L-A-R-A-N", "Siti Maemunah, S-I-T-I
    M-A-E-M-U-N-A-H". Only texts with :func:`spell_hints`. A word spelled just after a password,
    user name or email cue is not a name."""
    runs = list(_LETTER_RUN_RE.finditer(text))
    for k, run in enumerate(runs):
        letters = "".join(ch for ch in run.group() if ch.isalpha()).lower()
        first = run.start() + 1
        if letters in FUNCTION_WORDS:
            continue
        lo, hi = max(0, first - 60), run.end() + 40
        for cap in _CAP_WORDS_RE.finditer(text, lo, hi):
            start, rest = _spelled_in(cap, letters, runs[k + 1 : k + 3], run.end())
            if start < 0:
                continue
            at = min(start, first)
            if _NOT_ECHO_RE.search(text, max(0, at - 40), at):
                break
            yield start, _before_word(text, start, cap.end())
            yield first, run.end()
            for more in rest:  # "Bartholomew, B-A-R-T, then H-O-L-O-M-E-W"
                yield more.start() + 1, more.end()
            break


def _before_word(text: str, start: int, end: int) -> int:
    """``end``, or the end of the words before a place word ("Anson Road"): a name ends there."""
    for w in _WORD_IN_CAPS_RE.finditer(text, start, end):
        if w.start() > start and w.group().lower() in NOT_NAME:
            return w.start() - 1  # (the space or hyphen before it)
    return end


def _spelled_in(
    cap: re.Match[str], letters: str, after: list[re.Match[str]], end: int
) -> tuple[int, list[re.Match[str]]]:
    """Where the name that ``letters`` spell starts in the capitalised words ``cap`` (-1 if
    nowhere), and the spelled runs just after that finish spelling it. All the words spelled
    ("Siti Maemunah"); or one of them and the capitalised words after it ("Put Wanjiru Kamau
    ..., W-A-N-J-I-R-U"); or a word's first letters, the rest spelled in a run or two soon
    after ("Bartholomew, B-A-R-T, then H-O-L-O-M-E-W")."""
    words = [(w.start(), w.group().lower()) for w in _WORD_IN_CAPS_RE.finditer(cap.group())]
    if "".join(w for _, w in words) == letters:
        return cap.start(), []
    for at, word in words:
        if word == letters and len(word) > 2 and word not in common_words():
            return cap.start() + at, []
        if len(letters) > 2 and len(word) > len(letters) and word.startswith(letters):
            rest, spelled, last = [], letters, end
            for more in after:
                if more.start() - last > 12:
                    break
                spelled += "".join(ch for ch in more.group() if ch.isalpha()).lower()
                rest.append(more)
                last = more.end()
                if spelled == word:
                    return cap.start() + at, rest
    return -1, []


# Balinese caste and birth-order names that follow the male prefix "I" (female: "Ni").
_BALINESE = frozenset(
    ["gusti", "wayan", "made", "nyoman", "ketut", "putu", "kadek", "komang", "gede", "ngurah",
     "dewa", "nengah", "nyoman", "ketut", "ida", "kade", "kt", "md", "ngr", "luh"]
)  # fmt: skip
_SPELLED_TOKEN_RE = re.compile(r"[A-Za-z](?:-[A-Za-z]){2,}")


@cache
def common_words() -> frozenset[str]:
    """Everyday words that are never a surname after a lower-case given name."""
    return _load("common_words.txt") | FUNCTION_WORDS | NOT_NAME


def _spelled(words: list[str]) -> bool:
    """Letters said one by one: "m o h a m m e d", "b-u-d-i"."""
    if len(words) == 1:  # "b-u-d-i": a hyphen second, tested before the regex (most words fail)
        word = words[0]
        return word[1:2] == "-" and _SPELLED_TOKEN_RE.fullmatch(word) is not None
    return len(words) >= 3 and all(len(w) == 1 for w in words)


def _surname_like(low: str, given: frozenset[str], family: frozenset[str]) -> bool:
    """An unlisted lower-case word that can be a family name ("fransiskus lamanepa"):
    long enough, not an everyday word, not shaped like an English inflection."""
    if low in family:
        return len(low) > 2 and low not in FUNCTION_WORDS and low not in NOT_NAME
    return (
        len(low) >= 3
        and low.isalpha()
        and low not in given
        and low not in common_words()
        and not low.endswith(("ing", "ed", "ly", "nya", "kan", "lah"))
    )


# Indonesian self-introductions and "dengan (siapa)": an unlisted name may follow them.
_UNLISTED_CUES = frozenset(
    ["saya", "aku", "sy", "aq", "gue", "gw", "gua", "dengan", "dgn", "sama", "maksudnya"]
)


def unlisted_then_surname(cue: str, name: str) -> int:
    """After "saya", "dengan", in lower case: an unlisted given name then a listed family
    name that is not a word ("saya parlindungan hutapea"): 2, else 0. Not after English
    cues, where the first word is too often an adjective ("with light brown hair")."""
    if cue.lower() not in _UNLISTED_CUES:
        return 0
    words = name.split(None, 2)
    if len(words) < 2:
        return 0
    first, second = words[0].strip(",."), words[1].strip(",.")
    if not (first.islower() and second.islower()):
        return 0
    given, family = given_names(), surnames()
    if len(first) < 5 or second not in family or len(second) < 4 or second in common_words():
        return 0
    return 2 if _surname_like(first, given, family) and first not in family else 0


def kin_extent(tokens: list[str], count: int) -> int:
    """``count`` words of a name after "my wife", "istri saya", less the lower-case words
    after its second that no list holds ("my husband budi santoso lost ...": not "lost")."""
    if count < 3 or tokens[0][0].isupper():
        return count
    given, family = given_names(), surnames()
    keep = 2
    while keep < count and (tokens[keep].lower() in given or tokens[keep].lower() in family):
        keep += 1
    return keep


_CLAUSE_END_RE = re.compile(r"\s*(?:[,.!?;)]|$)")
_DIGIT_AFTER_RE = re.compile(r"\s*\d")


def kin_name(tokens: list[str], text: str, after: int, english: bool = False) -> bool:
    """After "my wife", "istri saya": does a name open ``tokens`` (the first ends at
    ``after`` in ``text``)? A listed name; an unlisted capitalised word only before another
    one or at the end of the clause ("my wife Xiomara.", not "Anak saya Kelas 5", "Ibu saya
    Pensiunan guru"); in lower case only a listed given name that is not also a word ("my
    wife priya", not "my daughter grace period"). After an English cue (``english``), a
    capitalised given name that is also a word elsewhere is a name too ("my wife Mei
    handles ...": the Indonesian month), unless a day's number follows it."""
    low = tokens[0].lower().removesuffix("'s")  # "my daughter emma's card"
    given, family = given_names(), surnames()
    if english and tokens[0][0].isupper() and low in given:
        return _DIGIT_AFTER_RE.match(text, after) is None
    if low in common_words():
        return False
    nxt = tokens[1].lower() if len(tokens) > 1 else ""
    if tokens[0][0].isupper():
        if (low in given and low not in AMBIGUOUS) or low in family:
            return True
        if len(tokens) > 1 and tokens[1][0].isupper():
            return nxt not in NOT_NAME
        return _CLAUSE_END_RE.match(text, after) is not None
    return low in given and (low not in AMBIGUOUS or nxt in given or nxt in family)


def _lower_opening(lows: list[str], given: frozenset[str], family: frozenset[str]) -> bool:
    """A lower-case name after a weak trigger: a listed given name that is not a word,
    then a particle and a word ("anthony de souza"), or a surname ("fransiskus lamanepa")."""
    first = lows[0]
    if first not in given or first in common_words() or len(lows) < 2:
        return False
    if first in AMBIGUOUS:  # "sri wahyuni", "dewi lestari": only with a listed name after it
        second = lows[1]
        return second not in AMBIGUOUS and (
            (second in given and len(second) >= 4 and second not in common_words())
            or (second in family and _surname_like(second, given, family))
        )
    if lows[1] in CONNECTORS:
        return len(lows) > 2 and lows[2].isalpha() and lows[2] not in common_words()
    if lows[1] in family:
        return _surname_like(lows[1], given, family)
    if lows[1] in given:  # two given names: "maria goretti", "siti aminah"
        return len(lows[1]) >= 4 and lows[1] not in AMBIGUOUS and lows[1] not in common_words()
    # an unlisted word: only after a given name long enough not to be a word ("tim teknis")
    return len(first) >= 4 and len(lows[1]) >= 4 and _surname_like(lows[1], given, family)


_PATRONYM_PAIRS = frozenset([("s", "o"), ("d", "o"), ("a", "l"), ("a", "p")])
_PATRONYM_FIRST = frozenset(["s", "d", "a", "S", "D", "A"])


def name_extent(words: list[str], strength: str) -> int:
    """How many of ``words`` form the name after a trigger of ``strength``.

    "s/o", "d/o", "a/l", "a/p" (son/daughter of) come split in two ("s", "o"): read as one."""
    joined = _join_patronyms(words)
    if joined is None:
        return _extent(words, strength)
    merged, sizes = joined
    count = _extent(merged, strength)
    return sum(sizes[:count])


def _join_patronyms(words: list[str]) -> tuple[list[str], list[int]] | None:
    """``words`` with each split "s/o" joined, and how many words each stands for."""
    # a pair opens with a one-letter "s", "d" or "a" after the first word: most names hold none
    if len(words) < 4 or _PATRONYM_FIRST.isdisjoint(words[1:-1]) or _spelled(words):
        return None
    merged: list[str] = []
    sizes: list[int] = []
    i = 0
    while i < len(words):
        pair = (words[i].lower(), words[i + 1].lower()) if i + 1 < len(words) else None
        if i and pair in _PATRONYM_PAIRS:
            merged.append(f"{pair[0]}/{pair[1]}")
            sizes.append(2)
            i += 2
            continue
        merged.append(words[i])
        sizes.append(1)
        i += 1
    return (merged, sizes) if len(merged) < len(words) else None


def _lows(words: list[str]) -> list[str]:
    """``words`` (no spaces in them) in lower case, without a quote or hyphen at either
    end or a possessive "'s": in one pass over all of them when none holds "'" or "-"."""
    joined = " ".join(words).lower()
    if "'" not in joined and "-" not in joined:
        return joined.split(" ")
    return [w.strip("'-").removesuffix("'s") for w in joined.split(" ")]


def _extent(words: list[str], strength: str) -> int:
    if _spelled(words):  # spelled out after a name cue; after "saya", "for" it is anything
        return len(words) if strength != "weak" else 0
    given, family = given_names(), surnames()
    lows = _lows(words)
    lower_ok = strength == "weak" and _lower_opening(lows, given, family)
    listed_0 = lows[0] in given or lows[0] in family
    lower_run = not words[0][0].isupper()  # ASR or chat: the whole name in lower case
    count = 0
    for i, word in enumerate(words):
        low = lows[i]
        if i == 0 and (word == "I" or low == "ni") and len(lows) > 1 and lows[1] in _BALINESE:
            count += 1  # Balinese "I Gusti Ngurah ...", "I Wayan ...": "I" opens the name
            continue
        if word.endswith("-") or (i == 0 and word.isupper() and len(word) <= 4 and not listed_0):
            break  # "PL-0098", "kakak RT", "beneficiary IBAN": a code or an office, not a name
        if (
            low in NOT_NAME
            and not _inner_name(lows, i, given, family)
            and not (i == 0 and strength != "weak" and _word_then_surname(words, lows, family))
        ):
            break
        listed = low in given or low in family
        if i == 0 and low in FUNCTION_WORDS and not listed:
            break  # "Kak Mau tanya", "Pak Sudah": a word, not a name
        capital = word[0].isupper()
        if i > 0 and low in CONNECTORS:  # "binti", "de", "al": only with a word after them
            if i + 1 >= len(words) or lows[i + 1] in common_words() or not lows[i + 1].isalpha():
                break
            count += 1
            continue
        if i == 0:
            if not _opens(low, capital, listed, strength, lower_ok):
                break
        elif lows[i - 1] in CONNECTORS or (i == 1 and lower_ok):
            if low in common_words():
                break  # after a particle or a lower-case given name: one more word
        elif not (
            capital
            or listed
            or (strength != "weak" and lower_run and _surname_like(low, given, family))
            or (lower_ok and lower_run and _surname_like(low, given, family))
        ):
            break  # "namanya Ujang katanya": in cased text a lower-case word ends the name
        count += 1
        if word.endswith("'s"):
            break  # a possessive ends the name
    while count and lows[count - 1] in CONNECTORS:
        count -= 1
    return count


def _opens(low: str, capital: bool, listed: bool, strength: str, lower_ok: bool) -> bool:
    """Can this word open a name? After a weak cue: a capitalised listed name that is not
    also a word, or a lower-case one that :func:`_lower_opening` accepted."""
    if strength == "weak":
        return (listed and capital and low not in AMBIGUOUS) or lower_ok
    return capital or listed


def _word_then_surname(words: list[str], lows: list[str], family: frozenset[str]) -> bool:
    """A capitalised word the lists keep from names (a brand, a month) opening a name, when a
    capitalised listed surname follows it: "my name is Dana Whitfield"."""
    return (
        len(words) > 1
        and words[0][0].isupper()
        and words[1][0].isupper()
        and lows[1] in family
        and lows[1] not in NOT_NAME
        and lows[1] not in FUNCTION_WORDS
    )


def _inner_name(lows: list[str], i: int, given: frozenset[str], family: frozenset[str]) -> bool:
    """A month or word that is also a name, between names: "Lie Mei Hwa", "Tan May Ling"."""
    return (
        0 < i < len(lows) - 1
        and lows[i] in given
        and (lows[i + 1] in given or lows[i + 1] in family)
        and lows[i + 1] not in NOT_NAME
    )
