"""The search page: the navigation box's target. Results scoped like the case list, newest
first or ranked, filtered and faceted, one page at a time."""

from __future__ import annotations

from typing import Any

from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.http import require_GET

from caseledger.accounts.models import Department
from caseledger.cases.models import Channel, Status
from caseledger.cases.taxonomy import category_label
from caseledger.core.errors import ValidationFailed
from caseledger.search.queries import FACETS, ORDERS, search
from caseledger.web.forms import CaseFilterForm
from caseledger.web.viewing import AuthedRequest, clean_filters, web_view


def _facet_labels(facets: dict[str, list[tuple[Any, int]]]) -> list[dict[str, Any]]:
    departments = dict(
        Department.objects.filter(pk__in=[v for v, _n in facets.get("department", [])]).values_list(
            "pk", "name"
        )
    )
    labels: dict[str, dict[Any, Any]] = {
        "status": dict(Status.choices),
        "channel": dict(Channel.choices),
        "department": departments,
    }
    out = []
    for name in FACETS:
        values = [
            {
                "value": value,
                "label": labels[name].get(value, value)
                if name in labels
                else str(category_label(value)),
                "count": n,
            }
            for value, n in facets.get(name, [])
        ]
        out.append({"name": name, "values": values})
    out.append(
        {
            "name": "year",
            "values": [
                {"value": year, "label": str(year), "count": n}
                for year, n in facets.get("year", [])
            ],
        }
    )
    return out


@web_view
@require_GET
def search_page(request: AuthedRequest) -> HttpResponseBase:
    form = CaseFilterForm(request.GET or None, actor=request.user)
    filters = {k: getattr(v, "pk", v) for k, v in clean_filters(form).items()}
    filters.pop("sort", None)
    q = request.GET.get("q", "")
    order = request.GET.get("order") or "newest"
    order = order if order in ORDERS else "newest"
    context: dict[str, Any] = {"form": form, "q": q, "order": order, "results": None}
    status = 200
    if q.strip():
        try:
            results = search(
                actor=request.user,
                q=q,
                filters=filters,
                order=order,
                cursor=request.GET.get("cursor") or None,
                facets=True,
            )
        except ValidationFailed as exc:
            context["error"] = exc.shown()
            status = 422
        else:
            context["results"] = results
            context["facets"] = _facet_labels(results.facets)
    return render(request, "web/search/results.html", context, status=status)
