"""Spreadsheet import pages (issue 13): upload (a dry run first, or straight in), the
batch's status and every bad row, the report to download, commit and undo. The import
itself runs in the worker; the batch page shows where it is."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.http import HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import visible_departments
from caseledger.core.errors import Conflict, NotFound, ValidationFailed
from caseledger.intake.spreadsheet import report
from caseledger.intake.spreadsheet.fields import fields_of
from caseledger.intake.spreadsheet.models import ImportKind, ImportMode
from caseledger.intake.spreadsheet.queries import batch_get, batch_visible, mapping_list
from caseledger.intake.spreadsheet.services import batch_create
from caseledger.intake.spreadsheet.tasks import import_task
from caseledger.intake.spreadsheet.undo import batch_undo
from caseledger.web.viewing import AuthedRequest, apply_errors, page_of, web_view

PROBLEMS_SHOWN = 200


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    department: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, empty_label="—", label=_("Department")
    )
    kind = forms.ChoiceField(label=_("Records"), choices=ImportKind.choices)
    mode = forms.ChoiceField(label=_("If some rows are bad"), choices=ImportMode.choices)
    mapping = forms.ChoiceField(label=_("Column mapping"), required=False)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = visible_departments(
            actor=actor, perm=Perm.CUSTOMER_MODIFY
        )
        self.fields["mapping"].choices = [("", _("From the column headers"))] + [
            (m.name, m.name) for m in mapping_list()
        ]


def _page(request: AuthedRequest, form: UploadForm, status: int = 200) -> HttpResponseBase:
    batches = page_of(request, batch_visible(actor=request.user))
    columns = list(fields_of("cases").items())  # what a header may say, on the page
    context = {"form": form, "batches": batches, "columns": columns}
    return render(request, "web/imports/list.html", context, status=status)


@web_view
def import_list(request: AuthedRequest) -> HttpResponseBase:
    if request.method != "POST":
        return _page(request, UploadForm(actor=request.user))
    form = UploadForm(request.POST, request.FILES, actor=request.user)
    if not form.is_valid():
        return _page(request, form, status=422)
    upload = form.cleaned_data["file"]
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "upload"
            with path.open("wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            batch = batch_create(
                actor=request.user,
                path=path,
                filename=upload.name or "upload",
                department=form.cleaned_data["department"],
                kind=form.cleaned_data["kind"],
                mode=form.cleaned_data["mode"],
                mapping=form.cleaned_data["mapping"],
            )
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return _page(request, form, status=422)
    import_task(batch.pk, request.user.pk, "commit" in request.POST)
    return redirect("web:import_detail", batch_id=batch.pk)


@web_view
def import_detail(request: AuthedRequest, batch_id: int) -> HttpResponseBase:
    batch = batch_get(actor=request.user, batch_id=batch_id)
    problems: list = []
    for item in report.rows(batch):
        if len(problems) == PROBLEMS_SHOWN:
            break
        problems.append(item)
    context = {"batch": batch, "problems": problems, "more": batch.problems.count() - len(problems)}
    return render(request, "web/imports/detail.html", context)


@web_view
def import_report(request: AuthedRequest, batch_id: int, fmt: str) -> HttpResponseBase:
    if fmt not in ("csv", "xlsx"):
        raise NotFound(gettext("no report as %(fmt)r") % {"fmt": fmt})
    batch = batch_get(actor=request.user, batch_id=batch_id)
    if fmt == "xlsx":
        kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = HttpResponse(report.as_xlsx(batch), content_type=kind)
    else:
        response = HttpResponse(report.as_csv(batch), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{batch.pk}-report.{fmt}"'
    return response


@require_POST
@web_view
def import_action(request: AuthedRequest, batch_id: int, verb: str) -> HttpResponseBase:
    if verb not in ("commit", "undo"):
        raise NotFound(gettext("no such action %(verb)r") % {"verb": verb})
    batch = batch_get(actor=request.user, batch_id=batch_id)
    try:
        if verb == "commit":
            import_task(batch.pk, request.user.pk, True)
        else:
            batch_undo(actor=request.user, batch=batch, reason=request.POST.get("reason", ""))
    except (Conflict, ValidationFailed) as exc:
        context = {"batch": batch, "problems": [], "more": 0, "error": exc.message}
        return render(request, "web/imports/detail.html", context, status=409)
    return redirect("web:import_detail", batch_id=batch.pk)
