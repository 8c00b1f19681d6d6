"""The response playbook on the real wired system: identity, gate and audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from amanah.access.gate import AccessRequest, Outcome, Principal
from amanah.audit.log import log_for_system
from amanah.detection.responses import (
    Playbook,
    Responder,
    RevealBlock,
    install_responses,
)
from amanah.errors import Conflict, Forbidden, InvalidInput, NotFound
from amanah.identity import totp
from amanah.identity.errors import InvalidCredentials
from amanah.identity.stepup import authenticated
from amanah.identity.testing import PASSWORD
from amanah.notify.email import MemoryMailer
from amanah.notify.errors import DeliveryFailed

OFFICER = Principal(id="acc_officer", kind="staff", role="security_officer")


@dataclass
class FakeAlert:
    actor: str
    severity: str = "critical"
    id: str = "alr_1"
    rule: str = "bulk_viewing"
    score: float = 0.97
    explanation: str = "212 customers opened in one hour; this agent's usual is 14"
    event_ids: tuple[str, ...] = ("ev-1", "ev-2")


@dataclass
class Channel:
    sent: list[tuple[Any, dict]] = field(default_factory=list)
    fail: bool = False

    def send_alert(self, alert: Any, **extra: Any) -> None:
        if self.fail:
            raise DeliveryFailed("collector down")
        self.sent.append((alert, extra))


@dataclass
class Agent:
    account_id: str
    session_token: str

    @property
    def principal(self) -> Principal:
        return Principal(id=self.account_id, kind="staff", role="agent")


def make_agent(system: Any, username: str = "siti") -> Agent:
    identity = system.identity
    invite = identity.invite(username, "agent", display_name="Siti", email=f"{username}@bank.test")
    identity.accept_invitation(invite.token, PASSWORD)
    attempt = identity.begin(username, PASSWORD, source="10.0.0.1", user_agent="pytest")
    enrolment = identity.enrol_totp(attempt.token)
    code = totp.code_at_step(enrolment.secret, totp.time_step(identity.clock()))
    signed = identity.confirm_totp_enrolment(attempt.token, code)
    return Agent(invite.account_id, signed.session_token)


@pytest.fixture
def channels() -> dict[str, Any]:
    return {"mailer": MemoryMailer(), "webhook": Channel(), "syslog": Channel()}


@pytest.fixture
def responder(system, channels) -> Responder:
    playbook = Playbook(notify_emails=("soc@bank.test",))
    return install_responses(system, playbook, **channels)


def reveal(system: Any, agent: Agent):
    request = AccessRequest(agent.principal, "reveal", "cus_1", ("phone",), purpose="dispute")
    try:
        ctx = system.identity.authenticate(agent.session_token)
    except InvalidCredentials:
        ctx = None
    with authenticated(ctx):
        return system.gate.decide(request)


def audit(system: Any) -> list[tuple[str, str, str, dict]]:
    log = log_for_system(system)
    entries = [log.entry(seq).entry for seq in range(log.size())]
    return [
        (e.actor, e.action, e.outcome, dict(e.extra))
        for e in entries
        if e.action.startswith("detection.")
    ]


def test_critical_locks_blocks_reveals_and_notifies_then_an_officer_undoes_it(
    system, responder, channels
) -> None:
    agent = make_agent(system)
    assert reveal(system, agent).outcome == Outcome.ALLOW

    alert = FakeAlert(actor=agent.account_id)
    done = responder.respond(alert)
    assert [(r.action, r.outcome) for r in done] == [
        ("lock", "done"),
        ("block_reveals", "done"),
        ("notify", "done"),
    ]
    assert system.identity.account(agent.account_id).status == "disabled"
    with pytest.raises(InvalidCredentials):
        system.identity.authenticate(agent.session_token)  # locking ended the session
    assert (
        system.gate.decide(
            AccessRequest(agent.principal, "reveal", "cus_1", ("card",), purpose="dispute")
        ).outcome
        == Outcome.DENY
    )
    assert responder.blocks.evaluate(
        AccessRequest(agent.principal, "reveal", "cus_1", purpose="x")
    ).reason.startswith("reveals are blocked by a security response (alert alr_1")
    assert responder.blocks.evaluate(AccessRequest(agent.principal, "read", "cus_1")) is None

    ((to, subject, body),) = channels["mailer"].sent
    assert to == "soc@bank.test" and "CRITICAL" in subject and "bulk_viewing" in subject
    assert "lock (done" in body and "block_reveals (done" in body
    ((sent_alert, extra),) = channels["webhook"].sent
    assert sent_alert is alert and extra == {"responses": "lock:done,block_reveals:done"}
    assert len(channels["syslog"].sent) == 1

    trail = audit(system)
    assert [(actor, action, outcome) for actor, action, outcome, _ in trail] == [
        ("detection", "detection.response.lock", "done"),
        ("detection", "detection.response.block_reveals", "done"),
        ("detection", "detection.response.notify", "done"),
    ]
    assert all(extra["alert_id"] == "alr_1" for *_, extra in trail)
    assert trail[0][3]["response_id"] == done[0].id

    lock, block, notify = done
    responder.undo(lock.id, OFFICER)
    assert system.identity.account(agent.account_id).status == "active"
    responder.undo(block.id, OFFICER)
    assert responder.blocks.active(agent.account_id) == []
    assert responder.undo(notify.id, OFFICER).undone_by == OFFICER.id

    undos = [(a, act, o, x["response_action"]) for a, act, o, x in audit(system)[3:]]
    assert undos == [
        (OFFICER.id, "detection.response.undo", "ok", "lock"),
        (OFFICER.id, "detection.response.undo", "ok", "block_reveals"),
        (OFFICER.id, "detection.response.undo", "not-reversible", "notify"),
    ]
    assert log_for_system(system).verify().ok


def test_medium_requires_step_up_until_an_officer_lifts_it(system, responder) -> None:
    agent = make_agent(system)
    assert reveal(system, agent).outcome == Outcome.ALLOW
    done = responder.respond(FakeAlert(actor=agent.account_id, severity="medium", id="alr_2"))
    assert [(r.action, r.outcome) for r in done] == [("step_up", "done"), ("notify", "done")]
    decision = reveal(system, agent)
    assert decision.outcome == Outcome.STEP_UP and "heightened risk" in decision.reason

    responder.undo(done[0].id, OFFICER)
    assert reveal(system, agent).outcome == Outcome.ALLOW


def test_high_ends_sessions_and_the_undo_records_the_verdict(system, responder) -> None:
    agent = make_agent(system)
    done = responder.respond(FakeAlert(actor=agent.account_id, severity="high", id="alr_3"))
    assert [r.action for r in done] == ["step_up", "end_sessions", "notify"]
    assert done[1].detail == {"sessions_ended": "1"}
    with pytest.raises(InvalidCredentials):
        system.identity.authenticate(agent.session_token)
    undone = responder.undo_alert("alr_3", OFFICER)
    assert {r.action for r in undone} == {"step_up", "end_sessions", "notify"}
    outcomes = {x["response_action"]: o for _, a, o, x in audit(system) if a.endswith(".undo")}
    assert outcomes == {
        "step_up": "ok",
        "end_sessions": "not-reversible",
        "notify": "not-reversible",
    }


def test_only_a_security_officer_undoes_and_only_once(system, responder) -> None:
    agent = make_agent(system)
    (step_up, _) = responder.respond(FakeAlert(actor=agent.account_id, severity="medium"))
    with pytest.raises(Forbidden):
        responder.undo(step_up.id, agent.principal)
    with pytest.raises(Forbidden):
        responder.undo(step_up.id, Principal("tok", "service", "security_officer", frozenset("*")))
    with pytest.raises(NotFound):
        responder.undo("rsp_missing", OFFICER)
    responder.undo(step_up.id, OFFICER)
    with pytest.raises(Conflict):
        responder.undo(step_up.id, OFFICER)


def test_an_alert_is_answered_once_and_escalation_adds_only_new_actions(
    system, responder, channels
) -> None:
    agent = make_agent(system)
    alert = FakeAlert(actor=agent.account_id, severity="low")
    assert [r.action for r in responder.respond(alert)] == ["notify"]
    assert responder.respond(alert) == []
    alert.severity = "medium"  # the incident grew
    assert [r.action for r in responder.respond(alert)] == ["step_up"]
    assert len(channels["mailer"].sent) == 1
    assert [r.action for r in responder.responses(alert_id=alert.id)] == ["notify", "step_up"]


def test_failures_are_recorded_and_do_not_stop_other_actions(system, channels) -> None:
    channels["webhook"].fail = True
    responder = Responder(
        system.identity,
        system.trail,
        playbook=Playbook(notify_emails=("soc@bank.test",)),
        **channels,
    )
    done = responder.respond(FakeAlert(actor="acc_nobody", severity="critical"))
    assert [(r.action, r.outcome) for r in done] == [
        ("lock", "failed"),
        ("block_reveals", "done"),
        ("notify", "failed"),
    ]
    assert done[0].detail == {"error": "not-found"}
    assert done[2].detail == {
        "via_email": "sent",
        "via_webhook": "delivery-failed",
        "via_syslog": "sent",
    }
    assert [o for _, _, o, _ in audit(system)] == ["failed", "done", "failed"]


def test_notify_without_channels_is_skipped_and_info_does_nothing(system) -> None:
    responder = Responder(system.identity, system.trail)
    (notify,) = responder.respond(FakeAlert(actor="acc_x", severity="low", id="a1"))
    assert notify.outcome == "skipped"
    assert responder.respond(FakeAlert(actor="acc_x", severity="info", id="a2")) == []


def test_playbook_is_configurable_and_validated() -> None:
    playbook = Playbook.parse("low=notify; high=step-up,end_sessions; critical=lock,notify")
    assert playbook.for_severity("high") == ("step_up", "end_sessions")
    assert playbook.for_severity("medium") == ()
    assert Playbook.parse({"medium": ["notify", "block_reveals"]}).for_severity("medium") == (
        "block_reveals",
        "notify",
    )
    with pytest.raises(InvalidInput):
        Playbook.parse("low=shutdown")
    with pytest.raises(InvalidInput):
        Playbook.parse("urgent=notify")


def test_reveal_block_expires(system) -> None:
    from datetime import timedelta

    from amanah.identity.testing import Clock

    clock = Clock()
    blocks = RevealBlock(clock=clock)
    responder = Responder(
        system.identity,
        system.trail,
        playbook=Playbook(actions={"high": ("block_reveals",)}, block_duration=timedelta(hours=1)),
        blocks=blocks,
        clock=clock,
    )
    responder.respond(FakeAlert(actor="acc_y", severity="high"))
    request = AccessRequest(Principal("acc_y", "staff", "agent"), "reveal", "cus_1", purpose="x")
    assert blocks.evaluate(request).outcome == Outcome.DENY
    clock.advance(hours=1, seconds=1)
    assert blocks.evaluate(request) is None


def test_install_registers_the_block_with_the_gate(system, responder) -> None:
    assert system.extras["responder"] is responder
    request = AccessRequest(Principal("acc_z", "staff", "agent"), "read", "cus_1")
    assert "detection.block" not in system.gate.decide(request).inputs  # abstains on reads
