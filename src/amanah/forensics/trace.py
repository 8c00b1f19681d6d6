"""Export fingerprints and leak tracing.

Every export of customer data carries two kinds of invisible mark, both derived
from a per-export secret (an HMAC under a keyring secret of the export id):

* Format variants. Each row writes its values in one of a few equivalent
  formats (a phone as ``+6281234567890``, ``+62 812-3456-7890``,
  ``0812-3456-7890`` or ``0812 3456 7890``; a date as ``1990-03-17``,
  ``17/03/1990`` or ``17-03-1990``; a name as written or in capitals; ...),
  chosen by HMAC(export secret, customer id). The pattern of formats across rows
  identifies the export and survives copying, reordering rows and columns,
  dropping columns and re-saving in another format.
* Decoy records: a few invented customers at pseudo-random positions. Only
  keyed digests of their normalised values are stored; a decoy found in a
  leaked file names its export outright.

``trace`` reads a leaked file (CSV in any column order, JSON array, JSON Lines,
XLSX), finds each row's customer through the vault's blind index, compares the
formats seen with those each candidate export wrote, and scores every candidate
with a log-likelihood ratio against the hypothesis that the file did not come
from it. The null model for each column is the column's own mix of formats, so a
file whose formats are uniform (another system's dump, a tool that reformatted a
column) gives no evidence either way; columns with a single format are skipped.
It answers "no match" unless the best export's evidence passes a threshold and
clearly beats every other candidate.

Dependency note: tracing needs the vault's blind index (``customer_fields.lookup``)
and its normalisation rules, so this module imports ``amanah.vault`` models and
pure helpers; it imports nothing from ``amanah.vault`` that imports ``audit``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from amanah.crypto.keyring import Keyring
from amanah.errors import InvalidInput
from amanah.forensics.models import (
    ForensicDecoyDigest,
    ForensicExport,
    ForensicExportRow,
)
from amanah.vault.fields import lookup_message
from amanah.vault.models import CustomerField
from amanah.vault.validation import normalize_phone

SCHEME = "v1"
EXPORT_SECRET_LABEL = b"amanah.export-fingerprint.v1"
DECOY_DIGEST_LABEL = b"amanah.forensics.decoy-digest.v1"

# Fields that carry a format mark, in the order of the ``variants`` string, and how many
# equivalent formats each has.
VARIANT_KINDS: tuple[str, ...] = (
    "phone",
    "email",
    "national_id",
    "date_of_birth",
    "full_name",
    "card",
)
VARIANT_COUNTS: dict[str, int] = {
    "phone": 4,
    "email": 4,
    "national_id": 3,
    "date_of_birth": 3,
    "full_name": 2,
    "card": 2,
}
NO_MARK = "-"
# Decoy digests of these kinds are distinctive enough on their own to name an export;
# an email alone is not (``agus12@gmail.com`` may well be somebody's), nor a name.
STRONG_DECOY_KINDS = frozenset({"phone", "national_id", "bank_account"})

# Scoring
EDIT_RATE = 0.02  # chance that a copied cell changed format anyway (hand edits, tools)
DECOY_LOG10_LR = 6.0  # one planted decoy found in the file
MATCH_LOG10_LR = 6.0  # evidence needed to name an export (a million to one)
MATCH_PROBABILITY = 0.99  # and its share of the evidence against every other explanation
MAX_UNIFORM_SHARE = 0.9  # a column where one format is this common carries no mark
MAX_ROWS = 1_000_000


# ---- keys -------------------------------------------------------------------------------


def export_secret(keyring: Keyring, export_id: str) -> bytes:
    base = keyring.blind_index(EXPORT_SECRET_LABEL)
    return hmac.new(base, export_id.encode(), hashlib.sha256).digest()


def decoy_digest_key(keyring: Keyring) -> bytes:
    return keyring.blind_index(DECOY_DIGEST_LABEL)


def decoy_digest(key: bytes, kind: str, normalized: str) -> bytes:
    return hmac.new(key, lookup_message(kind, normalized), hashlib.sha256).digest()


def row_variants(secret: bytes, row_key: str) -> dict[str, int]:
    """The format each variant field takes in one row: a keyed, per-export choice."""
    digest = hmac.new(secret, b"row\x00" + row_key.encode(), hashlib.sha256).digest()
    return {kind: digest[i] % VARIANT_COUNTS[kind] for i, kind in enumerate(VARIANT_KINDS)}


# ---- formats: render a canonical value in variant i, and tell which variant a text is in --

_PHONE_E164 = re.compile(r"\+\d{7,15}")
_PHONE_INTL = re.compile(r"\+\d{1,3} \d+(?:[ -]\d+)+")
_PHONE_NAT_DASH = re.compile(r"0\d+(?:-\d+)+")
_PHONE_NAT_SPACE = re.compile(r"0\d+(?: \d+)+")
_NIK_COMPACT = re.compile(r"\d{16}")
_NIK_GROUPED = re.compile(r"\d{4} \d{4} \d{4} \d{4}")
_NIK_DOTTED = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{6}\.\d{4}")
_DATE_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DATE_SLASH = re.compile(r"(\d{2})/(\d{2})/(\d{4})")
_DATE_DASH = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_CARD = re.compile(r"[\d*]{4}(?: ?[\d*]{1,4}){2,4}")
_EMAIL = re.compile(r"[^@\s;]+@[^@\s;]+\.[^@\s;]+")
_NAME = re.compile(r"[^\W\d_]+(?:[ .'\-]+[^\W\d_]+){0,6}\.?")
_LOCAL_WORD_START = re.compile(r"(^|[._\-+])([a-z])")


def _render_phone(value: str, variant: int) -> str:
    if variant == 0:
        return value
    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return value
    if variant == 1:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    if phonenumbers.region_code_for_number(number) != "ID":
        return value  # a national format would lose the country: not a variant for it
    national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return national if variant == 2 else national.replace("-", " ")


def _classify_phone(text: str) -> int | None:
    if _PHONE_E164.fullmatch(text):
        return 0
    if _PHONE_INTL.fullmatch(text):
        return 1
    if _PHONE_NAT_DASH.fullmatch(text):
        return 2
    if _PHONE_NAT_SPACE.fullmatch(text):
        return 3
    return None


def _render_email(value: str, variant: int) -> str:
    local, _, domain = value.rpartition("@")
    if variant & 1:
        local = _LOCAL_WORD_START.sub(lambda m: m.group(1) + m.group(2).upper(), local)
    if variant & 2:
        domain = domain[:1].upper() + domain[1:]
    return f"{local}@{domain}"


def _classify_email(text: str) -> int | None:
    if not _EMAIL.fullmatch(text):
        return None
    local, _, domain = text.rpartition("@")
    return int(local != local.lower()) + 2 * int(domain != domain.lower())


def _render_national_id(value: str, variant: int) -> str:
    if not _NIK_COMPACT.fullmatch(value) or variant == 0:
        return value
    if variant == 1:
        return " ".join(value[i : i + 4] for i in range(0, 16, 4))
    return f"{value[:2]}.{value[2:4]}.{value[4:6]}.{value[6:12]}.{value[12:]}"


def _classify_national_id(text: str) -> int | None:
    if _NIK_COMPACT.fullmatch(text):
        return 0
    if _NIK_GROUPED.fullmatch(text):
        return 1
    if _NIK_DOTTED.fullmatch(text):
        return 2
    return None


def _render_date(value: str, variant: int) -> str:
    match = _DATE_ISO.fullmatch(value)
    if not match or variant == 0:
        return value
    year, month, day = match.groups()
    return f"{day}/{month}/{year}" if variant == 1 else f"{day}-{month}-{year}"


def _classify_date(text: str) -> int | None:
    if _DATE_ISO.fullmatch(text):
        return 0
    if _DATE_SLASH.fullmatch(text):
        return 1
    if _DATE_DASH.fullmatch(text):
        return 2
    return None


def _render_name(value: str, variant: int) -> str:
    return value.upper() if variant == 1 else value


def _classify_name(text: str) -> int | None:
    if not any(ch.isalpha() for ch in text):
        return None
    return 1 if text == text.upper() else 0


def _render_card(value: str, variant: int) -> str:
    if variant == 0:
        return value
    compact = value.replace(" ", "")
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def _classify_card(text: str) -> int | None:
    if "*" not in text or not _CARD.fullmatch(text):
        return None
    return 1 if " " in text else 0


_RENDER = {
    "phone": _render_phone,
    "email": _render_email,
    "national_id": _render_national_id,
    "date_of_birth": _render_date,
    "full_name": _render_name,
    "card": _render_card,
}
_CLASSIFY = {
    "phone": _classify_phone,
    "email": _classify_email,
    "national_id": _classify_national_id,
    "date_of_birth": _classify_date,
    "full_name": _classify_name,
    "card": _classify_card,
}


def render(kind: str, value: str, variant: int) -> str:
    renderer = _RENDER.get(kind)
    return renderer(value, variant) if renderer else value


def classify(kind: str, text: str) -> int | None:
    """Which format variant ``text`` is written in, or None if it is in none of them."""
    classifier = _CLASSIFY.get(kind)
    return classifier(text.strip()) if classifier else None


def can_mark(kind: str, value: str) -> bool:
    """True when every variant of this value is written differently and recognisably."""
    if kind not in VARIANT_COUNTS:
        return False
    return all(classify(kind, render(kind, value, i)) == i for i in range(VARIANT_COUNTS[kind]))


def mark_values(
    kind: str, values: Sequence[str], variant: int, markable: bool = True
) -> tuple[list[str], str]:
    """Render a cell's values in ``variant``; return them and the mark to store ('-' if none)."""
    if not values or not markable or kind not in VARIANT_COUNTS or not can_mark(kind, values[0]):
        return list(values), NO_MARK
    return [render(kind, v, variant) for v in values], str(variant)


