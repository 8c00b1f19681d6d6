"""The unsupervised model over per-agent hourly features, with explanations.

Each active agent-hour becomes a feature vector. The streaming model scores it
with robust z-scores against two baselines at once, the agent's own and their
team's (``RobustRate``: winsorized EWMA of value and absolute deviation): a
feature counts only when it is far from *both*, so a busy agent on a busy team,
or a quiet agent on a new workload, is not an anomaly. Features far from both
are combined into a 0..1 score and named in the explanation ("which features,
how far from this agent's and the team's normal").

``isolation_forest_baseline`` is the out-of-the-box scikit-learn IsolationForest
over the same vectors, the baseline that ``evaluate`` reports against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from amanah.detection.baselines import RobustRate

FEATURES = (
    "views",
    "reveals",
    "searches",
    "exports",
    "unrelated",  # customers opened with no live or recent interaction
    "customers",  # distinct customers opened
    "interactions",
)
N_FEATURES = len(FEATURES)


@dataclass(frozen=True, slots=True)
class Deviation:
    feature: str
    value: float
    agent_mean: float
    agent_z: float
    team_mean: float
    team_z: float

    @property
    def z(self) -> float:
        return min(self.agent_z, self.team_z)

    def describe(self) -> str:
        return (
            f"{self.feature} {self.value:g} (agent normal {self.agent_mean:.1f}, "
            f"{self.agent_z:+.1f} sd; team normal {self.team_mean:.1f}, {self.team_z:+.1f} sd)"
        )


def deviations(
    vector: Sequence[float],
    agent: Sequence[RobustRate],
    team: Sequence[RobustRate],
    z_min: float,
) -> list[Deviation]:
    out = []
    for i, value in enumerate(vector):
        if value <= 0 or FEATURES[i] == "interactions":
            continue  # less work than usual is never suspicious by itself
        za, zt = agent[i].z(value), team[i].z(value)
        if za >= z_min and zt >= z_min:
            out.append(Deviation(FEATURES[i], value, agent[i].mean, za, team[i].mean, zt))
    out.sort(key=lambda d: -d.z)
    return out


def score(devs: Sequence[Deviation]) -> float:
    return 1.0 - math.exp(-sum(d.z for d in devs) / 30.0)


def explain(devs: Sequence[Deviation]) -> str:
    return "hour unlike this agent's and the team's normal: " + "; ".join(
        d.describe() for d in devs[:4]
    )


def isolation_forest_baseline(vectors: Sequence[Sequence[float]], seed: int = 0) -> list[bool]:
    """Out-of-the-box IsolationForest (default parameters): True where it flags an outlier."""
    import numpy as np
    from sklearn.ensemble import IsolationForest

    data = np.asarray(vectors, dtype=float)
    forest = IsolationForest(random_state=seed)
    return [bool(x) for x in forest.fit_predict(data) == -1]
