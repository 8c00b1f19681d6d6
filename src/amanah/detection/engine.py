"""The detector: events in time order -> rules, baselines, model -> grouped alerts.

The same object serves live and replay: ``attach(bus)`` subscribes it to the
system's event bus (``ActivityEvent`` converted by ``events.from_activity``),
``replay(events)`` feeds it a stream. It learns as it goes; nothing is fitted
offline. Alerts go to ``AlertSink``s: ``on_alert`` when an alert is raised or
its severity escalates, and ``on_update`` (when a sink has it) whenever new
evidence is appended.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime

from amanah.detection import rules
from amanah.detection.alerts import Alert, AlertBook, AlertSink, Signal
from amanah.detection.config import DetectionConfig
from amanah.detection.events import Event, GeoResolver, from_activity
from amanah.detection.model import FEATURES, deviations, explain, score
from amanah.detection.rules import METRIC_OF, VIEW_ACTIONS, AgentProfile, Organisation
from amanah.events import ActivityEvent, EventBus

SESSION_GAP = 4 * 3600.0
I_CUSTOMERS = FEATURES.index("customers")
I_INTERACTIONS = FEATURES.index("interactions")
FeatureRecorder = Callable[[str, int, list[float]], None]
Trace = Callable[[Alert, Signal], None]


class Detector:
    def __init__(
        self,
        config: DetectionConfig | None = None,
        sinks: Sequence[AlertSink] = (),
        *,
        book: AlertBook | None = None,
        record_features: FeatureRecorder | None = None,
        trace: Trace | None = None,
        geo: GeoResolver | None = None,
    ) -> None:
        self.geo = geo  # places live events that carry only an IP
        self.config = config or DetectionConfig()
        self.sinks: list[AlertSink] = list(sinks)
        self.book = book or AlertBook(self.config.group_window, self.config.suppress_days)
        self.org = Organisation(self.config)
        self.agents: dict[str, AgentProfile] = {}
        self.teams: dict[str, rules.TeamProfile] = {}
        self.vips: set[str] = set(self.config.vip_customers)
        self.record_features = record_features
        self.trace = trace
        self.events = 0
        self._lock = threading.Lock()

    # ---- live and replay -------------------------------------------------------------

    def attach(self, bus: EventBus) -> None:
        bus.subscribe(self.on_activity)

    def on_activity(self, event: ActivityEvent) -> None:
        """Live events from the bus. Service accounts (the telephony platform, the CRM)
        read customers by design and are not agents: only people are profiled."""
        if event.extra.get("principal_kind") == "service":
            return
        converted = from_activity(event)
        if self.geo is not None:
            self.geo.fill(converted)
        with self._lock:
            self.process(converted)

    def replay(self, events: Iterable[Event], *, sort: bool = True) -> list[Alert]:
        """Feed a stream (sorted by time first, stable) and return every alert raised.

        The cyclic garbage collector is paused meanwhile: events and detector state
        form no reference cycles, and its passes over hundreds of thousands of fresh
        objects cost a third of the replay time.
        """
        collecting = gc.isenabled()
        gc.disable()
        try:
            stream = sorted(events, key=_ts) if sort else events
            before = len(self.book.alerts)
            for event in stream:
                self.process(event)
            self.flush()
        finally:
            if collecting:
                gc.enable()
        return list(self.book.alerts.values())[before:]

    def add_sink(self, sink: AlertSink) -> None:
        self.sinks.append(sink)

    # ---- one event -------------------------------------------------------------------

    def _agent(self, ev: Event) -> AgentProfile:
        agent = self.agents.get(ev.actor)
        if agent is None:
            name = self.config.teams.get(ev.actor)
            if name is None:
                team_hint = ev.extra.get("team") if ev.extra else None
                name = team_hint if isinstance(team_hint, str) else "default"
            team = self.teams.get(name)
            if team is None:
                team = self.teams[name] = rules.TeamProfile(name)
            agent = self.agents[ev.actor] = AgentProfile(ev.actor, team, ev.ts, self.config)
        return agent

    def process(self, ev: Event) -> list[Alert]:
        self.events += 1
        cfg = self.config
        action = ev.action
        agent = self._agent(ev)
        signals: list[Signal] = []
        if action == "login.failure":  # the attacker's, not the agent's, activity
            sig = rules.login_failure(agent, self.org, ev)
            if sig is not None:
                signals.append(sig)
            return self._apply(signals)
        bucket = int(ev.ts // 3600)
        if bucket != agent.bucket:
            self._roll(agent, bucket, signals)
        agent.hour_last_ts = ev.ts
        if len(agent.hour_ids) < 200:
            agent.hour_ids.append(ev.id)
        learned = agent.learned(ev.ts)

        new_place = False
        if ev.country is not None and (ev.ip != agent.last_ip or action == "login.success"):
            before = len(agent.cities)
            signals.extend(rules.location(agent, self.org, ev))
            new_place = len(agent.cities) > before and agent.learned(ev.ts)
        elif ev.lat is not None and ev.ip != agent.last_ip:
            signals.extend(rules.location(agent, self.org, ev))
        agent.last_ip = ev.ip or agent.last_ip
        if action == "login.success" or ev.ts - agent.last_ts > SESSION_GAP:
            signals.extend(rules.signin(agent, self.org, ev, new_place))
        agent.last_ts = ev.ts

        customer = ev.customer_id
        if action in VIEW_ACTIONS:
            metric = METRIC_OF[action]
            agent.hour[rules.FEATURE_INDEX[metric]] += 1
            sig = rules.volume(agent, ev, metric, learned)
            if sig is not None:
                signals.append(sig)
            if customer is not None:
                agent.hour_customers.add(customer)
                vip = customer in self.vips
                if not vip and ev.extra and ev.extra.get("vip") is True:
                    self.vips.add(customer)
                    vip = True
                signals.extend(rules.customer_access(agent, ev, vip, cfg))
        elif action == "interaction.start" or action == "interaction.end":
            if action == "interaction.start":
                agent.hour[I_INTERACTIONS] += 1
            rules.interaction(agent, ev)
        elif action == "customer.search" or action == "export.create":
            metric = METRIC_OF[action]
            agent.hour[rules.FEATURE_INDEX[metric]] += 1
            sig = rules.volume(agent, ev, metric, learned)
            if sig is not None:
                signals.append(sig)
            if action == "export.create":
                sig = rules.export(agent, ev, learned)
                if sig is not None:
                    signals.append(sig)
        if action == "honeytoken.read" or (
            customer is not None and customer in cfg.honeytoken_customers
        ):
            sig = rules.honeytoken(agent, ev, cfg)
            if sig is not None:
                signals.append(sig)
        return self._apply(signals) if signals else []

    def _apply(self, signals: list[Signal]) -> list[Alert]:
        raised: list[Alert] = []
        for signal in signals:
            alert, new, escalated = self.book.apply(signal)
            if alert is None:
                continue
            if self.trace is not None:
                self.trace(alert, signal)
            if new or escalated:
                raised.append(alert)
            for sink in self.sinks:
                if new or escalated:
                    sink.on_alert(alert)
                elif hasattr(sink, "on_update"):
                    sink.on_update(alert)  # type: ignore[attr-defined]
        return raised

    # ---- hours: baselines and the model -----------------------------------------------

    def _roll(self, agent: AgentProfile, bucket: int, signals: list[Signal]) -> None:
        if agent.bucket < 0:
            agent.bucket = bucket
            return
        if bucket < agent.bucket:
            return  # a late event counts in the current hour
        cfg = self.config
        vector = agent.hour
        vector[I_CUSTOMERS] = float(len(agent.hour_customers))
        team = agent.team
        if cfg.model_alerts and agent.learned(agent.hour_last_ts):
            devs = deviations(vector, agent.rates, team.rates, cfg.model_z)
            if len(devs) >= cfg.model_min_features:
                signals.append(
                    Signal(
                        "behaviour_anomaly",
                        agent.actor,
                        "high" if len(devs) >= 3 else "medium",
                        score(devs),
                        explain(devs),
                        tuple(agent.hour_ids[-50:]),
                        agent.hour_last_ts,
                        feature=",".join(d.feature for d in devs[:2]),
                        kind="model",
                    )
                )
        if self.record_features is not None:
            self.record_features(agent.actor, agent.bucket, list(vector))
        for i, value in enumerate(vector):
            agent.rates[i].add(value)
            team.rates[i].add(value)
        hour = agent.bucket % 24
        agent.hours.add(hour)
        team.hours.add(hour)
        agent.active_days.add(agent.bucket // 24)
        agent.bucket = bucket
        agent.hour = [0.0] * len(FEATURES)
        agent.hour_customers = set()
        agent.hour_ids = []

    def flush(self) -> list[Alert]:
        """Close every agent's open hour (end of a replay; live, on a timer)."""
        signals: list[Signal] = []
        for agent in self.agents.values():
            if agent.bucket >= 0 and agent.hour_ids:
                self._roll(agent, agent.bucket + 1, signals)
        return self._apply(signals)

    def tick(self, now: datetime | float) -> list[Alert]:
        """Live: close the hours that ended before ``now`` (call from a timer, e.g. each minute),
        so the hourly model speaks about an agent who went quiet after an odd hour."""
        ts = now.timestamp() if isinstance(now, datetime) else float(now)
        bucket = int(ts // 3600)
        signals: list[Signal] = []
        with self._lock:
            for agent in self.agents.values():
                if 0 <= agent.bucket < bucket and agent.hour_ids:
                    self._roll(agent, bucket, signals)
            return self._apply(signals)

    # ---- lifecycle -------------------------------------------------------------------

    def transition(self, alert_id: str, status: str, now: datetime | float) -> Alert:
        from amanah.detection.alerts import AlertNotFound

        alert = self.book.alerts.get(alert_id)
        if alert is None:
            raise AlertNotFound("no such alert")
        ts = now.timestamp() if isinstance(now, datetime) else float(now)
        self.book.transition(alert, status, ts)
        for sink in self.sinks:
            if hasattr(sink, "on_update"):
                sink.on_update(alert)  # type: ignore[attr-defined]
        return alert


def _ts(event: Event) -> float:
    return event.ts
