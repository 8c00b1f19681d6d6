"""Forensic queries (who accessed X, what did Y access, reveals of F, exports), through the
library, the API and the CLI, on SQLite and PostgreSQL; their proofs; the query index
can hide but never add results, and ``verify`` reports a tampered one."""

from __future__ import annotations

import base64
import csv
import io
import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from amanah.access.gate import Principal
from amanah.audit import cli as cli_module
from amanah.audit import queries
from amanah.audit.checkpoint import parse_verifier_key, verify_signed_checkpoint
from amanah.audit.cli import app as audit_cli
from amanah.audit.entry import AuditEntry, canonical_json
from amanah.audit.log import log_for_system
from amanah.audit.merkle import leaf_hash, verify_inclusion
from amanah.errors import InvalidInput
from amanah.forensics.exports import ExportSpec, create_export
from amanah.vault.schemas import CustomerIn, RevealIn, SearchIn

AGENT = Principal(
    id="usr_agent", kind="user", role="agent", scopes=frozenset({"customers:read"})
)  # fmt: skip


def all_entries(log) -> list[tuple[int, AuditEntry]]:
    with log._read() as conn:
        return [AuditEntry.from_bytes(data) for _, data, _ in log.iter_entries(conn)]


def seqs(result) -> list[int]:
    return [item.seq for item in result.entries]


@pytest.fixture
def scene(system, admin, budi):
    """Budi and Siti created by the admin; an agent views Budi; the admin reveals Budi's
    phone, searches by his phone (a view follows), and exports both."""
    vault = system.vault
    b = vault.create_customer(admin, budi).id
    siti = CustomerIn.model_validate({"full_name": "Siti Rahayu", "phones": ["+62 811-1111-2222"]})
    s = vault.create_customer(admin, siti).id
    vault.get_customer(AGENT, b)
    vault.reveal(admin, b, RevealIn(fields=["phone"], purpose="callback"))
    vault.search(admin, SearchIn(phone="+62 812-3456-7890"))
    spec = ExportSpec(
        recipient="PT Survei", purpose="annual audit", fields=("full_name", "phone"),
        customer_ids=[b, s],
    )  # fmt: skip
    export = create_export(system, admin, spec)
    log = log_for_system(system)
    return {"budi": b, "siti": s, "export_id": export.info.id, "log": log, "admin": admin.id}


def test_each_query_returns_exactly_the_right_entries_in_order(scene, admin) -> None:
    log, b, s = scene["log"], scene["budi"], scene["siti"]
    actions = [e.action for _, e in all_entries(log)]
    assert actions == [
        "customer.create",  # 0 budi
        "customer.create",  # 1 siti
        "customer.view",  # 2 agent views budi
        "field.reveal",  # 3 budi's phone, "callback"
        "customer.search",  # 4 found budi
        "customer.view",  # 5 the search's result
        "field.reveal",  # 6 export: budi
        "field.reveal",  # 7 export: siti
        "export.create",  # 8
    ]
    assert seqs(queries.who_accessed(log, b)) == [0, 2, 3, 4, 5, 6, 8]
    assert seqs(queries.who_accessed(log, s)) == [1, 7, 8]
    assert seqs(queries.who_accessed(log, "cus_nobody")) == []
    assert seqs(queries.accessed_by(log, "usr_agent")) == [2]
    assert seqs(queries.accessed_by(log, admin.id)) == [0, 1, 3, 4, 5, 6, 7, 8]
    phone = queries.reveals_of(log, "phone")
    assert seqs(phone) == [3, 6, 7]
    assert [i.entry.purpose for i in phone.entries] == ["callback", "annual audit", "annual audit"]
    assert seqs(queries.reveals_of(log, "full_name")) == [6, 7]
    assert seqs(queries.reveals_of(log, "card")) == []

    (export,) = queries.exports(log).entries
    assert export.seq == 8 and export.entry.actor == admin.id
    assert export.entry.subject_ids == (b, s)
    assert export.entry.fields == ("full_name", "phone") and export.entry.purpose == "annual audit"
    assert export.entry.extra["export_id"] == scene["export_id"]
    assert export.entry.extra["part"] == export.entry.extra["parts"] == 1
    assert "PT Survei" not in export.data.decode()  # the recipient's name stays off the trail

    # each result is the entry itself, as stored
    for item in queries.who_accessed(log, b).entries:
        assert item.data == item.entry.canonical_bytes(item.seq)

    limited = queries.who_accessed(log, b, limit=3)
    assert seqs(limited) == [0, 2, 3] and limited.truncated
    assert not queries.who_accessed(log, b, limit=7).truncated


