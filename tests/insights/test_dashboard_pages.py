"""The dashboard as its readers see it: scoped by department, restricted records counted
only for compliance, every figure a link to the matching cases, bad filters named."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from caseledger.core import clock
from caseledger.insights import rollup
from caseledger.retention.services import record_restrict
from tests.factories import make_case, make_customer
from tests.web.conftest import login  # noqa: F401  (fixture)

NOW = dt.datetime(2026, 11, 20, 3, tzinfo=dt.UTC)


@pytest.fixture
def world(people):
    with clock.frozen(NOW):
        sales = make_customer(people.agent, people.sales)
        other = make_customer(people.outsider, people.service)
        for _ in range(3):
            make_case(people.agent, sales, category="billing", subcategory="refund")
        make_case(people.agent, sales, category="delivery", subcategory="late")
        make_case(people.outsider, other, category="service", subcategory="attitude")
        hidden = make_case(people.agent, sales, category="privacy", subcategory="leak")
        record_restrict(actor=people.records_manager, reason="PIPL Art 47", case=hidden)
    return people


def cases_figure(html: str) -> int:
    return int(re.search(r'id="figure-cases" href="[^"]*">(\d+)<', html).group(1))


@pytest.mark.clock(NOW)
def test_a_supervisor_sees_only_their_departments_and_no_restricted_record(world, login):  # noqa: F811
    response = login(world.supervisor).get("/insights/?from=2026-11&to=2026-11")
    assert response.status_code == 200
    html = response.content.decode()
    assert cases_figure(html) == 4  # sales only; the restricted case is not counted
    assert "echarts.common.min.js" in html and "<script>" not in html
    assert "Attitude" not in html


@pytest.mark.clock(NOW)
def test_compliance_counts_restricted_records_in_the_totals(world, login):  # noqa: F811
    html = login(world.compliance).get("/insights/?from=2026-11&to=2026-11").content.decode()
    assert cases_figure(html) == 6
    auditor = login(world.auditor).get("/insights/?from=2026-11&to=2026-11").content.decode()
    assert cases_figure(auditor) == 5


@pytest.mark.clock(NOW)
def test_a_category_bar_links_to_the_case_list_of_exactly_its_cases(world, login):  # noqa: F811
    client = login(world.supervisor)
    html = client.get("/insights/?from=2026-11&to=2026-11&category=billing").content.decode()
    assert cases_figure(html) == 3
    link = re.search(r'href="(/cases/\?[^"]*category=billing[^"]*)"', html).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert len(set(re.findall(r"CL-\d{4}-\d+", listed))) == 3


@pytest.mark.clock(NOW)
def test_an_agent_may_not_see_the_dashboard(world, login):  # noqa: F811
    assert login(world.agent).get("/insights/").status_code == 403
    response = login(world.supervisor).get(f"/insights/?department={world.service.pk}")
    assert response.status_code == 403


@pytest.mark.clock(NOW)
def test_bad_filters_are_named_and_the_default_period_shown(world, login):  # noqa: F811
    response = login(world.supervisor).get("/insights/?from=2026-13&category=nope", follow=True)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is not a month" in html and "is not a category" in html


@pytest.mark.clock(NOW)
def test_the_dashboard_reads_in_chinese(world, login):  # noqa: F811
    client = login(world.supervisor)
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/insights/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "关键指标" in html and "按类别" in html


def test_the_page_catches_up_a_small_lag_itself(people, customer, login):  # noqa: F811
    make_case(people.agent, customer)
    assert rollup.lag()["entries"] > 0
    login(people.supervisor).get("/insights/")
    assert rollup.lag()["entries"] == 0


@pytest.mark.clock(NOW)
def test_a_severity_figure_links_to_exactly_its_cases(world, login):  # noqa: F811
    with clock.frozen(NOW):
        customer = make_customer(world.agent, world.sales)
        make_case(world.agent, customer, severity="critical")
    client = login(world.supervisor)
    html = client.get("/insights/?from=2026-11&to=2026-11").content.decode()
    link = re.search(r'href="(/cases/\?[^"]*severity=critical[^"]*)"', html).group(1)
    listed = client.get(link.replace("&amp;", "&")).content.decode()
    assert len(set(re.findall(r"CL-\d{4}-\d+", listed))) == 1
