"""Each detector with a positive and a negative case, on a detector that learned ten days."""

from __future__ import annotations

from tests.detection.helpers import at, ev, feed, morning_agent, rules_of, trained

A = "agent-001"


def login(ts, actor=A, site="jakarta", **kw):
    kw.setdefault("extra", {"device": f"dev-{actor}", "team": "jkt-a"})
    return ev(ts, actor, "login.success", site, **kw)


def abroad(**kw):
    return dict(ip="100.64.1.1", country="RU", city="Moscow", lat=55.75, lon=37.61, **kw)


def interaction(ts, customer, iid, actor=A):
    return [
        ev(ts, actor, "interaction.start", customer_id=customer, interaction_id=iid),
        ev(ts + 30, actor, "customer.view", customer_id=customer, interaction_id=iid),
        ev(ts + 300, actor, "interaction.end", customer_id=customer, interaction_id=iid),
    ]


def test_the_learned_agent_works_mornings() -> None:
    assert morning_agent() == A


def test_new_country_alerts_high_but_another_site_of_the_organisation_does_not() -> None:
    d = trained()
    alerts = feed(d, login(at(0, 1), site=None, **abroad()))
    assert {(a.rule, a.severity) for a in alerts} >= {("new_location", "high")}
    d = trained()
    assert "new_location" not in rules_of(feed(d, login(at(0, 1), site="surabaya")))
    assert "new_location" not in rules_of(feed(d, login(at(1, 1), site="singapore")))


def test_impossible_travel_and_plausible_travel() -> None:
    d = trained()
    alerts = feed(d, login(at(0, 1)), login(at(0, 1.5), site="singapore"))
    assert "impossible_travel" in rules_of(alerts)  # ~900 km in 30 min
    d = trained()
    alerts = feed(d, login(at(0, 1)), login(at(1, 1), site="singapore"))
    assert "impossible_travel" not in rules_of(alerts)


def test_sign_in_outside_the_agents_and_the_teams_hours() -> None:
    d = trained()
    alerts = feed(d, login(at(0, 19)))  # 02:00 in Jakarta
    assert {(a.rule, a.severity) for a in alerts} == {("off_hours_signin", "low")}
    # a shift swap: the afternoon shift is the team's usual hours -> no alert by itself
    d = trained()
    assert feed(d, login(at(0, 7.2))) == []


def test_password_spraying_and_a_few_typos() -> None:
    d = trained()
    ts = at(0, 3)
    fails = [
        ev(ts + i * 5, f"agent-{i:03d}", "login.failure", None, **abroad(reason="bad_password"))
        for i in range(2, 9)
    ]
    alerts = feed(d, *fails)
    (alert,) = alerts
    assert alert.rule == "credential_attack" and alert.actor == "ip:100.64.1.1"
    assert len(alert.event_ids) == 7
    d = trained()
    typos = [ev(ts + i, A, "login.failure", reason="bad_password") for i in range(3)]
    assert feed(d, *typos) == []


def test_sign_in_right_after_a_credential_attack_is_critical() -> None:
    d = trained()
    ts = at(0, 3)
    fails = [
        ev(ts + i * 5, f"agent-{i:03d}", "login.failure", None, **abroad()) for i in range(1, 9)
    ]
    feed(d, *fails)
    alerts = feed(d, login(ts + 120, site=None, **abroad()))
    assert ("signin_after_failures", "critical") in {(a.rule, a.severity) for a in alerts}
    d = trained()
    assert "signin_after_failures" not in rules_of(feed(d, login(at(0, 0.1))))


def test_honeytoken() -> None:
    d = trained()
    (alert,) = feed(d, ev(at(0, 2), A, "honeytoken.read", customer_id="cust-x"))
    assert alert.rule == "honeytoken" and alert.severity == "critical" and alert.score == 1.0
    d = trained()
    assert feed(d, *interaction(at(0, 2), "cust-000777", "int-h1")) == []


