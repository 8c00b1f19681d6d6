"""Audit errors. ``app.py`` and ``cli.py`` map them at the boundary like every
``AmanahError``; messages carry sizes and names only, never entry contents."""

from __future__ import annotations

from amanah.errors import AmanahError


class AuditError(AmanahError):
    """Root of audit-trail failures."""

    code, status, title, exit_code = "audit-error", 500, "Audit trail error", 1


class CheckpointError(AuditError):
    """A checkpoint or signed note is malformed, or cannot be made from the values given."""

    code, status, title, exit_code = "invalid-checkpoint", 422, "Invalid checkpoint", 2


class CheckpointSignatureError(CheckpointError):
    """No valid signature from the trusted key: forged, altered, or signed by another key."""

    code, title = "checkpoint-signature", "Checkpoint signature not valid"


class ProofRangeError(AuditError):
    """A proof or node was asked for outside the tree (index >= size, size beyond the log)."""

    code, status, title, exit_code = "proof-out-of-range", 422, "Proof request out of range", 2
