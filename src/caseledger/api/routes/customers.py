"""Customers and their contact points. Each endpoint: parse, one query or service, render."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from ninja import Query, Router

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.api import idempotency
from caseledger.api.auth import actor
from caseledger.api.errors import require_version
from caseledger.api.history import history_out
from caseledger.api.pagination import paginate
from caseledger.api.schemas import (
    ContactPointCreatedOut,
    ContactPointCreateIn,
    ContactPointOut,
    ContactRevealOut,
    CustomerCreatedOut,
    CustomerIn,
    CustomerOut,
    CustomerPage,
    CustomerPatch,
    CustomerQuery,
    ErrorOut,
    HistoryOut,
    HistoryQuery,
    IdentifierCreatedOut,
    IdentifierIn,
    MergeIn,
    MergeOut,
    NameRevealOut,
    RevealIn,
    RevealOut,
    UnmergeIn,
)
from caseledger.customers.queries import (
    contact_point_get,
    customer_get,
    customer_list,
    identifier_get,
    probable_duplicates,
)
from caseledger.customers.services import (
    IDENTIFIER_RECORD,
    contact_point_add,
    contact_point_reveal,
    customer_create,
    customer_merge,
    customer_name_reveal,
    customer_unmerge,
    customer_update,
    identifier_add,
    identifier_reveal,
)
from caseledger.privacy.services import identifier_change_propose, needs_review
from caseledger.vault.crypto import blind_index
from caseledger.vault.masking import display_name

router = Router(tags=["customers"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}


def _duplicates(user: Any, customer: Any) -> list[dict]:
    return [
        {"id": c.pk, "name": display_name(c)}
        for c in probable_duplicates(actor=user, customer=customer)
    ]


def _created_customer(user: Any) -> Any:
    def render(customer: Any) -> dict:
        out = CustomerOut.from_orm(customer).model_dump(mode="json")
        return {**out, "probable_duplicates": _duplicates(user, customer)}

    return render


def _prefetched(qs: Any) -> Any:
    return qs.prefetch_related("contact_points", "identifiers")


@router.post(
    "/customers",
    response={201: CustomerCreatedOut, **ERRORS},
    summary="Add a customer",
    openapi_extra=idempotency.OPENAPI,
)
def create_customer(request: HttpRequest, payload: CustomerIn) -> HttpResponse:
    """`probable_duplicates` lists customers with the same phone or e-mail address; merge
    them with POST /customers/{id}/merge."""
    data = payload.model_dump(mode="json", exclude_unset=True)
    user = actor(request)
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=_created_customer(user),
        make=lambda: customer_create(actor=user, data=data),
    )


@router.get("/customers", response={200: CustomerPage, **ERRORS}, summary="List customers")
def list_customers(request: HttpRequest, params: Query[CustomerQuery]) -> dict:
    """Sorted by name. Pages follow `next_cursor` until it is null. Customers merged into
    another are left out (GET /customers/{id} still shows them, with `merged_into`)."""
    filters = params.model_dump(mode="json", exclude={"limit", "cursor"}, exclude_none=True)
    qs = _prefetched(customer_list(actor=actor(request), filters=filters))
    page = paginate(qs, cursor=params.cursor, limit=params.limit)
    return {"items": page.items, "next_cursor": page.next_cursor}


@router.get(
    "/customers/{customer_id}", response={200: CustomerOut, **ERRORS}, summary="Get a customer"
)
def get_customer(request: HttpRequest, customer_id: int) -> Any:
    return customer_get(actor=actor(request), customer_id=customer_id)


@router.patch(
    "/customers/{customer_id}",
    response={200: CustomerOut, 428: ErrorOut, **ERRORS},
    summary="Change a customer",
)
def update_customer(request: HttpRequest, customer_id: int, payload: CustomerPatch) -> Any:
    """Only the fields sent change. `version` (the one you read) is required: without it
    428; if someone changed the customer since, 409."""
    data = payload.model_dump(mode="json", exclude_unset=True, exclude={"version", "reason"})
    user = actor(request)
    customer = customer_get(actor=user, customer_id=customer_id)
    require(user, Perm.CUSTOMER_MODIFY, customer.department_id)
    require_version(payload.version, "customer")
    customer_update(
        actor=user,
        customer=customer,
        data=data,
        reason=payload.reason,
        expected_version=payload.version,
    )
    return customer_get(actor=user, customer_id=customer_id)


@router.post(
    "/customers/{customer_id}/contact-points",
    response={201: ContactPointCreatedOut, **ERRORS},
    summary="Add a contact point to a customer",
    openapi_extra=idempotency.OPENAPI,
)
def add_contact_point(
    request: HttpRequest, customer_id: int, payload: ContactPointCreateIn
) -> HttpResponse:
    user = actor(request)
    customer = customer_get(actor=user, customer_id=customer_id)
    data = payload.model_dump(mode="json", exclude_unset=True, exclude={"reason"})
    return idempotency.create(
        request,
        fingerprint=idempotency.json_fingerprint(request),
        render=lambda point: {
            **ContactPointOut.from_orm(point).model_dump(mode="json"),
            "probable_duplicates": _duplicates(user, customer),
        },
        make=lambda: contact_point_add(
            actor=user, customer=customer, data=data, reason=payload.reason
        ),
    )


@router.post(
    "/customers/{customer_id}/identifiers",
    response={201: IdentifierCreatedOut, 202: dict, **ERRORS},
    summary="Add a sensitive identifier (resident ID, passport, bank card …) to a customer",
    openapi_extra=idempotency.OPENAPI,
)
def add_identifier(request: HttpRequest, customer_id: int, payload: IdentifierIn) -> HttpResponse:
    """The value is validated by kind, encrypted, indexed for exact lookup and masked; the
    answer and every later read show only the mask. Kinds under maker-checker (all, unless
    CASELEDGER_REVIEWED_IDENTIFIER_KINDS says otherwise) answer 202 with the pending change,
    which someone else confirms at /pending-changes/{id}/confirm."""
    user = actor(request)
    customer = customer_get(actor=user, customer_id=customer_id)
    kind = payload.kind.value
    # Keyed, so the stored fingerprint of the body cannot be used to guess the value.
    fingerprint = idempotency.parts_fingerprint(
        kind,
        blind_index(payload.value.strip(), record=IDENTIFIER_RECORD, field=kind),
        payload.reason,
    )
    if needs_review(kind):  # maker-checker: 202, the value waits for a second person
        from caseledger.api.routes.privacy import PendingChangeOut

        # A retried 202 must not queue a second change for the checker to trip over.
        return idempotency.create(
            request,
            fingerprint=fingerprint,
            status=202,
            render=lambda change: PendingChangeOut.from_orm(change).model_dump(mode="json"),
            make=lambda: identifier_change_propose(
                actor=user,
                customer=customer,
                kind=kind,
                value=payload.value,
                reason=payload.reason,
            ),
        )

    def render(added: Any) -> dict:
        out = IdentifierCreatedOut(
            id=added.identifier.pk,
            kind=added.identifier.kind,
            masked=added.identifier.masked,
            created_at=added.identifier.created_at,
            warnings=list(added.warnings),
            probable_duplicates=list(added.probable_duplicates),
        )
        return out.model_dump(mode="json")

    return idempotency.create(
        request,
        fingerprint=fingerprint,
        render=render,
        make=lambda: identifier_add(
            actor=user, customer=customer, kind=kind, value=payload.value, reason=payload.reason
        ),
    )


@router.post(
    "/identifiers/{identifier_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="Reveal a sensitive identifier (needs customer.reveal and a reason; journaled)",
)
def reveal_identifier(request: HttpRequest, identifier_id: int, payload: RevealIn) -> HttpResponse:
    """Needs a token with the `customers:reveal` scope, held by a user whose role may reveal
    (compliance). The reveal is journaled as `customer.reveal` with the reason."""
    user = actor(request)
    identifier = identifier_get(actor=user, identifier_id=identifier_id)
    value = identifier_reveal(actor=user, identifier=identifier, reason=payload.reason)
    out = RevealOut(identifier=identifier.pk, kind=identifier.kind, value=value)
    response = JsonResponse(out.model_dump(mode="json"))
    response["Cache-Control"] = "no-store"
    return response


@router.post(
    "/contact-points/{point_id}/reveal",
    response={200: ContactRevealOut, **ERRORS},
    summary="Reveal a contact point's full value (needs customer.reveal and a reason; journaled)",
)
def reveal_contact_point(request: HttpRequest, point_id: int, payload: RevealIn) -> HttpResponse:
    """Contact points are masked everywhere else. Needs a token with the `customers:reveal`
    scope held by a user whose role may reveal (compliance); journaled as `customer.reveal`."""
    user = actor(request)
    point = contact_point_get(actor=user, point_id=point_id)
    value = contact_point_reveal(actor=user, point=point, reason=payload.reason)
    out = ContactRevealOut(contact_point=point.pk, kind=point.kind, value=value)
    response = JsonResponse(out.model_dump(mode="json"))
    response["Cache-Control"] = "no-store"
    return response


def _merge_out(result: Any) -> dict:
    return {"survivor": result.survivor.pk, "merged": result.merged.pk, **result.moved.as_extra()}


@router.post(
    "/customers/{customer_id}/merge",
    response={200: MergeOut, **ERRORS},
    summary="Merge this customer into another (the survivor); reversible with /unmerge",
)
def merge_customer(request: HttpRequest, customer_id: int, payload: MergeIn) -> Any:
    """Moves this customer's cases, contact points, identifiers and consents to `survivor`.
    Values the survivor already holds stay here and are listed as duplicates. Needs
    customer.modify in both customers' departments and case.modify wherever the moved cases
    sit (token scopes `customers:write` and `cases:write`); refused under a legal hold."""
    user = actor(request)
    merged = customer_get(actor=user, customer_id=customer_id)
    survivor = customer_get(actor=user, customer_id=payload.survivor)
    return _merge_out(
        customer_merge(actor=user, survivor=survivor, merged=merged, reason=payload.reason)
    )


@router.post(
    "/customers/{customer_id}/unmerge",
    response={200: MergeOut, **ERRORS},
    summary="Undo the merge of this customer: move back exactly what the merge moved",
)
def unmerge_customer(request: HttpRequest, customer_id: int, payload: UnmergeIn) -> Any:
    user = actor(request)
    merged = customer_get(actor=user, customer_id=customer_id)
    return _merge_out(customer_unmerge(actor=user, merged=merged, reason=payload.reason))


@router.get(
    "/customers/{customer_id}/history",
    response={200: HistoryOut, **ERRORS},
    summary="A customer's journal: every change with before and after",
)
def customer_history(request: HttpRequest, customer_id: int, params: Query[HistoryQuery]) -> Any:
    """With `as_of`, only the entries up to that moment and the customer's state then."""
    customer = customer_get(actor=actor(request), customer_id=customer_id)
    return history_out("customer", customer.pk, params.as_of)


@router.post(
    "/customers/{customer_id}/reveal-name",
    response={200: NameRevealOut, **ERRORS},
    summary="Reveal a person's full name (needs customer.reveal and a reason; journaled)",
)
def reveal_name(request: HttpRequest, customer_id: int, payload: RevealIn) -> HttpResponse:
    """A person's name is masked everywhere else (**明). Needs a token with the
    `customers:reveal` scope held by a user whose role may reveal; journaled as
    `customer.reveal` with field `customer.name`."""
    user = actor(request)
    customer = customer_get(actor=user, customer_id=customer_id)
    value = customer_name_reveal(actor=user, customer=customer, reason=payload.reason)
    out = NameRevealOut(customer=customer.pk, name=value)
    response = JsonResponse(out.model_dump(mode="json"))
    response["Cache-Control"] = "no-store"
    return response
