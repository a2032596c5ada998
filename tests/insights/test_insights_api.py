"""GET /api/v1/insights/...: the dashboard's figures, scoped and filtered as on the web."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.core import clock
from tests.api.conftest import api_as  # noqa: F401  (fixture)
from tests.factories import make_case, make_customer

NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)
SCOPES = ["insights:read"]


@pytest.fixture
def cases(people):
    with clock.frozen(NOW):
        sales = make_customer(people.agent, people.sales)
        other = make_customer(people.outsider, people.service)
        make_case(people.agent, sales, category="billing", subcategory="refund")
        make_case(people.agent, sales, category="delivery", subcategory="late", product_ref="X1")
        make_case(people.outsider, other, category="service", subcategory="attitude")


@pytest.mark.clock(NOW)
def test_the_api_gives_the_dashboard_scoped_to_the_supervisor(people, cases, api_as):  # noqa: F811
    response = api_as(people.supervisor, SCOPES).get("/insights/dashboard", {"from": "2026-11"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["summary"]["now"]["cases"] == 2
    categories = {i["key"]: i["n"] for i in body["breakdown"]["category"]}
    assert categories == {"billing": 1, "delivery": 1}
    assert body["products"][0]["drill"]["q"] == "X1"
    assert body["backlog"]["open"] == 2 and body["backlog"]["ages"][0]["n"] == 2
    assert [i["n"] for i in body["backlog"]["ages"][1:]] == [0, 0, 0, 0]
    everything = api_as(people.auditor, SCOPES).get("/insights/dashboard", {"from": "2026-11"})
    assert everything.json()["summary"]["now"]["cases"] == 3


@pytest.mark.clock(NOW)
def test_one_panel_at_a_time_with_filters(people, cases, api_as):  # noqa: F811
    client = api_as(people.compliance, SCOPES)
    response = client.get(
        "/insights/panels/trend", {"from": "2026-11", "to": "2026-11", "by": "channel"}
    )
    assert response.status_code == 200
    figures = response.json()["figures"]
    assert len(figures["periods"]) == 30  # one month: per day
    bad = client.get("/insights/panels/summary", {"from": "2026-1"})
    assert bad.status_code == 422 and "YYYY-MM" in bad.json()["error"]["message"]


@pytest.mark.clock(NOW)
def test_the_api_refuses_an_agent_and_a_token_without_the_scope(people, cases, api_as):  # noqa: F811
    assert api_as(people.agent, SCOPES).get("/insights/dashboard").status_code == 403
    narrow = api_as(people.supervisor, ["cases:read"]).get("/insights/dashboard")
    assert narrow.status_code == 403 and "insights:read" in narrow.json()["error"]["message"]