def test_time_ranges(system) -> None:
    log = log_for_system(system)
    day = datetime(2026, 3, 1, tzinfo=UTC)
    log.append_many(
        [
            AuditEntry(actor="usr_a", action="customer.view", subject_ids=("cus_t",), at=day),
            AuditEntry(actor="usr_a", action="customer.view", subject_ids=("cus_u",), at=day),
            AuditEntry(
                actor="usr_b", action="field.reveal", subject_ids=("cus_t",), fields=("phone",),
                purpose="callback", at=day + timedelta(days=1),
            ),
            AuditEntry(
                actor="usr_a", action="field.reveal", subject_ids=("cus_t",), fields=("phone",),
                purpose="callback", at=day + timedelta(days=2),
            ),
        ]
    )  # fmt: skip
    q = queries.who_accessed
    assert seqs(q(log, "cus_t")) == [0, 2, 3]
    assert seqs(q(log, "cus_t", since=day + timedelta(days=1))) == [2, 3]  # inclusive
    assert seqs(q(log, "cus_t", until=day + timedelta(days=1))) == [0]  # exclusive
    assert seqs(q(log, "cus_t", day + timedelta(hours=1), day + timedelta(days=2))) == [2]
    naive = datetime(2026, 3, 2)  # read as UTC
    assert seqs(q(log, "cus_t", since=naive)) == [2, 3]
    assert seqs(queries.accessed_by(log, "usr_a", since=day + timedelta(seconds=1))) == [3]
    assert seqs(queries.reveals_of(log, "phone", until=day + timedelta(days=2))) == [2]
    result = q(log, "cus_t", since=day, until=day)
    assert result.entries == [] and result.params["since"] == "2026-03-01T00:00:00.000000Z"
    with pytest.raises(InvalidInput):
        q(log, "cus_t", since=day + timedelta(days=1), until=day)


def check_proofs(log, result) -> None:
    """Check every proof from the JSON output alone, as an auditor would."""
    body = json.loads(queries.render_json(result))
    name, key = parse_verifier_key(log.verifier_key())
    cp = verify_signed_checkpoint(body["proofs"]["checkpoint"], name, key)
    assert cp.size == body["proofs"]["tree_size"]
    assert base64.b64decode(body["proofs"]["root"]) == cp.root_hash
    for item in body["entries"]:
        leaf = leaf_hash(canonical_json(item["entry"]))
        assert base64.b64decode(item["leaf_hash"]) == leaf
        path = [base64.b64decode(h) for h in item["proof"]["hashes"]]
        assert verify_inclusion(leaf, item["seq"], cp.size, path, cp.root_hash)
        assert item["proof"]["verified"] is True
        assert not verify_inclusion(leaf, item["seq"] ^ 1, cp.size, path, cp.root_hash)


def test_proofs_against_the_latest_checkpoint(scene) -> None:
    log, b = scene["log"], scene["budi"]
    assert log.latest_checkpoint() is not None  # the first append made one (time-due)
    result = queries.who_accessed(log, b, proofs=True)
    assert result.tree_size == 9 and all(item.proof_ok for item in result.entries)
    check_proofs(log, result)
    # older results are proved against the latest checkpoint, with no new one signed
    log.append_many([AuditEntry(actor="usr_x", action="customer.view", subject_ids=("c",))])
    again = queries.reveals_of(log, "phone", proofs=True)
    assert again.tree_size == 9
    check_proofs(log, again)
    newest = queries.accessed_by(log, "usr_x", proofs=True)  # beyond it: a new checkpoint
    assert newest.tree_size == 10 and seqs(newest) == [9]
    check_proofs(log, newest)
    assert queries.who_accessed(log, b).tree_size is None  # no proofs unless asked


