"""The model follows the records: an erasure of a case it learned from takes it out of use
in the same transaction and the worker trains again; a case restricted since it was trained
makes the worker retrain; applying without a person happens only where an administrator
turned it on, journaled."""

from __future__ import annotations

from caseledger.cases.models import Case
from caseledger.classify.models import TrainedModel
from caseledger.classify.queries import needs_training
from caseledger.classify.services import auto_apply_new_cases, field_setting_set
from caseledger.core import erasure
from caseledger.journal.models import Entry
from caseledger.journal.services import write_transaction
from tests.factories import make_case, make_customer


def test_erasing_a_case_the_model_learned_from_retires_it_and_the_worker_retrains(
    people, trained, django_capture_on_commit_callbacks
):
    from caseledger.classify.store import active

    _row, model = active()
    learned = next(iter(model.case_ids))
    with django_capture_on_commit_callbacks(execute=True), write_transaction():
        erasure.erase(mode="destroy", case_ids=[learned])
    assert not TrainedModel.objects.get(pk=trained.pk).active
    assert Entry.objects.filter(action="classify.retire", reason="erasure").exists()
    assert needs_training() == "retired"


def test_erasing_a_case_it_never_saw_keeps_the_model(people, trained):
    with write_transaction():
        erasure.erase(mode="destroy", case_ids=[10**9])
    assert TrainedModel.objects.get(pk=trained.pk).active
    assert needs_training() == ""


def test_a_case_restricted_after_training_makes_the_worker_retrain(people, trained, history):
    Case.objects.filter(pk=history[0].pk).update(restricted_at=trained.trained_at)
    assert needs_training() == "restricted"


def test_nothing_is_applied_without_a_person_while_the_setting_is_off(people, trained):
    customer = make_customer(people.agent, people.sales)
    case = make_case(people.agent, customer, subject="快递延误", category="billing")
    assert auto_apply_new_cases()["applied"] == 0
    assert Case.objects.get(pk=case.pk).category == "billing"


def test_an_administrator_turns_on_one_field_and_new_cases_get_it_journaled(people, trained):
    customer = make_customer(people.agent, people.sales)
    auto_apply_new_cases()  # the history is seen: only cases recorded from now on count
    field_setting_set(actor=people.admin, field="category", auto_apply=True, min_confidence=0.5)
    case = make_case(
        people.agent, customer, subject="快递延误", description="包裹快递一直没到",
        category="billing", subcategory="wrong_charge", severity="low",
    )  # fmt: skip
    result = auto_apply_new_cases()
    case.refresh_from_db()
    assert result["cases"] == 1 and case.category == "delivery"
    assert case.subcategory in ("late", "damaged", "lost", "")
    assert case.severity == "low"  # severity was not turned on
    entry = Entry.objects.get(action="classify.auto_apply", object_id=str(case.pk))
    assert entry.actor_id is None
    assert auto_apply_new_cases()["cases"] == 0  # the mark moved on


def test_the_hourly_round_trains_again_after_an_erasure_retired_the_model(people, trained):
    from caseledger.classify import tasks
    from caseledger.classify.store import active

    _row, model = active()
    with write_transaction():
        erasure.erase(mode="destroy", case_ids=[next(iter(model.case_ids))])
    result = tasks.refresh()
    assert result["trained"] and result["why"] == "retired"
    assert TrainedModel.objects.filter(active=True).count() == 1
    assert tasks.refresh() == {"trained": False}


def test_only_the_newest_cases_are_read_when_there_are_more_than_the_cap(
    people, history, monkeypatch
):
    from caseledger.classify import train

    monkeypatch.setattr(train, "MAX_CASES", 5)
    assert train.labelled().ids == sorted(c.pk for c in history)[-5:]
