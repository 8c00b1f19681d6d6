"""Interactions (calls, chats) and their transcripts.

A transcript turn is stored twice: redacted text in clear, which is what agents,
analytics and exports see, and the original sealed under the customer's key,
readable only through a reveal.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.gate import AccessRequest, Principal
from amanah.crypto.envelope import binding
from amanah.db import utcnow
from amanah.errors import Conflict, InvalidInput, NotFound
from amanah.ids import new_id
from amanah.vault.models import Customer, Interaction, TranscriptSegment
from amanah.vault.schemas import (
    InteractionEnd,
    InteractionIn,
    InteractionOut,
    SegmentOut,
    TranscriptIn,
    TranscriptOut,
)
from amanah.vault.service import Vault

SEGMENT_TABLE = "transcript_segments"

# text -> (redacted text, entity types found)
Redact = Callable[[str], tuple[str, list[str]]]


class InteractionNotFound(NotFound):
    code = "interaction-not-found"
    title = "Interaction not found"


def _out(row: Interaction) -> InteractionOut:
    return InteractionOut.model_validate(row, from_attributes=True)


@dataclass
class Interactions:
    factory: sessionmaker[Session]
    vault: Vault
    redact: Redact

    def start(self, principal: Principal, data: InteractionIn) -> InteractionOut:
        with self.factory() as session, session.begin():
            if session.get(Customer, data.customer_id) is None:
                raise InvalidInput("customer_id does not name a customer")
            row = Interaction(
                id=new_id("int"),
                customer_id=data.customer_id,
                channel=data.channel,
                channel_ref=data.channel_ref,
                agent_id=data.agent_id,
                started_at=data.started_at or utcnow(),
            )
            session.add(row)
            session.flush()
            return _out(row)

    def get(self, principal: Principal, interaction_id: str) -> InteractionOut:
        with self.factory() as session:
            return _out(self._row(session, interaction_id))

    def end(
        self, principal: Principal, interaction_id: str, data: InteractionEnd
    ) -> InteractionOut:
        with self.factory() as session, session.begin():
            row = self._row(session, interaction_id)
            if row.ended_at is not None:
                raise Conflict("the interaction has already ended")
            ended = data.ended_at or utcnow()
            if ended < row.started_at:
                raise InvalidInput("ended_at is before started_at")
            row.ended_at = ended
            return _out(row)

    def for_customer(self, principal: Principal, customer_id: str) -> list[InteractionOut]:
        with self.factory() as session:
            rows = session.scalars(
                select(Interaction)
                .where(Interaction.customer_id == customer_id)
                .order_by(Interaction.started_at.desc())
                .limit(200)
            )
            return [_out(r) for r in rows]

    def add_transcript(
        self, principal: Principal, interaction_id: str, data: TranscriptIn
    ) -> TranscriptOut:
        with self.factory() as session, session.begin():
            interaction = self._row(session, interaction_id)
            key = self.vault.keys.open(session, interaction.customer_id)
            seq = session.scalar(
                select(func.coalesce(func.max(TranscriptSegment.seq), 0)).where(
                    TranscriptSegment.interaction_id == interaction_id
                )
            )
            for segment in data.segments:
                seq += 1
                segment_id = new_id("seg")
                redacted, types = self.redact(segment.text)
                session.add(
                    TranscriptSegment(
                        id=segment_id,
                        interaction_id=interaction_id,
                        seq=seq,
                        speaker=segment.speaker,
                        redacted_text=redacted,
                        entity_types=sorted(set(types)),
                        sealed_original=key.seal(
                            segment.text.encode(), binding(SEGMENT_TABLE, segment_id, "text")
                        ),
                        spoken_at=segment.spoken_at or utcnow(),
                    )
                )
        return self.transcript(principal, interaction_id)

    def transcript(self, principal: Principal, interaction_id: str) -> TranscriptOut:
        """The redacted transcript: what agents and analytics see."""
        with self.factory() as session:
            interaction = self._row(session, interaction_id)
            self.vault._check(AccessRequest(principal, "read", interaction.customer_id))
            rows = session.scalars(
                select(TranscriptSegment)
                .where(TranscriptSegment.interaction_id == interaction_id)
                .order_by(TranscriptSegment.seq)
            )
            segments = [
                SegmentOut(
                    id=r.id,
                    seq=r.seq,
                    speaker=r.speaker,
                    text=r.redacted_text,
                    entity_types=r.entity_types,
                    spoken_at=r.spoken_at,
                )
                for r in rows
            ]
        return TranscriptOut(interaction_id=interaction_id, segments=segments)

    @staticmethod
    def _row(session: Session, interaction_id: str) -> Interaction:
        row = session.get(Interaction, interaction_id)
        if row is None:
            raise InteractionNotFound()
        return row
