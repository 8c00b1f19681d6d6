"""Exports: gate-checked values, recipient and purpose recorded, an event, the file itself."""

from __future__ import annotations

import csv
import io
import json

import pytest
from sqlalchemy import select

from amanah.access.errors import StepUpRequired
from amanah.access.gate import Decision, Outcome, Principal
from amanah.errors import InvalidInput
from amanah.events import RecordingBus
from amanah.forensics.exports import (
    ExportNotFound,
    ExportSpec,
    create_export,
    export_customer_ids,
    get_export,
    list_exports,
)
from amanah.forensics.models import ForensicDecoyDigest, ForensicExport, ForensicExportRow
from amanah.forensics.trace import normalize_for_digest
from amanah.vault.errors import CustomerNotFound
from amanah.vault.schemas import CustomerIn

ALL_FIELDS = ("full_name", "phone", "email", "national_id", "date_of_birth", "card")


@pytest.fixture
def budi_id(system, admin, budi) -> str:
    return system.vault.create_customer(admin, budi).id


def spec(ids, fields=ALL_FIELDS, fmt="csv", **extra) -> ExportSpec:
    return ExportSpec(
        recipient="PT Survei Nusantara",
        purpose="customer satisfaction survey",
        fields=fields,
        format=fmt,
        customer_ids=ids,
        **extra,
    )


def rows_of(result) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(result.content.decode())))


def budi_row(system, result) -> dict[str, str]:
    with system.factory() as session:
        (position,) = session.scalars(
            select(ForensicExportRow.position).where(ForensicExportRow.export_id == result.info.id)
        )
    return rows_of(result)[position]


def test_a_csv_export_reveals_what_the_purpose_allows(system, admin, budi_id):
    result = create_export(system, admin, spec([budi_id]))
    assert result.media_type.startswith("text/csv")
    assert result.filename == f"amanah-export-{result.info.id}.csv"
    rows = rows_of(result)
    assert list(rows[0]) == list(ALL_FIELDS)
    assert len(rows) == 1 + 2  # Budi and two decoys
    row = budi_row(system, result)
    assert row["full_name"] in ("Budi Santoso", "BUDI SANTOSO")
    assert normalize_for_digest("phone", row["phone"]) == "+6281234567890"
    assert row["email"].lower() == "budi.santoso@example.co.id"
    assert row["national_id"].replace(" ", "").replace(".", "") == "3174051703900001"
    assert normalize_for_digest("date_of_birth", row["date_of_birth"]) == "1990-03-17"
    assert row["card"].replace(" ", "") == "411111******1111"  # PCI: first 6 / last 4 only
    assert result.withheld == result.masked == 0


def test_a_json_export(system, admin, budi_id):
    result = create_export(system, admin, spec([budi_id], ("full_name", "phone"), "json"))
    items = json.loads(result.content)
    assert result.media_type == "application/json"
    assert len(items) == 3 and all(set(i) == {"full_name", "phone"} for i in items)


def test_the_export_is_recorded_without_values(system, admin, budi_id, budi_plaintexts):
    result = create_export(system, admin, spec([budi_id]))
    info = get_export(system, result.info.id)
    assert (info.actor, info.recipient, info.purpose) == (
        "tok_test",
        "PT Survei Nusantara",
        "customer satisfaction survey",
    )
    assert info.rows == 3 and info.format == "csv"
    assert export_customer_ids(system, result.info.id) == [budi_id]
    assert [e.id for e in list_exports(system)] == [result.info.id]
    with system.factory() as session:
        record = session.get(ForensicExport, result.info.id)
        assert record.decoy_count == 2
        digests = session.scalars(select(ForensicDecoyDigest.digest)).all()
    assert digests
    with system.engine.connect() as conn:
        dump = " ".join(
            str(row)
            for table in ("forensic_exports", "forensic_export_rows", "forensic_decoy_digests")
            for row in conn.exec_driver_sql(f"SELECT * FROM {table}")
        )
    for plaintext in budi_plaintexts:
        assert plaintext not in dump
    with pytest.raises(ExportNotFound):
        get_export(system, "exp_missing")


def test_an_export_publishes_an_event_with_ids_only(system, admin, budi_id):
    system.bus = RecordingBus()
    result = create_export(system, admin, spec([budi_id]))
    (event,) = [e for e in system.bus.events if e.action == "export.create"]
    assert event.actor == "tok_test"
    assert event.extra["export_id"] == result.info.id
    assert event.extra["records"] == 1
    assert "Budi" not in json.dumps(event.to_json())


def test_a_role_that_may_not_reveal_exports_masked_values(system, admin, budi_id):
    officer = Principal(id="stf_sec", kind="staff", role="security_officer")
    result = create_export(system, officer, spec([budi_id]))
    assert result.masked == 1
    row = budi_row(system, result)
    assert row["phone"] == "+62 812-****-7890"
    assert row["card"] == "**** **** **** 1111"
    assert "Santoso" not in result.content.decode()


