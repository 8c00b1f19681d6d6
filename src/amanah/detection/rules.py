"""Rules: each looks at one event with the agent's and team's learned state.

A rule returns ``Signal``s (see ``alerts``). ``alert=False`` marks evidence too
weak to open an incident on its own, but worth appending to an open one (the
fourth unrelated customer of a slow snoop belongs to the same incident).

Corroboration keeps ordinary change quiet: a day at another of the
organisation's sites, a shift swap into hours the team works, overtime with
live interactions: none of these raises an alert by itself.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from amanah.detection.alerts import Signal
from amanah.detection.baselines import HourProfile, RobustRate, Seen, haversine_km
from amanah.detection.config import DetectionConfig
from amanah.detection.events import Event
from amanah.detection.model import FEATURES

DAY = 86400.0
VIEW_ACTIONS = frozenset({"customer.view", "field.reveal"})
METRIC_OF = {
    "customer.view": "views",
    "field.reveal": "reveals",
    "customer.search": "searches",
    "export.create": "exports",
}
FEATURE_INDEX = {name: i for i, name in enumerate(FEATURES)}


class TeamProfile:
    def __init__(self, name: str) -> None:
        self.name = name
        self.rates = [RobustRate(0.02) for _ in FEATURES]
        self.hours = HourProfile(0.9995)
        self.export_records = RobustRate(0.05)


@dataclass(eq=False)
class AgentProfile:
    actor: str
    team: TeamProfile
    first_ts: float
    config: DetectionConfig
    bucket: int = -1
    hour: list[float] = field(default_factory=lambda: [0.0] * len(FEATURES))
    hour_customers: set[str] = field(default_factory=set)
    hour_ids: list[str] = field(default_factory=list)
    hour_last_ts: float = 0.0
    windows: dict[str, deque[tuple[float, str]]] = field(default_factory=dict)
    rates: list[RobustRate] = field(default_factory=lambda: [RobustRate() for _ in FEATURES])
    hours: HourProfile = field(default_factory=HourProfile)
    active_days: set[int] = field(default_factory=set)
    cities: Seen = field(init=False)
    countries: Seen = field(init=False)
    devices: Seen = field(init=False)
    last_geo: tuple[float, float, float, str] | None = None
    last_ip: str | None = None
    last_ts: float = 0.0
    off_hours_session: bool = False
    live: dict[str, int] = field(default_factory=dict)
    interactions: dict[str, str] = field(default_factory=dict)
    handled: dict[str, float] = field(default_factory=dict)
    unrelated: deque[tuple[float, str]] = field(default_factory=deque)
    exports: int = 0
    export_records: RobustRate = field(default_factory=lambda: RobustRate(0.1))
    failures: deque[tuple[float, str | None]] = field(default_factory=deque)

    def __post_init__(self) -> None:
        ttl = self.config.location_ttl_days * DAY
        self.cities, self.countries, self.devices = Seen(ttl), Seen(ttl), Seen(ttl)

    def learned(self, now: float) -> bool:
        return now - self.first_ts >= self.config.warmup_days * DAY and len(self.active_days) >= 3


class Organisation:
    """Places the organisation works from: a city counts once three agents were seen there."""

    def __init__(self, config: DetectionConfig) -> None:
        self.config = config
        self.city_agents: dict[str, set[str]] = {}
        self.countries: set[str] = set(config.home_countries)
        self.flagged_ips: dict[str, float] = {}
        self.failures_by_ip: dict[str, deque[tuple[float, str, str]]] = {}

    def knows_city(self, key: str) -> bool:
        return len(self.city_agents.get(key, ())) >= 3

    def learn(self, key: str, country: str, actor: str) -> None:
        agents = self.city_agents.setdefault(key, set())
        if len(agents) < 3:
            agents.add(actor)
            if len(agents) >= 3:
                self.countries.add(country)


# ---- rules -------------------------------------------------------------------------------


def honeytoken(agent: AgentProfile, ev: Event, cfg: DetectionConfig) -> Signal | None:
    if ev.action == "honeytoken.read" or (
        ev.customer_id is not None and ev.customer_id in cfg.honeytoken_customers
    ):
        return Signal(
            "honeytoken",
            ev.actor,
            "critical",
            1.0,
            "a honeytoken record was opened: no legitimate work touches it",
            (ev.id,),
            ev.ts,
            feature=ev.customer_id,
        )
    return None


def location(agent: AgentProfile, org: Organisation, ev: Event) -> list[Signal]:
    """New country or city for the agent, and impossible travel since the last location."""
    out: list[Signal] = []
    cfg = agent.config
    if ev.lat is not None and ev.lon is not None:
        last = agent.last_geo
        if last is not None:
            lat, lon, ts, where = last
            km = haversine_km(lat, lon, ev.lat, ev.lon)
            if km >= cfg.travel_min_km:
                hours = max(ev.ts - ts, 60.0) / 3600.0
                speed = km / hours
                if speed > cfg.travel_speed_kmh:
                    out.append(
                        Signal(
                            "impossible_travel",
                            ev.actor,
                            "high",
                            min(1.0, 0.7 + speed / 20000),
                            f"{where} to {ev.city or ev.country}: {km:.0f} km in "
                            f"{hours * 60:.0f} min ({speed:.0f} km/h)",
                            (ev.id,),
                            ev.ts,
                            feature=f"{where}>{ev.city or ev.country}",
                        )
                    )
        agent.last_geo = (ev.lat, ev.lon, ev.ts, ev.city or ev.country or "?")
    country = ev.country
    if country:
        key = f"{country}/{ev.city or '?'}"
        now = ev.ts
        if not agent.cities.knows(key, now):
            if agent.learned(now) and not org.knows_city(key):
                if not agent.countries.knows(country, now):
                    abroad = country not in org.countries
                    out.append(
                        Signal(
                            "new_location",
                            ev.actor,
                            "high" if abroad else "medium",
                            0.85 if abroad else 0.6,
                            f"first activity from {ev.city or '?'}, {country}: a country this "
                            + (
                                "agent and the organisation never worked from"
                                if abroad
                                else "agent never worked from"
                            ),
                            (ev.id,),
                            now,
                            feature=key,
                        )
                    )
                else:
                    out.append(
                        Signal(
                            "new_location",
                            ev.actor,
                            "low",
                            0.3,
                            f"first activity from {ev.city or '?'}, {country}, not one of the "
                            "organisation's sites",
                            (ev.id,),
                            now,
                            feature=key,
                        )
                    )
            agent.cities.add(key, now)
            org.learn(key, country, ev.actor)
        else:
            agent.cities.last[key] = now
        agent.countries.add(country, now)
    return out


def signin(agent: AgentProfile, org: Organisation, ev: Event, new_place: bool) -> list[Signal]:
    """Sign-in outside usual hours (corroborated), and sign-in right after a credential attack."""
    cfg = agent.config
    out: list[Signal] = []
    hour = int(ev.ts // 3600) % 24
    device = ev.extra.get("device") if ev.extra else None
    new_device = False
    if isinstance(device, str):
        new_device = not agent.devices.knows(device, ev.ts) and len(agent.devices) > 0
        agent.devices.add(device, ev.ts)
    agent.off_hours_session = False
    if agent.learned(ev.ts) and not agent.hours.usual(hour, cfg.usual_hour_share):
        team_usual = agent.team.hours.usual(hour, cfg.usual_hour_share)
        corroborated = new_device or new_place
        agent.off_hours_session = not team_usual or corroborated
        if not team_usual or corroborated:
            why = []
            if not team_usual:
                why.append("nor the team's")
            if new_device:
                why.append("from a new device")
            if new_place:
                why.append("from a new place")
            out.append(
                Signal(
                    "off_hours_signin",
                    ev.actor,
                    "medium" if corroborated else "low",
                    0.55 if corroborated else 0.35,
                    f"sign-in at {hour:02d}:00 UTC, not this agent's usual hours ("
                    + ", ".join(why)
                    + ")",
                    (ev.id,),
                    ev.ts,
                    feature=f"hour:{hour}",
                )
            )
    ip = ev.ip
    flagged = org.flagged_ips.get(ip) if ip else None
    recent_fail = [f for f in agent.failures if ev.ts - f[0] <= cfg.spray_followup]
    after_attack = flagged is not None and ev.ts - flagged <= cfg.spray_followup
    abroad_after_failures = (
        bool(recent_fail)
        and ev.country is not None
        and not agent.countries.knows(ev.country, ev.ts)
        and any(f[1] in org.flagged_ips for f in recent_fail)
    )
    if after_attack or abroad_after_failures:
        out.append(
            Signal(
                "signin_after_failures",
                ev.actor,
                "critical",
                0.95,
                "successful sign-in "
                + (f"from {ev.country} " if ev.country else "")
                + "right after a password-spraying / credential-stuffing attack"
                + (" from the same source" if after_attack else ""),
                (ev.id,),
                ev.ts,
            )
        )
    return out


def login_failure(agent: AgentProfile, org: Organisation, ev: Event) -> Signal | None:
    cfg = agent.config
    agent.failures.append((ev.ts, ev.ip))
    while agent.failures and ev.ts - agent.failures[0][0] > cfg.spray_followup:
        agent.failures.popleft()
    if not ev.ip:
        return None
    window = org.failures_by_ip.setdefault(ev.ip, deque())
    window.append((ev.ts, ev.actor, ev.id))
    while window and ev.ts - window[0][0] > cfg.spray_window:
        window.popleft()
    accounts = {a for _, a, _ in window}
    if len(accounts) < cfg.spray_accounts:
        return None
    first = ev.ip not in org.flagged_ips or ev.ts - org.flagged_ips[ev.ip] > cfg.spray_window
    org.flagged_ips[ev.ip] = ev.ts
    ids = tuple(i for _, _, i in window) if first else (ev.id,)
    return Signal(
        "credential_attack",
        f"ip:{ev.ip}",
        "high",
        min(1.0, 0.6 + len(accounts) / 50),
        f"{len(window)} failed sign-ins across {len(accounts)} accounts from one source "
        f"({ev.country or 'unknown country'}) in {cfg.spray_window / 60:.0f} min: "
        "password spraying or credential stuffing",
        ids,
        ev.ts,
        details={"actor_kind": "source_ip", "accounts": len(accounts)},
    )


def interaction(agent: AgentProfile, ev: Event) -> None:
    customer = ev.customer_id
    if ev.action == "interaction.start":
        if customer:
            agent.live[customer] = agent.live.get(customer, 0) + 1
            agent.handled[customer] = ev.ts
            if ev.interaction_id:
                agent.interactions[ev.interaction_id] = customer
    else:
        if customer is None and ev.interaction_id:
            customer = agent.interactions.get(ev.interaction_id)
        if ev.interaction_id:
            agent.interactions.pop(ev.interaction_id, None)
        if customer:
            n = agent.live.get(customer, 0) - 1
            if n > 0:
                agent.live[customer] = n
            else:
                agent.live.pop(customer, None)
            agent.handled[customer] = ev.ts


def related(agent: AgentProfile, ev: Event) -> bool:
    """Is there a live (or just ended, or recent) interaction of this agent with the customer?"""
    customer = ev.customer_id
    if customer is None:
        return True
    if agent.live.get(customer):
        return True
    last = agent.handled.get(customer)
    return last is not None and ev.ts - last <= agent.config.recent_customer_days * DAY


def customer_access(
    agent: AgentProfile, ev: Event, vip: bool, cfg: DetectionConfig
) -> list[Signal]:
    out: list[Signal] = []
    if related(agent, ev):
        return out
    if vip:
        out.append(
            Signal(
                "vip_access",
                ev.actor,
                "high",
                0.8,
                "a VIP customer's record was opened with no live interaction with that customer",
                (ev.id,),
                ev.ts,
                feature=ev.customer_id,
            )
        )
    window = agent.unrelated
    window.append((ev.ts, ev.id))
    while window and ev.ts - window[0][0] > cfg.unrelated_window:
        window.popleft()
    n = len(window)
    agent.hour[FEATURE_INDEX["unrelated"]] += 1
    threshold = cfg.unrelated_threshold - (1 if agent.off_hours_session else 0)
    strong = n >= threshold
    hours = cfg.unrelated_window / 3600
    out.append(
        Signal(
            "unrelated_customer",
            ev.actor,
            "high" if n >= 10 else "medium",
            min(1.0, 0.5 + n / 40),
            f"{n} customers opened in {hours:.0f} h with no live or recent interaction "
            "with them" + (" (outside usual hours)" if agent.off_hours_session else ""),
            tuple(i for _, i in window) if strong else (ev.id,),
            ev.ts,
            alert=strong,
        )
    )
    return out


def volume(agent: AgentProfile, ev: Event, metric: str, learned: bool) -> Signal | None:
    cfg = agent.config
    window = agent.windows.get(metric)
    if window is None:
        window = agent.windows[metric] = deque()
    window.append((ev.ts, ev.id))
    span = cfg.volume_window
    while ev.ts - window[0][0] > span:
        window.popleft()
    n = len(window)
    floor = cfg.volume_floor.get(metric, 20.0)
    if n <= floor:
        return None
    i = FEATURE_INDEX[metric]
    team_limit = agent.team.rates[i].upper(cfg.volume_k, floor)
    limit = max(agent.rates[i].upper(cfg.volume_k, floor), team_limit) if learned else team_limit
    if n <= limit:
        return None
    ratio = n / max(agent.rates[i].mean, agent.team.rates[i].mean, 1.0)
    first = n == int(limit) + 1
    return Signal(
        "volume_spike",
        ev.actor,
        "high" if n > 2 * limit else "medium",
        min(1.0, 0.5 + ratio / 40),
        f"{n} {metric} in {span / 60:.0f} min: {ratio:.1f}x this agent's usual "
        f"{agent.rates[i].mean:.1f}/h (team {agent.team.rates[i].mean:.1f}/h)",
        tuple(x for _, x in window)[-100:] if first else (ev.id,),
        ev.ts,
        feature=metric,
    )


def export(agent: AgentProfile, ev: Event, learned: bool) -> Signal | None:
    cfg = agent.config
    records = ev.records or 0
    reasons = []
    severity, score = "medium", 0.6
    if learned and agent.exports == 0:
        reasons.append("this agent never exported before")
    usual = agent.export_records.mean if agent.exports else agent.team.export_records.mean
    if records >= cfg.export_min_records and records > cfg.export_size_factor * max(usual, 1.0):
        reasons.append(f"{records} records, {records / max(usual, 1.0):.0f}x the usual size")
        severity, score = "high", min(1.0, 0.7 + records / 20000)
    agent.exports += 1
    agent.export_records.add(float(records))
    agent.team.export_records.add(float(records))
    if not reasons:
        return None
    if len(reasons) == 2:
        severity, score = "high", max(score, 0.85)
    return Signal(
        "unusual_export",
        ev.actor,
        severity,
        score,
        "export: " + "; ".join(reasons),
        (ev.id,),
        ev.ts,
        feature="size" if records >= cfg.export_min_records else "first",
    )
