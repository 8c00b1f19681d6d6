"""The gate's live-interaction input: some fields are shown only to the agent who is
in a call or chat with that customer right now.

Contact-centre snooping is an agent opening customers they are not serving. The
interactions table (fed by the telephony or chat platform through the API) says who
is serving whom; this input reads it. A short grace period after the interaction
ends leaves room for wrap-up work.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from amanah.access.gate import AccessRequest, Decision, Outcome
from amanah.access.policy import FieldPolicy
from amanah.db import utcnow
from amanah.vault.models import Interaction


class LiveInteractionInput:
    name = "live-interaction"

    def __init__(
        self,
        factory: sessionmaker[Session],
        policy: FieldPolicy,
        *,
        grace: timedelta = timedelta(minutes=15),
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.factory = factory
        self.policy = policy
        self.grace = grace
        self.clock = clock

    def evaluate(self, request: AccessRequest) -> Decision | None:
        kinds = self.policy.needs_live_interaction(request)
        if not kinds:
            return None
        now = self.clock()
        query = (
            select(Interaction.id)
            .where(
                Interaction.customer_id == request.customer_id,
                Interaction.agent_id == request.principal.id,
                Interaction.started_at <= now,
                or_(Interaction.ended_at.is_(None), Interaction.ended_at >= now - self.grace),
            )
            .limit(1)
        )
        if request.interaction_id:
            query = query.where(Interaction.id == request.interaction_id)
        with self.factory() as session:
            live = session.scalar(query)
        named = ", ".join(sorted(set(kinds)))
        if live is None:
            return Decision(
                Outcome.ALLOW_MASKED,
                f"{named} needs a live interaction of yours with this customer",
            )
        return Decision(Outcome.ALLOW, f"live interaction {live} with this customer")
