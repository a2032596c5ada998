"""The roll-ups follow the journal: scenarios a reader of the dashboard relies on."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from caseledger.cases.services import case_note_add, case_update
from caseledger.core import erasure
from caseledger.disposition import records
from caseledger.insights import rollup
from caseledger.insights.models import CaseFact, Rollup
from caseledger.journal.services import write_transaction
from caseledger.retention.services import record_restrict
from tests.factories import make_case


def total(cube: str = "m", **where) -> int:
    return Rollup.objects.filter(cube=cube, **where).aggregate(n=Sum("n"))["n"] or 0


def test_new_cases_count_once_the_journal_is_followed(people, customer):
    make_case(people.agent, customer)
    make_case(people.agent, customer, category="service", subcategory="attitude")
    assert total() == 0  # nothing is counted on write: the follower does it
    assert rollup.catch_up()["entries"] > 0
    for cube in rollup.CUBES:
        assert total(cube) == 2
    assert total(category="service") == 1
    assert rollup.catch_up()["entries"] == 0  # nothing new, nothing recounted
    assert total() == 2


def test_a_second_case_of_the_same_customer_within_the_window_is_a_repeat(people, customer):
    make_case(people.agent, customer)
    make_case(people.agent, customer)
    rollup.catch_up()
    assert sorted(CaseFact.objects.values_list("repeat_customer", flat=True)) == [False, True]
    assert Rollup.objects.filter(cube="m").aggregate(r=Sum("repeat_customer"))["r"] == 1


def test_closing_moves_the_case_between_statuses_and_records_its_resolution(people, case):
    rollup.catch_up()
    assert total(status="received") == 1
    case_note_add(actor=people.agent, case=case, body="已回复 replied", kind="outbound")
    case_update(actor=people.agent, case=case, data={"status": "closed", "resolution": "ok"})
    rollup.catch_up()
    assert total(status="received") == 0
    row = Rollup.objects.get(cube="m", status="closed")
    assert (row.n, row.resolved, row.responded) == (1, 1, 1)


def test_a_destroyed_case_leaves_the_counts_with_the_disposing_transaction(people, case):
    rollup.catch_up()
    with pytest.raises(RuntimeError), write_transaction():
        erasure.erase(mode="destroy", case_ids=[case.pk])
        raise RuntimeError("the disposition failed")
    assert total() == 1  # rolled back together
    with write_transaction():
        records.destroy(case, "T-1")
    assert total() == 0 and not CaseFact.objects.exists()
    assert "insights" in erasure.handlers()


def test_a_restricted_customer_marks_every_case_restricted(people, customer, case):
    rollup.catch_up()
    record_restrict(actor=people.records_manager, reason="PIPL Art 47", customer=customer)
    rollup.catch_up()
    assert total(restricted=True) == 1 and total(restricted=False) == 0


def test_a_rebuild_gives_the_same_counts(people, customer, case):
    make_case(people.agent, customer, product_ref="PLAN-007")
    rollup.catch_up()
    before = sorted(Rollup.objects.values_list("cube", "period", "product", "status", "n"))
    rollup.rebuild()
    after = sorted(Rollup.objects.values_list("cube", "period", "product", "status", "n"))
    assert before == after and total("p", product="PLAN-007") == 1


def test_the_worker_rebuilds_in_bulk_when_far_behind(people, customer, case, monkeypatch):
    from caseledger.insights import tasks

    monkeypatch.setattr(tasks, "REBUILD_OVER", 1)
    result = tasks.follow()
    assert result["cases"] == 1 and "from_seq" in result  # the bulk path
    assert total() == 1


def test_an_earlier_dated_case_makes_the_later_one_a_repeat_and_its_erasure_undoes_it(
    people, customer
):
    import datetime as dt

    from caseledger.core import clock

    later = make_case(people.agent, customer)
    rollup.catch_up()
    assert not CaseFact.objects.get(case_id=later.pk).repeat_customer
    received = (clock.now() - dt.timedelta(days=5)).isoformat()
    earlier = make_case(people.agent, customer, received_at=received)
    rollup.catch_up()
    flags = dict(CaseFact.objects.values_list("case_id", "repeat_customer"))
    assert flags == {later.pk: True, earlier.pk: False}
    with write_transaction():
        records.destroy(earlier, "T-2")
    assert not CaseFact.objects.get(case_id=later.pk).repeat_customer
    assert Rollup.objects.filter(cube="m").aggregate(r=Sum("repeat_customer"))["r"] == 0
