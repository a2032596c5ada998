"""Remove a wrongly attached file from a case: a confirmation page naming the file, with a
required reason; POST then redirect with a message. The service decides who may, refuses
under a legal hold (naming the matter) and keeps the content until disposition."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.cases.queries import attachment_get
from caseledger.cases.services import case_attachment_remove
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.retention.errors import Held
from caseledger.web.viewing import AuthedRequest, apply_errors, web_view
from caseledger.web.views.cases import case_detail_url
from caseledger.web.views.restriction import ReasonForm


@web_view
@never_cache
def attachment_remove(request: AuthedRequest, pk: int) -> HttpResponseBase:
    attachment = attachment_get(actor=request.user, attachment_id=pk)
    case = attachment.case
    require(request.user, Perm.CASE_MODIFY, case.department_id)  # the service checks again
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_attachment_remove(
                actor=request.user, attachment=attachment, reason=form.cleaned_data["reason"]
            )
        except Held:
            raise  # web_view shows the "under legal hold" page naming the matter
        except (ValidationFailed, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(file)s was removed from %(case)s; the case history keeps it.")
                % {"file": attachment.filename, "case": case.reference},
            )
            return redirect(f"{case_detail_url(case)}#attachments")
    return render(
        request,
        "web/cases/attachment_remove.html",
        {"form": form, "attachment": attachment, "case": case},
        status=422 if form.errors else 200,
    )
