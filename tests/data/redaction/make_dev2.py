"""Build dev2.jsonl from dev2_source.txt (hand-written turns with inline labels).

Run once (``python tests/data/redaction/make_dev2.py``); the generated file is
committed, tests never regenerate it. See dev2_source.txt for the line format.
Every labelled number is checked the way a real one would be (Luhn and an issuer
prefix for cards, NIK structure, NRIC, IBAN and NPWP check digits, phone numbers
accepted by phonenumbers), so a typo in the source fails the build instead of
becoming a label no engine should find.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import phonenumbers

from amanah.redaction.validators import iban_ok, is_card, nik_ok, npwp_ok, nric_ok, ssn_ok

HERE = Path(__file__).parent
SOURCE = HERE / "dev2_source.txt"
OUT = HERE / "dev2.jsonl"

LINE_RE = re.compile(r"^(?:@(?P<inter>[\w-]+)\s+)?(?P<lang>en|id)\s+(?P<kind>\w+):\s(?P<text>.*)$")
LABEL_RE = re.compile(r"\[\[([A-Z_]+)\|(.+?)\]\]")
WORDS = {
    "zero": "0", "oh": "0", "one": "1", "two": "2", "three": "3", "four": "4", "five": "5",
    "six": "6", "seven": "7", "eight": "8", "nine": "9", "nol": "0", "kosong": "0",
    "satu": "1", "dua": "2", "tiga": "3", "empat": "4", "lima": "5", "enam": "6",
    "tujuh": "7", "delapan": "8", "sembilan": "9",
}  # fmt: skip
REPEAT = {"double": 2, "triple": 3, "dobel": 2}


def spelled_digits(value: str) -> str:
    """The digits a written or spoken number says ("double oh" -> "00"); "+" kept."""
    out, times = [], 1
    for tok in re.findall(r"\+|\d+|[a-z]+", value.lower()):
        if tok in REPEAT:
            times = REPEAT[tok]
        elif tok in WORDS:
            out.append(WORDS[tok] * times)
            times = 1
        elif tok.isdigit():
            out.append(tok)
        elif tok == "+" or tok == "plus":
            out.append("+")
    return "".join(out)


FILLERS = {"uh", "um", "umm", "eh", "erm", "hmm"}


def spelled_code(value: str) -> str:
    """The letters and digits a written or spoken code says ("S one two ... D" -> "S12...D")."""
    out, times = [], 1
    for tok in re.findall(r"\d+|[a-z]+", value.lower()):
        if tok in REPEAT:
            times = REPEAT[tok]
            continue
        if tok not in FILLERS:
            out.append(WORDS.get(tok, tok.upper()) * times)
        times = 1
    return "".join(out)


# The numbers a caller may dictate across turns (one per interaction).
SPLIT_TYPES = frozenset(
    {"CREDIT_CARD", "ID_NIK", "PHONE_NUMBER", "ID_NRIC", "IBAN_CODE", "ID_NPWP", "US_SSN",
     "BANK_ACCOUNT", "PASSPORT", "SECRET", "EMAIL_ADDRESS"}
)  # fmt: skip


def phone_valid(digits: str) -> bool:
    if digits.startswith("+"):
        return phonenumbers.is_valid_number(phonenumbers.parse(digits, None))
    if digits.startswith("62") or digits.startswith("65") or digits.startswith("44"):
        return phonenumbers.is_valid_number(phonenumbers.parse("+" + digits, None))
    return any(
        phonenumbers.is_valid_number(phonenumbers.parse(digits, region))
        for region in ("ID", "US", "GB", "SG")
    )


def check(kind: str, value: str, split: bool) -> str | None:
    """Why ``value`` is not a believable ``kind``, or None."""
    digits = spelled_digits(value)
    if split:
        return None  # a part of a number: checked as a whole below
    if kind == "CREDIT_CARD" and not is_card(digits):
        return "card fails Luhn/IIN"
    if kind == "ID_NIK" and not nik_ok(digits):
        return "NIK structure"
    if kind == "PHONE_NUMBER" and not phone_valid(digits):
        return "phone not valid"
    if kind == "ID_NRIC" and not nric_ok(spelled_code(value)):
        return "NRIC check letter"
    if kind == "IBAN_CODE" and not iban_ok(spelled_code(value)):
        return "IBAN mod 97"
    if kind == "ID_NPWP" and not npwp_ok(digits):  # written or spoken
        return "NPWP check digit"
    if kind == "US_SSN" and not ssn_ok(digits):
        return "SSN ranges"
    if (
        kind == "EMAIL_ADDRESS"
        and "@" in value
        and not re.fullmatch(r"[^@\s]+@[\w.-]+\.\w+", value)
    ):
        return "email shape"
    return None


def parse(text: str) -> tuple[str, list[dict[str, object]]]:
    out, spans, pos = [], [], 0
    for m in LABEL_RE.finditer(text):
        out.append(text[pos : m.start()])
        start = sum(map(len, out))
        out.append(m.group(2))
        spans.append({"type": m.group(1), "start": start, "end": start + len(m.group(2))})
        pos = m.end()
    out.append(text[pos:])
    return "".join(out), spans


def main() -> None:
    ap = argparse.ArgumentParser(description="Build a hand-written JSONL set from its source file.")
    ap.add_argument("--source", type=Path, default=SOURCE, help="default dev2_source.txt")
    ap.add_argument("--out", type=Path, default=OUT, help="default dev2.jsonl")
    args = ap.parse_args()
    source, out = args.source, args.out
    prefix = out.stem  # row ids and interaction ids: "dev2-...", "heldout2-..."
    rows: list[dict[str, object]] = []
    problems: list[str] = []
    counters: dict[str, int] = {}
    turns: dict[str, int] = {}
    whole: dict[str, tuple[str, str]] = {}  # interaction -> (kind, digits so far)
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = LINE_RE.match(line)
        if m is None:
            problems.append(f"line {number}: bad format")
            continue
        lang, kind, inter = m.group("lang"), m.group("kind"), m.group("inter")
        text, spans = parse(m.group("text"))
        for span in spans:
            value, kind_of = text[span["start"] : span["end"]], str(span["type"])
            # in an interaction, the pieces of its one split number are checked joined
            # (below); anything else said with them (a name, a CVV) is checked alone
            piece = inter is not None and kind_of in SPLIT_TYPES
            piece = piece and whole.get(inter, (kind_of, ""))[0] == kind_of
            why = check(kind_of, value, piece)
            if why:
                problems.append(f"line {number}: {kind_of}: {why}")
            if piece:
                so_far = whole.get(inter, (kind_of, ""))[1]
                whole[inter] = (kind_of, so_far + spelled_code(value))
        row: dict[str, object] = {"lang": lang, "kind": kind, "text": text, "entities": spans}
        if inter is not None:
            turn = turns.get(inter, 0)
            turns[inter] = turn + 1
            row = {"id": f"{prefix}-{inter}-t{turn}", **row, "interaction": f"{prefix}-{inter}"}
            row["turn"] = turn
        else:
            counters[lang] = counters.get(lang, 0) + 1
            row = {"id": f"{prefix}-{lang}-{counters[lang]:03d}", **row}
        rows.append(row)
    for inter, (kind, digits) in whole.items():
        why = check(kind, digits, False)
        if why and kind not in ("BANK_ACCOUNT",):
            problems.append(f"interaction {inter}: {kind}: {why}")
    if problems:
        raise SystemExit("\n".join(problems))
    with out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    n_en = sum(r["lang"] == "en" for r in rows)
    print(f"{len(rows)} utterances ({n_en} en, {len(rows) - n_en} id) -> {out.name}")


if __name__ == "__main__":
    main()
