"""The vault over HTTP: translate requests to service calls and back, nothing more.

Personal data never travels in URLs: searches are POSTs, customers are
addressed by opaque ids.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from amanah.access.gate import Principal
from amanah.identity.api import require
from amanah.vault.schemas import (
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    InteractionEnd,
    InteractionIn,
    InteractionOut,
    RedactionRevealIn,
    RedactionRevealOut,
    RevealIn,
    RevealOut,
    SearchIn,
    TranscriptIn,
    TranscriptOut,
    TranscriptRevealIn,
    TranscriptRevealOut,
)

router = APIRouter(prefix="/api/v1", tags=["vault"])
Reader = Annotated[Principal, Depends(require("customers:read"))]
Writer = Annotated[Principal, Depends(require("customers:write"))]
Eraser = Annotated[Principal, Depends(require("customers:erase"))]
InteractionWriter = Annotated[Principal, Depends(require("interactions:write"))]


def _system(request: Request):
    return request.app.state.system


@router.post("/customers", status_code=201, response_model=CustomerOut)
def create_customer(body: CustomerIn, request: Request, who: Writer) -> CustomerOut:
    return _system(request).vault.create_customer(who, body)


@router.get("/customers", response_model=CustomerPage)
def list_customers(
    request: Request,
    who: Reader,
    cursor: Annotated[str | None, Query(max_length=80)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> CustomerPage:
    return _system(request).vault.list_customers(who, cursor, limit)


@router.post("/customers/search", response_model=list[CustomerOut])
def search_customers(body: SearchIn, request: Request, who: Reader) -> list[CustomerOut]:
    return _system(request).vault.search(who, body)


@router.get("/customers/{customer_id}", response_model=CustomerOut)
def get_customer(customer_id: str, request: Request, who: Reader) -> CustomerOut:
    return _system(request).vault.get_customer(who, customer_id)


@router.patch("/customers/{customer_id}", response_model=CustomerOut)
def update_customer(
    customer_id: str, body: CustomerPatch, request: Request, who: Writer
) -> CustomerOut:
    return _system(request).vault.update_customer(who, customer_id, body)


@router.delete("/customers/{customer_id}", status_code=204)
def erase_customer(customer_id: str, request: Request, who: Eraser) -> Response:
    _system(request).vault.erase_customer(who, customer_id)
    return Response(status_code=204)


@router.delete("/customers/{customer_id}/fields/{field_id}", status_code=204)
def delete_field(customer_id: str, field_id: str, request: Request, who: Writer) -> Response:
    _system(request).vault.delete_field(who, customer_id, field_id)
    return Response(status_code=204)


@router.post("/customers/{customer_id}/reveal", response_model=RevealOut)
def reveal(customer_id: str, body: RevealIn, request: Request, who: Reader) -> RevealOut:
    return _system(request).vault.reveal(who, customer_id, body)


@router.get("/customers/{customer_id}/interactions", response_model=list[InteractionOut])
def customer_interactions(customer_id: str, request: Request, who: Reader) -> list[InteractionOut]:
    return _system(request).interactions.for_customer(who, customer_id)


@router.post("/interactions", status_code=201, response_model=InteractionOut)
def start_interaction(
    body: InteractionIn, request: Request, who: InteractionWriter
) -> InteractionOut:
    return _system(request).interactions.start(who, body)


@router.get("/interactions/{interaction_id}", response_model=InteractionOut)
def get_interaction(interaction_id: str, request: Request, who: Reader) -> InteractionOut:
    return _system(request).interactions.get(who, interaction_id)


@router.post("/interactions/{interaction_id}/end", response_model=InteractionOut)
def end_interaction(
    interaction_id: str, body: InteractionEnd, request: Request, who: InteractionWriter
) -> InteractionOut:
    return _system(request).interactions.end(who, interaction_id, body)


@router.post(
    "/interactions/{interaction_id}/transcript", status_code=201, response_model=TranscriptOut
)
def add_transcript(
    interaction_id: str, body: TranscriptIn, request: Request, who: InteractionWriter
) -> TranscriptOut:
    return _system(request).interactions.add_transcript(who, interaction_id, body)


@router.get("/interactions/{interaction_id}/transcript", response_model=TranscriptOut)
def get_transcript(interaction_id: str, request: Request, who: Reader) -> TranscriptOut:
    return _system(request).interactions.transcript(who, interaction_id)


@router.post("/customers/{customer_id}/redactions/reveal", response_model=RedactionRevealOut)
def reveal_redaction(
    customer_id: str, body: RedactionRevealIn, request: Request, who: Reader
) -> RedactionRevealOut:
    """Open the [ENC:...] values of a text redacted with the encrypt operator."""
    return _system(request).sealed_redaction.reveal(who, customer_id, body)


@router.post("/interactions/{interaction_id}/transcript/reveal", response_model=TranscriptRevealOut)
def reveal_transcript(
    interaction_id: str, body: TranscriptRevealIn, request: Request, who: Reader
) -> TranscriptRevealOut:
    return _system(request).interactions.reveal_transcript(who, interaction_id, body)
