"""Testing helpers shipped with the library, for Amanah's tests and integrators' own.

``require`` is the one rule for optional machinery (PostgreSQL, SoftHSM2,
Chromium, ../shared data): skip with a stated reason on a machine without it,
but fail under ``CI=true`` so CI can never pass by skipping.
"""

from __future__ import annotations

import os

import pytest


def require(condition: bool, reason: str) -> None:
    if condition:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: missing dependencies fail the run)")
    pytest.skip(reason)
