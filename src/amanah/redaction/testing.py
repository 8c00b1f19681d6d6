"""Helpers for tests of redaction, Amanah's own and an integrator's: what a text holds as
``(type, value)`` pairs, which read better in an assertion than offsets."""

from __future__ import annotations

from collections.abc import Iterable

from .engine import Lang, Redactor, default_redactor

__all__ = ["found", "kinds"]


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
