"""The index keeps each case's visibility (department; hidden when it or its customer is
restricted) so a limited person's search is scoped inside the engine: the engine's page
equals the case list's scope, on both engines, and stays equal when a case moves
department, is restricted or lifted (itself or through its customer), is archived or
erased, after a rebuild. Each check reads the engine's page directly too: `search()`
re-reads its page through the case list, which would hide a stale visibility that shows
too much, but not one that hides too much."""

from __future__ import annotations

import datetime as dt

from caseledger.archive.services import archive_run
from caseledger.cases.models import Case
from caseledger.cases.queries import case_list
from caseledger.cases.services import case_update
from caseledger.core import erasure
from caseledger.journal.services import write_transaction
from caseledger.retention.services import record_restrict, record_unrestrict
from caseledger.search import indexer
from caseledger.search.backends import NEWEST, RANKED, backend
from caseledger.search.queries import engine_scope, matching_ids, scoped, search
from caseledger.search.tokens import parse
from tests.archive.conftest import archive_store, closed_case  # noqa: F401
from tests.factories import make_case, make_customer

WORD = "宽带"


def expected(actor) -> set[int]:
    """The case list's answer: its scope, then the index's text match."""
    indexer.catch_up()
    return set(matching_ids(case_list(actor=actor), parse(WORD)).values_list("pk", flat=True))


def engine_page(actor, order: str) -> set[int]:
    indexer.catch_up()
    scope = engine_scope(actor, {}, scoped(actor, {}))
    rows = backend().page(parse(WORD), scope=scope, order=order, limit=100, window=2000)
    return {pk for pk, _score in rows}


def searched(actor, order: str) -> set[int]:
    return {h.case.pk for h in search(actor=actor, q=WORD, order=order, limit=100).hits}


def mover(people):
    """A supervisor of both departments (may move a case between them)."""
    from caseledger.accounts.models import User
    from caseledger.accounts.services import user_create

    found = User.objects.filter(username="mia").first()
    return found or user_create(
        actor=None,
        username="mia",
        password=people.password,
        roles=["supervisor"],
        department=people.sales,
        supervised=[people.sales, people.service],
    )


def assert_scoped_like_the_case_list(people) -> None:
    for name in ("agent", "supervisor", "outsider", "compliance", "records_manager", "mia"):
        actor = mover(people) if name == "mia" else getattr(people, name)
        want = expected(actor)
        for order in (NEWEST, RANKED):
            assert engine_page(actor, order) == want, (name, order)
            assert searched(actor, order) == want, (name, order)


def test_scoped_results_equal_the_case_list_and_follow_moves_and_restrictions(people, customer):
    other = make_customer(people.outsider, people.service)
    restricted_customer = make_customer(people.agent, people.sales)
    ours = [make_case(people.agent, customer, description=f"{WORD}安装延误 {i}") for i in range(3)]
    theirs = make_case(people.outsider, other, description=f"{WORD}信号差")
    hidden = make_case(people.agent, restricted_customer, description=f"{WORD}资费争议")
    make_case(people.agent, customer, description="无关的账单问题")
    record_restrict(actor=people.records_manager, reason="PIPL Art 47", case=ours[2])
    record_restrict(
        actor=people.records_manager, reason="PIPL Art 47", customer=restricted_customer
    )
    assert_scoped_like_the_case_list(people)
    assert engine_page(people.agent, NEWEST) == {ours[0].pk, ours[1].pk}
    assert engine_page(people.outsider, RANKED) == {theirs.pk}
    assert engine_page(people.compliance, RANKED) == {*(c.pk for c in ours), theirs.pk, hidden.pk}

    # A move: the new department's agent finds it (the index must have learned of it), the
    # old one's does not.
    case_update(actor=mover(people), case=ours[0], data={"department": "service"})
    assert engine_page(people.outsider, NEWEST) == {theirs.pk, ours[0].pk}
    assert engine_page(people.agent, RANKED) == {ours[1].pk}
    assert_scoped_like_the_case_list(people)

    # Lifting restrictions shows the cases again; restricting one hides it in the index.
    record_unrestrict(actor=people.records_manager, reason="lifted", case=ours[2])
    record_unrestrict(actor=people.records_manager, reason="lifted", customer=restricted_customer)
    assert engine_page(people.agent, RANKED) == {ours[1].pk, ours[2].pk, hidden.pk}
    record_restrict(actor=people.records_manager, reason="PIPL Art 47", case=ours[1])
    assert engine_page(people.agent, NEWEST) == {ours[2].pk, hidden.pk}
    assert_scoped_like_the_case_list(people)

    # A rebuild writes the same visibility.
    indexer.rebuild()
    assert engine_page(people.agent, NEWEST) == {ours[2].pk, hidden.pk}
    assert_scoped_like_the_case_list(people)


def test_an_archived_case_keeps_its_document_and_follows_its_restriction(people, customer):
    case = closed_case(people, customer, root_cause=f"{WORD}计费系统重复扣款")
    archive_run(actor=None, on=dt.date(2026, 11, 22))
    assert Case.objects.get(pk=case.pk).archived_at is not None
    assert engine_page(people.agent, RANKED) == {case.pk}
    record_restrict(actor=people.records_manager, reason="PIPL Art 47", case=case)
    assert engine_page(people.agent, RANKED) == set()
    assert engine_page(people.compliance, NEWEST) == {case.pk}
    assert_scoped_like_the_case_list(people)


def test_an_erased_case_leaves_no_visibility_behind(people, customer):
    case = make_case(people.agent, customer, description=f"{WORD}账单金额异常")
    kept = make_case(people.agent, customer, description=f"{WORD}另一件")
    assert engine_page(people.agent, NEWEST) == {case.pk, kept.pk}
    with write_transaction():
        erasure.erase(mode="destroy", case_ids=[case.pk])
    assert backend().existing([case.pk]) == set()
    assert engine_page(people.agent, NEWEST) == {kept.pk}
