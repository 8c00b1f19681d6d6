"""One audit entry and its canonical bytes (what the Merkle leaf hashes).

**Entries carry ids only, never personal data values.** An entry says *who*
(``actor``: a staff or service-account id) did *what* (``action``) to *which*
records (``subject_ids``: opaque ids such as ``cus_...``), touching which
``fields`` (names like ``"phone"``, never their values), why (``purpose``), in
which ``interaction_id``, with what ``outcome``, for which ``request_id``, when
(``at``, UTC). ``extra`` holds a few more ids or codes (an export id, a key
version, a role name). The trail is kept for years and handed to outside
auditors; it must never become a second copy of the data it protects, and an
erasure must not have to rewrite it (it cannot: rewriting breaks the hashes).
Validation enforces the shape (short single-line strings, no nesting); callers
are responsible for passing ids and names, not values.

Canonical bytes: JSON with sorted keys, no whitespace, UTF-8 (not
``\\u``-escaped), no floats, ``None`` and empty collections omitted, time as
``YYYY-MM-DDTHH:MM:SS.ffffffZ``, plus ``"v"`` (format version) and ``"seq"``
(the entry's leaf index). Binding ``seq`` into the hashed bytes means an entry
moved to another position (two rows swapped, later rows renumbered to close
a gap) is caught by reading the entry itself, before any tree is rebuilt.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from json.encoder import encode_basestring as _quote  # what json uses with ensure_ascii=False
from typing import Any

from amanah.audit.errors import AuditError

__all__ = ["FORMAT_VERSION", "AuditEntry", "EntryFormatError", "canonical_json"]

FORMAT_VERSION = 1
MAX_TEXT = 200
MAX_ITEMS = 256
MAX_EXTRA = 16
_BAD_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_TAIL = f',"v":{FORMAT_VERSION}}}'
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
_TIME = "%Y-%m-%dT%H:%M:%S.%fZ"
_LAST_SECOND = datetime.max.replace(microsecond=0, tzinfo=UTC)


class EntryFormatError(AuditError):
    """An audit entry has the wrong shape, or stored bytes are not a canonical entry."""

    code, status, title, exit_code = "invalid-audit-entry", 422, "Invalid audit entry", 2


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)


def canonical_json(obj: Any) -> bytes:
    """Deterministic JSON: sorted keys, no whitespace, UTF-8."""
    return _ENCODER.encode(obj).encode("utf-8")


_ONE_SECOND = timedelta(seconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# The last whole second formatted: (start, end, "YYYY-MM-DDTHH:MM:SS"). Entries appended
# together are mostly stamped within the same second, and two datetime comparisons cost
# a fraction of formatting the date again. One tuple, swapped whole: thread-safe.
_second: tuple[datetime, datetime, str] = (_EPOCH, _EPOCH + _ONE_SECOND, "1970-01-01T00:00:00")


def _format_time(at: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.ffffffZ`` (``at`` is already UTC)."""
    global _second
    start, end, prefix = _second
    if not start <= at < end:
        start = at.replace(microsecond=0)
        prefix = start.isoformat("T", "seconds")[:19]  # positional args: kwargs cost 3x here
        if start < _LAST_SECOND:
            _second = (start, start + _ONE_SECOND, prefix)
    return f"{prefix}.{at.microsecond:06d}Z"


# One C-level match accepts a valid text: 1..MAX_TEXT chars, no control characters, no
# lone surrogates (which UTF-8 cannot encode). Only a refused value takes the slow path,
# which says what is wrong with it.
_TEXT_CHARS = f"[^\\x00-\\x1f\\x7f\\ud800-\\udfff]{{1,{MAX_TEXT}}}"
_VALID_TEXT = re.compile(_TEXT_CHARS)
_VALID_TEXTS = re.compile(f"(?:{_TEXT_CHARS}\\x00)+")  # texts joined and ended by NUL


def _text(value: object, what: str, *, optional: bool = False) -> str | None:
    if value is None and optional:
        return None
    if type(value) is str and _VALID_TEXT.fullmatch(value):
        return value
    return _checked_text(value, what)