# ---- normalisation of leaked cells ------------------------------------------------------


def normalize_for_digest(kind: str, text: str, region: str = "ID") -> str | None:
    """The one spelling of a value, whatever format it was written in (for digests)."""
    text = text.strip()
    if not text:
        return None
    if kind == "phone":
        if not re.fullmatch(r"[+\d][\d \-().]{5,24}", text):
            return None
        try:
            return normalize_phone(text, region)
        except Exception:
            return None
    if kind == "email":
        return text.lower() if _EMAIL.fullmatch(text) else None
    if kind in ("national_id", "bank_account"):
        compact = re.sub(r"[ .\-]", "", text).upper()
        return compact if 6 <= len(compact) <= 34 and compact.isalnum() else None
    if kind == "date_of_birth":
        if _DATE_ISO.fullmatch(text):
            return text
        if match := (_DATE_SLASH.fullmatch(text) or _DATE_DASH.fullmatch(text)):
            day, month, year = match.groups()
            return f"{year}-{month}-{day}"
        return None
    if kind == "card":
        compact = text.replace(" ", "").replace("-", "")
        return compact if _classify_card(text) is not None else None
    # full_name, address: case and spacing do not matter
    return " ".join(text.split()).casefold()


DECOY_KINDS = (
    "full_name",
    "phone",
    "email",
    "national_id",
    "date_of_birth",
    "address",
    "card",
    "bank_account",
)


