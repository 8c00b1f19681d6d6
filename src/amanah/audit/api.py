"""The audit trail over HTTP, for auditors and monitors (scope ``audit:read``).

- ``GET /api/v1/audit/checkpoint``: the latest signed checkpoint, as the C2SP
  signed-note text (``text/plain``), which transparency-log tools read directly.
- ``GET /api/v1/audit/proofs/inclusion?seq=&size=``: the audit path of entry
  ``seq``; without ``size``, against the latest checkpoint covering it.
- ``GET /api/v1/audit/proofs/consistency?old=&new=``: proof that ``new`` extends ``old``.
- ``GET /api/v1/audit/entries/{seq}``: one entry (ids only) with its exact bytes.

Hashes are standard base64, as in checkpoints.
"""

from __future__ import annotations

import base64
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from amanah.access.gate import Principal
from amanah.audit.errors import ProofRangeError
from amanah.audit.log import AuditLog, log_for_system
from amanah.identity.api import require

router = APIRouter(prefix="/api/v1/audit", tags=["audit"])
Auditor = Annotated[Principal, Depends(require("audit:read"))]
_MAX = (1 << 63) - 1


def _log(request: Request) -> AuditLog:
    return log_for_system(request.app.state.system)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


@router.get(
    "/checkpoint",
    response_class=Response,
    responses={200: {"content": {"text/plain": {}}, "description": "C2SP signed note"}},
)
def get_checkpoint(request: Request, _: Auditor) -> Response:
    """The latest signed checkpoint (made now if the log has never been checkpointed)."""
    log = _log(request)
    note = log.latest_checkpoint() or log.checkpoint()
    return Response(note, media_type="text/plain; charset=utf-8")


@router.get("/proofs/inclusion")
def get_inclusion(
    request: Request,
    _: Auditor,
    seq: Annotated[int, Query(ge=0, le=_MAX)],
    size: Annotated[int | None, Query(ge=1, le=_MAX)] = None,
) -> dict[str, Any]:
    proof = _log(request).inclusion_proof(seq, size)
    return {
        "seq": proof.seq,
        "size": proof.size,
        "leaf_hash": _b64(proof.leaf_hash),
        "hashes": [_b64(h) for h in proof.hashes],
        "root": _b64(proof.root),
        "checkpoint": proof.checkpoint,
    }


@router.get("/proofs/consistency")
def get_consistency(
    request: Request,
    _: Auditor,
    old: Annotated[int, Query(ge=1, le=_MAX)],
    new: Annotated[int | None, Query(ge=1, le=_MAX)] = None,
) -> dict[str, Any]:
    if new is not None and old > new:
        raise ProofRangeError("no consistency proof between those sizes")
    proof = _log(request).consistency_proof(old, new)
    return {
        "old_size": proof.old_size,
        "new_size": proof.new_size,
        "old_root": _b64(proof.old_root),
        "new_root": _b64(proof.new_root),
        "hashes": [_b64(h) for h in proof.hashes],
    }


@router.get("/entries/{seq}")
def get_entry(request: Request, _: Auditor, seq: int) -> dict[str, Any]:
    if not 0 <= seq <= _MAX:
        raise ProofRangeError("no audit entry at that position")
    stored = _log(request).entry(seq)
    try:
        body: Any = stored.entry.to_json(seq)
    except Exception:  # stored bytes no longer parse: show them, flagged
        body = None
    return {
        "seq": stored.seq,
        "entry": body,
        "data": _b64(stored.data),
        "leaf_hash": _b64(stored.leaf_hash),
    }
