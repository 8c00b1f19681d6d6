"""What the gate says when it refuses."""

from __future__ import annotations

from amanah.errors import Forbidden, Unauthenticated


class AccessDenied(Forbidden):
    code = "access-denied"
    title = "Access denied"


class StepUpRequired(Unauthenticated):
    """A fresh second factor is needed; the console prompts for it."""

    code = "step-up-required"
    title = "Step-up authentication required"
