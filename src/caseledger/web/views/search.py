"""The search page: the navigation box's target. Results scoped like the case list, newest
first or ranked, filtered and faceted, one page at a time."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from caseledger.accounts.models import Department
from caseledger.cases.models import Channel, Status
from caseledger.cases.taxonomy import category_label
from caseledger.core.errors import Conflict, NotFound, ValidationFailed
from caseledger.knowledge.queries import article_search
from caseledger.search.models import SavedSearch
from caseledger.search.queries import FACETS, ORDERS, rank_window, search
from caseledger.search.services import FILTER_NAMES, saved_search_create, saved_search_delete
from caseledger.web.forms import CaseFilterForm
from caseledger.web.viewing import AuthedRequest, clean_filters, web_view
from caseledger.workflow.models import ClockState


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
        "clock": dict(ClockState.choices),
    }
    out = []
    for name in (*FACETS, "clock"):
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
    context: dict[str, Any] = {
        "form": form,
        "q": q,
        "order": order,
        "results": None,
        "saved": saved_links(request),
        "rank_window": rank_window(),
    }
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
            if not request.GET.get("cursor"):
                context["articles"] = article_search(actor=request.user, q=q, limit=5)
    return render(request, "web/search/results.html", context, status=status)


def saved_links(request: AuthedRequest) -> list[dict[str, Any]]:
    """The person's saved searches, each with the search page's link that reruns it."""
    out = []
    for saved in SavedSearch.objects.filter(owner=request.user).order_by("name"):
        params = {"q": saved.q, "order": saved.order, **saved.filters}
        out.append({"saved": saved, "url": reverse("web:search") + "?" + urlencode(params)})
    return out


@require_POST
@web_view
def saved_search_save(request: AuthedRequest) -> HttpResponseBase:
    """Save the search the page shows (its query, filters and order) under a name."""
    post = request.POST
    filters = {k: post[k] for k in FILTER_NAMES if post.get(k)}
    data = {"name": post.get("name", ""), "q": post.get("q", ""), "filters": filters}
    if post.get("order") in ORDERS:
        data["order"] = post["order"]
    try:
        saved = saved_search_create(actor=request.user, data=data)
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.shown())
    else:
        messages.success(request, _("Search saved as “%(name)s”.") % {"name": saved.name})
    params = {"q": data["q"], **filters, **({"order": data["order"]} if "order" in data else {})}
    return redirect(reverse("web:search") + "?" + urlencode(params))


@require_POST
@web_view
def saved_search_remove(request: AuthedRequest, pk: int) -> HttpResponseBase:
    try:
        saved_search_delete(actor=request.user, saved_id=pk)
    except NotFound as exc:
        messages.error(request, exc.shown())
    else:
        messages.success(request, _("Saved search deleted."))
    return redirect("web:search")