def test_csv_and_json_shapes(scene) -> None:
    log, b, s = scene["log"], scene["budi"], scene["siti"]
    result = queries.who_accessed(log, b)
    body = json.loads(queries.render_json(result))
    assert set(body) == {"query", "params", "count", "truncated", "entries"}
    assert body["query"] == "who-accessed" and body["count"] == 7 and not body["truncated"]
    assert body["params"] == {"customer_id": b, "since": None, "until": None}
    assert [e["seq"] for e in body["entries"]] == [0, 2, 3, 4, 5, 6, 8]
    assert body["entries"][2]["entry"]["fields"] == ["phone"]
    assert set(body["entries"][0]) == {"seq", "entry", "leaf_hash"}

    rows = list(csv.DictReader(io.StringIO(queries.render_csv(result))))
    assert list(rows[0]) == list(queries.CSV_COLUMNS)
    assert [r["seq"] for r in rows] == ["0", "2", "3", "4", "5", "6", "8"]
    assert rows[2]["action"] == "field.reveal" and rows[2]["purpose"] == "callback"
    assert rows[2]["fields"] == "phone" and rows[2]["outcome"] == "allow"
    assert rows[6]["subjects"] == f"{b};{s}"
    assert json.loads(rows[6]["extra"])["export_id"] == scene["export_id"]
    assert rows[0]["at"].endswith("Z") and rows[0]["extra"] == ""

    proved = list(
        csv.DictReader(io.StringIO(queries.render_csv(queries.exports(log, proofs=True))))
    )
    assert list(proved[0])[-4:] == ["tree_size", "root", "proof", "proof_verified"]
    assert proved[0]["tree_size"] == "9" and proved[0]["proof_verified"] == "true"
    path = [base64.b64decode(h) for h in proved[0]["proof"].split(";")]
    root = base64.b64decode(proved[0]["root"])
    assert verify_inclusion(base64.b64decode(proved[0]["leaf_hash"]), 8, 9, path, root)


def test_csv_cells_cannot_become_formulas(system) -> None:
    log = log_for_system(system)
    log.append_many([AuditEntry(actor="=HYPERLINK(1)", action="customer.view", subject_ids=("x",))])
    (row,) = csv.DictReader(io.StringIO(queries.render_csv(queries.who_accessed(log, "x"))))
    assert row["actor"] == "'=HYPERLINK(1)"


def sql(system, statement: str, **params) -> None:
    with system.engine.begin() as conn:
        conn.execute(text(statement), params)


def test_a_tampered_index_can_hide_but_not_add_and_verify_reports_it(scene, system) -> None:
    log, b, s = scene["log"], scene["budi"], scene["siti"]
    log.catch_up_index()  # the index is a cache built before queries: tamper with it built
    assert log.verify().ok

    # an insider hides the reveal of Budi's phone from "who accessed Budi"
    sql(system, "DELETE FROM audit_index WHERE kind = 'subject' AND seq = 3")
    assert seqs(queries.who_accessed(log, b)) == [0, 2, 4, 5, 6, 8]
    report = log.verify()
    assert not report.ok and report.kinds() == {"index-mismatch"}
    assert report.problems[0].seq == 3
    assert report.reason.startswith("the query index disagrees with entry 3: 1 index rows missing")

    # pointing the index at an unrelated entry adds nothing to the results
    sql(system, "INSERT INTO audit_index (kind, value, at, seq) VALUES ('subject', :b, 0, 1)", b=b)
    assert seqs(queries.who_accessed(log, b)) == [0, 2, 4, 5, 6, 8]
    report = log.verify()
    assert [p.seq for p in report.problems] == [1]  # the lowest differing entry is named
    assert "1 index rows the entry does not contain" in report.reason
    assert "and 1 more differing rows" in report.reason  # entry 3's, in the same range

    # an altered value hides Siti's export reveal
    sql(system, "DELETE FROM audit_index WHERE seq = 1 AND value = :b", b=b)
    sql(system, "UPDATE audit_index SET value = 'cus_other' WHERE kind = 'subject' AND seq = 7")
    assert seqs(queries.who_accessed(log, s)) == [1, 8]
    assert seqs(queries.who_accessed(log, "cus_other")) == []  # the entry does not say so
    report = log.verify()
    assert [p.kind for p in report.problems] == ["index-mismatch"]
    assert report.problems[0].seq == 3 and "and 2 more differing rows" in report.reason

    # the actor, action and field rows are checked the same way
    sql(system, "DELETE FROM audit_index WHERE seq = 3 AND kind <> 'subject'")
    assert seqs(queries.reveals_of(log, "phone")) == [6, 7]
    assert seqs(queries.accessed_by(log, scene["admin"])) == [0, 1, 4, 5, 6, 7, 8]
    assert "entry 3: 4 index rows missing" in log.verify().reason


