"""Errors raised by the redaction library. Messages never carry the analysed text."""

from __future__ import annotations

from amanah.errors import AmanahError


class RedactionError(AmanahError):
    code, status, title, exit_code = "redaction-error", 422, "Redaction error", 2
