"""The configurable field policy: parsing, defaults, and the settings that carry it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from amanah.access.gate import AccessRequest, Outcome, Principal
from amanah.access.policy import FieldPolicy, FieldRoleInput, FieldRule
from amanah.settings import Settings

AGENT = Principal("acc_1", "staff", "agent")


def _reveal(principal: Principal, *kinds: str) -> AccessRequest:
    return AccessRequest(principal, "reveal", "cus_1", kinds, "verify")


def test_defaults_tie_cards_and_national_ids_to_a_live_interaction() -> None:
    policy = FieldPolicy()
    assert policy.needs_live_interaction(_reveal(AGENT, "phone", "card", "national_id")) == (
        "card",
        "national_id",
    )
    assert policy.needs_live_interaction(_reveal(AGENT, "phone", "email")) == ()


def test_exempt_roles_services_and_masked_reads_need_no_interaction() -> None:
    policy = FieldPolicy()
    officer = Principal("acc_2", "staff", "privacy_officer")
    service = Principal("tok_1", "service", "admin", frozenset({"*"}))
    assert policy.needs_live_interaction(_reveal(officer, "card")) == ()
    assert policy.needs_live_interaction(_reveal(service, "card")) == ()
    assert policy.needs_live_interaction(AccessRequest(AGENT, "read", "cus_1", ("card",))) == ()


def test_configuration_overrides_kind_by_kind() -> None:
    policy = FieldPolicy.parse(
        {"card": {"live_interaction": False}, "address": {"live_interaction": True}},
        interaction_exempt_roles=frozenset(),
    )
    assert policy.rule("card") == FieldRule(live_interaction=False)
    assert policy.rule("national_id").live_interaction  # untouched default
    officer = Principal("acc_2", "staff", "privacy_officer")
    assert policy.needs_live_interaction(_reveal(officer, "address", "card")) == ("address",)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"card": {"roles": ["agent", "janitor"]}}, "unknown roles: janitor"),
        ({"card": {"roles": "agent"}}, "roles must be a list"),
        ({"card": {"live_interaction": "yes"}}, "live_interaction must be true or false"),
        ({"card": {"needs": "x"}}, "unknown field rule keys: needs"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(spec, message) -> None:
    with pytest.raises(ValueError, match=message):
        FieldPolicy.parse(spec)


def test_settings_refuse_a_bad_policy_at_load(tmp_path) -> None:
    with pytest.raises(ValidationError, match="unknown roles: janitor"):
        Settings(home=tmp_path, access_fields={"card": {"roles": ["janitor"]}})
    ok = Settings(home=tmp_path, access_fields={"card": {"roles": ["supervisor"]}})
    assert ok.access_fields == {"card": {"roles": ["supervisor"]}}


def test_the_role_input_masks_kinds_outside_the_listed_roles() -> None:
    role_input = FieldRoleInput(FieldPolicy.parse({"national_id": {"roles": ["supervisor"]}}))
    masked = role_input.evaluate(_reveal(AGENT, "phone", "national_id"))
    assert masked is not None and masked.outcome == Outcome.ALLOW_MASKED
    assert (
        role_input.evaluate(_reveal(Principal("acc_3", "staff", "supervisor"), "national_id"))
        is None
    )
    assert role_input.evaluate(_reveal(AGENT, "phone")) is None
