"""Corrective actions (CAPA) in the web: the list with an "open" form (prefilled from a
dashboard finding or a case), one action with its update form. Views parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import visible_departments
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.ids import is_id
from caseledger.insights import services
from caseledger.insights.capa_queries import capa_get, capa_list
from caseledger.insights.models import CapaStatus
from caseledger.web.viewing import AuthedRequest, page_of, web_view

FORM_FIELDS = ("department", "problem", "source", "owner", "due_on", "case_ids")


def _data(post, names) -> dict:
    return {k: post.get(k, "") for k in names if k in post}


@web_view
def action_list(request: AuthedRequest) -> HttpResponseBase:
    actions = capa_list(actor=request.user, status=request.GET.get("status", "open"))
    initial = {k: request.GET.get(k, "") for k in FORM_FIELDS}
    error = ""
    if request.method == "POST":
        try:
            capa = services.capa_open(actor=request.user, data=_data(request.POST, FORM_FIELDS))
        except (ValidationFailed, Conflict) as exc:
            error, initial = str(exc), _data(request.POST, FORM_FIELDS)
        else:
            messages.success(request, _("Corrective action %(pk)s opened.") % {"pk": capa.pk})
            return redirect("web:action_detail", pk=capa.pk)
    may_open = can(request.user, Perm.CAPA_MANAGE)
    departments = (
        list(visible_departments(actor=request.user, perm=Perm.CAPA_MANAGE)) if may_open else []
    )
    return render(
        request,
        "web/insights/actions.html",
        {
            "page": page_of(request, actions),
            "may_open": may_open,
            "departments": departments,
            # the owner may move it on: per department, only those who may (not everyone)
            "owners": [(d, services.owner_choices(d.pk)) for d in departments],
            "initial": initial,
            "error": error,
            "status": request.GET.get("status", "open"),
        },
        status=422 if error else 200,
    )


@web_view
def action_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    capa = capa_get(actor=request.user, pk=pk)
    return render(
        request,
        "web/insights/action.html",
        {
            "capa": capa,
            "may_manage": services.may_manage(request.user, capa),
            "statuses": CapaStatus.choices,
            "owners": services.owner_choices(capa.department_id),
        },
    )


@require_POST
@web_view
def action_update(request: AuthedRequest, pk: int) -> HttpResponseBase:
    capa = capa_get(actor=request.user, pk=pk)
    names = ("status", "verification", "owner", "due_on", "case_ids", "problem")
    version = request.POST.get("version", "")
    try:
        services.capa_update(
            actor=request.user,
            capa=capa,
            data=_data(request.POST, names),
            reason=request.POST.get("reason", ""),
            # The version the form was read at: another supervisor's save meanwhile is
            # refused, not overwritten.
            expected_version=int(version) if is_id(version) and len(version) < 10 else None,
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Corrective action %(pk)s saved.") % {"pk": capa.pk})
    return redirect("web:action_detail", pk=capa.pk)
