"""The engine: :class:`Redactor` runs every recognizer once and resolves overlaps."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from typing import Literal

from . import recognizers as rec
from .addresses import addresses
from .context import Cues, may_cue_date
from .errors import RedactionError
from .lang import detect_language
from .model import ENTITY_TYPES, Entity, RedactionResult
from .operators import Operator, Replace, get_operator
from .spoken import IDENTITY, OffsetMap, normalise
from .validators import warm_phone_metadata

Lang = Literal["auto", "en", "id", "mixed"]
# The regions a phone number without its country code is tried in, per language, in order.
PHONE_REGIONS = {
    "id": ("ID", "SG", "MY", "US", "GB", "AU"),
    "en": ("US", "GB", "SG", "ID", "AU", "MY"),
    "mixed": ("ID", "SG", "US", "GB", "MY", "AU"),
}


_ASCII_DIGIT_RE = re.compile(r"[0-9]")
_NO_CUES = Cues("")  # (never changed by its readers)


def resolve(candidates: Iterable[rec.Candidate], min_score: float) -> list[rec.Candidate]:
    """Keep the best non-overlapping candidates: higher score first, then longer span.

    The kept spans never overlap, so sorted by start their ends are sorted too: the
    only kept span that can overlap ``[s, e)`` is the last one starting before ``e``
    (one bisect per candidate instead of a scan of everything kept).
    """
    if isinstance(candidates, list) and len(candidates) < 2:  # nothing to overlap (most)
        return [c for c in candidates if c[3] >= min_score and c[1] > c[0]]
    ordered = sorted(
        (c for c in candidates if c[3] >= min_score and c[1] > c[0]),
        key=lambda c: (-c[3], c[0] - c[1], c[0]),
    )
    starts: list[int] = []  # of the kept spans, sorted
    kept: list[rec.Candidate] = []  # in the same order as ``starts``
    for cand in ordered:
        s, e = cand[0], cand[1]
        i = bisect_left(starts, e)
        if i and kept[i - 1][1] > s:
            continue
        starts.insert(i, s)
        kept.insert(i, cand)
    kept.sort()
    return kept


def has_digit(text: str) -> bool:
    """``any(c.isdigit() for c in text)``, with a C-speed scan for ASCII text."""
    if _ASCII_DIGIT_RE.search(text) is not None:
        return True
    return not text.isascii() and any(c.isdigit() for c in text)


class _Regions:
    """The phone regions of ``text``'s language, detected on first use: only a number
    checked as a phone needs them (about one message in ten), and the detection costs a
    scan of the text."""

    __slots__ = ("found", "text")

    def __init__(self, text: str) -> None:
        self.text = text
        self.found: tuple[str, ...] | None = None

    def __iter__(self) -> Iterator[str]:
        if self.found is None:
            self.found = PHONE_REGIONS[detect_language(self.text)]
        return iter(self.found)


class Redactor:
    """Compiled recognizers for English and Indonesian. Build once, reuse; thread-safe.

    ``entities`` limits the types reported (default: all of :data:`ENTITY_TYPES`);
    ``min_score`` drops weaker candidates.
    """

    def __init__(
        self,
        *,
        entities: Iterable[str] | None = None,
        min_score: float = 0.5,
        spoken: bool = True,
    ) -> None:
        wanted = frozenset(entities) if entities is not None else frozenset(ENTITY_TYPES)
        unknown = wanted - frozenset(ENTITY_TYPES)
        if unknown:
            raise RedactionError(f"unknown entity types: {', '.join(sorted(unknown))}")
        self.entities = wanted
        self.min_score = min_score
        self.spoken = spoken
        # warm the lazily built tables so the first call is as fast as the rest
        rec.given_names()
        rec.surnames()
        rec.nik_ok("3171011708450001")
        warm_phone_metadata(PHONE_REGIONS["mixed"])

    def language(self, text: str, lang: Lang | str = "auto") -> str:
        if lang == "auto":
            return detect_language(text)
        if lang not in PHONE_REGIONS:
            raise RedactionError(f"unsupported language: {lang!r} (auto, en, id, mixed)")
        return lang

    def analyze(self, text: str, lang: Lang | str = "auto") -> list[Entity]:
        """Entities in ``text``, sorted by start, offsets into ``text``."""
        return self._analyze(text, None if lang == "auto" else self.language(text, lang))

    def _analyze(self, text: str, lang: str | None) -> list[Entity]:
        """``lang`` None: detected from ``text`` only if a number is checked as a phone."""
        if not text:
            return []
        norm, offsets = normalise(text) if self.spoken else (text, IDENTITY)
        digits = has_digit(norm)
        # without a digit, only spoken_dates reads the cues, and only for a DOB or an
        # expiry cue: most such texts have none, and the hint costs half of Cues
        cues = Cues(norm) if digits or may_cue_date(norm) else _NO_CUES
        regions = PHONE_REGIONS[lang] if lang is not None else _Regions(text)
        cands: list[rec.Candidate] = []
        if digits:
            cands.extend(rec.numbers(norm, cues, regions, offsets))
            cands.extend(rec.dates(norm, cues))
            cands.extend(addresses(norm))
        cands.extend(rec.formatted(norm, cues, digits, offsets is not IDENTITY))
        cands.extend(rec.secrets(norm, cues))
        cands.extend(rec.spoken_dates(norm, cues))
        cands.extend(rec.people(norm))
        if not digits:
            cands.extend(addresses(norm, digits=False))
        return self._entities(cands, offsets) if cands else []

    def _entities(self, cands: list[rec.Candidate], offsets: OffsetMap) -> list[Entity]:
        """The kept candidates as entities of the wanted types, offsets into the original."""
        out: list[Entity] = []
        for s, e, kind, score in resolve(cands, self.min_score):
            if kind not in self.entities:
                continue
            if offsets is not IDENTITY:
                s, e = offsets.span(s, e)
            out.append(Entity(s, e, kind, score))
        return out

    def redact(
        self,
        text: str,
        operator: Operator | str = "replace",
        lang: Lang | str = "auto",
        *,
        entities: list[Entity] | None = None,
    ) -> RedactionResult:
        """Redact ``text``; pass ``entities`` to reuse an earlier :meth:`analyze`."""
        code = self.language(text, lang)
        found = self._analyze(text, code) if entities is None else entities
        op = get_operator(operator) if isinstance(operator, str) else operator
        return RedactionResult(apply(text, found, op), found, code)


def apply(
    text: str, entities: Iterable[Entity], operator: Operator | Callable | None = None
) -> str:
    """Replace every entity span of ``text`` by the operator's output."""
    op = operator or Replace()
    parts: list[str] = []
    pos = 0
    for ent in sorted(entities):
        if ent.start < pos:
            continue
        parts.append(text[pos : ent.start])
        parts.append(op.apply(ent, text[ent.start : ent.end]))
        pos = ent.end
    parts.append(text[pos:])
    return "".join(parts)


_default: Redactor | None = None


def default_redactor() -> Redactor:
    global _default
    if _default is None:
        _default = Redactor()
    return _default


def analyze(text: str, lang: Lang | str = "auto") -> list[Entity]:
    """Entities in ``text`` with the shared default :class:`Redactor`."""
    return default_redactor().analyze(text, lang)


def redact(
    text: str, operator: Operator | str = "replace", lang: Lang | str = "auto"
) -> RedactionResult:
    """Redact ``text`` with the shared default :class:`Redactor`."""
    return default_redactor().redact(text, operator, lang)