def test_verify_of_an_untouched_log_checks_the_index(scene) -> None:
    report = scene["log"].verify()
    assert report.ok, report.reason


def test_an_export_of_more_than_256_customers_is_recorded_in_parts(system, admin) -> None:
    ids = [
        system.vault.create_customer(
            admin, CustomerIn.model_validate({"full_name": f"Nama {i}"})
        ).id
        for i in range(260)
    ]
    spec = ExportSpec(recipient="PT Besar", purpose="migration check", fields=("full_name",))
    export = create_export(system, admin, spec)
    parts = queries.exports(log_for_system(system)).entries
    assert [p.entry.extra["part"] for p in parts] == [1, 2]
    assert all(p.entry.extra["parts"] == 2 and p.entry.extra["records"] == 260 for p in parts)
    assert all(p.entry.extra["export_id"] == export.info.id for p in parts)
    assert [len(p.entry.subject_ids) for p in parts] == [256, 4]
    assert sorted(parts[0].entry.subject_ids + parts[1].entry.subject_ids) == sorted(ids)
    last = queries.who_accessed(log_for_system(system), sorted(ids)[-1])
    assert last.entries[-1].entry.action == "export.create"


# --- API and CLI ---------------------------------------------------------------------------


def test_api_queries(client, system, admin, budi) -> None:
    r = client.post("/api/v1/customers", json=budi.model_dump(mode="json", exclude_none=True))
    assert r.status_code == 201, r.text
    b = r.json()["id"]
    assert client.get(f"/api/v1/customers/{b}").status_code == 200
    r = client.post(f"/api/v1/customers/{b}/reveal", json={"fields": ["email"], "purpose": "kyc"})
    assert r.status_code == 200, r.text
    r = client.post(
        "/api/v1/exports",
        json={"recipient": "PT A", "purpose": "annual audit", "customer_ids": [b]},
    )
    assert r.status_code == 201, r.text
    export_id = r.headers["X-Amanah-Export-Id"]
    log = log_for_system(system)
    everything = [(seq, e) for seq, e in all_entries(log)]
    mine = [seq for seq, e in everything if b in e.subject_ids]

    r = client.get("/api/v1/audit/queries/who-accessed", params={"customer_id": b})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    body = r.json()
    assert [e["seq"] for e in body["entries"]] == mine and body["count"] == len(mine)
    assert r.headers["X-Amanah-Truncated"] == "false"

    r = client.get(
        "/api/v1/audit/queries/who-accessed",
        params={"customer_id": b, "format": "csv", "proofs": "true"},
    )
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [int(x["seq"]) for x in rows] == mine
    assert all(x["proof_verified"] == "true" for x in rows)

    r = client.get("/api/v1/audit/queries/reveals", params={"field": "email", "proofs": "true"})
    body = r.json()
    assert [e["entry"]["purpose"] for e in body["entries"]] == ["kyc", "annual audit"]
    check_proofs(log, queries.reveals_of(log, "email", proofs=True))

    r = client.get("/api/v1/audit/queries/exports")
    (entry,) = r.json()["entries"]
    assert entry["entry"]["extra"]["export_id"] == export_id and entry["entry"]["subjects"] == [b]

    actor = entry["entry"]["actor"]
    r = client.get("/api/v1/audit/queries/accessed-by", params={"actor": actor, "limit": 2})
    assert r.json()["count"] == 2 and r.json()["truncated"] is True
    assert r.headers["X-Amanah-Truncated"] == "true"

    future = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    r = client.get("/api/v1/audit/queries/exports", params={"since": future})
    assert r.json()["entries"] == [] and r.json()["params"]["since"].endswith("Z")
    r = client.get("/api/v1/audit/queries/exports", params={"since": future, "until": "2020-01-01"})
    assert r.status_code == 422
    assert client.get("/api/v1/audit/queries/who-accessed").status_code == 422
    assert client.get("/api/v1/audit/queries/reveals", params={"field": ""}).status_code == 422
    r = client.get("/api/v1/audit/queries/exports", params={"format": "xml"})
    assert r.status_code == 422