# ---- reading leaked files ---------------------------------------------------------------

Row = dict[str, str]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return "; ".join(_cell(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _from_objects(items: Iterable[Any]) -> list[Row]:
    rows: list[Row] = []
    for item in items:
        if isinstance(item, dict):
            rows.append({str(k): _cell(v) for k, v in item.items()})
        elif isinstance(item, list):
            rows.append({f"col{i}": _cell(v) for i, v in enumerate(item)})
        if len(rows) > MAX_ROWS:
            raise InvalidInput("the file has too many rows to trace")
    return rows


def _looks_like_data(cells: Sequence[str]) -> bool:
    return any(_guess_kind(c) in ("phone", "email", "national_id", "date_of_birth") for c in cells)


def _from_table(table: list[list[str]]) -> list[Row]:
    table = [r for r in table if any(c.strip() for c in r)]
    if not table:
        return []
    header: list[str]
    if _looks_like_data(table[0]):
        header, body = [f"col{i}" for i in range(max(len(r) for r in table))], table
    else:
        header, body = [h.strip() or f"col{i}" for i, h in enumerate(table[0])], table[1:]
    width = max([len(header), *(len(r) for r in body)])
    header = header + [f"col{i}" for i in range(len(header), width)]
    return [dict(zip(header, r, strict=False)) for r in body]


def _delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most recognisable values.

    Counting fields alone is misled by commas inside addresses; counting cells that
    read as phones, emails, ids or dates is not.
    """
    sample = text[:16384].splitlines()[:50]
    best, best_score = ",", -1
    for delimiter in (",", ";", "\t", "|"):
        table = list(csv.reader(sample, delimiter=delimiter))
        score = sum(_guess_kind(c) not in (None, "full_name") for r in table for c in r)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _read_csv(text: str) -> list[Row]:
    table = list(csv.reader(io.StringIO(text), delimiter=_delimiter(text)))
    if len(table) > MAX_ROWS:
        raise InvalidInput("the file has too many rows to trace")
    return _from_table(table)


def _read_xlsx(data: bytes) -> list[Row]:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - depends on the installation
        raise InvalidInput("reading XLSX needs the openpyxl package") from None
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        rows: list[Row] = []
        for sheet in book.worksheets:
            table = [[_cell(v) for v in r] for r in sheet.iter_rows(values_only=True)]
            rows.extend(_from_table(table))
        return rows
    finally:
        book.close()


def read_leaked(data: bytes, name: str = "") -> list[Row]:
    """Rows of a leaked file, as text cells keyed by column name, whatever its format."""
    suffix = Path(name).suffix.lower()
    if data[:4] == b"PK\x03\x04" or suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(data)
    text = data.decode("utf-8-sig", errors="replace")
    stripped = text.lstrip()
    if suffix in (".jsonl", ".ndjson") or (stripped.startswith("{") and "\n{" in stripped):
        items = []
        for line in text.splitlines():
            if line.strip():
                try:
                    items.append(json.loads(line))
                except ValueError:
                    continue
        return _from_objects(items)
    if suffix == ".json" or stripped.startswith(("[", "{")):
        try:
            parsed = json.loads(text)
        except ValueError:
            raise InvalidInput("the file is not valid JSON") from None
        if isinstance(parsed, dict):  # {"customers": [...]} and similar wrappers
            lists = [v for v in parsed.values() if isinstance(v, list)]
            parsed = lists[0] if lists else [parsed]
        return _from_objects(parsed if isinstance(parsed, list) else [])
    return _read_csv(text)


# ---- column kinds -----------------------------------------------------------------------

_NAME_HEADERS = frozenset(
    {"fullname", "name", "nama", "namalengkap", "customername", "customer", "namapelanggan"}
)


def _header_key(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _first_value(cell: str) -> str:
    return cell.split(";", 1)[0].strip()


def _guess_kind(cell: str) -> str | None:
    text = _first_value(cell)
    if not text:
        return None
    if _EMAIL.fullmatch(text):
        return "email"
    if _classify_national_id(text) is not None:
        return "national_id"
    if _classify_date(text) is not None:
        return "date_of_birth"
    if _classify_card(text) is not None:
        return "card"
    if normalize_for_digest("phone", text) is not None:
        return "phone"
    if _NAME.fullmatch(text) and len(text) <= 100:
        return "full_name"
    return None


def column_kinds(rows: Sequence[Row]) -> dict[str, str]:
    """The variant kind of each column that has one, by the content of its cells."""
    votes: dict[str, Counter[str | None]] = defaultdict(Counter)
    for row in rows[:2000]:
        for column, cell in row.items():
            if cell.strip():
                votes[column][_guess_kind(cell)] += 1
    kinds: dict[str, str] = {}
    for column, counter in votes.items():
        kind, count = counter.most_common(1)[0]
        if kind is not None and count >= 0.6 * sum(counter.values()):
            kinds[column] = kind
    chosen: dict[str, str] = {}
    for kind in VARIANT_KINDS:
        columns = [c for c, k in kinds.items() if k == kind]
        if kind == "full_name":
            named = [c for c in columns if _header_key(c) in _NAME_HEADERS]
            columns = named or columns
        if columns:
            chosen[columns[0]] = kind
    return chosen


# ---- trace ------------------------------------------------------------------------------


@dataclass
class Candidate:
    export_id: str
    log10_lr: float
    rows_in_export: int = 0
    cells_compared: int = 0
    cells_agreeing: int = 0
    decoy_hits: int = 0


@dataclass
class TraceResult:
    matched: bool
    verdict: str  # "match" or "no match"
    reason: str
    rows_read: int
    rows_identified: int  # rows whose customer the blind index found
    columns_used: dict[str, str] = field(default_factory=dict)
    export: dict[str, Any] | None = None
    log10_lr: float | None = None
    probability: float | None = None
    cells_compared: int = 0
    cells_agreeing: int = 0
    decoy_hits: int = 0
    candidates: list[Candidate] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _chunks(items: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _row_lookups(row: Row, region: str) -> set[bytes]:
    messages: set[bytes] = set()
    for cell in row.values():
        for part in cell.split(";"):
            part = part.strip()
            if not part:
                continue
            if _EMAIL.fullmatch(part):
                messages.add(lookup_message("email", part.lower()))
                continue
            phone = normalize_for_digest("phone", part, region)
            if phone is not None:
                messages.add(lookup_message("phone", phone))
            compact = re.sub(r"[ .\-]", "", part).upper()
            if 6 <= len(compact) <= 20 and compact.isalnum() and any(c.isdigit() for c in compact):
                messages.add(lookup_message("national_id", compact))
    return messages


def _identify_customers(
    session: Session, keyring: Keyring, rows: Sequence[Row], region: str
) -> list[str | None]:
    per_row: list[list[bytes]] = []
    digests: set[bytes] = set()
    for row in rows:
        found = [keyring.blind_index(m) for m in _row_lookups(row, region)]
        per_row.append(found)
        digests.update(found)
    owners: dict[bytes, set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(digests)):
        query = select(CustomerField.lookup, CustomerField.customer_id).where(
            CustomerField.lookup.in_(chunk)
        )
        for digest, customer_id in session.execute(query):
            owners[digest].add(customer_id)
    result: list[str | None] = []
    for found in per_row:
        votes = Counter(cid for d in found for cid in owners.get(d, ()))
        result.append(votes.most_common(1)[0][0] if votes else None)
    return result


def _decoy_hits(
    session: Session,
    keyring: Keyring,
    rows: Sequence[Row],
    customers: Sequence[str | None],
    region: str,
) -> dict[str, int]:
    key = decoy_digest_key(keyring)
    digests: set[bytes] = set()
    for row, customer_id in zip(rows, customers, strict=True):
        if customer_id is not None:  # a real customer's row is never a decoy
            continue
        for cell in row.values():
            for part in cell.split(";"):
                for kind in DECOY_KINDS:
                    normalized = normalize_for_digest(kind, part, region)
                    if normalized:
                        digests.add(decoy_digest(key, kind, normalized))
    matched: dict[tuple[str, int], set[str]] = defaultdict(set)
    for chunk in _chunks(sorted(digests)):
        query = select(
            ForensicDecoyDigest.export_id, ForensicDecoyDigest.position, ForensicDecoyDigest.kind
        ).where(ForensicDecoyDigest.digest.in_(chunk))
        for export_id, position, kind in session.execute(query):
            matched[(export_id, position)].add(kind)
    hits: Counter[str] = Counter()
    for (export_id, _), kinds in matched.items():
        if kinds & STRONG_DECOY_KINDS or len(kinds) >= 2:
            hits[export_id] += 1
    return dict(hits)


def _log10_sum(values: Iterable[float]) -> float:
    values = list(values)
    top = max(values)
    return top + math.log10(sum(10 ** (v - top) for v in values))


def _export_info(export: ForensicExport) -> dict[str, Any]:
    return {
        "id": export.id,
        "actor": export.actor,
        "recipient": export.recipient,
        "purpose": export.purpose,
        "created_at": export.created_at.isoformat(),
        "format": export.format,
        "fields": list(export.fields or []),
        "rows": export.row_count,
    }


def trace_rows(
    session: Session, keyring: Keyring, rows: list[Row], region: str = "ID"
) -> TraceResult:
    """Score every export that could have produced these rows; name it only on strong evidence."""
    kinds = column_kinds(rows)
    customers = _identify_customers(session, keyring, rows, region)
    identified = sum(c is not None for c in customers)
    decoys = _decoy_hits(session, keyring, rows, customers, region)

    # what the file shows, per variant field: the format of each row's cell
    observed: dict[str, list[int | None]] = {}
    for column, kind in kinds.items():
        observed[kind] = [classify(kind, _first_value(row.get(column, ""))) for row in rows]
    null: dict[str, dict[int, float]] = {}
    for kind, classes in observed.items():
        seen = Counter(c for c in classes if c is not None)
        total = sum(seen.values())
        if total < 2 or len(seen) < 2 or max(seen.values()) > MAX_UNIFORM_SHARE * total:
            continue  # one format throughout: no mark survives in this column
        n = VARIANT_COUNTS[kind]
        null[kind] = {c: (seen[c] + 1) / (total + n) for c in range(n)}

    first_row: dict[str, int] = {}
    for index, customer_id in enumerate(customers):
        if customer_id is not None:
            first_row.setdefault(customer_id, index)
    marks: dict[str, dict[str, str]] = defaultdict(dict)
    for chunk in _chunks(sorted(first_row)):
        query = select(
            ForensicExportRow.export_id, ForensicExportRow.customer_id, ForensicExportRow.variants
        ).where(ForensicExportRow.customer_id.in_(chunk))
        for export_id, customer_id, variants in session.execute(query):
            marks[export_id][customer_id] = variants

    candidates: list[Candidate] = []
    for export_id in set(marks) | set(decoys):
        candidate = Candidate(export_id, 0.0, decoy_hits=decoys.get(export_id, 0))
        candidate.log10_lr += DECOY_LOG10_LR * candidate.decoy_hits
        for customer_id, variants in marks.get(export_id, {}).items():
            candidate.rows_in_export += 1
            index = first_row[customer_id]
            for position, kind in enumerate(VARIANT_KINDS):
                if kind not in null or position >= len(variants) or variants[position] == NO_MARK:
                    continue
                seen_class = observed[kind][index]
                if seen_class is None:
                    continue
                expected = int(variants[position])
                q = null[kind][seen_class]
                candidate.cells_compared += 1
                if seen_class == expected:
                    candidate.cells_agreeing += 1
                    candidate.log10_lr += math.log10((1 - EDIT_RATE) / q)
                else:
                    wrong = EDIT_RATE / (VARIANT_COUNTS[kind] - 1)
                    candidate.log10_lr += math.log10(wrong / q)
        candidates.append(candidate)
    candidates.sort(key=lambda c: c.log10_lr, reverse=True)

    result = TraceResult(
        matched=False,
        verdict="no match",
        reason="",
        rows_read=len(rows),
        rows_identified=identified,
        columns_used={c: k for c, k in kinds.items() if k in null},
        candidates=[_rounded(c) for c in candidates[:5]],
    )
    if not candidates:
        result.reason = "no export holds these rows' customers, and no decoy was found"
        return result
    best = candidates[0]
    # posterior of the best export against "none of them" (prior odds 1) and the others
    evidence = _log10_sum([0.0, *(c.log10_lr for c in candidates)])
    probability = 10 ** (best.log10_lr - evidence)
    result.log10_lr = round(best.log10_lr, 2)
    result.probability = round(probability, 6)
    result.cells_compared, result.cells_agreeing = best.cells_compared, best.cells_agreeing
    result.decoy_hits = best.decoy_hits
    if best.log10_lr < MATCH_LOG10_LR:
        result.reason = (
            f"the strongest evidence (likelihood ratio 10^{best.log10_lr:.1f}) is below "
            f"the 10^{MATCH_LOG10_LR:.0f} needed to name an export"
        )
        return result
    if probability < MATCH_PROBABILITY:
        result.reason = "the evidence fits more than one export about equally"
        return result
    export = session.get(ForensicExport, best.export_id)
    if export is None:  # pragma: no cover - rows without their export
        result.reason = "the matching export record is missing"
        return result
    result.matched, result.verdict = True, "match"
    result.export = _export_info(export)
    result.reason = f"{best.cells_agreeing} of {best.cells_compared} marked cells agree" + (
        f", {best.decoy_hits} decoy record(s) found" if best.decoy_hits else ""
    )
    return result


def _rounded(candidate: Candidate) -> Candidate:
    candidate.log10_lr = round(candidate.log10_lr, 2)
    return candidate


def trace_bytes(system: Any, data: bytes, name: str = "") -> TraceResult:
    rows = read_leaked(data, name)
    region = getattr(system.settings, "default_region", "ID")
    with system.factory() as session:
        return trace_rows(session, system.keyring, rows, region)


def trace(system: Any, path: str | Path) -> TraceResult:
    """Name the export a leaked file came from (who, when, for whom, why), or say no match."""
    path = Path(path)
    return trace_bytes(system, path.read_bytes(), path.name)
