"""Knowledge fixtures: a resolved case of the sales department, and an article drafted from
it by the agent."""

from __future__ import annotations

import pytest

from caseledger.cases.services import case_update
from tests.factories import make_case
from tests.web.conftest import login  # noqa: F401

TEXT = {
    "title_zh": "花呗分期退款一直没到账",
    "problem_zh": "客户申请退款后七天仍未到账。",
    "cause_zh": "分期订单的退款需要人工审核。",
    "answer_zh": "在后台提交人工审核，三个工作日内到账。",
    "title_en": "Instalment refund not received",
    "answer_en": "Submit the refund for manual review; it arrives within three working days.",
}


def resolve(actor, case, **fields):
    data = {"status": "closed", "resolution": "已人工审核退款 Refunded after review", **fields}
    return case_update(actor=actor, case=case, data=data)


@pytest.fixture
def resolved(people, customer):
    case = make_case(people.agent, customer, subject="退款未到账")
    return resolve(people.agent, case, root_cause="人工审核")


@pytest.fixture
def article(people, resolved):
    from caseledger.knowledge.services import article_draft

    return article_draft(actor=people.agent, case=resolved, data=TEXT)


@pytest.fixture
def published(people, article):
    from caseledger.knowledge.services import article_publish

    return article_publish(actor=people.supervisor, article=article)
