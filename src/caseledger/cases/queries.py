"""Case reads, scoped by permission before any filter is applied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Attachment, Case
from caseledger.core.errors import NotFound
from caseledger.retention.restriction import ensure_readable, hide_restricted

# Every order here is served by an index, alone or behind any one list filter, so a page
# of a million cases never sorts the table. Status and priority are filters, not orders.
SORTS = {
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "reference": ("reference",),
    "-reference": ("-reference",),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
FILTERS = (
    "status",
    "kind",
    "channel",
    "category",
    "department",
    "assignee",
    "customer",
    "severity",
    "priority",
)


def case_list(
    *,
    actor: User,
    filters: dict[str, Any] | None = None,
    sort: str = "-received",
    with_restricted: bool = False,
) -> QuerySet[Case]:
    """`with_restricted` only for case_get, which refuses a restricted case by name."""
    require(actor, Perm.CASE_VIEW)
    filters = filters or {}
    qs = Case.objects.select_related("department", "assignee", "customer")
    allowed = department_ids(actor, Perm.CASE_VIEW)
    if allowed is not None:
        qs = qs.filter(department_id__in=allowed)
    if not with_restricted:
        qs = hide_restricted(qs, actor)
    for name in FILTERS:
        value = filters.get(name)
        if value not in (None, ""):
            qs = qs.filter(
                **{f"{name}_id" if name in {"department", "assignee", "customer"} else name: value}
            )
    if filters.get("received_from"):
        qs = qs.filter(received_at__gte=_start(filters["received_from"]))
    if filters.get("received_to"):
        qs = qs.filter(received_at__lt=_start(filters["received_to"]) + dt.timedelta(days=1))
    if filters.get("q"):
        q = filters["q"].strip()
        if q.upper().startswith("CL-") and " " not in q:
            qs = qs.filter(reference=q.upper())
        else:
            # The full-text index answers words and Chinese text (issue 14, search/).
            from caseledger.search.queries import text_filter

            qs = text_filter(qs, q)
    return qs.order_by(*SORTS.get(sort, SORTS["-received"]))


def _start(day: dt.date | str) -> dt.datetime:
    from django.utils import timezone

    if isinstance(day, str):
        day = dt.date.fromisoformat(day)
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_current_timezone())


def case_get(*, actor: User, case_id: int | str) -> Case:
    qs = case_list(actor=actor, with_restricted=True)
    key = str(case_id)
    case = (
        qs.filter(reference=key.upper()).first()
        if key.upper().startswith("CL-")
        else (qs.filter(pk=key).first() if key.isdigit() else None)
    )
    if case is None:
        raise NotFound(f"case {case_id} does not exist or is not visible to you", field="case")
    ensure_readable(actor, case=case)
    return case


def attachment_get(*, actor: User, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.select_related("case").filter(pk=attachment_id).first()
    if attachment is None:
        raise NotFound(f"attachment {attachment_id} does not exist", field="attachment")
    case_get(actor=actor, case_id=attachment.case_id)  # visibility follows the case
    return attachment
