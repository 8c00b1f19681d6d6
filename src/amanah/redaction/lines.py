"""The core of ``amanah redact``: redact lines of text, as text or JSON Lines."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Literal

import orjson

from .engine import Lang, Redactor, default_redactor
from .errors import RedactionError
from .operators import Operator, get_operator


def redact_lines(
    lines: Iterable[str],
    lang: Lang | str = "auto",
    operator: Operator | str = "replace",
    output: Literal["text", "jsonl"] = "text",
    *,
    redactor: Redactor | None = None,
) -> Iterator[str]:
    """Yield one output string per input line (without a trailing newline), in order.

    ``jsonl``: ``{"line": N, "text": "<redacted>", "entities": [{"type", "start", "end",
    "score"}]}`` with N from 1 and offsets into the original line (its newline stripped).
    A named operator is built once, so ``pseudonym`` is consistent across all lines.
    """
    if output not in ("text", "jsonl"):
        raise RedactionError(f"unknown output {output!r} (text, jsonl)")
    engine = redactor or default_redactor()
    op = get_operator(operator) if isinstance(operator, str) else operator
    for number, line in enumerate(lines, 1):
        text = line.rstrip("\r\n")
        result = engine.redact(text, op, lang)
        if output == "text":
            yield result.text
        else:
            record = {
                "line": number,
                "text": result.text,
                "entities": [e.to_dict() for e in result.entities],
            }
            yield orjson.dumps(record).decode("utf-8")
