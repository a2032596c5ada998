"""Suggestions on a case, and a person accepting or correcting them: the case changes
through its own service, the outcome is recorded and journaled, the rates follow."""

from __future__ import annotations

import pytest

from caseledger.cases.models import Case
from caseledger.classify.models import Feedback
from caseledger.classify.queries import case_suggestions, feedback_rates, text_suggestions
from caseledger.classify.services import suggestion_accept, suggestion_correct
from caseledger.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from tests.factories import make_case, make_customer


@pytest.fixture
def new_case(people, trained):
    """A delivery complaint recorded under billing by mistake."""
    customer = make_customer(people.agent, people.sales)
    return make_case(
        people.agent, customer, subject="快递延误", description="包裹快递一直没送到",
        category="billing", subcategory="wrong_charge",
    )  # fmt: skip


def _item(suggestions, field):
    return next(i for i in suggestions.items if i.field == field)


def test_an_agent_sees_the_right_category_suggested_with_its_terms(people, new_case):
    found = case_suggestions(actor=people.agent, case=new_case)
    category = _item(found, "category")
    assert category.value == "delivery" and category.differs
    assert category.terms and all(isinstance(t, str) for t in category.terms)
    assert "快递" in category.terms or "快" in category.terms
    assert len(category.alternatives) <= 3


def test_explanations_name_vocabulary_terms_never_case_text(people, new_case, trained):
    from caseledger.classify.store import active

    _row, model = active()
    found = case_suggestions(actor=people.agent, case=new_case)
    for item in found.items:
        assert set(item.terms) <= set(model.terms)


def test_with_no_model_trained_the_suggestion_says_so(people, case):
    with pytest.raises(Conflict, match="no classifier has been trained"):
        case_suggestions(actor=people.agent, case=case)


def test_a_model_file_that_changed_on_disk_is_refused(people, new_case, trained, _model_dir):
    from caseledger.classify import store

    store._cache.clear()
    path = _model_dir / "classify" / trained.filename
    path.write_bytes(path.read_bytes() + b"x")
    with pytest.raises(Conflict, match="sha256 differs"):
        case_suggestions(actor=people.agent, case=new_case)


def test_accepting_sets_the_field_and_journals_the_outcome(people, new_case):
    feedback = suggestion_accept(actor=people.agent, case=new_case, field="category")
    new_case.refresh_from_db()
    assert new_case.category == "delivery"
    assert feedback.outcome == "accepted" and feedback.chosen == "delivery"
    assert Entry.objects.filter(action="case.update", object_id=str(new_case.pk)).exists()
    entry = Entry.objects.get(action="classify.accept")
    assert entry.object_id == str(feedback.pk)


def test_correcting_sets_the_persons_value_and_counts_as_corrected(people, new_case):
    suggestion_correct(actor=people.agent, case=new_case, field="category", value="after_sales")
    new_case.refresh_from_db()
    assert new_case.category == "after_sales"
    assert Feedback.objects.get().outcome == "corrected"
    assert Entry.objects.filter(action="classify.correct").count() == 1


def test_administrators_see_the_accept_and_correct_rates(people, new_case):
    suggestion_accept(actor=people.agent, case=new_case, field="category")
    suggestion_correct(actor=people.agent, case=new_case, field="severity", value="critical")
    rates = feedback_rates(actor=people.admin)
    assert rates["category"] == {"accepted": 1, "corrected": 0, "accept_rate": 1.0}
    assert rates["severity"]["corrected"] == 1
    with pytest.raises(PermissionDenied):
        feedback_rates(actor=people.agent)


@pytest.mark.parametrize(
    ("field", "value"),
    [("colour", "red"), ("category", "nonsense"), ("severity", ""), ("department", "x"),
     ("department", "99999"), ("department", "9" * 30), ("category", None),
     (["category"], "billing"), ("subcategory", "x" * 500)],
)  # fmt: skip
def test_a_bad_field_or_value_is_refused_with_a_clear_error(people, new_case, field, value):
    with pytest.raises(ValidationFailed):
        suggestion_correct(actor=people.agent, case=new_case, field=field, value=value)
    assert not Feedback.objects.exists()
    assert Case.objects.get(pk=new_case.pk).category == "billing"


def test_an_agent_of_another_department_may_not_accept(people, new_case):
    with pytest.raises((PermissionDenied, NotFound)):
        suggestion_accept(actor=people.outsider, case=new_case, field="category")
    assert not Feedback.objects.exists()


def test_a_subcategory_is_suggested_only_from_the_cases_category(people, new_case):
    sub = _item(case_suggestions(actor=people.agent, case=new_case), "subcategory")
    assert sub.value in ("", "wrong_charge", "hidden_fee", "refund")


def test_the_new_case_form_gets_suggestions_from_typed_text(people, trained):
    found = text_suggestions(actor=people.agent, subject="快递延误", description="")
    assert _item(found, "category").value == "delivery"
    with pytest.raises(PermissionDenied):
        text_suggestions(actor=people.auditor, subject="快递", description="")


@pytest.mark.parametrize("channel", ["phone", "email", "web_form", "social_media"])
def test_a_case_recorded_through_any_channel_gets_suggestions(people, trained, channel):
    from caseledger.intake.services import intake_record

    recorded = intake_record(
        actor=people.agent,
        data={
            "department": "sales",
            "customer": {"kind": "person", "name": "来电 Caller", "contact_points": []},
            "case": {
                "kind": "complaint", "channel": channel, "category": "other",
                "subject": "快递延误", "description": "包裹一直没送到",
            },
        },
    )  # fmt: skip
    found = case_suggestions(actor=people.agent, case=recorded.case)
    assert _item(found, "category").value == "delivery"


def test_a_restricted_case_gets_no_suggestions_even_for_compliance(people, new_case):
    Case.objects.filter(pk=new_case.pk).update(restricted_at=new_case.created_at)
    new_case.refresh_from_db()
    with pytest.raises(Conflict, match="restricted"):
        case_suggestions(actor=people.compliance, case=new_case)
