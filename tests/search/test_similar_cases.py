"""Similar resolved cases on the case page: BM25 (bm25s) over the index's tokens, only
cases the person may see, with their resolution."""

from __future__ import annotations

from django.urls import reverse

from caseledger.cases.services import case_update
from caseledger.search import similar
from tests.factories import make_case, make_customer


def resolved(actor, customer, subject, description, resolution):
    case = make_case(actor, customer, subject=subject, description=description)
    return case_update(
        actor=actor, case=case, data={"status": "responded", "resolution": resolution}
    )


def test_the_most_similar_resolved_cases_are_suggested_within_the_person_s_scope(
    people, customer, settings, tmp_path, login
):
    settings.DATA_DIR = tmp_path
    twin = resolved(
        people.agent, customer, "花呗分期退款没到账", "分期退款三天未到账", "已联系支付渠道补发退款"
    )
    broadband = resolved(
        people.agent, customer, "宽带安装延误", "师傅未按约上门", "改约并补偿一个月"
    )
    other = make_customer(people.outsider, people.service)
    hidden = resolved(
        people.outsider, other, "花呗分期退款没到账", "分期退款未到账", "另一个部门的处理"
    )
    new = make_case(people.agent, customer, subject="分期退款一直没到账", description="没到账")
    assert similar.build()["cases"] == 3

    found = similar.similar_cases(actor=people.agent, case=new)
    # the twin first; the broadband case shares only the demand "Refund the second charge"
    assert [s.case.pk for s in found] == [twin.pk, broadband.pk]
    assert found[0].score > 2 * found[1].score
    assert hidden.pk in [
        s.case.pk for s in similar.similar_cases(actor=people.compliance, case=new)
    ]

    page = login(people.agent).get(reverse("web:case_detail", args=[new.pk])).content.decode()
    assert 'id="similar"' in page and twin.reference in page and "已联系支付渠道补发退款" in page
    assert hidden.reference not in page


def test_without_a_model_the_case_page_says_none_yet(people, case, settings, tmp_path, login):
    settings.DATA_DIR = tmp_path
    page = login(people.agent).get(reverse("web:case_detail", args=[case.pk]))
    assert page.status_code == 200
    assert "No similar resolved case you may see." in page.content.decode()
