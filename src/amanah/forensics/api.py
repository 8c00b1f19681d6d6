"""Exports and leak tracing over HTTP.

``POST /exports`` returns the file itself (CSV or JSON) with the export id in
``X-Amanah-Export-Id``. ``POST /forensics/trace`` takes a leaked file as the raw
request body (any content type; ``?filename=`` helps tell XLSX, JSON Lines and
CSV apart) and names the export it came from, or says "no match".
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from amanah.access.gate import Principal
from amanah.errors import Forbidden
from amanah.forensics.exports import (
    DEFAULT_FIELDS,
    ExportInfo,
    ExportSpec,
    create_export,
    get_export,
    list_exports,
)
from amanah.identity.api import require

router = APIRouter(prefix="/api/v1", tags=["exports", "forensics"])

# Until identity has dedicated scopes (``exports:create``, ``forensics:trace``), exports
# need the reveal scope and a role trusted with bulk data; tracing the read scope and a
# security or privacy role.
EXPORT_ROLES = frozenset({"privacy_officer", "admin"})
FORENSICS_ROLES = frozenset({"security_officer", "privacy_officer", "admin"})
HONEYTOKEN_ROLES = frozenset({"security_officer", "admin"})
Exporter = Annotated[Principal, Depends(require("customers:reveal"))]
Reader = Annotated[Principal, Depends(require("customers:read"))]

ExportKind = Literal[
    "full_name",
    "phone",
    "email",
    "national_id",
    "date_of_birth",
    "address",
    "card",
    "bank_account",
]


def _system(request: Request) -> Any:
    return request.app.state.system


def _role(principal: Principal, roles: frozenset[str]) -> Principal:
    if principal.role not in roles:
        raise Forbidden(f"role {principal.role} may not do this")
    return principal


class ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    recipient: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    purpose: Annotated[str, StringConstraints(min_length=3, max_length=200)]
    fields: list[ExportKind] = Field(
        default_factory=lambda: list(DEFAULT_FIELDS), min_length=1, max_length=8
    )
    format: Literal["csv", "json"] = "csv"
    customer_ids: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] | None = (
        Field(default=None, max_length=100_000)
    )
    all: bool = Field(False, description="Export every customer (honeytokens excepted).")

    @model_validator(mode="after")
    def _one_selection(self) -> ExportIn:
        if self.all == (self.customer_ids is not None):
            raise ValueError("give customer_ids or all=true, not both")
        return self


class ExportOut(BaseModel):
    id: str
    actor: str
    recipient: str
    purpose: str
    created_at: str
    format: str
    fields: list[str]
    rows: int

    @classmethod
    def of(cls, info: ExportInfo) -> ExportOut:
        return cls.model_validate(info.__dict__)


class CandidateOut(BaseModel):
    export_id: str
    log10_lr: float
    rows_in_export: int
    cells_compared: int
    cells_agreeing: int
    decoy_hits: int


class TraceOut(BaseModel):
    matched: bool
    verdict: Literal["match", "no match"]
    reason: str
    rows_read: int
    rows_identified: int
    columns_used: dict[str, str]
    export: ExportOut | None
    log10_lr: float | None
    probability: float | None
    cells_compared: int
    cells_agreeing: int
    decoy_hits: int
    candidates: list[CandidateOut]


class HoneytokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    label: Annotated[str, StringConstraints(max_length=100)] | None = None


class HoneytokenOut(BaseModel):
    customer_id: str


@router.post(
    "/exports",
    status_code=201,
    response_class=Response,
    responses={201: {"content": {"text/csv": {}, "application/json": {}}}},
)
def create(body: ExportIn, request: Request, who: Exporter) -> Response:
    _role(who, EXPORT_ROLES)
    spec = ExportSpec(
        recipient=body.recipient,
        purpose=body.purpose,
        fields=tuple(body.fields),
        format=body.format,
        customer_ids=None if body.all else body.customer_ids,
    )
    result = create_export(_system(request), who, spec)
    return Response(
        content=result.content,
        status_code=201,
        media_type=result.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{result.filename}"',
            "X-Amanah-Export-Id": result.info.id,
            "X-Amanah-Export-Withheld": str(result.withheld),
            "X-Amanah-Export-Masked": str(result.masked),
            "Cache-Control": "no-store",
        },
    )


@router.get("/exports", response_model=list[ExportOut])
def list_all(
    request: Request,
    who: Reader,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    before: Annotated[str | None, Query(max_length=40)] = None,
) -> list[ExportOut]:
    _role(who, FORENSICS_ROLES)
    return [ExportOut.of(i) for i in list_exports(_system(request), limit, before)]


@router.get("/exports/{export_id}", response_model=ExportOut)
def show(export_id: str, request: Request, who: Reader) -> ExportOut:
    _role(who, FORENSICS_ROLES)
    return ExportOut.of(get_export(_system(request), export_id))


@router.post("/forensics/trace", response_model=TraceOut)
async def trace_leak(
    request: Request,
    who: Reader,
    filename: Annotated[str, Query(max_length=200)] = "",
) -> TraceOut:
    from starlette.concurrency import run_in_threadpool

    from amanah.forensics.trace import trace_bytes

    _role(who, FORENSICS_ROLES)
    data = await request.body()
    result = await run_in_threadpool(trace_bytes, _system(request), data, filename)
    return TraceOut.model_validate(result.to_json())


@router.post("/forensics/honeytokens", status_code=201, response_model=HoneytokenOut)
def plant(body: HoneytokenIn, request: Request, who: Reader) -> HoneytokenOut:
    from amanah.forensics.honeytokens import plant_honeytoken

    _role(who, HONEYTOKEN_ROLES)
    return HoneytokenOut(customer_id=plant_honeytoken(_system(request), body.label, who.id))
