"""An archived case in full, opened from its segment (a POST: every opening is journaled,
so a prefetch or a crawler never records a look), and the restore to active."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.archive.services import archive_read, archive_restore
from caseledger.cases.queries import case_get
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.web.viewing import AuthedRequest, error_text, web_view


@web_view
@never_cache
@require_POST
def archived_record(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    try:
        record = archive_read(actor=request.user, case=case)
    except Conflict as exc:
        messages.error(request, error_text(exc))
        return redirect("web:case_detail", pk=case.pk)
    return render(
        request,
        "web/cases/archived.html",
        {
            "case": case,
            "record": record,
            "full": record["case"],
            "can_restore": can(request.user, Perm.RETENTION_MANAGE, case.department_id),
        },
    )


@web_view
@require_POST
def archived_restore(request: AuthedRequest, pk: int) -> HttpResponseBase:
    case = case_get(actor=request.user, case_id=pk)
    try:
        archive_restore(actor=request.user, case=case, reason=request.POST.get("reason", ""))
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(
            request, _("%(reference)s is active again.") % {"reference": case.reference}
        )
    return redirect("web:case_detail", pk=case.pk)
