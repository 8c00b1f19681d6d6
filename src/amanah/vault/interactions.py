"""Interactions (calls, chats) and their transcripts.

A transcript turn is stored twice: redacted text in clear, which is what agents,
analytics and exports see, and the original sealed under the customer's key,
readable only through a reveal.

Ingestion is stateless across requests yet catches a number dictated over
several turns: the last few stored turns are opened and replayed through a
stream redactor before the new ones, and earlier turns whose redaction grows
are rewritten in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.gate import AccessRequest, Principal
from amanah.audit.trail import NullTrail, Trail
from amanah.crypto.envelope import DataKey, binding
from amanah.db import utcnow
from amanah.errors import Conflict, InvalidInput, NotFound
from amanah.events import ActivityEvent
from amanah.ids import new_id
from amanah.redaction import Redactor, StreamRedactor, default_redactor
from amanah.vault.errors import CustomerNotFound
from amanah.vault.models import Customer, Interaction, TranscriptSegment
from amanah.vault.schemas import (
    InteractionEnd,
    InteractionIn,
    InteractionOut,
    RevealedSegment,
    SegmentOut,
    TranscriptIn,
    TranscriptOut,
    TranscriptRevealIn,
    TranscriptRevealOut,
)
from amanah.vault.service import Vault

SEGMENT_TABLE = "transcript_segments"
STREAM_WINDOW = 4  # earlier turns replayed so a number split across turns is caught


class InteractionNotFound(NotFound):
    code = "interaction-not-found"
    title = "Interaction not found"


def _out(row: Interaction) -> InteractionOut:
    return InteractionOut.model_validate(row, from_attributes=True)


@dataclass
class Interactions:
    factory: sessionmaker[Session]
    vault: Vault
    redactor: Redactor | None = None
    trail: Trail = field(default_factory=NullTrail)
    publish: Callable[[ActivityEvent], None] | None = None

    def _announce(self, action: str, out: InteractionOut, ts: datetime) -> None:
        """Tell detection which agent serves which customer: the "no live interaction"
        rules and the gate's live-interaction input read the same facts."""
        if self.publish is None or not out.agent_id:
            return
        self.publish(
            ActivityEvent(
                action,
                out.agent_id,
                ts=ts,
                customer_id=out.customer_id,
                interaction_id=out.id,
                extra={"channel": out.channel, "principal_kind": "staff"},
            )
        )

    def _stream(self) -> StreamRedactor:
        return StreamRedactor(self.redactor or default_redactor(), window=STREAM_WINDOW)

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
            out = _out(row)
        self.trail.record(
            principal.id,
            "interaction.start",
            subject_ids=(data.customer_id,),
            interaction_id=out.id,
            channel=data.channel,
        )
        self._announce("interaction.start", out, row.started_at)
        return out

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
            out = _out(row)
        self.trail.record(
            principal.id, "interaction.end", subject_ids=(out.customer_id,), interaction_id=out.id
        )
        self._announce("interaction.end", out, ended)
        return out

    def for_customer(self, principal: Principal, customer_id: str) -> list[InteractionOut]:
        with self.factory() as session:
            if session.get(Customer, customer_id) is None:
                raise CustomerNotFound()
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
            recent = list(
                session.scalars(
                    select(TranscriptSegment)
                    .where(TranscriptSegment.interaction_id == interaction_id)
                    .order_by(TranscriptSegment.seq.desc())
                    .limit(STREAM_WINDOW)
                )
            )[::-1]
            stream = self._stream()
            turns: list[TranscriptSegment] = []
            for row in recent:
                stream.feed(_open_segment(key, row))
                turns.append(row)
            seq = recent[-1].seq if recent else 0
            for segment in data.segments:
                seq += 1
                segment_id = new_id("seg")
                update = stream.feed(segment.text)
                row = TranscriptSegment(
                    id=segment_id,
                    interaction_id=interaction_id,
                    seq=seq,
                    speaker=segment.speaker,
                    redacted_text=update.text,
                    entity_types=sorted({e.type for e in update.entities}),
                    sealed_original=key.seal(
                        segment.text.encode(), binding(SEGMENT_TABLE, segment_id, "text")
                    ),
                    spoken_at=segment.spoken_at or utcnow(),
                )
                session.add(row)
                turns.append(row)
                for index, (text, entities) in update.revisions.items():
                    earlier = turns[index]
                    earlier.redacted_text = text
                    earlier.entity_types = sorted({e.type for e in entities})
            customer_id = interaction.customer_id
        self.trail.record(
            principal.id,
            "transcript.add",
            subject_ids=(customer_id,),
            interaction_id=interaction_id,
            segments=len(data.segments),
        )
        return self.transcript(principal, interaction_id)

    def reveal_transcript(
        self, principal: Principal, interaction_id: str, request: TranscriptRevealIn
    ) -> TranscriptRevealOut:
        """The original words, through the gate like any other reveal."""
        with self.factory() as session:
            interaction = self._row(session, interaction_id)
            decision = self.vault._check_whole(
                AccessRequest(
                    principal,
                    "reveal",
                    interaction.customer_id,
                    ("transcript",),
                    request.purpose,
                    interaction_id,
                )
            )
            key = self.vault.keys.open(session, interaction.customer_id)
            rows = session.scalars(
                select(TranscriptSegment)
                .where(TranscriptSegment.interaction_id == interaction_id)
                .order_by(TranscriptSegment.seq)
            )
            segments = [
                RevealedSegment(id=r.id, seq=r.seq, speaker=r.speaker, text=_open_segment(key, r))
                for r in rows
            ]
        return TranscriptRevealOut(
            interaction_id=interaction_id, reason=decision.reason, segments=segments
        )

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


def _open_segment(key: DataKey, row: TranscriptSegment) -> str:
    return key.open(row.sealed_original, binding(SEGMENT_TABLE, row.id, "text")).decode()
