"""Every gate decision, on the audit trail and the event bus.

The trail entry is durable before the decision is returned (a reveal that
cannot be recorded does not happen); the activity event feeds detection.
"""

from __future__ import annotations

from collections.abc import Callable

from amanah.access.gate import AccessRequest, Decision, Observer
from amanah.audit.trail import Trail
from amanah.events import ActivityEvent

ACTIONS = {"read": "customer.view", "reveal": "field.reveal"}


def decision_recorder(trail: Trail, publish: Callable[[ActivityEvent], None]) -> Observer:
    def record(request: AccessRequest, decision: Decision) -> None:
        action = ACTIONS.get(request.action, f"access.{request.action}")
        outcome = decision.outcome.name.lower()
        trail.record(
            request.principal.id,
            action,
            outcome,
            subject_ids=(request.customer_id,),
            fields=request.fields,
            purpose=request.purpose,
            interaction_id=request.interaction_id,
            role=request.principal.role,
        )
        publish(
            ActivityEvent(
                action=action,
                actor=request.principal.id,
                customer_id=request.customer_id,
                interaction_id=request.interaction_id,
                fields=request.fields,
                outcome=outcome,
                extra={
                    "principal_kind": request.principal.kind,
                    **({"purpose": request.purpose} if request.purpose else {}),
                },
            )
        )

    return record