def _checked_text(value: object, what: str) -> str:
    """The detailed checks: which rule a text breaks (or the text, if it is a valid
    ``str`` subclass)."""
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT:
        raise EntryFormatError(f"{what} must be a non-empty string of at most {MAX_TEXT} chars")
    if _BAD_CHARS.search(value):
        raise EntryFormatError(f"{what} must not contain control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise EntryFormatError(f"{what} is not valid Unicode text") from None
    return value


_SEQUENCES = (list, tuple, set, frozenset)
_SETS = (set, frozenset)


def _texts(values: object, what: str) -> tuple[str, ...]:
    if type(values) is tuple:
        items: tuple[Any, ...] = values  # the usual case: no copy
    elif isinstance(values, str) or not isinstance(values, _SEQUENCES):
        raise EntryFormatError(f"{what} must be a list of strings")
    else:
        items = tuple(sorted(values) if isinstance(values, _SETS) else values)
    if len(items) > MAX_ITEMS:
        raise EntryFormatError(f"{what} has more than {MAX_ITEMS} items")
    valid = _VALID_TEXT.fullmatch
    for v in items:
        if not (type(v) is str and valid(v)):
            _checked_text(v, what)
    return items


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """Who did what to which records, when, why and with what outcome: ids only."""

    actor: str
    action: str
    outcome: str = "ok"
    subject_ids: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    purpose: str | None = None
    interaction_id: str | None = None
    request_id: str | None = None
    at: datetime = field(default_factory=lambda: datetime.now(UTC))
    extra: dict[str, str | int | bool] = field(default_factory=dict)
    # No text holds a quote or a backslash (the usual ids and names): JSON-quoting each
    # one is then just wrapping it in quotes, and canonical_bytes skips the escaper.
    _plain: bool = field(default=False, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        joined = self._joined_valid_texts()
        if joined is None:
            self._check_texts()
        elif '"' not in joined and "\\" not in joined:
            object.__setattr__(self, "_plain", True)
        if not isinstance(self.at, datetime) or self.at.tzinfo is None:
            raise EntryFormatError("at must be an aware datetime")
        if self.at.tzinfo is not UTC:
            object.__setattr__(self, "at", self.at.astimezone(UTC))
        if not isinstance(self.extra, dict) or len(self.extra) > MAX_EXTRA:
            raise EntryFormatError(f"extra must be a dict of at most {MAX_EXTRA} ids")
        for key, value in self.extra.items():
            if not isinstance(key, str) or not _KEY.fullmatch(key):
                raise EntryFormatError("extra keys must be short snake_case names")
            if isinstance(value, str):
                _text(value, f"extra[{key}]")
            elif type(value) is bool:
                pass
            elif type(value) is int:
                if not -(2**63) <= value < 2**63:
                    raise EntryFormatError(f"extra[{key}] is out of range")
            else:
                raise EntryFormatError(f"extra[{key}] must be a string, integer or boolean")

    def _joined_valid_texts(self) -> str | None:
        """Every text field joined by NUL (itself refused in a text) if all are valid, in
        one C-level match; None sends them to the field-by-field checks. Entries are made
        on every audited request, and checking each field on its own cost more than
        appending the entry."""
        subjects, fields = self.subject_ids, self.fields
        if type(subjects) is not tuple or type(fields) is not tuple:
            return None
        if len(subjects) > MAX_ITEMS or len(fields) > MAX_ITEMS:
            return None
        texts = [self.actor, self.action, self.outcome, *subjects, *fields]
        for optional in (self.purpose, self.interaction_id, self.request_id):
            if optional is not None:
                texts.append(optional)
        try:
            joined = "\x00".join(texts)
        except TypeError:
            return None
        if joined.count("\x00") != len(texts) - 1:
            return None  # a NUL inside a text, which would pass for a separator
        return joined if _VALID_TEXTS.fullmatch(joined + "\x00") else None

    def _check_texts(self) -> None:
        """Field by field: normalises the lists and raises the error that names the field."""
        _text(self.actor, "actor")
        _text(self.action, "action")
        _text(self.outcome, "outcome")
        object.__setattr__(self, "subject_ids", _texts(self.subject_ids, "subject_ids"))
        object.__setattr__(self, "fields", _texts(self.fields, "fields"))
        _text(self.purpose, "purpose", optional=True)
        _text(self.interaction_id, "interaction_id", optional=True)
        _text(self.request_id, "request_id", optional=True)

    # --- canonical form ---------------------------------------------------------------

    def to_dict(self, seq: int) -> dict[str, Any]:
        d: dict[str, Any] = {
            "v": FORMAT_VERSION,
            "seq": seq,
            "at": _format_time(self.at),
            "actor": self.actor,
            "action": self.action,
            "outcome": self.outcome,
        }
        if self.subject_ids:
            d["subjects"] = list(self.subject_ids)
        if self.fields:
            d["fields"] = list(self.fields)
        if self.purpose is not None:
            d["purpose"] = self.purpose
        if self.interaction_id is not None:
            d["interaction"] = self.interaction_id
        if self.request_id is not None:
            d["request"] = self.request_id
        if self.extra:
            d["extra"] = dict(self.extra)
        return d

    def canonical_bytes(self, seq: int) -> bytes:
        """The exact bytes of leaf ``seq``: SHA-256(0x00 || these) is its leaf hash.

        Equal to ``canonical_json(self.to_dict(seq))`` (a property test holds them
        equal), but written out key by key in sorted order as one f-string: several
        times faster, and appends spend much of their time here.
        """
        if type(seq) is not int or seq < 0:
            raise EntryFormatError("seq must be a non-negative integer")
        if self._plain:
            return self._plain_bytes(seq)
        q = _quote  # the optional members, each "" or its ',"key":value' text
        extra = ',"extra":' + _ENCODER.encode(self.extra) if self.extra else ""
        fields = ',"fields":[' + ",".join(map(q, self.fields)) + "]" if self.fields else ""
        inter = "" if self.interaction_id is None else ',"interaction":' + q(self.interaction_id)
        purpose = "" if self.purpose is None else ',"purpose":' + q(self.purpose)
        request = "" if self.request_id is None else ',"request":' + q(self.request_id)
        subjects = (
            ',"subjects":[' + ",".join(map(q, self.subject_ids)) + "]" if self.subject_ids else ""
        )
        return (
            f'{{"action":{q(self.action)},"actor":{q(self.actor)},"at":"{_format_time(self.at)}"'
            f'{extra}{fields}{inter},"outcome":{q(self.outcome)}{purpose}{request}'
            f',"seq":{seq}{subjects}{_TAIL}'
        ).encode()

    def _plain_bytes(self, seq: int) -> bytes:
        """canonical_bytes when no text needs escaping: each one goes between quotes."""
        extra = ',"extra":' + _ENCODER.encode(self.extra) if self.extra else ""
        fields = ',"fields":["' + '","'.join(self.fields) + '"]' if self.fields else ""
        subjects = self.subject_ids
        subjects_ = ',"subjects":["' + '","'.join(subjects) + '"]' if subjects else ""
        inter = "" if self.interaction_id is None else f',"interaction":"{self.interaction_id}"'
        purpose = "" if self.purpose is None else f',"purpose":"{self.purpose}"'
        request = "" if self.request_id is None else f',"request":"{self.request_id}"'
        return (
            f'{{"action":"{self.action}","actor":"{self.actor}","at":"{_format_time(self.at)}"'
            f'{extra}{fields}{inter},"outcome":"{self.outcome}"{purpose}{request}'
            f',"seq":{seq}{subjects_}{_TAIL}'
        ).encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> tuple[int, AuditEntry]:
        """Parse canonical entry bytes into ``(seq, entry)``; strict: the bytes must be
        exactly the canonical encoding of what they say."""
        try:
            d = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise EntryFormatError("entry bytes are not UTF-8 JSON") from exc
        if not isinstance(d, dict) or d.get("v") != FORMAT_VERSION:
            raise EntryFormatError("unknown entry format version")
        known = {
            "v", "seq", "at", "actor", "action", "outcome", "subjects", "fields",
            "purpose", "interaction", "request", "extra",
        }  # fmt: skip
        if set(d) - known:
            raise EntryFormatError("entry has unknown keys")
        seq = d.get("seq")
        if type(seq) is not int or seq < 0:
            raise EntryFormatError("entry has no valid seq")
        try:
            at = datetime.strptime(d["at"], _TIME).replace(tzinfo=UTC)
            entry = cls(
                actor=d["actor"],
                action=d["action"],
                outcome=d["outcome"],
                subject_ids=tuple(d.get("subjects", ())),
                fields=tuple(d.get("fields", ())),
                purpose=d.get("purpose"),
                interaction_id=d.get("interaction"),
                request_id=d.get("request"),
                at=at,
                extra=d.get("extra", {}),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise EntryFormatError("entry is missing or has malformed fields") from exc
        if entry.canonical_bytes(seq) != data:
            raise EntryFormatError("entry bytes are not in canonical form")
        return seq, entry

    def to_json(self, seq: int) -> dict[str, Any]:
        """A display form (for APIs): the canonical dict."""
        return self.to_dict(seq)


def entry_seq(data: bytes) -> int | None:
    """The ``seq`` an entry's bytes claim, or None if they do not parse (cheap path for
    verification: no full validation)."""
    try:
        d = json.loads(data)
    except (UnicodeDecodeError, ValueError):
        return None
    seq = d.get("seq") if isinstance(d, dict) else None
    return seq if type(seq) is int else None
