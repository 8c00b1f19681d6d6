"""English and Bahasa Indonesia for every console string.

``locales/<lang>.json`` hold flat ``key -> text`` maps; both files have the same keys
(a test compares them, and every ``t("...")`` in the templates). The language comes from
the ``amanah_lang`` cookie (the switch), else the browser's Accept-Language, else English.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

LOCALES = Path(__file__).parent / "locales"
LANGUAGES = ("en", "id")
DEFAULT = "en"
COOKIE = "amanah_lang"

Translator = Callable[..., str]


@functools.cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def translator(lang: str) -> Translator:
    texts = catalogue(lang if lang in LANGUAGES else DEFAULT)

    def t(key: str, **values: Any) -> str:
        text = texts.get(key)
        if text is None:  # never shown in tests: every key exists in both files
            text = catalogue(DEFAULT).get(key, key)
        return text.format(**values) if values else text

    return t


def from_accept_language(header: str | None) -> str | None:
    """The best of en/id in an Accept-Language header (RFC 9110 quality values)."""
    best: tuple[float, str] | None = None
    for part in (header or "").split(","):
        piece = part.strip()
        if not piece:
            continue
        tag, _, params = piece.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary == "in":  # the old code for Indonesian
            primary = "id"
        if primary in LANGUAGES and quality > 0 and (best is None or quality > best[0]):
            best = (quality, primary)
    return best[1] if best else None


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    if cookie in LANGUAGES:
        return cookie  # type: ignore[return-value]
    return from_accept_language(accept_language) or DEFAULT
