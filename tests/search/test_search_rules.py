"""Rules the index keeps: results scoped like the case list (department; restricted records
for compliance only), archived cases found by their text, erased records gone from the
index with the disposition that erased them."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.archive.services import archive_run
from caseledger.cases.models import Case
from caseledger.core import erasure
from caseledger.disposition import services as disp
from caseledger.journal.services import write_transaction
from caseledger.retention.services import record_restrict
from caseledger.search import indexer
from caseledger.search.backends import backend
from caseledger.search.queries import search
from tests.archive.conftest import archive_store, closed_case  # noqa: F401
from tests.disposition.conftest import make_schedule, recompute
from tests.factories import make_case, make_customer


def refs(actor, q, **kwargs) -> set[str]:
    return {h.case.reference for h in search(actor=actor, q=q, **kwargs).hits}


def test_each_person_finds_only_the_cases_of_their_departments(people, customer):
    ours = make_case(people.agent, customer, description="宽带安装延误")
    theirs_customer = make_customer(people.outsider, people.service)
    theirs = make_case(people.outsider, theirs_customer, description="宽带安装延误")
    assert refs(people.agent, "宽带") == {ours.reference}
    assert refs(people.supervisor, "宽带") == {ours.reference}
    assert refs(people.outsider, "宽带") == {theirs.reference}
    assert refs(people.compliance, "宽带") == {ours.reference, theirs.reference}
    # facets count only what the person may see
    facets = search(actor=people.agent, q="宽带", facets=True).facets
    assert facets["department"] == [(people.sales.pk, 1)]


def test_a_person_without_case_access_cannot_search(people, customer):
    from caseledger.core.errors import PermissionDenied

    make_case(people.agent, customer)
    with pytest.raises(PermissionDenied):
        search(actor=people.admin, q="退款")


def test_a_restricted_case_is_found_by_compliance_only(people, customer):
    case = make_case(people.agent, customer, description="投诉升级到监管")
    assert refs(people.agent, "监管") == {case.reference}
    record_restrict(actor=people.records_manager, reason="PIPL Art 47 test", case=case)
    assert refs(people.agent, "监管") == set()
    assert refs(people.supervisor, "监管") == set()
    assert refs(people.compliance, "监管") == {case.reference}


def test_an_archived_case_stays_findable_by_its_text_and_after_a_rebuild(people, customer):
    case = closed_case(people, customer, root_cause="计费系统重复扣款")
    assert refs(people.agent, "重复扣款") == {case.reference}
    archive_run(actor=None, on=dt.date(2026, 11, 22))
    stub = Case.objects.get(pk=case.pk)
    assert stub.archived_at is not None and stub.root_cause == ""
    for q in ("重复扣款", "回访", "refunded"):  # root cause, a note, the resolution
        assert refs(people.agent, q) == {case.reference}, q
    indexer.rebuild()
    for q in ("重复扣款", "回访", "refunded"):
        assert refs(people.agent, q) == {case.reference}, q


def test_an_erased_record_leaves_the_index_with_the_disposing_transaction(people, customer):
    case = make_case(people.agent, customer, description="账单金额异常")
    assert refs(people.agent, "异常") == {case.reference}
    with pytest.raises(RuntimeError), write_transaction():
        erasure.erase(mode="destroy", case_ids=[case.pk])
        assert backend().existing([case.pk]) == set()
        raise RuntimeError("the disposition failed after erasing")
    assert backend().existing([case.pk]) == {case.pk}  # rolled back together
    with write_transaction():
        erasure.erase(mode="anonymize", customer_ids=[customer.pk])
    assert backend().existing([case.pk]) == set()


def test_destroyed_cases_are_no_longer_found_and_leave_no_document(people, customer):
    schedule = make_schedule(people, "destroy", code="complaints-destroy")
    made = [make_case(people.agent, customer, description="重复扣费请退款") for _ in range(2)]
    recompute(people)
    assert len(refs(people.compliance, "扣费")) == 2
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    disp.disposition_execute(actor=people.records_manager, batch=batch)
    assert refs(people.compliance, "扣费") == set()
    assert backend().existing([c.pk for c in made]) == set()
    assert "search" in erasure.handlers()
