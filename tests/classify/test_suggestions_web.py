"""The web: suggestions on the case page with accept and correct, as the new-case form is
typed, and the administrators' page with rates and the per-field setting."""

from __future__ import annotations

import pytest
from django.urls import reverse

from caseledger.classify.models import Feedback, FieldSetting
from caseledger.journal.models import Entry
from tests.factories import make_case, make_customer


@pytest.fixture
def misfiled(people, trained):
    customer = make_customer(people.agent, people.sales)
    return make_case(
        people.agent, customer, subject="快递延误", description="包裹快递一直没送到",
        category="billing", subcategory="wrong_charge",
    )  # fmt: skip


def test_the_case_page_shows_suggestions_and_accept_changes_the_case(people, misfiled, login):
    client = login(people.agent)
    page = client.get(reverse("web:case_detail", args=[misfiled.pk])).content.decode()
    assert 'id="suggestions"' in page and 'data-field="category"' in page
    assert '<option value="after_sales">' in page  # a category to correct to
    assert '<option value="late">' not in page  # subcategories of the recorded category only
    response = client.post(
        reverse("web:case_suggestion", args=[misfiled.pk, "accept"]), {"field": "category"}
    )
    assert response.status_code == 302
    misfiled.refresh_from_db()
    assert misfiled.category == "delivery"
    assert Feedback.objects.get().outcome == "accepted"


def test_a_correction_to_a_wrong_value_shows_the_error_and_changes_nothing(people, misfiled, login):
    client = login(people.agent)
    response = client.post(
        reverse("web:case_suggestion", args=[misfiled.pk, "correct"]),
        {"field": "category", "value": "nonsense"},
        follow=True,
    )
    assert response.status_code == 200
    assert "nonsense" in response.content.decode()
    assert not Feedback.objects.exists()


def test_an_unknown_verb_is_a_404_not_a_500(people, misfiled, login):
    response = login(people.agent).post(
        reverse("web:case_suggestion", args=[misfiled.pk, "explode"]), {"field": "category"}
    )
    assert response.status_code == 404


def test_without_a_model_the_case_page_says_what_to_do(people, case, login):
    page = login(people.agent).get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert "caseledger classify train" in page


def test_the_page_reads_in_chinese(people, misfiled, login):
    client = login(people.agent)
    page = client.get(
        reverse("web:case_detail", args=[misfiled.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    ).content.decode()
    assert "分类建议" in page and "接受" in page


def test_the_new_case_form_suggests_as_the_subject_is_typed(people, trained, login):
    response = login(people.agent).get(reverse("web:classify_suggest"), {"subject": "快递延误"})
    assert response.status_code == 200
    assert "Delivery and logistics" in response.content.decode()


def test_an_administrator_turns_applying_on_for_one_field_and_it_is_journaled(
    people, trained, login
):
    client = login(people.admin)
    page = client.get(reverse("web:classify_admin"))
    assert page.status_code == 200 and 'id="classify-fields"' in page.content.decode()
    client.post(
        reverse("web:classify_admin"),
        {"field": "severity", "auto_apply": "on", "min_confidence": "0.8", "reason": "trial"},
    )
    setting = FieldSetting.objects.get(field="severity")
    assert setting.auto_apply and setting.min_confidence == 0.8
    assert Entry.objects.filter(action="classify.setting", object_id="severity").exists()


def test_an_agent_may_not_open_the_administrators_page(people, login):
    assert login(people.agent).get(reverse("web:classify_admin")).status_code == 403


def test_train_now_runs_in_the_worker_and_the_new_model_shows(people, history, login):
    from caseledger.classify.models import TrainedModel

    client = login(people.admin)
    response = client.post(reverse("web:classify_admin"), {"verb": "train"}, follow=True)
    assert response.status_code == 200
    model = TrainedModel.objects.get(active=True)  # huey runs at once in tests
    assert model.sha256 in response.content.decode()


def test_train_now_with_too_few_cases_says_so_on_the_page(people, case, login):
    response = login(people.admin).post(
        reverse("web:classify_admin"), {"verb": "train"}, follow=True
    )
    assert "at least 10" in response.content.decode()


def test_the_journal_names_classify_actions_and_fields_in_chinese():
    from django.utils import translation

    from caseledger.classify.actions import ClassifyAction
    from caseledger.web.display import action_label, field_label, object_label

    with translation.override("zh-hans"):
        assert action_label(ClassifyAction.ACCEPT) == "分类建议已接受"
        assert all(not action_label(a).isascii() for a in ClassifyAction)
        assert object_label("trained_model") == "分类模型"
        assert field_label("trained_model", "held_out") == "测评用案件数"
        assert field_label("classify_setting", "min_confidence") == "最低置信度"
