"""Context cues in English and Indonesian.

One compiled pattern finds every cue in an utterance; a candidate number takes
the category of the *closest* cue before it (or, failing that, just after it).
``NEG`` cues (order, ticket, "last four digits", extension, version, postal
code, ...) before a number make it a hard negative; ``AMOUNT`` cues (prices,
balances, times, quantities), and NEG cues that only follow a number, leave it
only what validates on its own (a Luhn card, a well-formed phone number).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

CUES: dict[str, tuple[str, ...]] = {
    "CARD": (
        r"credit card",
        r"debit card",
        r"card number",
        r"card no",
        r"card(?! verification| security)",
        r"kartu kredit",
        r"kartu debit",
        r"nomor kartu(?! keluarga| tanda)",
        r"no\.? kartu(?! keluarga| tanda)",
        r"kartu(?! keluarga| tanda)(?:nya)?",
        r"visa",
        r"master ?card",
        r"amex",
        r"jcb",
    ),
    "CVV": (
        r"cvv2?(?:nya)?",
        r"cvc2?(?:nya)?",
        r"kode cvv",
        r"(?:three|3|tiga) (?:digits|digit|angka|numbers|number|nomor) (?:on|at|in|di) (?:the )?"
        r"(?:back|belakang|reverse)(?: of the card| kartu(?:nya)?)?",
        r"angka di belakang kartu(?:nya)?",
        r"(?:kode|angka|nomor|digit|nomer) di (?:bagian )?belakang(?: kartu(?:nya)?)?",
        r"belakang kartu(?:nya)?",
        r"kode belakang(?: kartu)?",  # "kode belakangnya 771": the code on the back
        r"digits on the back(?: of the card)?",
        r"(?:code|digit|digits|number|numbers) (?:on|at) the (?:back|reverse)"
        r"(?: of (?:the|my|your) card)?",
        r"back of (?:the|my|your) card",
        # "the three on the back", "the four digits printed on the front"
        r"(?:three|four) (?:(?:digits?|numbers?) )?(?:printed |written )?on the (?:back|front)",
        r"the (?:code|digits|numbers) on the back(?: of (?:the|my|your) card)?",
        r"(?:three|3)[- ]digit (?:security )?(?:code|number)",
        r"cid",
        r"cvn",
        r"csc",
        r"card security code",
        r"(?:4|four)[- ]digit (?:code|number) on the front(?: of the card)?",
        r"(?:4|four)[- ]digit security code",
        r"kode (?:4|empat) (?:digit|angka) di depan(?: kartu(?:nya)?)?",
        r"(?:4|empat) (?:digit|angka) di depan kartu(?:nya)?",
        r"angka di depan kartu(?:nya)?",
        r"card verification (?:code|value|number)",
        r"verification value",
        r"security number",
        r"cvv code",
        r"c(?<!\b[a-z] c)\.? v\.? [vc]\.?(?! [a-z](?![\w]))",  # spelled out: "c v v", "C.V.V."
        r"(?:three|3|tiga)[- ](?:digits?|angka)(?! terakhir)(?: code| number| kode)?",
    ),
    # "security code": a card's CVV, or the code a bank's app or SMS gives; the other cues
    # of the utterance decide (recognizers._window)
    # ("a four-digit code": an Amex's, or an app's PIN; a six-digit one is never a card's)
    "SECCODE": (
        r"security code",
        r"kode keamanan",
        r"(?:4|four|empat)[- ](?:digit|angka) (?:code|kode)",
    ),
    "EXPIRY": (
        r"expiry(?: date)?",
        r"expiration(?: date)?",
        r"expires?",
        r"expired(?:[\s-]?nya| date)",  # "expired-nya 07/28"; a bare "expired" is often a code's
        r"tanggal expired",
        r"expiring",
        r"runs? out",  # "and it runs out 11/28"
        r"exp\.?(?: date)?",
        r"valid[ -](?:thru|through|until|till|to|up to|sampai|hingga|sampe|s/d|s\.d\.?|sd)",
        r"good (?:thru|through|until|till)",
        r"masa berlaku(?:nya)?",
        r"berlaku (?:sampai dengan|sampai|hingga|sampe|sd|s/d|s\.d\.?|until|thru)",
        r"berlakunya",
        r"exp(?:nya| nya)",
        r"kedaluwarsa",
        r"kadaluarsa",
        r"kadaluwarsa",
        r"mm/yy",
    ),
    "NIK": (
        r"nik",
        r"ktp",
        r"e-?ktp",
        r"nomor induk kependudukan",
        r"nomor identitas",
        r"no\.? identitas",
        r"nomor kependudukan",
        r"national id(?: number)?",
        r"id card number",
        r"kartu tanda penduduk",
        r"(?:nomor|nmr) (?:kk|kartu keluarga)",
        r"no\.? (?:kk|kartu keluarga)",
        r"kartu keluarga",
    ),
    "NPWP": (r"npwp", r"nomor pokok wajib pajak", r"tax id(?: number)?", r"tax number"),
    "NRIC": (r"nric", r"\bfin\b", r"ic number", r"nomor ic"),
    "PHONE": (
        r"phone(?: number)?",
        r"mobile(?: number)?",
        r"cell(?: phone)?",
        r"call me(?: at| on)?",
        r"reach (?:me|you)(?: at| on)?",
        # where a code is to be sent: "text the code to ...", "kirim kodenya ke ..."
        r"(?:send|text|sms|kirim|kirimkan|kirimin) (?:the |a |me the |my )?"
        r"(?:code|otp|pin|kode|kodenya|otpnya)(?: otp)? (?:to|ke)",
        r"call back",
        r"callback number",
        r"whats ?app",
        r"wa",
        r"hp",
        r"handphone",
        r"no\.? hp",
        r"nomor hp",
        r"nomor telepon",
        r"no\.? telp?",
        r"telepon",
        r"telp",
        r"ponsel",
        r"contact number",
        r"hubungi(?: saya)?(?: di)?",
        r"text me",
        r"sms",
        r"nomor wa",
        r"telfon",
        r"nelpon",
        r"landline",
        r"(?:nomor|nomer|nmr|nmer) (?:hp|hape|handphone|telp|telpon|telepon|telfon)(?:nya)?",
        r"(?:nomor|nomer|nmr|nmer) (?:wa|whatsapp|ponsel|seluler|kontak)(?:nya)?",
        r"no\.? ?(?:hape|telpon|telepon|wa|whatsapp)(?:nya)?",
        r"(?:hp|wa|hape|telp|telpon)nya",
        r"(?:office|work|home|direct|mobile|cell|contact|phone) (?:line|number|no)",
        # "the line is 9132 2253" (not "the line is bad")
        r"(?:the|my|her|his|our|their) line(?: is|'s| was)(?! ?[a-z])",
        r"(?:no|without|tanpa) (?:the )?(?:country code|kode negara)",  # a local number
        r"my number(?:'s)?",
        r"(?:nomor|nomer) (?:saya|aku)",
        r"(?:sg|singapore|uk|us|local|indo|indonesian) (?:number|mobile|phone|no)",
        r"(?:malaysian|australian) (?:number|mobile|phone|no)",
        r"(?:nomorku|nomerku)",
        r"(?:tlp|tlpn|telpon)",
        r"hape",
        r"hand ?phone",
        r"telephone(?: number| no)?",
        r"tel\.?",
        r"mob\.?",
        r"fax",
        r"kontak(?: darurat)?",
        r"emergency contact",
        r"(?:nomor|nomer|nmr) kontak",
        r"no\.? kontak",
        r"bisa dihubungi(?: di| ke)?",
        r"dihubungi(?: di| ke)?",
        r"(?:ring|message|msg|txt|whatsapp|wa|sms|telpon|telepon|telfon|chat) (?:me|saya|aku)"
        r"(?: at| on| di| ke)?",
        r"(?:number|no) to call",
        r"call (?:me )?(?:back )?(?:at|on)",
        r"daytime (?:number|phone)",
        r"contact(?! cent)(?: no| details)?",
    ),
    "ACCOUNT": (
        r"account number",
        r"account no",
        r"acct(?: no)?",
        r"bank account",
        r"account",
        r"rekening",
        r"no\.? rek",
        r"norek",
        r"rek\.?",
        r"nomor rekening",
        r"savings account",
        r"my (?:checking|savings)",
        r"checking account",
        r"tabungan",
        r"virtual account",
        r"a/c(?: no\.?| number)?",
        r"acc(?: no\.?| number)",
        r"giro",
    ),
    "SSN": (
        r"ssn",
        r"social security(?: number| no)?",
        r"social",
        r"s(?<!\b[a-z] s)\.? ?s\.? ?n\.?(?! [a-z](?![\w]))",  # "s s n", "S.S.N."
        r"s\.? ?s\.? (?:number|no\.?|#)",  # "ss number": the social security number
    ),
    "PASSPORT": (r"passport(?: number| no)?", r"paspor(?:nya)?", r"nomor paspor"),
    "SECRET": (
        r"pin",
        r"pin number",
        # a cue spelled out letter by letter ("the o t p is ...", "P.I.N. 4826"), not letters
        # of a word spelled out ("s a p i n k ...")
        r"o(?<!\b[a-z] o)\.? t\.? p\.?(?! [a-z](?![\w]))",
        r"p(?<!\b[a-z] p)\.? i\.? n\.?(?! [a-z](?![\w]))",
        r"o\.t\.p\.?",
        r"p\.i\.n\.?",
        r"otp",
        r"one[- ]time (?:password|code|pin)",
        r"verification code",
        r"kode verifikasi",
        r"kode otp",
        r"passcode",
        r"password",
        r"kata sandi",
        r"sandi",
        r"m-?pin",
        r"security pin",
        r"kode rahasia",
        r"kode akses",
        r"access code",
        r"auth(?:entication)? code",
        r"authori[sz]ation code",
        r"kode otorisasi",
        r"kode token",
        r"(?:6|six)[- ]digit code",
        r"kode (?:yang )?(?:masuk|dikirim|diterima)",
        r"code (?:we|I) (?:just )?sent",
        r"code you received",
        r"kodenya",
        r"the code",
        r"kode sms",
        r"(?:token|otp|pin)(?:nya)?",
        r"tac",
        r"kata kunci(?:nya)?",
        r"(?:kode|code) (?:otp|tac|token|pin)",
    ),
    "DOB": (
        r"date of birth",
        r"dob",
        r"d\.o\.b\.?",
        r"d(?<!\b[a-z] d)\.? o\.? b\.?(?! [a-z](?![\w]))",
        r"born(?: on)?",
        r"birthday",
        r"birth date",
        r"birthdate",
        r"tanggal lahir(?:nya)?",
        r"tgl\.? lahir",
        r"tanggal kelahiran",
        r"tgl\.? lhr",
        r"year of birth",
        r"lahir(?: pada| tanggal| tgl)?",
        r"tempat,? tanggal lahir",
        r"ttl",
        r"ulang tahun",
    ),
    # a person named by a role: "NIK pemegang polis 3171...", "the policyholder's SSN" (not the
    # policy's number); tried before NEG, and no cue of its own (Cues skips it)
    "ROLE": (r"pemegang polis", r"policy ?holder(?:'s)?", r"tertanggung"),
    "NEG": (
        r"order(?: number| no| id)?",
        r"pesanan",
        r"nomor pesanan",
        r"ticket",
        r"tiket",
        r"case(?: number| no| id)?",
        r"kasus",
        r"tracking(?: number| no)?",
        r"resi",
        r"awb",
        r"invoice",
        r"faktur",
        r"reference(?: number)?",
        r"referensi(?:nya)?",
        # a payment's own records: a receipt's approval code, a batch or terminal number
        r"(?:approval|appr) code",
        r"kode (?:approval|persetujuan)",
        r"batch(?: number| no| id)?",
        r"terminal(?: id| number| no)?",
        r"struk",
        r"kw?itansi",
        # a company's registration number (Singapore UEN, Indonesian NIB): not a person's
        r"uen",
        r"(?:company|business|vehicle|car) registration(?: number| no)?",
        r"nomor induk berusaha",
        r"nib",
        r"ref\.?",
        r"booking(?: code)?",
        r"kode booking",
        r"promo",
        r"coupon",
        r"kupon",
        r"discount",
        r"diskon",
        r"offer",
        r"penawaran",
        r"subscription",
        r"langganan",
        r"trial",
        r"warranty",
        r"garansi",
        r"appointment",
        r"janji temu",
        r"voucher",
        r"extension",
        r"ext\.?",
        r"ekstensi",
        r"version",
        # a bank's own codes, printed on every cheque: not the customer's account
        r"routing(?: number| no)?",
        r"aba(?: routing)?(?: number| no)?",
        r"sort code",
        # software versions read like IP addresses ("firmware 10.4.2.118")
        r"firmware",
        r"build",
        r"release",
        r"patch",
        r"rilis",
        r"versi",
        r"v\.",
        r"model",
        r"serial(?: number)?",
        r"ends? (?:in|with)",
        r"ending(?: in| with)?",
        r"last (?:two|three|four|five|six|2|3|4|5|6)(?: digits?)?",
        r"(?:dua|tiga|empat|lima|enam|2|3|4|5|6) (?:digit|angka) terakhir",
        r"imei",
        r"transaction(?: id| number| no)?",
        r"(?:id|nomor) transaksi",
        r"no\.? transaksi",
        r"trx(?: id)?",
        r"receipt(?: number| no)?",
        r"berakhiran",
        r"akhiran",
        r"belakangnya",
        r"postal code",
        r"post ?code",
        r"zip(?: code)?",
        r"kode pos",
        r"room",
        r"kamar",
        r"flight",
        r"penerbangan",
        r"antrian",
        r"queue",
        r"member(?:ship)?(?: number| id)?",
        r"customer id",
        r"id pelanggan",
        r"nomor pelanggan",
        r"polis",
        r"policy(?: number)?",
        r"complaint",
        r"komplain",
        r"pengaduan",
        r"laporan",
        r"nomor laporan",
        r"kode promo",
        r"(?:promo|voucher|discount|coupon|referral|booking|confirmation|error) code",
        r"(?:reference|area|country|branch|bank|swift|tracking) code",
        r"kode (?:promo|voucher|diskon|kupon|referral|referal|referensi|booking|pos|area|negara)",
        r"kode (?:cabang|bank|swift|pembayaran|bayar|transaksi|tiket|billing|tagihan)",
        r"billing (?:code|id|number)",
        # a conversation's own identifiers: "the chat ID was 88120457"
        r"(?:chat|session|conversation|interaction|request) id",
        r"id (?:chat|sesi|percakapan)",
        # what a product is: "kode produknya SM-A155F", "the item code is 77-0451"
        r"(?:product|item|part|style|model) code",
        r"kode (?:produk|barang|item|model)",
        # service numbers, and the documents a company holds (not a person's identifiers)
        r"short ?codes?",
        r"kode singkat",
        r"(?:qr|bar) ?code",
        r"kode (?:qr|bar)",
        r"contract(?: number| no| id)?",
        r"kontrak",
        r"agreement(?: number| no)?",
        r"perjanjian",
        r"claim(?: number| no| id)?",
        r"klaim",
        r"hotline",
        r"call cent(?:er|re)",
        r"customer service",
        r"layanan pelanggan",
        r"contact cent(?:er|re)",
    ),
    # amounts, times and quantities: a number beside them is no identifier we redact,
    # unless it validates on its own (a Luhn card after "balance", a +62 phone after "jam")
    "AMOUNT": (
        r"amount",
        r"rp\.?",
        r"idr",
        r"usd",
        r"sgd",
        r"rupiah",
        r"ribu",
        r"juta",
        r"dollars?",
        r"total",
        r"tagihan",
        r"biaya",
        r"harga",
        r"price",
        r"saldo",
        r"balance",
        r"cicilan",
        r"step",
        r"langkah",
        r"menit",
        r"minutes?",
        r"hours?",
        r"jam",
        r"hari",
        r"days?",
        r"kali",
        r"times",
        r"page",
        r"halaman",
        r"pukul",
        r"lantai",
        r"floor",
        r"unit",
        r"item",
        r"sku",
        r"qty",
        r"pcs",
        r"tahun",
        r"years?",
    ),
    # a bank's name: the number after it is an account unless it validates as something else
    "BANK": (
        r"bca",
        r"bri",
        r"bni",
        r"btn",
        r"bsi",
        r"cimb(?: niaga)?",
        r"danamon",
        r"permata",
        r"mandiri",
        r"ocbc(?: nisp)?",
        r"dbs",
        r"uob",
        r"maybank",
        r"jenius",
        r"seabank",
        r"panin",
        r"hsbc",
        r"citibank",
        r"barclays",
        r"lloyds",
        r"natwest",
        r"wells fargo",
    ),
    # bare "code"/"kode": a secret, but only when no longer cue above ("kode pos") matched
    "CODE": (r"code", r"kode"),
    # a bare "number"/"nomor": tried last (after "nomor pesanan", "nomor hp", ...); kept
    # apart from the other cues, it only makes a phone-shaped run a phone (Cues.number_near)
    "NUMBER": (
        r"number",
        r"nomor",
        r"nomer",
        r"nmr",
        r"no\.?",
        r"num",
    ),
}
# Categories reported under another name (CODE is SECRET, just tried after NEG).
_ALIAS = {"CODE": "SECRET"}

_parts = [
    f"(?P<{cat}>{'|'.join(sorted(words, key=len, reverse=True))})" for cat, words in CUES.items()
]
# Indonesian enclitics after any cue: "rekeningnya", "nomorku", "hp nya", "kartumu".
_SUFFIX = r"(?:\s?nya|ku|mu)?"
_CUE_SRC = r"\b(?:" + "|".join(_parts) + r")" + _SUFFIX + r"(?![\w])"
CUE_RE_ICASE = re.compile(_CUE_SRC, re.IGNORECASE)


def _heads(pattern: str) -> list[tuple[str, str]] | None:
    """Split ``pattern`` into (first character, rest) alternatives, in order; None if unsure.

    Handles the shapes the cue lists use: a literal first character, a leading
    ``\\b`` (redundant after the outer one) and a leading group of literal words.
    """
    if pattern.startswith("\\b"):
        return _heads(pattern[2:])
    if pattern.startswith("(?:"):
        close = pattern.find(")")
        words = pattern[3:close].split("|")
        after = pattern[close + 1 :]
        if after[:1] in ("?", "*", "+", "{") or not all(w.isalnum() for w in words):
            return None
        return [(w[0], w[1:] + after) for w in words]
    if pattern[:1].isalnum() and pattern[1:2] not in ("?", "*", "+", "{"):
        return [(pattern[0], pattern[1:])]
    return None


def _literal(rest: str) -> tuple[str, int] | None:
    """The character ``rest`` must start with and the length of its regex, if definite
    (a plain or escaped literal with no quantifier after it); None otherwise."""
    if rest[:1] == "\\" and rest[1:2] in (".", "-", "/", "#"):
        char, size = rest[1], 2
    elif rest[:1].isalnum() or rest[:1] in (" ", "'", "/", "-", "#"):
        char, size = rest[0], 1
    else:
        return None
    return None if rest[size : size + 1] in ("?", "*", "+", "{") else (char, size)


def _trie(alternatives: list[str]) -> str:
    """``a1|a2|...`` with the alternatives that open with the same literal character merged
    behind it, level by level: the engine rejects a whole group with one test.

    Two alternatives opening with different literals never match at the same place, so
    they may trade places; one that opens otherwise (an optional part, a group, a
    look-behind) keeps its place before and after every other. The first alternative
    that matches is then the same as in the plain alternation, and so is every match.
    """
    groups: list[tuple[str, list[str]] | str] = []  # (literal, rests) or an opaque one
    open_rests: dict[str, list[str]] = {}  # groups no opaque alternative follows yet
    for alt in alternatives:
        head = _literal(alt)
        if head is None:
            groups.append(alt)
            open_rests.clear()
            continue
        char, size = head
        rests = open_rests.get(char)
        if rests is None:
            rests = open_rests[char] = []
            groups.append((char, rests))
        rests.append(alt[size:])
    out = []
    for group in groups:
        if isinstance(group, str):
            out.append(group)
            continue
        char, rests = group
        inner = rests[0] if len(rests) == 1 else f"(?:{_trie(rests)})"
        out.append(re.escape(char) + inner)
    return "|".join(out)


def _bucketed() -> str | None:
    """The cue alternation as a trie of its literal prefixes, without capture groups.

    Same answers as the plain alternation (see :func:`_trie`), while the engine rejects
    every other first letter, then second letter, ... with one character test each, and
    without groups each alternative is rejected by its first literal too. Several times
    faster than the plain alternation.
    """
    words: list[str] = []
    for cat_words in CUES.values():
        for word in sorted(cat_words, key=len, reverse=True):
            heads = _heads(word)
            if heads is None:
                return None
            words.extend(first + rest for first, rest in heads)
    # every cue opens with a letter or digit, so \b is "no word character before"; the
    # look-ahead turns away word starts no cue opens with before the branches are tried
    firsts = re.escape("".join(sorted({w[0] for w in words})))
    return rf"(?<![\w])(?=[{firsts}])(?:" + _trie(words) + r")" + _SUFFIX + r"(?![\w])"


# Matched against lower-cased text (much faster than IGNORECASE over a large alternation).
# CUE_RE finds where cues are; _CUE_FULL names the category of the text it found.
_CUE_FULL = re.compile(_CUE_SRC)
CUE_RE = re.compile(_bucketed() or _CUE_SRC)


@lru_cache(maxsize=2048)
def _category(cue: str) -> str:
    """Category of a cue CUE_RE found: the first alternative that matches all of it.

    An earlier alternative matching the whole cue would have matched in the text
    too (same start, same end), so this is the alternative the text matched.
    """
    m = _CUE_FULL.fullmatch(cue)
    group = m.lastgroup or "" if m is not None else ""
    return _ALIAS.get(group, group)


_LOOKAROUNDS = ("(?<!", "(?<=", "(?!", "(?=")


def _relaxed(pattern: str) -> str:
    """``pattern`` without its look-arounds and ``\\b``: it matches wherever ``pattern``
    matches, in or out of context (and in more places)."""
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("\\b", i):
            i += 2
        elif pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern.startswith(_LOOKAROUNDS, i):
            depth = 0
            while True:  # to the parenthesis that closes it
                if pattern[i] == "\\":
                    i += 1
                elif pattern[i] == "[":
                    i = pattern.index("]", i + 2)
                elif pattern[i] == "(":
                    depth += 1
                elif pattern[i] == ")":
                    depth -= 1
                    if depth == 0:
                        break
                i += 1
            i += 1
        else:
            out.append(pattern[i])
            i += 1
    return "".join(out)


def _hint(categories: tuple[str, ...]) -> re.Pattern[str] | None:
    """Where a cue of ``categories`` may be, in lower-cased text: their alternatives relaxed
    (see :func:`_relaxed`) as a trie. No match: Cues of the text finds no such cue (the
    text it matches is matched by one of them, which matches here too). None: a cue's
    shape is not understood."""
    words = []
    for cat in categories:
        for word in CUES[cat]:
            heads = _heads(_relaxed(word))
            if heads is None:
                return None
            words.extend(first + rest for first, rest in heads)
    firsts = re.escape("".join(sorted({w[0] for w in words})))
    return re.compile(rf"(?=[{firsts}])(?:{_trie(words)})")


_DATE_HINT_RE = _hint(("DOB", "EXPIRY"))


def may_cue_date(text: str) -> bool:
    """Can :class:`Cues` of ``text`` hold a DOB or an expiry cue? False only when it cannot:
    half the cost of Cues, for the texts whose only reader of the cues wants those."""
    if _DATE_HINT_RE is None or not text.isascii():
        return True
    return _DATE_HINT_RE.search(text.lower()) is not None


BEFORE = 60  # characters a cue may precede its value by
AFTER = 25  # ... or follow it by

# Cues whose sense the cue just before decides: "my cell is area code 415 ..." (an area
# code read after a phone cue opens the phone number, not a code to keep), "the receipt
# says auth code 0Z4K19" (a card payment's approval code, not a one-time code).
_AREA_RE = re.compile(r"(?:area code|kode area)(?:\s?nya)?")
_AUTH_RE = re.compile(r"(?:auth|authori[sz]ation) code|kode otorisasi")
_REREAD_GAP = 40  # characters between the two cues


def _reread(cat: str, cue: str, cats: list[str], gap: int) -> str:
    """The category of a NEG or SECRET ``cue`` given the cue before it (``gap`` apart)."""
    if not cats or gap > _REREAD_GAP:
        return cat
    if cat == "NEG" and cats[-1] == "PHONE" and _AREA_RE.fullmatch(cue.lower()):
        return "PHONE"
    if cat == "SECRET" and cats[-1] == "NEG" and _AUTH_RE.fullmatch(cue.lower()):
        return "NEG"
    return cat


class Cues:
    """All cues of one utterance, for closest-cue look-ups."""

    __slots__ = ("cats", "ends", "number_ends", "starts")

    def __init__(self, text: str) -> None:
        ends: list[int] = []
        starts: list[int] = []
        cats: list[str] = []
        number_ends: list[int] = []
        low = text.lower()
        lowered = len(low) == len(text)  # else the case-blind pattern, over the text itself
        for m in CUE_RE.finditer(low) if lowered else CUE_RE_ICASE.finditer(text):
            group = m.lastgroup or ""
            cat = _category(m.group()) if lowered else _ALIAS.get(group, group)
            if cat == "NUMBER":
                number_ends.append(m.end())
                continue
            if cat == "ROLE":
                continue
            if (cat == "NEG" or cat == "SECRET") and cats:
                cat = _reread(cat, m.group(), cats, m.start() - ends[-1])
            ends.append(m.end())
            starts.append(m.start())
            cats.append(cat)
        self.number_ends = number_ends
        self.ends = ends
        self.starts = starts
        self.cats = cats

    def has(self, category: str) -> bool:
        return category in self.cats

    def closest(self, start: int, end: int, before: int = BEFORE, after: int = AFTER) -> str | None:
        """Category of the nearest cue ending before ``start`` (else starting after ``end``)."""
        if not self.cats:
            return None
        i = bisect_right(self.ends, start) - 1
        if i >= 0 and start - self.ends[i] <= before:
            return self.cats[i]
        j = bisect_right(self.starts, end - 1)
        if j < len(self.starts) and self.starts[j] - end <= after:
            return self.cats[j]
        return None

    def closest_before(self, start: int, end: int) -> tuple[str | None, bool, int]:
        """:meth:`closest`, whether that cue comes before the value (not after it), and
        where it ends."""
        if not self.cats:
            return None, False, 0
        i = bisect_right(self.ends, start) - 1
        if i >= 0 and start - self.ends[i] <= BEFORE:
            return self.cats[i], True, self.ends[i]
        j = bisect_right(self.starts, end - 1)
        if j < len(self.starts) and self.starts[j] - end <= AFTER:
            return self.cats[j], False, self.ends[j]
        return None, False, 0

    def before_other(
        self, start: int, skip: frozenset[str] | set[str], before: int = BEFORE
    ) -> str | None:
        """The nearest cue before ``start`` (within ``before``) not of a category in ``skip``."""
        i = bisect_right(self.ends, start) - 1
        while i >= 0 and start - self.ends[i] <= before:
            if self.cats[i] not in skip:
                return self.cats[i]
            i -= 1
        return None

    def number_near(self, start: int, before: int = 30) -> bool:
        """Is a bare "number"/"nomor" within ``before`` characters before ``start``?"""
        i = bisect_right(self.number_ends, start) - 1
        return i >= 0 and start - self.number_ends[i] <= before

    def near(self, start: int, category: str, before: int = BEFORE) -> bool:
        """Is there a cue of ``category`` within ``before`` characters before ``start``?"""
        i = bisect_right(self.ends, start) - 1
        while i >= 0 and start - self.ends[i] <= before:
            if self.cats[i] == category:
                return True
            i -= 1
        return False
