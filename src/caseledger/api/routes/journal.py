"""The history of any journaled object, for those who may see it."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from caseledger.api.auth import actor
from caseledger.api.history import check_as_of, history_out
from caseledger.api.schemas import ErrorOut, HistoryOut, HistoryQuery
from caseledger.cases.queries import case_get
from caseledger.core.errors import NotFound
from caseledger.customers.queries import customer_get
from caseledger.journal.queries import entry_get, entry_list

router = Router(tags=["history"])


@router.get(
    "/history/{object_type}/{object_id}",
    response={200: HistoryOut, (401, 403, 404, 422): ErrorOut},
    summary="The journal of any object",
)
def object_history(
    request: HttpRequest, object_type: str, object_id: str, params: Query[HistoryQuery]
) -> Any:
    """Cases and customers follow their own visibility (a case id or reference, a customer
    id). Every other object type (user, token, department, ...) needs the journal
    permission and a token with `journal:read`."""
    user = actor(request)
    if object_type == "case":
        object_id = str(case_get(actor=user, case_id=object_id).pk)
    elif object_type == "customer":
        object_id = str(customer_get(actor=user, customer_id=object_id).pk)
    else:
        # A part (a note, an attachment) is journaled under its case, so its own entries
        # are found by object, not by root.
        check_as_of(params.as_of)
        filters = {"object_type": object_type, "object_id": object_id}
        if not entry_list(actor=user, filters=filters).exists():
            raise NotFound(
                _("no journal entries for %(object_type)s:%(object_id)s")
                % {"object_type": object_type, "object_id": object_id},
                field="object_id",
            )
        seqs = (
            entry_list(actor=user, filters={**filters, "until": params.as_of})
            .order_by("seq")
            .values_list("seq", flat=True)
        )
        items = [entry_get(actor=user, seq=seq) for seq in seqs]
        return history_out(object_type, object_id, params.as_of, items=items)
    return history_out(object_type, object_id, params.as_of)
