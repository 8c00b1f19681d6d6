"""The security officer's desk on the wired system (SQLite and PostgreSQL): who may read and
judge, verdicts with history and audit, false positives that suppress and undo, listing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from tests.detection.alert_helpers import active_account, officer_principal, raise_alert

from amanah.access.errors import StepUpRequired
from amanah.access.gate import Principal
from amanah.audit.log import log_for_system
from amanah.detection.alerts import Signal
from amanah.detection.engine import Detector
from amanah.detection.officer import Officer, alert_filter, may_act, may_read, officer_of
from amanah.detection.store import AlertFilter, AlertStore, StoreSink
from amanah.errors import Conflict, Forbidden, InvalidInput, NotFound
from amanah.identity.sessions import AuthContext
from amanah.identity.stepup import authenticated

OFFICER = officer_principal()
T0 = datetime(2026, 9, 20, 3, 0, tzinfo=UTC)


def officer_session(used_factor_ago: timedelta | None = timedelta(0)) -> AuthContext:
    """OFFICER's session as the API binds it, a second factor used that long ago (None:
    none at all)."""
    factors = {} if used_factor_ago is None else {"totp": datetime.now(UTC) - used_factor_ago}
    return AuthContext("ses_officer", OFFICER.id, "officer", "security_officer", None, factors)


@pytest.fixture(autouse=True)
def fresh_officer_session():
    """The desk's tests act as OFFICER, signed in with a second factor just now (the
    step-up check of lifting verdicts reads the bound session)."""
    with authenticated(officer_session()):
        yield


def staff(role: str, account_id: str = "acc_staff") -> Principal:
    return Principal(
        account_id, "staff", role, frozenset({"*"}) if role == "admin" else frozenset()
    )


def token(*scopes: str) -> Principal:
    return Principal("tok_1", "service", "integration", frozenset(scopes))


def trail_of(system: Any, prefix: str = "detection.") -> list[tuple[str, str, str, tuple, dict]]:
    log = log_for_system(system)
    entries = [log.entry(seq).entry for seq in range(log.size())]
    return [
        (e.actor, e.action, e.outcome, tuple(e.subject_ids), dict(e.extra))
        for e in entries
        if e.action.startswith(prefix)
    ]


def test_who_may_read_and_act() -> None:
    assert may_read(OFFICER) and may_act(OFFICER, "false_positive") and may_act(OFFICER, "undo")
    admin = staff("admin")
    assert may_read(admin) and not may_act(admin, "acknowledge")  # oversight, not judgement
    for role in ("agent", "supervisor", "privacy_officer"):
        assert not may_read(staff(role)) and not may_act(staff(role))
    reader, writer, root = token("alerts:read"), token("alerts:write"), token("*")
    assert may_read(reader) and not may_act(reader, "acknowledge")
    assert may_read(writer) and may_act(writer, "acknowledge") and may_act(writer, "resolve")
    for verb in ("false_positive", "reopen", "undo"):  # a human verdict
        assert not may_act(writer, verb) and not may_act(root, verb)
    assert not may_read(token("customers:read"))


def test_verdicts_are_stored_with_their_history_and_audited(system) -> None:
    officer = officer_of(system)
    alert, _ = raise_alert(system, "acc_agent", respond=False)
    assert officer.acknowledge(OFFICER, alert.id).alert.status == "acknowledged"
    assert officer.resolve(OFFICER, alert.id).alert.status == "resolved"
    with pytest.raises(Conflict) as refused:
        officer.resolve(OFFICER, alert.id)
    assert refused.value.status == 409

    file = officer.file(OFFICER, alert.id)
    assert file.alert.status == "resolved" and file.responses == []
    assert [(h.from_status, h.to_status, h.by) for h in file.history] == [
        ("open", "acknowledged", OFFICER.id),
        ("acknowledged", "resolved", OFFICER.id),
    ]
    trail = trail_of(system, "detection.alert.")
    assert [(a, act, o, s) for a, act, o, s, _ in trail] == [
        (OFFICER.id, "detection.alert.acknowledged", "ok", ("acc_agent",)),
        (OFFICER.id, "detection.alert.resolved", "ok", ("acc_agent",)),
        (OFFICER.id, "detection.alert.resolved", "conflict", ()),
    ]
    assert trail[0][4] == {
        "alert_id": alert.id, "rule": "bulk_viewing", "severity": "critical", "previous": "open"
    }  # fmt: skip
    assert trail[2][4] == {"alert_id": alert.id}
    assert log_for_system(system).verify().ok


def test_unknown_and_malformed_ids_are_not_found(system) -> None:
    officer = officer_of(system)
    for alert_id in ("alr_missing", "x" * 41, "alr\x00", "../etc", ""):
        with pytest.raises(NotFound):
            officer.file(OFFICER, alert_id)
        with pytest.raises(NotFound):
            officer.acknowledge(OFFICER, alert_id)
    with pytest.raises(NotFound):
        officer.undo(OFFICER, "rsp_missing")
    with pytest.raises(NotFound):
        officer.undo(OFFICER, "rsp\x00")


def test_false_positive_suppresses_the_rule_and_undoes_the_responses(system) -> None:
    agent = active_account(system, "siti")
    alert, responses = raise_alert(system, agent, feature="RU/Moscow")
    assert system.identity.account(agent).status == "disabled"
    responder = system.extras["responder"]
    assert responder.blocks.active(agent)

    verdict = officer_of(system).false_positive(OFFICER, alert.id)
    assert verdict.alert.status == "false_positive"
    assert sorted(r.id for r in verdict.undone) == sorted(r.id for r in responses)
    assert system.identity.account(agent).status == "active"
    assert responder.blocks.active(agent) == []
    assert all(r.undone_by == OFFICER.id for r in responder.store.for_alert(alert.id))

    store: AlertStore = officer_of(system).store
    (suppression,) = store.active_suppressions()
    assert (suppression.actor, suppression.rule, suppression.feature) == (
        agent, "bulk_viewing", "RU/Moscow"
    )  # fmt: skip
    actions = [(act, o) for _, act, o, _, _ in trail_of(system)]
    assert ("detection.alert.false_positive", "ok") in actions
    assert actions.count(("detection.response.undo", "ok")) == 2  # lock and block
    assert ("detection.response.undo", "nothing-to-undo") in actions  # notify: skipped

    reopened = officer_of(system).reopen(OFFICER, alert.id)
    assert reopened.alert.status == "open" and reopened.undone == []
    assert store.active_suppressions() == []
    assert system.identity.account(agent).status == "active"  # undone stays undone


def test_a_verdict_tunes_the_live_detector(system) -> None:
    store = AlertStore(system.factory, suppress_days=14)
    detector = Detector(sinks=[StoreSink(store)])
    officer = Officer(store, system.extras["responder"], system.trail, book=detector.book)
    ts = T0.timestamp()

    def signal(at: float) -> Signal:
        return Signal("new_location", "acc_a", "high", 0.85, "first sign-in from RU", ("e1",),
                      at, feature="RU/Moscow")  # fmt: skip

    detector._apply([signal(ts)])
    (alert,) = store.list()
    officer.false_positive(OFFICER, alert.id)
    assert detector.book.alerts[alert.id].status == "false_positive"
    assert detector.book.apply(signal(ts + 3600))[0] is None  # suppressed
    officer.reopen(OFFICER, alert.id)
    assert detector.book.alerts[alert.id].status == "open"
    touched, new, _ = detector.book.apply(signal(ts + 7200))
    assert touched is not None and touched.id == alert.id and not new  # evidence again


def test_nobody_judges_their_own_alert(system) -> None:
    me = active_account(system, "ayu", "security_officer")
    alert, _ = raise_alert(system, me, severity="low")
    for verb in ("acknowledge", "resolve", "false_positive"):
        with pytest.raises(Forbidden) as refused:
            officer_of(system).judge(officer_principal(me), alert.id, verb)
        assert refused.value.code == "own-alert"
    assert officer_of(system).file(OFFICER, alert.id).alert.status == "open"
    assert {(a, o) for a, _, o, _, _ in trail_of(system, "detection.alert.")} == {(me, "own-alert")}


def test_roles_and_scopes_are_enforced(system) -> None:
    officer = officer_of(system)
    alert, (notify,) = raise_alert(system, "acc_agent", severity="low")
    for who in (staff("agent"), staff("supervisor"), token("customers:read")):
        with pytest.raises(Forbidden):
            officer.alerts(who, AlertFilter())
        with pytest.raises(Forbidden):
            officer.file(who, alert.id)
        with pytest.raises(Forbidden):
            officer.acknowledge(who, alert.id)
    admin = staff("admin")
    assert officer.file(admin, alert.id).alert.id == alert.id
    with pytest.raises(Forbidden):
        officer.acknowledge(admin, alert.id)
    with pytest.raises(Forbidden):
        officer.undo(admin, notify.id)
    writer = token("alerts:write")
    assert officer.acknowledge(writer, alert.id).alert.status == "acknowledged"
    for verb in ("false_positive", "reopen"):
        with pytest.raises(Forbidden):
            officer.judge(writer, alert.id, verb)
    with pytest.raises(Forbidden):
        officer.undo(writer, notify.id)
    assert officer.file(OFFICER, alert.id).alert.status == "acknowledged"
    assert officer.undo(OFFICER, notify.id).undone_by == OFFICER.id
    with pytest.raises(Conflict):
        officer.undo(OFFICER, notify.id)
    refusals = [(a, act, o) for a, act, o, _, _ in trail_of(system) if o != "ok"]
    assert ("tok_1", "detection.alert.false_positive", "not-security-officer") in refusals
    assert (OFFICER.id, "detection.response.undo", "conflict") in refusals


def test_listing_filters_newest_first_with_a_cursor(system) -> None:
    officer = officer_of(system)
    made = []
    for n, (severity, actor) in enumerate(
        [("low", "acc_a"), ("high", "acc_b"), ("critical", "acc_a"), ("high", "acc_a")]
    ):
        made.append(raise_alert(system, actor, severity=severity, at=T0 + timedelta(hours=n),
                                respond=False)[0])  # fmt: skip
    twin = raise_alert(system, "acc_c", severity="medium", at=T0 + timedelta(hours=3),
                       rule="off_hours", respond=False)[0]  # fmt: skip
    officer.resolve(OFFICER, made[1].id)

    def ids(**filters: Any) -> list[str]:
        alerts, _ = officer.alerts(OFFICER, alert_filter(**filters), limit=100)
        return [a.id for a in alerts]

    newest_first = ids()
    assert set(newest_first[:2]) == {made[3].id, twin.id}  # same time: id decides
    assert newest_first[2:] == [made[2].id, made[1].id, made[0].id]
    assert ids(status=["resolved"]) == [made[1].id]
    assert ids(status=["open"], severity=["high", "critical"]) == [made[3].id, made[2].id]
    assert ids(actor="acc_a", since=T0 + timedelta(hours=1)) == [made[3].id, made[2].id]
    assert ids(until=datetime(2026, 9, 20, 4, 0)) == [made[0].id]  # naive: UTC
    assert ids(rule="off_hours") == [twin.id]
    assert ids(actor="acc_nobody") == []

    seen, cursor = [], None
    while True:
        page, cursor = officer.alerts(OFFICER, AlertFilter(), limit=1, cursor=cursor)
        seen += [a.id for a in page]
        if cursor is None:
            break
    assert seen == newest_first


@pytest.mark.parametrize(
    "filters",
    [
        {"status": ["closed"]},
        {"severity": ["info"]},
        {"since": T0, "until": T0},
        {"since": datetime.fromisoformat("9999-12-31T23:59:00-23:59")},
        {"actor": "acc\x00"},
        {"rule": "r" * 129},
    ],
)
def test_bad_filters_are_invalid_input(filters: dict[str, Any]) -> None:
    with pytest.raises(InvalidInput):
        alert_filter(**filters)


def test_bad_cursor_and_limit_are_invalid_input(system) -> None:
    officer = officer_of(system)
    for cursor in ("not-a-cursor", "fHw", "MjAyNi0wOS0yMA"):
        with pytest.raises(InvalidInput):
            officer.alerts(OFFICER, AlertFilter(), cursor=cursor)
    for limit in (0, 501):
        with pytest.raises(InvalidInput):
            officer.alerts(OFFICER, AlertFilter(), limit=limit)


@pytest.mark.parametrize(
    "session",
    [None, officer_session(None), officer_session(timedelta(minutes=30))],
    ids=["no session", "no second factor", "factor 30 min ago"],
)
def test_lifting_containment_needs_a_fresh_second_factor(system, session) -> None:
    """False positive, reopen and undo lift a lock, a block or a suppression: a stolen
    officer session alone must not do it. Acknowledge and resolve lift nothing."""
    officer = officer_of(system)
    alert, (notify,) = raise_alert(system, "acc_agent", severity="low")
    with authenticated(session):
        for verb in ("false_positive", "reopen"):
            with pytest.raises(StepUpRequired):
                officer.judge(OFFICER, alert.id, verb)
        with pytest.raises(StepUpRequired):
            officer.undo(OFFICER, notify.id)
        assert officer.acknowledge(OFFICER, alert.id).alert.status == "acknowledged"
    assert officer.file(OFFICER, alert.id).responses[0].undone_by is None
    refusals = [(act, o) for a, act, o, _, _ in trail_of(system) if o != "ok"]
    assert ("detection.alert.false_positive", "step-up-required") in refusals
    assert ("detection.response.undo", "step-up-required") in refusals
    assert officer.false_positive(OFFICER, alert.id).alert.status == "false_positive"
