"""The alerts pages of the console: security officers list, read and judge alerts and undo
automatic responses; admins read; agents are refused; every form needs its CSRF token."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.detection.alert_helpers import EXPLANATION, raise_alert

from amanah.detection.officer import officer_of
from amanah.web import i18n
from amanah.web.alerts import label_keys

from .conftest import CSRF, post

T0 = datetime(2026, 11, 29, 1, 0, tzinfo=UTC)


def row_ids(html: str) -> list[str]:
    return re.findall(r'<tr id="alert-(alr_[0-9a-f]+)">', html)


def status_of(system, alert_id: str) -> str:
    return officer_of(system).store.get(alert_id).status


def test_agents_are_refused_and_see_no_link(enrolled, system) -> None:
    """ASVS 5.0 V8 (authorisation): only security officers (and admins, reading) get in."""
    siti = enrolled("siti")
    alert, (notify,) = raise_alert(system, "acc_other", severity="low")
    assert 'href="/console/alerts"' not in siti.client.get("/console").text
    for path in ("/console/alerts", f"/console/alerts/{alert.id}"):
        page = siti.client.get(path)
        assert page.status_code == 403 and "Your role does not give access" in page.text
    for path in (
        f"/console/alerts/{alert.id}/acknowledge",
        f"/console/alerts/{alert.id}/resolve",
        f"/console/alerts/{alert.id}/false-positive",
        f"/console/alerts/{alert.id}/reopen",
        f"/console/alerts/{alert.id}/responses/{notify.id}/undo",
    ):
        assert post(siti.client, path).status_code == 403, path
    assert status_of(system, alert.id) == "open"
    assert officer_of(system).responder.store.get(notify.id).undone_at is None


def test_signed_out_goes_to_sign_in(browser, system) -> None:
    page = browser.get("/console/alerts")
    assert page.status_code == 303 and page.headers["location"] == "/console/sign-in"


def test_the_list_is_newest_first_and_filters(enrolled, system) -> None:
    ayu = enrolled("ayu", role="security_officer")
    siti = enrolled("siti")
    old, _ = raise_alert(system, siti.account_id, severity="low", at=T0, respond=False)
    new, _ = raise_alert(system, siti.account_id, severity="critical", at=T0 + timedelta(hours=1),
                         respond=False)  # fmt: skip
    officer_of(system).store.transition(old.id, "resolved", by="acc_x")

    home = ayu.client.get("/console")
    assert 'href="/console/alerts"' in home.text
    page = ayu.client.get("/console/alerts")
    assert page.status_code == 200
    assert row_ids(page.text) == [new.id, old.id]
    assert ">siti<" in page.text and "2026-11-29 02:00 UTC" in page.text  # who, when
    assert row_ids(ayu.client.get("/console/alerts?status=resolved").text) == [old.id]
    assert row_ids(ayu.client.get("/console/alerts?severity=critical").text) == [new.id]
    assert row_ids(ayu.client.get("/console/alerts?status=open&severity=low").text) == []
    # values that are not choices are ignored, not echoed
    odd = ayu.client.get("/console/alerts?status=%3Cscript%3E&severity=info")
    assert odd.status_code == 200 and row_ids(odd.text) == [new.id, old.id]
    assert "<script>" not in odd.text


def test_the_alert_page_shows_everything_an_officer_needs(enrolled, system) -> None:
    ayu = enrolled("ayu", role="security_officer")
    siti = enrolled("siti")
    alert, responses = raise_alert(system, siti.account_id, severity="critical")
    page = ayu.client.get(f"/console/alerts/{alert.id}")
    assert page.status_code == 200
    html = page.text
    for text in ("bulk_viewing", "Critical", "0.97", EXPLANATION.replace("'", "&#39;"),
                 "<code>ev-1</code>", "<code>ev-2</code>", "customers", "212", "Detection engine",
                 "Lock the account", "Block reveals", "siti"):  # fmt: skip
        assert text in html, text
    for r in responses:
        assert f'action="/console/alerts/{alert.id}/responses/{r.id}/undo"' in html
    for verb in ("acknowledge", "resolve", "false-positive"):
        assert f'action="/console/alerts/{alert.id}/{verb}"' in html
    assert f'action="/console/alerts/{alert.id}/reopen"' not in html  # not from open
    forms = html.count('<form method="post"')
    assert html.count(f'name="csrf" value="{ayu.client.cookies[CSRF]}"') == forms


def test_acknowledge_resolve_and_reopen(enrolled, system) -> None:
    ayu = enrolled("ayu", role="security_officer")
    alert, _ = raise_alert(system, "acc_other", severity="low")
    done = post(ayu.client, f"/console/alerts/{alert.id}/acknowledge")
    assert done.status_code == 303
    assert done.headers["location"] == f"/console/alerts/{alert.id}?done=acknowledge"
    assert status_of(system, alert.id) == "acknowledged"
    page = ayu.client.get(done.headers["location"])
    assert "The alert is acknowledged." in page.text and "Acknowledged" in page.text

    post(ayu.client, f"/console/alerts/{alert.id}/resolve")
    assert status_of(system, alert.id) == "resolved"
    page = ayu.client.get(f"/console/alerts/{alert.id}")
    assert f'action="/console/alerts/{alert.id}/reopen"' in page.text
    assert f'action="/console/alerts/{alert.id}/resolve"' not in page.text
    assert page.text.count(">ayu<") >= 2  # the history names the officer

    again = post(ayu.client, f"/console/alerts/{alert.id}/resolve")
    assert again.status_code == 409 and "does not allow that" in again.text
    post(ayu.client, f"/console/alerts/{alert.id}/reopen")
    assert status_of(system, alert.id) == "open"


def test_false_positive_undoes_the_lock_and_the_block(enrolled, system, identity) -> None:
    ayu = enrolled("ayu", role="security_officer")
    siti = enrolled("siti")
    alert, _ = raise_alert(system, siti.account_id, severity="critical")
    assert identity.account(siti.account_id).status == "disabled"
    done = post(ayu.client, f"/console/alerts/{alert.id}/false-positive")
    assert done.headers["location"] == f"/console/alerts/{alert.id}?done=false_positive"
    assert status_of(system, alert.id) == "false_positive"
    assert identity.account(siti.account_id).status == "active"
    assert system.extras["responder"].blocks.active(siti.account_id) == []
    page = ayu.client.get(done.headers["location"])
    assert "its automatic responses were undone" in page.text
    assert "/undo" not in page.text  # nothing left to undo
    (suppression,) = officer_of(system).store.active_suppressions()
    assert suppression.actor == siti.account_id


def test_undo_one_response(enrolled, system, identity) -> None:
    ayu = enrolled("ayu", role="security_officer")
    siti = enrolled("siti")
    alert, (lock, block, _) = raise_alert(system, siti.account_id, severity="critical")
    done = post(ayu.client, f"/console/alerts/{alert.id}/responses/{lock.id}/undo")
    assert done.headers["location"] == f"/console/alerts/{alert.id}?done=undo"
    assert identity.account(siti.account_id).status == "active"
    assert system.extras["responder"].blocks.active(siti.account_id)  # the block stays
    page = ayu.client.get(done.headers["location"])
    assert f"/responses/{lock.id}/undo" not in page.text
    assert f"/responses/{block.id}/undo" in page.text
    assert status_of(system, alert.id) == "open"
    twice = post(ayu.client, f"/console/alerts/{alert.id}/responses/{lock.id}/undo")
    assert twice.status_code == 409


def test_forms_without_the_csrf_token_are_refused(enrolled, system) -> None:
    ayu = enrolled("ayu", role="security_officer")
    alert, (notify,) = raise_alert(system, "acc_other", severity="low")
    for path in (
        f"/console/alerts/{alert.id}/acknowledge",
        f"/console/alerts/{alert.id}/false-positive",
        f"/console/alerts/{alert.id}/responses/{notify.id}/undo",
    ):
        for data in ({}, {"csrf": "forged"}):
            refused = ayu.client.post(path, data=data)
            assert refused.status_code == 403 and "The form expired" in refused.text
    assert status_of(system, alert.id) == "open"
    assert officer_of(system).responder.store.get(notify.id).undone_at is None


def test_admins_read_but_do_not_judge(enrolled, system) -> None:
    boss = enrolled("boss", role="admin")
    alert, (notify,) = raise_alert(system, "acc_other", severity="low")
    assert 'href="/console/alerts"' in boss.client.get("/console").text
    page = boss.client.get(f"/console/alerts/{alert.id}")
    assert page.status_code == 200 and "/acknowledge" not in page.text and "/undo" not in page.text
    assert post(boss.client, f"/console/alerts/{alert.id}/acknowledge").status_code == 403
    undo = post(boss.client, f"/console/alerts/{alert.id}/responses/{notify.id}/undo")
    assert undo.status_code == 403
    assert status_of(system, alert.id) == "open"


def test_an_officer_does_not_judge_their_own_alert(enrolled, system) -> None:
    ayu = enrolled("ayu", role="security_officer")
    alert, _ = raise_alert(system, ayu.account_id, severity="low")
    page = ayu.client.get(f"/console/alerts/{alert.id}")
    assert page.status_code == 200 and "/acknowledge" not in page.text
    refused = post(ayu.client, f"/console/alerts/{alert.id}/false-positive")
    assert refused.status_code == 403 and "another security officer must judge it" in refused.text
    assert status_of(system, alert.id) == "open"


def test_unknown_alert_is_404(enrolled) -> None:
    ayu = enrolled("ayu", role="security_officer")
    assert ayu.client.get("/console/alerts/alr_unknown").status_code == 404
    assert post(ayu.client, "/console/alerts/alr_unknown/acknowledge").status_code == 404
    assert post(ayu.client, "/console/alerts/alr_x/responses/rsp_unknown/undo").status_code == 404


def test_the_pages_speak_indonesian(enrolled, system) -> None:
    ayu = enrolled("ayu", role="security_officer")
    alert, _ = raise_alert(system, "acc_other", severity="high")
    ayu.client.cookies.set(i18n.COOKIE, "id")
    listing = ayu.client.get("/console/alerts").text
    assert "Peringatan keamanan" in listing and "Tinggi" in listing
    detail = ayu.client.get(f"/console/alerts/{alert.id}").text
    assert "Positif palsu" in detail and "Wajibkan faktor kedua baru" in detail


def test_every_label_key_exists_in_both_languages() -> None:
    for lang in i18n.LANGUAGES:
        missing = sorted(set(label_keys()) - set(i18n.catalogue(lang)))
        assert not missing, f"{lang} lacks {missing}"
