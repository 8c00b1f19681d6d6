"""Sessions and step-up (800-63B rev 4 section 5; ASVS 5.0 V7), on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest
from sqlalchemy import select

from amanah.access.errors import StepUpRequired
from amanah.access.gate import AccessRequest, Gate, Outcome, Principal
from amanah.errors import Forbidden
from amanah.identity import events as ev
from amanah.identity.errors import InvalidCode, InvalidCredentials
from amanah.identity.models import StaffSession
from amanah.identity.stepup import authenticated
from amanah.identity.testing import sign_in, totp_now


def test_session_token_has_256_bits_and_only_its_hash_is_stored(identity, make_staff, factory):
    staff = make_staff()
    token = staff.signed.session_token
    assert len(token) >= 43 and math.log2(64) * len(token) >= 128  # token_urlsafe(32)
    with factory() as s:
        row = s.get(StaffSession, staff.signed.session_id)
        assert row.token_hash != token and len(row.token_hash) == 64
        assert token not in row.id


def test_new_session_id_on_every_sign_in(identity, make_staff, clock):
    staff = make_staff()
    tokens = {staff.signed.session_token}
    ids = {staff.signed.session_id}
    for _ in range(3):
        signed = sign_in(identity, staff, clock)
        tokens.add(signed.session_token)
        ids.add(signed.session_id)
    assert len(tokens) == 4 and len(ids) == 4


def test_idle_timeout(identity, make_staff, clock, events):
    staff = make_staff()
    token = staff.signed.session_token
    clock.advance(minutes=14)
    identity.authenticate(token)  # activity keeps it alive
    clock.advance(minutes=14)
    identity.authenticate(token)
    clock.advance(minutes=15)
    with pytest.raises(InvalidCredentials):
        identity.authenticate(token)
    assert events.of(ev.SESSION_ENDED)[-1]["reason"] == "idle-timeout"


def test_absolute_timeout(identity, make_staff, clock, events):
    staff = make_staff()
    token = staff.signed.session_token
    for _ in range(12 * 6 - 1):  # active every 10 minutes for just under 12 hours
        clock.advance(minutes=10)
        identity.authenticate(token)
    clock.advance(minutes=10)
    with pytest.raises(InvalidCredentials):
        identity.authenticate(token)
    assert events.of(ev.SESSION_ENDED)[-1]["reason"] == "absolute-timeout"


def test_timeouts_are_configurable(factory, config, clock, make_staff):
    from amanah.identity.service import Identity

    make_staff()
    short = Identity(factory, config.with_(session_idle_minutes=2), clock=clock)
    staff_signed = make_staff("rina")
    clock.advance(minutes=3)
    with pytest.raises(InvalidCredentials):
        short.authenticate(staff_signed.signed.session_token)


def test_list_and_end_own_sessions(identity, make_staff, clock):
    staff = make_staff()
    other = sign_in(identity, staff, clock)
    ctx = identity.authenticate(staff.signed.session_token)
    listed = identity.list_sessions(staff.account_id, current=ctx.session_id)
    assert {s.id for s in listed} == {staff.signed.session_id, other.session_id}
    assert [s.current for s in listed].count(True) == 1
    assert all("password" in s.factors and "totp" in s.factors for s in listed)
    identity.end_session(ctx, other.session_id)
    with pytest.raises(InvalidCredentials):
        identity.authenticate(other.session_token)
    identity.sign_out(staff.signed.session_token)
    with pytest.raises(InvalidCredentials):
        identity.authenticate(staff.signed.session_token)


def test_only_admins_end_other_peoples_sessions(identity, make_staff, clock):
    agent = make_staff("siti")
    colleague = make_staff("budi")
    admin = make_staff("adi", role="admin")
    agent_ctx = identity.authenticate(agent.signed.session_token)
    with pytest.raises(Forbidden):
        identity.end_session(agent_ctx, colleague.signed.session_id)
    admin_ctx = identity.authenticate(admin.signed.session_token)
    identity.end_session(admin_ctx, colleague.signed.session_id)
    with pytest.raises(InvalidCredentials):
        identity.authenticate(colleague.signed.session_token)
    assert identity.end_all_sessions(agent.account_id) == 1


def test_session_records_factors_and_times(identity, make_staff, clock):
    staff = make_staff()
    signed = sign_in(identity, staff, clock)
    ctx = identity.authenticate(signed.session_token)
    assert set(ctx.factors) == {"password", "totp"}
    assert ctx.factors["totp"] == clock() - timedelta(seconds=30)


def test_require_fresh_factor(identity, make_staff, clock):
    staff = make_staff()
    token = staff.signed.session_token
    ctx = identity.authenticate(token)
    identity.require_fresh_factor(ctx, 5)
    clock.advance(minutes=6)
    ctx = identity.authenticate(token)
    with pytest.raises(StepUpRequired) as info:
        identity.require_fresh_factor(ctx, 5)
    assert info.value.code == "step-up-required" and info.value.status == 401
    # step up with a new TOTP code
    ctx = identity.step_up_totp(token, totp_now(staff.totp_secret, clock))
    identity.require_fresh_factor(ctx, 5)
    # the same code cannot step up twice
    with pytest.raises(InvalidCode):
        identity.step_up_totp(token, totp_now(staff.totp_secret, clock))


def _reveal(principal: Principal) -> AccessRequest:
    return AccessRequest(principal, "reveal", "cus_1", ("card",), purpose="complaint")


def test_gate_demands_step_up_for_reveals(identity, make_staff, clock):
    staff = make_staff()
    token = staff.signed.session_token
    gate = Gate([identity.gate_input()])
    ctx = identity.authenticate(token)
    with authenticated(ctx):
        assert gate.decide(_reveal(ctx.principal)).outcome == Outcome.ALLOW
        read = AccessRequest(ctx.principal, "read", "cus_1")
        assert gate.decide(read).outcome == Outcome.ALLOW
    clock.advance(minutes=identity.config.stepup_minutes + 1)
    ctx = identity.authenticate(token)
    with authenticated(ctx):
        decision = gate.decide(_reveal(ctx.principal))
        assert decision.outcome == Outcome.STEP_UP
        assert "identity" in decision.inputs
        export = AccessRequest(ctx.principal, "export", "cus_1")
        assert gate.decide(export).outcome == Outcome.DENY  # role policy: unknown action
    ctx = identity.step_up_totp(token, totp_now(staff.totp_secret, clock))
    with authenticated(ctx):
        assert gate.decide(_reveal(ctx.principal)).outcome == Outcome.ALLOW


def test_identity_input_alone_steps_up_exports(identity, make_staff, clock):
    staff = make_staff()
    gate_input = identity.gate_input()
    clock.advance(minutes=identity.config.stepup_minutes + 1)
    ctx = identity.authenticate(staff.signed.session_token)
    with authenticated(ctx):
        request = AccessRequest(ctx.principal, "export", "cus_1")
        assert gate_input.evaluate(request).outcome == Outcome.STEP_UP


def test_staff_without_a_session_cannot_reveal(identity, make_staff):
    staff = make_staff()
    gate = Gate([identity.gate_input()])
    principal = Principal(id=staff.account_id, kind="staff", role="agent")
    assert gate.decide(_reveal(principal)).outcome == Outcome.DENY
    # someone else's session does not count
    other = make_staff("budi")
    with authenticated(identity.authenticate(other.signed.session_token)):
        assert gate.decide(_reveal(principal)).outcome == Outcome.DENY


def test_service_accounts_are_not_judged_by_identity(identity):
    service = Principal(id="tok_1", kind="service", role="admin", scopes=frozenset({"*"}))
    assert identity.gate_input().evaluate(_reveal(service)) is None


def test_raise_requirement_for_a_risky_agent(identity, make_staff, clock, events):
    """Detection's one call: a fresh factor, proven after the raise, even for reads."""
    staff = make_staff()
    token = staff.signed.session_token
    gate = Gate([identity.gate_input()])
    clock.advance(minutes=1)
    ctx = identity.authenticate(token)
    with authenticated(ctx):
        assert gate.decide(_reveal(ctx.principal)).outcome == Outcome.ALLOW
    identity.raise_requirement(staff.account_id, within_minutes=5, reason="bulk lookups")
    assert events.of(ev.STEPUP_RAISED)[0]["account_id"] == staff.account_id
    with authenticated(ctx):
        assert gate.decide(_reveal(ctx.principal)).outcome == Outcome.STEP_UP
        read = AccessRequest(ctx.principal, "read", "cus_1")
        assert gate.decide(read).outcome == Outcome.STEP_UP
    clock.advance(seconds=30)
    ctx = identity.step_up_totp(token, totp_now(staff.totp_secret, clock))
    with authenticated(ctx):
        assert gate.decide(_reveal(ctx.principal)).outcome == Outcome.ALLOW
    clock.advance(minutes=6)  # the tighter window applies while the requirement lasts
    ctx = identity.authenticate(token)
    with authenticated(ctx):
        assert gate.decide(_reveal(ctx.principal)).outcome == Outcome.STEP_UP


def test_requirement_expires(identity, make_staff, clock):
    staff = make_staff()
    identity.raise_requirement(
        staff.account_id, within_minutes=1, actions=["read"], duration=timedelta(minutes=30)
    )
    gate_input = identity.gate_input()
    for _ in range(4):
        clock.advance(minutes=8)
        ctx = identity.authenticate(staff.signed.session_token)
    with authenticated(ctx):
        assert gate_input.evaluate(AccessRequest(ctx.principal, "read", "c")) is None


def test_wrong_step_up_codes_count_towards_the_lock(identity, make_staff, clock, factory):
    staff = make_staff()
    token = staff.signed.session_token
    wrong = "000000" if totp_now(staff.totp_secret, clock) != "000000" else "111111"
    with pytest.raises(InvalidCode):
        identity.step_up_totp(token, wrong)
    from amanah.identity.models import FactorFailure

    with factory() as s:
        row = s.scalar(select(FactorFailure).where(FactorFailure.account_id == staff.account_id))
        assert row.factor == "totp" and row.count == 1
