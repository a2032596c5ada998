"""Review reports (复盘) in the web: the list with a "generate" form, one report with its
sign-off form, its HTML and its PDF; and the dashboard's figures as CSV or XLSX."""

from __future__ import annotations

import csv
import io

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import visible_departments
from caseledger.core.errors import NotFound, PermissionDenied, ValidationFailed
from caseledger.insights import review, services, subscriptions
from caseledger.insights.capa_queries import review_get, review_list
from caseledger.insights.scope import parse_filters, scope_of
from caseledger.insights.subscriptions import my_review_subscriptions
from caseledger.web.viewing import AuthedRequest, page_of, web_view

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@web_view
def review_list_view(request: AuthedRequest) -> HttpResponseBase:
    if request.method == "POST":
        try:
            report = services.review_generate(
                actor=request.user,
                period=request.POST.get("period", ""),
                department=request.POST.get("department") or None,
            )
        except (ValidationFailed, NotFound) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Review report generated."))
            return redirect("web:review_detail", pk=report.pk)
    return render(
        request,
        "web/insights/reviews.html",
        {
            "reports": page_of(request, review_list(actor=request.user)),
            "departments": visible_departments(actor=request.user, perm=Perm.INSIGHTS_VIEW),
            "period": request.POST.get("period", ""),
            "subscriptions": my_review_subscriptions(actor=request.user),
        },
    )


@require_POST
@web_view
def review_subscription(request: AuthedRequest) -> HttpResponseBase:
    """Subscribe to (or unsubscribe from) the review reports of a department or of the
    organisation: the reports then come by e-mail, the PDF attached."""
    department = request.POST.get("department") or None
    try:
        if request.POST.get("op") == "unsubscribe":
            subscriptions.review_unsubscribe(actor=request.user, department=department)
            messages.success(request, _("Unsubscribed from these review reports."))
        else:
            subscriptions.review_subscribe(actor=request.user, department=department)
            messages.success(request, _("Subscribed: these review reports will be e-mailed."))
    except (ValidationFailed, NotFound, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("web:review_list")


@web_view
def review_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    report = review_get(actor=request.user, pk=pk)
    may_sign = can(request.user, Perm.CAPA_MANAGE, report.department_id)
    return render(
        request,
        "web/insights/review.html",
        {"report": report, "f": report.figures, "may_sign": may_sign and not report.signed_at},
    )


@require_POST
@web_view
def review_sign(request: AuthedRequest, pk: int) -> HttpResponseBase:
    report = review_get(actor=request.user, pk=pk)
    try:
        services.review_sign(
            actor=request.user, report=report, conclusion=request.POST.get("conclusion", "")
        )
    except ValidationFailed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Conclusion signed."))
    return redirect("web:review_detail", pk=report.pk)


@require_GET
@web_view
def review_html(request: AuthedRequest, pk: int) -> HttpResponseBase:
    report = review_get(actor=request.user, pk=pk)
    return HttpResponse(report.html, content_type="text/html; charset=utf-8")


@require_GET
@web_view
def review_pdf(request: AuthedRequest, pk: int) -> HttpResponseBase:
    report = review_get(actor=request.user, pk=pk)
    return FileResponse(
        review.stored_pdf(report).open("rb"),
        as_attachment=True,
        filename=review.file_name(report),
        content_type="application/pdf",
    )


def _export_rows(request: AuthedRequest) -> list[list]:
    scope = scope_of(request.user)
    filters = parse_filters(request.GET, scope)
    return services.insights_export(actor=request.user, filters=filters, scope=scope)


@require_GET
@web_view
def insights_csv(request: AuthedRequest) -> HttpResponseBase:
    try:
        rows = _export_rows(request)
    except ValidationFailed as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheet programs need the BOM to read UTF-8 Chinese
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "label", "cases"])
    for row in rows:  # a label never starts a formula
        writer.writerow([("'" + str(v)) if str(v)[:1] in "=+-@" else v for v in row])
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="insights.csv"'
    return response


@require_GET
@web_view
def insights_xlsx(request: AuthedRequest) -> HttpResponseBase:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    try:
        rows = _export_rows(request)
    except ValidationFailed as exc:
        return HttpResponse(str(exc), status=422, content_type="text/plain; charset=utf-8")
    book = Workbook(write_only=True)
    sheet = book.create_sheet("insights")

    def cell(value):
        c = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # never a formula
        return c

    sheet.append([cell(v) for v in ("dimension", "key", "label", "cases")])
    for row in rows:
        sheet.append([cell(v if isinstance(v, int) else str(v)) for v in row])
    data = io.BytesIO()
    book.save(data)
    response = HttpResponse(data.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="insights.xlsx"'
    return response
