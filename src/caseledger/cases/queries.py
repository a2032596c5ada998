"""Case reads, scoped by permission before any filter is applied."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Attachment, Case
from caseledger.core import hooks
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id
from caseledger.holds.restriction import ensure_readable, hide_restricted

# search registers the free-text filter of case lists here at start-up (ADR 0010).
TEXT_FILTER = "cases.text_filter"

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
        if value in (None, ""):
            continue
        if name == "department":
            qs = qs.filter(department_q(value))
        else:
            qs = qs.filter(**{f"{name}_id" if name in {"assignee", "customer"} else name: value})
    if filters.get("received_from"):
        qs = qs.filter(received_at__gte=_start(filters["received_from"]))
    if filters.get("received_to"):
        qs = qs.filter(received_at__lt=_start(filters["received_to"]) + dt.timedelta(days=1))
    if filters.get("q"):
        q = filters["q"].strip()
        if q.upper().startswith("CL-") and " " not in q:
            qs = qs.filter(reference=q.upper())
        else:
            # The full-text index answers words and Chinese text (issue 14, search/); search
            # stands higher and registers its filter at start-up (ADR 0010).
            qs = hooks.one(TEXT_FILTER)(qs, q)
    return qs.order_by(*SORTS.get(sort, SORTS["-received"]))


# The free text a search looks in: the same for the web list, the API's `q` and a legal
# hold's saved filter (retention.holds.filter_q). A field an administrator marked sensitive
# (vault.sensitivity) is masked on screen, so it is not searched either.
TEXT_FIELDS = (
    "subject",
    "description",
    "customer_request",
    "resolution",
    "product_ref",
    "order_ref",
    "contract_ref",
)


def text_q(text: str) -> Q:
    """One search: a reference (CL-…, any case) exactly, else words in the case's text."""
    from caseledger.vault.sensitivity import is_marked

    text = (text or "").strip()
    if text.upper().startswith("CL-"):
        return Q(reference=text.upper())
    q = Q(pk__in=[])
    for field in TEXT_FIELDS:
        if not is_marked(f"case.{field}"):
            q |= Q(**{f"{field}__icontains": text})
    return q


def department_q(value: Any) -> Q:
    """A department filter given as an id or a code (`sales`), as case create takes it."""
    text = str(value).strip()
    if is_id(text):
        number = int(text)
        return Q(department_id=number) if number < 2**63 else Q(pk__in=[])
    return Q(department__code=text)


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
        else (qs.filter(pk=key).first() if is_id(key) else None)
    )
    if case is None:
        raise NotFound(
            _("case %(case_id)s does not exist or is not visible to you") % {"case_id": case_id},
            field="case",
        )
    ensure_readable(actor, case=case)
    return case


def attachment_get(
    *, actor: User, attachment_id: int, case: Case | None = None, removed: bool = False
) -> Attachment:
    """An attachment the actor may see (visibility follows the case); of `case` if given.
    A removed one is not found unless `removed` asks for it (its history still shows it)."""
    attachment = Attachment.objects.select_related("case").filter(pk=attachment_id).first()
    if attachment is None or (case is not None and attachment.case_id != case.pk):
        raise NotFound(
            _("attachment %(id)s does not exist") % {"id": attachment_id}, field="attachment"
        )
    attachment.case = case_get(actor=actor, case_id=attachment.case_id)
    if not attachment.sha256:  # its case was anonymized: the row counts, the file is gone
        raise NotFound(
            _("the file of attachment %(id)s was removed when its case was anonymized")
            % {"id": attachment_id},
            field="attachment",
        )
    if attachment.removed_at is not None and not removed:
        raise NotFound(
            _("attachment %(id)s (%(file)s) was removed from case %(case)s")
            % {"id": attachment_id, "file": attachment.filename, "case": attachment.case.reference},
            field="attachment",
        )
    return attachment


def case_attachments(case: Case) -> QuerySet[Attachment]:
    """A case's attachments as its page and the API list them: the removed ones left out."""
    return case.attachments.filter(removed_at__isnull=True).select_related("case", "uploaded_by")


def removed_attachments(case: Case) -> QuerySet[Attachment]:
    return case.attachments.filter(removed_at__isnull=False).select_related(
        "uploaded_by", "removed_by"
    )