def test_api_queries_require_audit_read(client, system) -> None:
    from amanah.identity.tokens import issue_token

    with system.factory() as session, session.begin():
        token, _ = issue_token(session, "reader", "agent", ["customers:read"])
    r = client.get("/api/v1/audit/queries/exports", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 403


@pytest.fixture
def cli(settings, system, monkeypatch):
    monkeypatch.setenv("AMANAH_HOME", str(settings.home))
    monkeypatch.setenv("AMANAH_DATABASE_URL", settings.effective_database_url)
    monkeypatch.setattr(cli_module.out, "width", 200)  # tables unfolded
    return CliRunner()


def test_cli_queries(cli, scene, admin) -> None:
    log, b = scene["log"], scene["budi"]
    r = cli.invoke(audit_cli, ["who-accessed", b, "--format", "json", "--proofs"])
    assert r.exit_code == 0, r.output
    body = json.loads(r.stdout)
    assert [e["seq"] for e in body["entries"]] == [0, 2, 3, 4, 5, 6, 8]
    assert body["proofs"]["tree_size"] == 9

    r = cli.invoke(audit_cli, ["who-accessed", b, "--format", "csv", "--since", "2000-01-01"])
    assert r.exit_code == 0, r.output
    assert [x["seq"] for x in csv.DictReader(io.StringIO(r.stdout))] == [
        "0", "2", "3", "4", "5", "6", "8",
    ]  # fmt: skip
    r = cli.invoke(audit_cli, ["who-accessed", b, "--until", "2000-01-01", "--format", "json"])
    assert json.loads(r.stdout)["entries"] == []

    r = cli.invoke(audit_cli, ["accessed-by", "usr_agent"])
    assert r.exit_code == 0, r.output
    assert "customer.view" in r.stdout and "1 entries" in r.stdout

    r = cli.invoke(audit_cli, ["reveals", "--field", "phone", "--proofs"])
    assert r.exit_code == 0, r.output
    assert "callback" in r.stdout and "3 entries" in r.stdout and "size 9" in r.stdout

    r = cli.invoke(audit_cli, ["exports", "--format", "json"])
    (entry,) = json.loads(r.stdout)["entries"]
    assert entry["entry"]["extra"]["export_id"] == scene["export_id"]

    r = cli.invoke(audit_cli, ["accessed-by", admin.id, "--limit", "2", "--format", "json"])
    assert r.exit_code == 0 and json.loads(r.stdout)["truncated"] is True
    assert "only the first 2 entries" in r.stderr

    assert cli.invoke(audit_cli, ["exports", "--since", "yesterday"]).exit_code == 2
    assert cli.invoke(audit_cli, ["exports", "--format", "xml"]).exit_code == 2
    assert log.verify().ok


def test_the_migration_indexes_entries_already_in_the_log(system) -> None:
    from alembic import command

    from amanah.migrate import alembic_config, upgrade

    log = log_for_system(system)
    log.append_many(
        [
            AuditEntry(actor="usr_a", action="field.reveal", subject_ids=("c1", "c2"),
                       fields=("phone",), purpose="callback"),
            AuditEntry(actor="usr_b", action="customer.view", subject_ids=("c2",)),
        ]
    )  # fmt: skip
    config = alembic_config(system.engine.url.render_as_string(hide_password=False))
    with system.engine.begin() as conn:  # back to before the index, entries kept
        config.attributes["connection"] = conn
        command.downgrade(config, "0005-1")
        assert "audit_index" not in inspect(conn).get_table_names()
    upgrade(system.engine)
    assert seqs(queries.who_accessed(log, "c2")) == [0, 1]
    assert seqs(queries.reveals_of(log, "phone")) == [0]
    assert log.verify().ok
