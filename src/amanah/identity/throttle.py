"""Throttling with growing delays, per account (hashed username) and per source address.

After ``free`` failures each further failure doubles the wait before the next try, from
one second up to ``max_delay``. Counters reset on success (account keys only: a source
address is shared by a whole contact-centre floor behind NAT, and an attacker must not
clear it with their own account) or after ``window`` without failures.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from amanah.identity.errors import Throttled
from amanah.identity.models import Throttle


@dataclass(frozen=True, slots=True)
class Rule:
    free: int
    max_delay_seconds: int
    window: timedelta

    def delay(self, failures: int) -> int:
        if failures <= self.free:
            return 0
        return min(self.max_delay_seconds, 2 ** min(failures - self.free - 1, 30))


def _row(session: Session, key: str, rule: Rule, now: datetime) -> Throttle | None:
    row = session.get(Throttle, key)
    if row is not None and row.last_failure_at and now - row.last_failure_at > rule.window:
        row.failures = 0
        row.next_allowed_at = None
    return row


def check(session: Session, key: str, rule: Rule, now: datetime) -> None:
    row = _row(session, key, rule, now)
    if row is not None and row.next_allowed_at is not None and row.next_allowed_at > now:
        wait = math.ceil((row.next_allowed_at - now).total_seconds())
        raise Throttled(f"try again in {wait} seconds", retry_after=wait)


def fail(session: Session, key: str, rule: Rule, now: datetime) -> int:
    row = _row(session, key, rule, now)
    if row is None:
        row = Throttle(key=key, failures=0)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    wait = rule.delay(row.failures)
    row.next_allowed_at = now + timedelta(seconds=wait) if wait else None
    session.flush()
    return wait


def reset(session: Session, key: str) -> None:
    row = session.get(Throttle, key)
    if row is not None:
        row.failures = 0
        row.next_allowed_at = None