def test_exports_by_an_agent_who_never_exports_or_of_unusual_size() -> None:
    d = trained()
    assert d.agents["agent-003"].exports == 0
    (alert,) = feed(d, ev(at(0, 2), "agent-003", "export.create", records=5000))
    assert alert.rule == "unusual_export" and alert.severity == "high"
    assert "never exported" in alert.explanation and "5000 records" in alert.explanation
    # the team lead (first agent of each team) exports routinely, at the usual size
    d = trained()
    assert d.agents["agent-001"].exports > 0
    assert feed(d, ev(at(0, 2), "agent-001", "export.create", records=80)) == []


def test_customers_opened_without_a_live_interaction() -> None:
    d = trained()
    ts = at(0, 2)
    views = [ev(ts + i * 60, A, "customer.view", customer_id=f"cust-01{i:04d}") for i in range(3)]
    alerts = feed(d, *views)
    assert rules_of(alerts) == {"unrelated_customer"}
    assert alerts[0].event_ids == [v.id for v in views]
    # with live interactions, and a follow-up of a customer handled days ago: nothing
    d = trained()
    events = interaction(ts, "cust-020001", "int-a") + interaction(ts + 400, "cust-020002", "int-b")
    events.append(ev(ts + 86400, A, "customer.view", customer_id="cust-020001"))
    assert feed(d, *events) == []


def test_vip_records_opened() -> None:
    d = trained()
    alerts = feed(d, ev(at(0, 2), A, "customer.view", customer_id="cust-000001"))
    assert ("vip_access", "high") in {(a.rule, a.severity) for a in alerts}
    d = trained()
    assert feed(d, *interaction(at(0, 2), "cust-000001", "int-vip")) == []
    # VIP flag from the event itself
    d = trained()
    alerts = feed(
        d, ev(at(0, 2), A, "customer.view", customer_id="cust-555555", extra={"vip": True})
    )
    assert "vip_access" in rules_of(alerts)


def test_volume_spike_of_reveals_and_an_ordinary_busy_hour() -> None:
    d = trained()
    ts = at(0, 2)
    events = []
    for i in range(10):
        events += interaction(ts + i * 330, f"cust-03{i:04d}", f"int-v{i}")
    reveals = [
        ev(ts + 3300 + i * 20, A, "field.reveal", customer_id="cust-030001", fields=("card",))
        for i in range(30)
    ]
    alerts = feed(d, *events, *reveals)
    spike = [a for a in alerts if a.rule == "volume_spike"]
    assert spike and spike[0].feature == "reveals"
    assert "reveals in 60 min" in spike[0].explanation
    d = trained()
    busy = []
    for i in range(12):
        busy += interaction(ts + i * 290, f"cust-04{i:04d}", f"int-b{i}")
    assert feed(d, *busy) == []


def test_the_model_explains_an_hour_far_from_the_agents_and_the_teams_normal() -> None:
    d = trained(unrelated_threshold=10_000, volume_floor={"views": 10_000})
    ts = at(0, 2)
    views = [ev(ts + i * 20, A, "customer.view", customer_id=f"cust-05{i:04d}") for i in range(90)]
    feed(d, *views)
    alerts = d.flush()
    (alert,) = [a for a in alerts if a.rule == "behaviour_anomaly"]
    assert alert.kind == "model" and 0 < alert.score <= 1
    assert "agent normal" in alert.explanation and "team normal" in alert.explanation
    d = trained()
    feed(d, *interaction(ts, "cust-060000", "int-m"))
    assert [a for a in d.flush() if a.rule == "behaviour_anomaly"] == []


def test_overtime_with_live_interactions_does_not_alert() -> None:
    d = trained()
    ts = at(0, 8.2)  # 15:12 WIB, after the morning shift
    events = []
    for i in range(25):
        events += interaction(ts + i * 400, f"cust-07{i:04d}", f"int-o{i}")
    assert feed(d, *events) == []


def test_tick_closes_ended_hours_for_live_use() -> None:
    d = trained(unrelated_threshold=10_000, volume_floor={"views": 10_000})
    ts = at(0, 2)
    views = [ev(ts + i * 20, A, "customer.view", customer_id=f"cust-08{i:04d}") for i in range(90)]
    feed(d, *views)
    assert d.tick(ts + 1800) == []  # the hour is not over
    assert "behaviour_anomaly" in rules_of(d.tick(ts + 3 * 3600))
