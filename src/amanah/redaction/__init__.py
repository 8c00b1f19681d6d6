"""PII detection and redaction for English and Indonesian call and chat transcripts.

A pure library: text in, entities and redacted text out.

>>> from amanah.redaction import Redactor
>>> r = Redactor()
>>> r.redact("kartu saya 4111 1111 1111 1111").text
'kartu saya [CREDIT_CARD]'

- :func:`analyze` / :func:`redact` (shared default :class:`Redactor`), or your own ``Redactor``.
- Operators: :class:`Replace`, :class:`Mask`, :class:`KeyedHash`, :class:`Pseudonym`,
  :class:`Encrypt` (injected ``seal``; the vault's: ``amanah.vault.sealed_redaction``)
  or a name ("replace", "mask", ...).
- :class:`StreamRedactor` for numbers dictated across turns of one interaction, live;
  :func:`redact_interaction` for a finished one (every revision applied).
- :func:`redact_lines` for the ``amanah redact`` command.
"""

from .engine import Redactor, analyze, apply, default_redactor, redact
from .errors import RedactionError
from .lang import detect_language
from .lines import redact_lines
from .model import ENTITY_TYPES, Entity, RedactionResult
from .operators import (
    OPERATOR_NAMES,
    Encrypt,
    KeyedHash,
    Mask,
    Operator,
    Pseudonym,
    Replace,
    get_operator,
    reveal,
    sealed_types,
)
from .streaming import StreamRedactor, StreamUpdate, redact_interaction

__all__ = [
    "ENTITY_TYPES",
    "OPERATOR_NAMES",
    "Encrypt",
    "Entity",
    "KeyedHash",
    "Mask",
    "Operator",
    "Pseudonym",
    "RedactionError",
    "RedactionResult",
    "Redactor",
    "Replace",
    "StreamRedactor",
    "StreamUpdate",
    "analyze",
    "apply",
    "default_redactor",
    "detect_language",
    "get_operator",
    "redact",
    "redact_interaction",
    "redact_lines",
    "reveal",
    "sealed_types",
]