class _Deny:
    name = "test-deny"

    def __init__(self, customer_id: str, outcome: Outcome) -> None:
        self.customer_id, self.outcome = customer_id, outcome

    def evaluate(self, request):
        if request.customer_id == self.customer_id:
            return Decision(self.outcome, "test")
        return None


def test_denied_customers_are_withheld_and_step_up_stops_the_export(system, admin, budi_id):
    other = system.vault.create_customer(
        admin, CustomerIn.model_validate({"full_name": "Siti Rahayu"})
    ).id
    system.gate.register(_Deny(budi_id, Outcome.DENY))
    result = create_export(system, admin, spec([budi_id, other]))
    assert result.withheld == 1
    assert export_customer_ids(system, result.info.id) == [other]
    content = result.content.decode().lower().replace(" ", "").replace("-", "")
    assert "budi.santoso@example.co.id" not in content  # decoys may share a common surname
    assert "81234567890" not in content and "3174051703900001" not in content
    system.gate.register(_Deny(other, Outcome.STEP_UP))
    with pytest.raises(StepUpRequired):
        create_export(system, admin, spec([other]))


def test_bad_requests_are_refused(system, admin, budi_id):
    with pytest.raises(InvalidInput):
        create_export(system, admin, spec([budi_id], ("full_name", "note")))
    with pytest.raises(InvalidInput):
        create_export(system, admin, spec([budi_id], fmt="xml"))
    with pytest.raises(InvalidInput):
        create_export(system, admin, ExportSpec("x", "no", customer_ids=[budi_id]))
    with pytest.raises(CustomerNotFound):
        create_export(system, admin, spec(["cus_missing"]))


def test_export_all(system, admin, budi_id):
    system.vault.create_customer(admin, CustomerIn.model_validate({"full_name": "Siti Rahayu"}))
    result = create_export(system, admin, spec(None, ("full_name",)))
    assert len(export_customer_ids(system, result.info.id)) == 2


# ---- HTTP and CLI -----------------------------------------------------------------------


@pytest.fixture
def api(client):
    return client


def test_the_api_exports_lists_and_traces(api, system, admin, budi_id):
    body = {
        "recipient": "PT Survei Nusantara",
        "purpose": "customer satisfaction survey",
        "fields": ["full_name", "phone", "email"],
        "customer_ids": [budi_id],
    }
    response = api.post("/api/v1/exports", json=body)
    assert response.status_code == 201, response.text
    export_id = response.headers["x-amanah-export-id"]
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["content-type"].startswith("text/csv")
    listed = api.get("/api/v1/exports").json()
    assert [e["id"] for e in listed] == [export_id]
    assert api.get(f"/api/v1/exports/{export_id}").json()["recipient"] == "PT Survei Nusantara"
    traced = api.post("/api/v1/forensics/trace?filename=leak.csv", content=response.content)
    assert traced.status_code == 200
    assert traced.json()["verdict"] in ("match", "no match")
    both = api.post("/api/v1/exports", json={**body, "all": True})
    assert both.status_code == 422
    planted = api.post("/api/v1/forensics/honeytokens", json={"label": "canary"})
    assert planted.status_code == 201 and planted.json()["customer_id"].startswith("cus_")


def test_the_cli_exports_and_traces(system, admin, settings, monkeypatch, tmp_path):
    from typer.testing import CliRunner

    from amanah.forensics.cli import app as forensics_app
    from amanah.forensics.exports_cli import app as export_app

    monkeypatch.setenv("AMANAH_HOME", str(settings.home))
    monkeypatch.setenv("AMANAH_DATABASE_URL", settings.effective_database_url)
    ids = []
    for i in range(25):
        data = {"full_name": f"Pelanggan Nomor {chr(65 + i)}", "phones": [f"+62812555{i:05d}"]}
        ids.append(system.vault.create_customer(admin, CustomerIn.model_validate(data)).id)
    out = tmp_path / "out.csv"
    runner = CliRunner()
    args = ["create", "--recipient", "CV Mitra", "--purpose", "survey", "--fields"]
    result = runner.invoke(export_app, [*args, "full_name,phone", "--all", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "rows written" in result.output
    listed = runner.invoke(export_app, ["list", "--json"])
    assert "CV Mitra" in listed.output
    traced = runner.invoke(forensics_app, ["trace", str(out)])
    assert traced.exit_code == 0, traced.output
    assert "CV Mitra" in traced.output and "match" in traced.output
    stranger = tmp_path / "stranger.csv"
    stranger.write_text("name,phone\nAgus,+6281299990000\n", encoding="utf-8")
    assert runner.invoke(forensics_app, ["trace", str(stranger)]).exit_code == 1
