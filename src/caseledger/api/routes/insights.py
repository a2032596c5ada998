"""The dashboard's figures over the API: the same panels the web shows, with the same
filters, scoping and drill-down filters (for GET /api/v1/cases). Needs `insights:read`."""

from __future__ import annotations

from typing import Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from caseledger.api.auth import actor
from caseledger.api.schemas import ErrorOut
from caseledger.insights.panels import PANELS, dashboard, panel
from caseledger.insights.scope import parse_filters, scope_of

router = Router(tags=["insights"])
ERRORS: dict[Any, Any] = {(400, 401, 403, 404, 409, 422): ErrorOut}
PanelName = Literal[
    "summary",
    "trend",
    "breakdown",
    "products",
    "root_causes",
    "repeats",
    "backlog",
    "sla",
    "workload",
]
TrendBy = Literal["kind", "channel", "category", "severity", "department_id", "status"]


class InsightsFilters(Schema):
    model_config = ConfigDict(populate_by_name=True)
    from_: str | None = Field(None, alias="from", max_length=7, description="YYYY-MM")
    to: str | None = Field(None, max_length=7, description="YYYY-MM")
    department: str | None = Field(None, max_length=40, description="id or code")
    category: str | None = Field(None, max_length=40)
    channel: str | None = Field(None, max_length=20)
    by: TrendBy = "kind"


def _filters(request: HttpRequest, query: InsightsFilters):
    scope = scope_of(actor(request))
    params = query.model_dump(by_alias=True, exclude_none=True)
    return scope, parse_filters(params, scope)


@router.get(
    "/insights/dashboard",
    response={200: dict[str, Any], **ERRORS},
    description="Every dashboard panel for a period of whole months (`from`, `to`: YYYY-MM; "
    "default the last 12) and filters. Supervisors: their departments; compliance and "
    "auditors: all; restricted records count only for compliance. Each figure's `drill` "
    "holds the case-list filters that list its cases. Needs `insights:read`.",
)
def insights_dashboard(request: HttpRequest, query: Query[InsightsFilters]) -> Any:
    scope, filters = _filters(request, query)
    return dashboard(scope, filters, by=query.by)


@router.get(
    "/insights/panels/{name}",
    response={200: Any, **ERRORS},
    description=f"One panel ({', '.join(PANELS)}), same filters as the dashboard. "
    "Needs `insights:read`.",
)
def insights_panel(request: HttpRequest, name: PanelName, query: Query[InsightsFilters]) -> Any:
    scope, filters = _filters(request, query)
    return {
        "name": name,
        "filters": filters.as_params(),
        "figures": panel(name, scope, filters, by=query.by),
    }
