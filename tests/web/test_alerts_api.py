"""The alerts API from a signed-in console session: security officers act (with the CSRF
header), admins read, agents get 403 problem+json."""

from __future__ import annotations

from tests.detection.alert_helpers import raise_alert

from amanah.detection.officer import officer_of
from amanah.identity.testing import totp_now
from amanah.problems import MEDIA_TYPE, PROBLEM_BASE

from .conftest import post, post_json


def refused(response, code: str) -> None:
    assert response.status_code == 403, response.text
    assert response.headers["content-type"] == MEDIA_TYPE
    assert response.json()["type"] == PROBLEM_BASE + code


def test_an_officer_session_acts_through_the_api(enrolled, system, identity) -> None:
    ayu = enrolled("ayu", role="security_officer")
    siti = enrolled("siti")
    alert, responses = raise_alert(system, siti.account_id, severity="critical")

    listed = ayu.client.get("/api/v1/alerts")
    assert listed.status_code == 200 and listed.json()["items"][0]["id"] == alert.id
    refused(ayu.client.post(f"/api/v1/alerts/{alert.id}/acknowledge"), "csrf-failed")
    assert officer_of(system).store.get(alert.id).status == "open"

    acked = post_json(ayu.client, f"/api/v1/alerts/{alert.id}/acknowledge")
    assert acked.status_code == 200 and acked.json()["alert"]["status"] == "acknowledged"
    verdict = post_json(ayu.client, f"/api/v1/alerts/{alert.id}/false-positive")
    assert verdict.status_code == 200
    assert {r["id"] for r in verdict.json()["undone"]} == {r.id for r in responses}
    assert all(r["undone_by"] == ayu.account_id for r in verdict.json()["undone"])
    assert identity.account(siti.account_id).status == "active"
    history = ayu.client.get(f"/api/v1/alerts/{alert.id}").json()["history"]
    assert [(h["to_status"], h["by"]) for h in history] == [
        ("acknowledged", ayu.account_id),
        ("false_positive", ayu.account_id),
    ]


def test_an_officer_undoes_one_response_through_the_api(enrolled, system) -> None:
    ayu = enrolled("ayu", role="security_officer")
    _, (notify,) = raise_alert(system, "acc_other", severity="low")
    undone = post_json(ayu.client, f"/api/v1/responses/{notify.id}/undo")
    assert undone.status_code == 200 and undone.json()["undone_by"] == ayu.account_id
    again = post_json(ayu.client, f"/api/v1/responses/{notify.id}/undo")
    assert again.status_code == 409 and again.headers["content-type"] == MEDIA_TYPE


def test_lifting_verdicts_need_a_fresh_second_factor_over_the_api(enrolled, system, clock):
    """A session whose last second factor is older than stepup_minutes may acknowledge, but
    not undo a containment: 401 step-up-required, until the officer steps up again."""
    ayu = enrolled("ayu", role="security_officer")
    alert, (notify,) = raise_alert(system, "acc_other", severity="low")
    clock.advance(minutes=11)
    ayu.client.get("/console")  # activity: the session stays alive
    for path in (
        f"/api/v1/responses/{notify.id}/undo",
        f"/api/v1/alerts/{alert.id}/false-positive",
    ):
        asked = post_json(ayu.client, path)
        assert asked.status_code == 401 and asked.headers["content-type"] == MEDIA_TYPE
        assert asked.json()["type"] == PROBLEM_BASE + "step-up-required"
    assert post_json(ayu.client, f"/api/v1/alerts/{alert.id}/acknowledge").status_code == 200
    assert officer_of(system).responder.store.get(notify.id).undone_at is None
    post(
        ayu.client, "/console/step-up/totp", code=totp_now(ayu.totp_secret, clock), next="/console"
    )
    assert post_json(ayu.client, f"/api/v1/responses/{notify.id}/undo").status_code == 200


def test_agent_and_admin_sessions(enrolled, system) -> None:
    siti = enrolled("siti")
    boss = enrolled("boss", role="admin")
    alert, (notify,) = raise_alert(system, "acc_other", severity="low")
    refused(siti.client.get("/api/v1/alerts"), "not-security-officer")
    refused(siti.client.get(f"/api/v1/alerts/{alert.id}"), "not-security-officer")
    refused(post_json(siti.client, f"/api/v1/alerts/{alert.id}/resolve"), "not-security-officer")

    assert boss.client.get(f"/api/v1/alerts/{alert.id}").status_code == 200
    assert boss.client.get("/api/v1/responses").status_code == 200
    refused(post_json(boss.client, f"/api/v1/alerts/{alert.id}/resolve"), "not-security-officer")
    refused(post_json(boss.client, f"/api/v1/responses/{notify.id}/undo"), "not-security-officer")
    assert officer_of(system).store.get(alert.id).status == "open"
