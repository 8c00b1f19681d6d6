"""The response register and reveal blocks in the database, so they survive a restart and
bind every replica (``detection_responses``, ``detection_reveal_blocks``).

``RevealBlock`` asks ``blocks_for`` on every reveal: one indexed query by account id.
``mark_undone`` is a conditional update, so two officers (or two replicas) cannot both
undo one response.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session, sessionmaker

from amanah.db import transaction
from amanah.detection.models import DetectionResponse, DetectionRevealBlock
from amanah.detection.responses import Block, Response
from amanah.errors import Conflict, NotFound


def _response(row: DetectionResponse) -> Response:
    return Response(
        id=row.id,
        alert_id=row.alert_id,
        account_id=row.account_id,
        action=row.action,
        outcome=row.outcome,
        at=row.at,
        detail=dict(row.detail or {}),
        undone_at=row.undone_at,
        undone_by=row.undone_by,
    )


def _fill(row: DetectionResponse, r: Response) -> DetectionResponse:
    row.alert_id, row.account_id, row.action, row.outcome = (
        r.alert_id, r.account_id, r.action, r.outcome
    )  # fmt: skip
    row.at, row.detail = r.at, dict(r.detail)
    row.undone_at, row.undone_by = r.undone_at, r.undone_by
    return row


def _block(row: DetectionRevealBlock) -> Block:
    return Block(
        account_id=row.account_id,
        response_id=row.response_id,
        reason=row.reason,
        at=row.at,
        expires_at=row.expires_at,
    )


class SqlResponseStore:
    """A ``ResponseStore`` over the system's database."""

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self.factory = factory

    def add(self, response: Response) -> None:
        with transaction(self.factory) as s:
            s.add(_fill(DetectionResponse(id=response.id), response))

    def replace(self, response: Response) -> None:
        with transaction(self.factory) as s:
            row = s.get(DetectionResponse, response.id)
            if row is None:
                raise NotFound("no such response")
            _fill(row, response)

    def get(self, response_id: str) -> Response | None:
        with self.factory() as s:
            row = s.get(DetectionResponse, response_id)
            return _response(row) if row is not None else None

    def mark_undone(self, response_id: str, at: datetime, by: str) -> Response:
        with transaction(self.factory) as s:
            claimed = s.execute(
                update(DetectionResponse)
                .where(DetectionResponse.id == response_id, DetectionResponse.undone_at.is_(None))
                .values(undone_at=at, undone_by=by)
            ).rowcount
            row = s.get(DetectionResponse, response_id, populate_existing=True)
            if row is None:
                raise NotFound("no such response")
            if not claimed:
                raise Conflict("the response was already undone")
            return _response(row)

    def for_alert(self, alert_id: str) -> list[Response]:
        query = (
            select(DetectionResponse)
            .where(DetectionResponse.alert_id == alert_id)
            .order_by(DetectionResponse.id)
        )
        with self.factory() as s:
            return [_response(r) for r in s.scalars(query)]

    def find(
        self, *, alert_id: str | None = None, account_id: str | None = None, limit: int = 100
    ) -> list[Response]:
        query = select(DetectionResponse).order_by(DetectionResponse.id.desc()).limit(limit)
        if alert_id is not None:
            query = query.where(DetectionResponse.alert_id == alert_id)
        if account_id is not None:
            query = query.where(DetectionResponse.account_id == account_id)
        with self.factory() as s:
            return [_response(r) for r in s.scalars(query)]

    def all(self) -> list[Response]:
        with self.factory() as s:
            query = select(DetectionResponse).order_by(DetectionResponse.id)
            return [_response(r) for r in s.scalars(query)]

    def add_block(self, block: Block) -> None:
        with transaction(self.factory) as s:
            s.add(
                DetectionRevealBlock(
                    response_id=block.response_id,
                    account_id=block.account_id,
                    reason=block.reason[:200],
                    at=block.at,
                    expires_at=block.expires_at,
                )
            )

    def remove_block(self, response_id: str) -> Block | None:
        with transaction(self.factory) as s:
            row = s.get(DetectionRevealBlock, response_id)
            if row is None:
                return None
            block = _block(row)
            s.execute(
                delete(DetectionRevealBlock).where(DetectionRevealBlock.response_id == response_id)
            )
            return block

    def blocks_for(self, account_id: str) -> list[Block]:
        query = select(DetectionRevealBlock).where(DetectionRevealBlock.account_id == account_id)
        with self.factory() as s:
            return [_block(r) for r in s.scalars(query)]
