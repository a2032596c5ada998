"""What a search does per page (search.queries.search): someone who may see every case is
not checked case by case against the case table, and the page's hits read only what the
interfaces show of their department, assignee and customer."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from caseledger.api.schemas import CaseOut
from caseledger.search.backends import backend
from caseledger.search.queries import _scope_sql, scoped, search
from caseledger.search.tokens import text_tokens
from tests.factories import make_case


def test_compliance_searches_without_a_check_per_match_and_still_finds_only_real_cases(
    people, customer
):
    # Given a case, and a document left in the index for a case id no case has
    case = make_case(people.agent, customer, description="冷链运输温度超标")
    backend().write({case.pk + 10_000: text_tokens("冷链运输温度超标")})
    # Then compliance, who sees every case, searches with no per-match scope at all...
    assert _scope_sql(scoped(people.compliance, {})) is None
    # ...while a filter, or a person limited to departments, keeps the check
    assert _scope_sql(scoped(people.compliance, {"status": "new"})) is not None
    assert _scope_sql(scoped(people.agent, {})) is not None
    assert _scope_sql(scoped(people.auditor, {})) is not None
    # And neither order shows the document of the missing case
    for order in ("newest", "ranked"):
        hits = search(actor=people.compliance, q="冷链", order=order).hits
        assert [h.case.pk for h in hits] == [case.pk]


def test_a_page_of_hits_reads_only_what_is_shown_of_department_assignee_and_customer(
    people, customer
):
    make_case(people.agent, customer, description="发票抬头错误", assignee=people.agent)
    hit = search(actor=people.agent, q="发票").hits[0]
    # Only the shown columns of the related rows were read...
    assert {"kind", "name"}.isdisjoint(hit.case.customer.get_deferred_fields())
    assert hit.case.customer.get_deferred_fields()
    assert "username" not in hit.case.assignee.get_deferred_fields()
    assert "password" in hit.case.assignee.get_deferred_fields()
    # ...and the API's case needs no further query
    with CaptureQueriesContext(connection) as queries:
        out = CaseOut.from_orm(hit.case).model_dump()
    assert len(queries.captured_queries) == 0
    assert out["department"] == hit.case.department.code
    assert out["assignee"] == people.agent.username
    assert out["customer"]["id"] == customer.pk
