"""Opaque, time-ordered identifiers.

Ids carry no personal data and sort by creation time (48-bit milliseconds,
then 64 random bits), which makes cursor pagination stable and index-friendly.
"""

from __future__ import annotations

import os
import time


def new_id(prefix: str) -> str:
    millis = time.time_ns() // 1_000_000
    return f"{prefix}_{millis:012x}{os.urandom(8).hex()}"
