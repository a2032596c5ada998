"""The insights dashboard: every panel from caseledger.insights, each figure a link to the
case list that shows the cases it counts. Views parse, call, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from caseledger.accounts.permissions import Perm
from caseledger.accounts.queries import visible_departments
from caseledger.cases.models import Channel
from caseledger.cases.taxonomy import category_choices
from caseledger.core.errors import ValidationFailed
from caseledger.insights.panels import dashboard
from caseledger.insights.scope import parse_filters, scope_of
from caseledger.web.viewing import AuthedRequest, web_view

TREND_BY = ("kind", "channel", "category", "severity", "department_id", "status")


def with_links(value: Any, base: str) -> Any:
    """Every `drill` (case-list filters) gets its `url`."""
    if isinstance(value, dict):
        out = {k: with_links(v, base) for k, v in value.items()}
        if isinstance(value.get("drill"), dict):
            out["url"] = f"{base}?{urlencode(value['drill'])}"
        if isinstance(value.get("drills"), list):
            out["urls"] = [f"{base}?{urlencode(d)}" for d in value["drills"]]
        return out
    if isinstance(value, list):
        return [with_links(v, base) for v in value]
    return value


@web_view
def dashboard_view(request: AuthedRequest) -> HttpResponseBase:
    scope = scope_of(request.user)
    try:
        filters = parse_filters(request.GET, scope)
    except ValidationFailed as exc:
        messages.error(request, str(exc))
        filters = parse_filters({}, scope)
    by = str(request.GET.get("by") or "kind")
    by = by if by in TREND_BY else "kind"
    data = with_links(dashboard(scope, filters, by=by), reverse("web:case_list"))
    trend = data["trend"]
    rows = [
        (period, trend["urls"][i], [s["values"][i] for s in trend["series"]])
        for i, period in enumerate(trend["periods"])
    ]
    return render(
        request,
        "web/insights/dashboard.html",
        {
            "d": data,
            "filters": filters,
            "by": by,
            "trend_by": TREND_BY,
            "trend_rows": rows,
            "departments": visible_departments(actor=request.user, perm=Perm.INSIGHTS_VIEW),
            "categories": category_choices(),
            "channels": Channel.choices,
        },
    )
