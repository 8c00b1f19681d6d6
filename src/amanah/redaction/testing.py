"""Helpers for tests of redaction, Amanah's own and an integrator's: what a text holds as
``(type, value)`` pairs, which read better in an assertion than offsets."""

from __future__ import annotations

from collections.abc import Iterable

from .engine import Lang, Redactor, default_redactor
from .streaming import StreamRedactor, redact_interaction

__all__ = ["found", "found_in_turns", "kinds"]


def found(
    text: str,
    types: Iterable[str] | None = None,
    *,
    redactor: Redactor | None = None,
    lang: Lang | str = "auto",
) -> set[tuple[str, str]]:
    """``{(type, value)}`` of the entities in ``text`` (only ``types``, if given)."""
    wanted = None if types is None else frozenset(types)
    return {
        (e.type, e.value(text))
        for e in (redactor or default_redactor()).analyze(text, lang)
        if wanted is None or e.type in wanted
    }


def kinds(text: str, *, redactor: Redactor | None = None, lang: Lang | str = "auto") -> set[str]:
    """The entity types found in ``text``."""
    return {kind for kind, _ in found(text, redactor=redactor, lang=lang)}


def found_in_turns(
    turns: list[str], *, redactor: Redactor | None = None
) -> list[set[tuple[str, str]]]:
    """``{(type, value)}`` of each turn of one interaction as it ends up: a number dictated
    across turns is found in each of them (every revision applied)."""
    stream = StreamRedactor(redactor or default_redactor())
    return [
        {(e.type, text[e.start : e.end]) for e in entities}
        for text, (_, entities) in zip(turns, redact_interaction(turns, stream), strict=True)
    ]
