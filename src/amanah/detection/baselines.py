"""Online, robust baselines: what is normal for one agent and for their team.

Everything here learns one observation at a time, in O(1), so the detector can
run live and in replay through the same code:

- ``RobustRate``: an EWMA of a count per active hour and of its absolute deviation,
  fed winsorized values (an attack hour moves it only a little, a lasting change
  such as a new workload is absorbed within days);
- ``HourProfile``: a decaying histogram of the hours of the day someone works,
  smoothed over neighbouring hours (a shift that starts an hour early is usual);
- ``Seen``: places and devices seen, each forgotten after ``ttl`` without use.
"""

from __future__ import annotations

import math

METRICS = ("views", "reveals", "searches", "exports")


class RobustRate:
    __slots__ = ("alpha", "dev", "mean", "n")

    def __init__(self, alpha: float = 0.05) -> None:
        self.mean = 0.0
        self.dev = 0.0
        self.n = 0
        self.alpha = alpha

    def add(self, value: float) -> None:
        if self.n == 0:
            self.mean, self.dev = value, max(value * 0.5, 1.0)
        else:
            cap = self.mean + 4.0 * max(self.dev, 1.0)
            value = min(value, cap)  # winsorize: one outlier cannot teach the baseline
            a = max(self.alpha, 1.0 / (self.n + 1))
            diff = value - self.mean
            self.mean += a * diff
            self.dev += a * (abs(diff) - self.dev)
        self.n += 1

    def upper(self, k: float, floor: float) -> float:
        """The highest count still normal: mean + k robust deviations, never below floor."""
        spread = max(self.dev * 1.25, 0.25 * self.mean, 1.0)
        return max(self.mean + k * spread, floor)

    def z(self, value: float) -> float:
        spread = max(self.dev * 1.25, 0.25 * self.mean, 1.0)
        return (value - self.mean) / spread


class HourProfile:
    """Share of someone's active hours that fall in each hour of the day (UTC)."""

    __slots__ = ("bins", "decay", "total")

    def __init__(self, decay: float = 0.998) -> None:
        self.bins = [0.0] * 24
        self.total = 0.0
        self.decay = decay

    def add(self, hour: int, weight: float = 1.0) -> None:
        if self.total > 200:
            d = self.decay
            self.bins = [b * d for b in self.bins]
            self.total *= d
        self.bins[hour] += weight
        self.total += weight

    def share(self, hour: int) -> float:
        if self.total <= 0:
            return 1.0
        b = self.bins
        near = b[hour] + 0.5 * (b[(hour - 1) % 24] + b[(hour + 1) % 24])
        return near / self.total

    def usual(self, hour: int, threshold: float) -> bool:
        return self.share(hour) >= threshold


class Seen:
    """Keys (a city, a country, a device) with when they were last seen; forgotten after ttl."""

    __slots__ = ("last", "ttl")

    def __init__(self, ttl: float) -> None:
        self.last: dict[str, float] = {}
        self.ttl = ttl

    def knows(self, key: str, now: float) -> bool:
        seen = self.last.get(key)
        return seen is not None and now - seen <= self.ttl

    def add(self, key: str, now: float) -> None:
        self.last[key] = now

    def __len__(self) -> int:
        return len(self.last)


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(a)))
