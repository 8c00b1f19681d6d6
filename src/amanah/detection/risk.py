"""Detection's decision input for the gate: an agent with an open serious alert steps up.

Registered at start-up (``bootstrap``) like every other input. Reveals by an actor
with an open ``high`` or ``critical`` alert need a fresh step-up; ``critical``
ones are masked until a security officer acknowledges or resolves the alert.
"""

from __future__ import annotations

from amanah.access.gate import AccessRequest, Decision, Outcome
from amanah.detection.alerts import SEVERITY_ORDER, AlertBook


class RiskInput:
    name = "detection"

    def __init__(self, book: AlertBook) -> None:
        self.book = book

    def risk(self, actor: str) -> str | None:
        levels = [a.severity for a in self.book.open_alerts(actor) if a.status == "open"]
        return max(levels, key=SEVERITY_ORDER.__getitem__) if levels else None

    def evaluate(self, request: AccessRequest) -> Decision | None:
        if request.action != "reveal":
            return None
        level = self.risk(request.principal.id)
        if level == "critical":
            return Decision(Outcome.ALLOW_MASKED, "an open critical detection alert")
        if level == "high":
            return Decision(Outcome.STEP_UP, "an open high-severity detection alert")
        return None
