"""A synthetic contact centre, with injected attacks and benign surprises, labelled.

Dozens of agents in teams at sites (Jakarta, Surabaya, Singapore) work morning
or afternoon shifts five days a week. Customers call and chat; agents open the
customer of the interaction they are handling, search, sometimes reveal a field,
sometimes look at a customer they handled days ago (a follow-up) or, rarely,
open one by mistake. Team leads export now and then. After two weeks of
normal life the generator injects attacks and benign surprises, each labelled
with the event ids that belong to it. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from amanah.detection.events import Event

START = datetime(2026, 9, 1, tzinfo=UTC)
DAY = 86400.0

SITES = {
    "jakarta": ("ID", "Jakarta", -6.2088, 106.8456, "203.0.113.", 7),
    "surabaya": ("ID", "Surabaya", -7.2575, 112.7521, "198.51.100.", 7),
    "singapore": ("SG", "Singapore", 1.3521, 103.8198, "192.0.2.", 8),
}
TEAMS = {"jkt-a": "jakarta", "jkt-b": "jakarta", "sby": "surabaya", "sgp": "singapore"}
SHIFTS = {"morning": 7, "afternoon": 14}  # local start hour, 8 hours
ABROAD = [
    ("RU", "Moscow", 55.7558, 37.6173),
    ("NG", "Lagos", 6.5244, 3.3792),
    ("BR", "Sao Paulo", -23.5505, -46.6333),
    ("US", "Ashburn", 39.0438, -77.4874),
]
ATTACKS = (
    "account_takeover_abroad",
    "bulk_viewing",
    "night_snooping",
    "vip_snooping",
    "slow_snooping",
    "export_exfiltration",
    "reveal_spike",
    "credential_stuffing",
)
BENIGN = ("overtime", "shift_swap", "another_site")


@dataclass
class Agent:
    name: str
    team: str
    site: str
    shift: str
    exporter: bool
    days_off: tuple[int, int]


@dataclass
class Scenario:
    name: str
    kind: str  # "attack" or "benign"
    actor: str
    event_ids: set[str] = field(default_factory=set)
    first_ts: float = 0.0
    days: set[tuple[str, int]] = field(default_factory=set)


@dataclass
class World:
    events: list[Event]
    scenarios: list[Scenario]
    agents: list[Agent]
    vip_customers: frozenset[str]
    honeytoken_customers: frozenset[str]


def local_day(ts: float) -> int:
    """The contact centre's calendar day (UTC+7) of a timestamp."""
    return int((ts + 7 * 3600) // DAY)


class Generator:
    def __init__(self, seed: int = 7, days: int = 35, agents_per_team: int = 11) -> None:
        self.rng = random.Random(seed)
        self.days = days
        self.events: list[Event] = []
        self.n = 0
        self.customers = 20_000
        self.vips = frozenset(f"cust-{i:06d}" for i in range(1, 41))
        self.honeytokens = frozenset({"cust-999001", "cust-999002"})
        self.agents: list[Agent] = []
        for team, site in TEAMS.items():
            for i in range(agents_per_team):
                name = f"agent-{len(self.agents) + 1:03d}"
                off = self.rng.choice([(5, 6), (6, 0), (0, 1), (4, 5)])
                self.agents.append(
                    Agent(name, team, site, "morning" if i % 2 == 0 else "afternoon", i == 0, off)
                )
        self.handled: dict[str, list[tuple[float, str]]] = {a.name: [] for a in self.agents}
        self.scenarios: list[Scenario] = []
        self.interaction_n = 0

    # ---- primitives --------------------------------------------------------------------

    def emit(self, ts: float, actor: str, action: str, site: str | None = None, **kw) -> Event:
        self.n += 1
        ev = Event(f"ev-{self.n}", ts, actor, action, **kw)
        if site is not None:
            country, city, lat, lon, prefix, _ = SITES[site]
            ev.ip = ev.ip or f"{prefix}{10 + sum(map(ord, actor)) % 200}"
            ev.country, ev.city, ev.lat, ev.lon = country, city, lat, lon
        self.events.append(ev)
        return ev

    def customer(self) -> str:
        if self.rng.random() < 0.002:
            return self.rng.choice(sorted(self.vips))
        return f"cust-{self.rng.randint(41, self.customers):06d}"

    def shift_bounds(self, agent: Agent, day: int, shift: str | None = None, site=None):
        tz = SITES[site or agent.site][5]
        start = START.timestamp() + day * DAY + (SHIFTS[shift or agent.shift] - tz) * 3600
        return start + self.rng.uniform(-600, 600), start + 8 * 3600 + self.rng.uniform(-300, 600)

    def workday(
        self,
        agent: Agent,
        day: int,
        *,
        shift: str | None = None,
        site: str | None = None,
        extra_hours: float = 0.0,
        label: Scenario | None = None,
    ) -> None:
        rng = self.rng
        site = site or agent.site
        start, end = self.shift_bounds(agent, day, shift, site)
        end += extra_hours * 3600
        first = len(self.events)
        common = {"device": f"dev-{agent.name}", "team": agent.team}
        self.emit(start, agent.name, "login.success", site, mfa="totp", extra=dict(common))
        t = start + rng.uniform(60, 300)
        stray_at = start + rng.uniform(0, end - start) if rng.random() < 0.05 else None
        export_at = (
            start + rng.uniform(3600, 6 * 3600) if agent.exporter and rng.random() < 0.3 else None
        )
        while t < end - 300:
            self.interaction_n += 1
            iid = f"int-{self.interaction_n:07d}"
            cust = self.customer()
            channel = rng.choice(["voice", "chat"])
            self.emit(
                t,
                agent.name,
                "interaction.start",
                site,
                customer_id=cust,
                interaction_id=iid,
                channel=channel,
            )
            dur = rng.uniform(180, 540)
            if rng.random() < 0.5:
                self.emit(
                    t + 20,
                    agent.name,
                    "customer.search",
                    site,
                    results=rng.randint(1, 3),
                    query="phone",
                )
            self.emit(
                t + 40, agent.name, "customer.view", site, customer_id=cust, interaction_id=iid
            )
            if rng.random() < 0.3:
                self.emit(
                    t + dur / 2,
                    agent.name,
                    "customer.view",
                    site,
                    customer_id=cust,
                    interaction_id=iid,
                )
            if rng.random() < 0.15:
                self.emit(
                    t + dur / 2 + 5,
                    agent.name,
                    "field.reveal",
                    site,
                    customer_id=cust,
                    interaction_id=iid,
                    fields=("card",),
                    purpose="payment",
                )
            self.emit(
                t + dur, agent.name, "interaction.end", site, customer_id=cust, interaction_id=iid
            )
            self.handled[agent.name].append((t, cust))
            if rng.random() < 0.03 and len(self.handled[agent.name]) > 20:
                _, old = rng.choice(self.handled[agent.name][-400:-10])
                self.emit(
                    t + dur + 60,
                    agent.name,
                    "customer.view",
                    site,
                    customer_id=old,
                    purpose="follow-up",
                )
            if stray_at is not None and t >= stray_at:
                self.emit(
                    t + dur + 30, agent.name, "customer.view", site, customer_id=self.customer()
                )
                stray_at = None
            if export_at is not None and t >= export_at:
                self.emit(
                    t + dur + 90,
                    agent.name,
                    "export.create",
                    site,
                    records=rng.randint(20, 150),
                    purpose="report",
                )
                export_at = None
            t += dur + rng.expovariate(1 / 90)
        self.emit(end, agent.name, "logout", site)
        if label is not None:
            self.mark(label, self.events[first:])

    def mark(self, scenario: Scenario, events: list[Event]) -> None:
        for ev in events:
            scenario.event_ids.add(ev.id)
            if ev.actor == scenario.actor:
                scenario.days.add((ev.actor, local_day(ev.ts)))
        if events:
            first = min(e.ts for e in events)
            scenario.first_ts = min(scenario.first_ts or first, first)

    def works(self, agent: Agent, day: int) -> bool:
        return (START + timedelta(days=day)).weekday() not in agent.days_off

    # ---- the month -------------------------------------------------------------------

    def build(self) -> World:
        rng = self.rng
        special: dict[tuple[str, int], str] = {}
        later = list(range(15 if self.days >= 25 else self.days // 2, self.days))
        pool = [a for a in self.agents]
        rng.shuffle(pool)
        plan: list[tuple[str, Agent, int]] = []
        i = 0
        for name in ATTACKS:
            for _ in range(2 if name == "credential_stuffing" else 3):
                agent = pool[i % len(pool)]
                i += 1
                if name == "export_exfiltration" and agent.exporter:
                    agent = pool[i % len(pool)]
                    i += 1
                day = rng.choice([d for d in later[:-3] if self.works(agent, d)] or later)
                plan.append((name, agent, day))
        for name in BENIGN:
            for _ in range(6):
                agent = pool[i % len(pool)]
                i += 1
                day = rng.choice([d for d in later if self.works(agent, d)])
                plan.append((name, agent, day))
        for name, agent, day in plan:
            special[(agent.name, day)] = name

        for day in range(self.days):
            for agent in self.agents:
                kind = special.get((agent.name, day))
                if kind in BENIGN:
                    sc = self.new(kind, "benign", agent)
                    if kind == "overtime":
                        self.workday(agent, day, extra_hours=3, label=sc)
                    elif kind == "shift_swap":
                        other = "afternoon" if agent.shift == "morning" else "morning"
                        self.workday(agent, day, shift=other, label=sc)
                    else:
                        site = rng.choice([s for s in SITES if s != agent.site])
                        self.workday(agent, day, site=site, label=sc)
                    continue
                if self.works(agent, day):
                    self.workday(agent, day)
        for name, agent, day in plan:
            if name in ATTACKS:
                getattr(self, name)(self.new(name, "attack", agent), agent, day)
        self.events.sort(key=lambda e: e.ts)
        return World(self.events, self.scenarios, self.agents, self.vips, self.honeytokens)

    def new(self, name: str, kind: str, agent: Agent) -> Scenario:
        sc = Scenario(name, kind, agent.name)
        self.scenarios.append(sc)
        return sc

    def _during_shift(self, agent: Agent, day: int) -> tuple[float, str]:
        start, _ = self.shift_bounds(agent, day)
        return start + self.rng.uniform(3600, 4 * 3600), agent.site

    def _views(self, sc, actor, t, n, spacing, site=None, reveal_share=0.0, customers=None, **geo):
        out = []
        for k in range(n):
            cust = customers[k % len(customers)] if customers else self.customer()
            ts = t + k * spacing * self.rng.uniform(0.7, 1.3)
            out.append(self.emit(ts, actor, "customer.view", site, customer_id=cust, **geo))
            if self.rng.random() < reveal_share:
                out.append(
                    self.emit(
                        ts + 10,
                        actor,
                        "field.reveal",
                        site,
                        customer_id=cust,
                        fields=("nik",),
                        **geo,
                    )
                )
        self.mark(sc, out)
        return out

    # ---- attacks -----------------------------------------------------------------------

    def _abroad(self):
        country, city, lat, lon = self.rng.choice(ABROAD)
        ip = (
            f"100.{self.rng.randint(64, 127)}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
        )
        return {"ip": ip, "country": country, "city": city, "lat": lat, "lon": lon}

    def account_takeover_abroad(self, sc, agent, day):
        t = START.timestamp() + day * DAY + self.rng.uniform(0, DAY)
        geo = self._abroad()
        login = self.emit(t, agent.name, "login.success", extra={"device": "dev-unknown"}, **geo)
        self.mark(sc, [login])
        self._views(sc, agent.name, t + 120, 30, 40, reveal_share=0.3, **geo)

    def bulk_viewing(self, sc, agent, day):
        t, site = self._during_shift(agent, day)
        self._views(sc, agent.name, t, 150, 24, site)

    def night_snooping(self, sc, agent, day):
        t = START.timestamp() + day * DAY + (2 - 7) * 3600 + self.rng.uniform(0, 3600)
        geo = {"ip": "182.253.1.9", "country": "ID", "city": "Jakarta", "lat": -6.2, "lon": 106.8}
        login = self.emit(
            t, agent.name, "login.success", extra={"device": f"dev-{agent.name}"}, **geo
        )
        self.mark(sc, [login])
        self._views(sc, agent.name, t + 180, 15, 160, reveal_share=0.2, **geo)

    def vip_snooping(self, sc, agent, day):
        t, site = self._during_shift(agent, day)
        vips = self.rng.sample(sorted(self.vips), 3)
        self._views(sc, agent.name, t, 3, 1200, site, customers=vips)

    def slow_snooping(self, sc, agent, day):
        for d in range(day, day + 3):
            if not self.works(agent, d):
                continue
            t, site = self._during_shift(agent, d)
            self._views(sc, agent.name, t - 2400, 4, 3600, site)

    def export_exfiltration(self, sc, agent, day):
        t, site = self._during_shift(agent, day)
        ev = self.emit(
            t,
            agent.name,
            "export.create",
            site,
            records=self.rng.randint(3000, 8000),
            purpose="report",
        )
        self.mark(sc, [ev])

    def reveal_spike(self, sc, agent, day):
        t, site = self._during_shift(agent, day)
        before = [c for ts, c in self.handled[agent.name] if t - 3 * DAY < ts < t]
        recent = before[-60:] or [self.customer()]
        out = [
            self.emit(
                t + k * 45,
                agent.name,
                "field.reveal",
                site,
                customer_id=self.rng.choice(recent),
                fields=("card",),
            )
            for k in range(40)
        ]
        self.mark(sc, out)

    def credential_stuffing(self, sc, agent, day):
        t = START.timestamp() + day * DAY + self.rng.uniform(0, DAY)
        geo = self._abroad()
        others = [a.name for a in self.agents if a is not agent]
        targets = self.rng.sample(others, min(25, len(others)))
        targets += [f"user{k}" for k in range(15)]
        self.rng.shuffle(targets)
        fails = [
            self.emit(t + k * 6, name, "login.failure", reason="bad_password", **geo)
            for k, name in enumerate(targets)
        ]
        self.mark(sc, fails)
        login = self.emit(t + 300, agent.name, "login.success", extra={"device": "dev-x"}, **geo)
        self.mark(sc, [login])
        self._views(sc, agent.name, t + 400, 20, 30, **geo)


def generate(seed: int = 7, days: int = 35, agents_per_team: int = 11) -> World:
    return Generator(seed, days, agents_per_team).build()
