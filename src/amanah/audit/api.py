"""The audit trail over HTTP, for auditors and monitors (scope ``audit:read``).

- ``GET /api/v1/audit/checkpoint``: the latest signed checkpoint, as the C2SP
  signed-note text (``text/plain``), which transparency-log tools read directly.
- ``GET /api/v1/audit/proofs/inclusion?seq=&size=``: the audit path of entry
  ``seq``; without ``size``, against the latest checkpoint covering it.
- ``GET /api/v1/audit/proofs/consistency?old=&new=``: proof that ``new`` extends ``old``.
- ``GET /api/v1/audit/entries/{seq}``: one entry (ids only) with its exact bytes.
- Forensic queries (``amanah.audit.queries``), each with ``since``, ``until``
  (ISO 8601; UTC if no zone), ``format=json|csv``, ``proofs=true`` and ``limit``:
  ``GET /api/v1/audit/queries/who-accessed?customer_id=``,
  ``/queries/accessed-by?actor=``, ``/queries/reveals?field=``, ``/queries/exports``.

Hashes are standard base64, as in checkpoints.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BeforeValidator

from amanah.access.gate import Principal
from amanah.audit import queries
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


# --- forensic queries ------------------------------------------------------------------------

Text = Annotated[str, Query(min_length=1, max_length=200)]
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_only(value: object) -> object:
    """ISO 8601 only (pydantic would also take a number as a Unix time)."""
    if isinstance(value, str) and not _ISO.match(value):
        raise ValueError("must be an ISO 8601 date or date-time")
    return value


When = Annotated[datetime | None, BeforeValidator(_iso_only), Query()]


class _QueryOptions:
    def __init__(
        self,
        since: When = None,
        until: When = None,
        format: Literal["json", "csv"] = "json",
        proofs: bool = False,
        limit: Annotated[int, Query(ge=1, le=100_000)] = queries.DEFAULT_LIMIT,
    ) -> None:
        self.since, self.until, self.format = since, until, format
        self.proofs, self.limit = proofs, limit

    def run(self, request: Request, query: Any, *args: str) -> Response:
        result = query(
            _log(request), *args, self.since, self.until, proofs=self.proofs, limit=self.limit
        )
        headers = {"X-Amanah-Truncated": "true" if result.truncated else "false"}
        if self.format == "csv":
            headers["Content-Disposition"] = f'attachment; filename="audit-{result.query}.csv"'
            return Response(
                queries.render_csv(result), media_type="text/csv; charset=utf-8", headers=headers
            )
        return Response(queries.render_json(result), media_type="application/json", headers=headers)


Options = Annotated[_QueryOptions, Depends()]
_QUERY_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}, "description": "Entries found"}
}


@router.get("/queries/who-accessed", response_class=Response, responses=_QUERY_RESPONSES)
def who_accessed(request: Request, _: Auditor, customer_id: Text, options: Options) -> Response:
    """Every entry naming the customer as a subject, in log order."""
    return options.run(request, queries.who_accessed, customer_id)


@router.get("/queries/accessed-by", response_class=Response, responses=_QUERY_RESPONSES)
def accessed_by(request: Request, _: Auditor, actor: Text, options: Options) -> Response:
    """Everything one staff member or service account did."""
    return options.run(request, queries.accessed_by, actor)


@router.get("/queries/reveals", response_class=Response, responses=_QUERY_RESPONSES)
def reveals(request: Request, _: Auditor, field: Text, options: Options) -> Response:
    """Every reveal of one field (allowed, masked or denied)."""
    return options.run(request, queries.reveals_of, field)


@router.get("/queries/exports", response_class=Response, responses=_QUERY_RESPONSES)
def exports(request: Request, _: Auditor, options: Options) -> Response:
    """Every export of customer data."""
    return options.run(request, queries.exports)
