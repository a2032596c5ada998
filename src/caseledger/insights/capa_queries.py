"""Reading corrective actions and the review reports that count them, scoped like the figures
(insights.view by department). Named for what it reads: `insights/actions.py` is the journal
actions enum, as in every app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from caseledger.accounts.access import can, department_ids, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import NotFound, PermissionDenied
from caseledger.core.ids import is_id
from caseledger.insights.models import CapaStatus, CorrectiveAction


def capa_list(*, actor: User, status: str = "") -> QuerySet[CorrectiveAction]:
    require(actor, Perm.INSIGHTS_VIEW)
    qs = CorrectiveAction.objects.select_related("department", "owner", "opened_by")
    allowed = department_ids(actor, Perm.INSIGHTS_VIEW)
    if allowed is not None:
        qs = qs.filter(department_id__in=allowed)
    if status == "open":
        qs = qs.exclude(status=CapaStatus.CLOSED)
    elif status in CapaStatus.values:
        qs = qs.filter(status=status)
    return qs.order_by("status", "due_on", "id")


def capa_get(*, actor: User, pk: Any) -> CorrectiveAction:
    text = str(pk)
    found = capa_list(actor=actor).filter(pk=int(text)).first() if is_id(text) else None
    if found is None:
        raise NotFound(_("corrective action %(pk)s does not exist") % {"pk": text[:20]})
    return found


def opened_closed(department_ids_: set[int] | None, start, end) -> dict[str, int]:
    """How many were opened and closed between two moments (the review report)."""
    qs = CorrectiveAction.objects.all()
    if department_ids_ is not None:
        qs = qs.filter(department_id__in=department_ids_)
    return {
        "opened": qs.filter(opened_at__gte=start, opened_at__lt=end).count(),
        "closed": qs.filter(closed_at__gte=start, closed_at__lt=end).count(),
        "open_now": qs.exclude(status=CapaStatus.CLOSED).count(),
    }


def review_list(*, actor: User) -> QuerySet[Any]:
    """Reports of the departments whose figures the actor sees; the organisation's only for
    those who see every department."""
    from caseledger.insights.models import ReviewReport

    require(actor, Perm.INSIGHTS_VIEW)
    qs = ReviewReport.objects.select_related("department", "generated_by", "signed_by").defer(
        "html", "figures"
    )
    allowed = department_ids(actor, Perm.INSIGHTS_VIEW)
    if allowed is not None:
        qs = qs.filter(department_id__in=allowed)
    return qs


def review_get(*, actor: User, pk: Any) -> Any:
    from caseledger.insights.models import ReviewReport

    text = str(pk)
    found = None
    if is_id(text):
        ids = review_list(actor=actor).filter(pk=int(text)).values_list("pk", flat=True)
        found = ReviewReport.objects.filter(pk__in=list(ids)).first()
    if found is None:
        raise NotFound(_("review report %(pk)s does not exist") % {"pk": text[:20]})
    return found


def org_only() -> str:
    return _("only someone who sees every department may do this for the whole organisation")


def require_review_view(actor: User, department_id: int | None) -> None:
    """Who may read (and so subscribe to) the review reports of a department, or of the
    organisation: insights.view there; for the organisation, over every department."""
    require(actor, Perm.INSIGHTS_VIEW, department_id)
    if department_id is None and department_ids(actor, Perm.INSIGHTS_VIEW) is not None:
        raise PermissionDenied(org_only(), code="forbidden")


def may_view_review(user: User, department_id: int | None) -> bool:
    """The same rule as `require_review_view`, as a yes or no (an inactive person: no)."""
    if not user.is_active or not can(user, Perm.INSIGHTS_VIEW, department_id):
        return False
    return department_id is not None or department_ids(user, Perm.INSIGHTS_VIEW) is None
