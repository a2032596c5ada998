"""A zh-Hans reader meets a service's refusal in Chinese, whole (issue 11 item 11): the
services raise through gettext while the request's language is active, so the message is
translated where it is made, not led by a generic Chinese sentence with English after it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from django.utils import translation

from caseledger.core.errors import CaseledgerError, ValidationFailed

pytestmark = pytest.mark.django_db

_CJK = re.compile(r"[\u3400-\u9fff]")
# Three English words in a row: a sentence (or most of one) left untranslated. Codes,
# usernames and ids the message names are single words and may stay as they are.
_ENGLISH_RUN = re.compile(r"[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}")


def _refusal(call: Callable[[], object]) -> CaseledgerError:
    with translation.override("zh-hans"), pytest.raises(CaseledgerError) as caught:
        call()
    return caught.value


def _messages(error: CaseledgerError) -> list[str]:
    """What the reader is shown: the error and, for a form, each field's error."""
    with translation.override("zh-hans"):
        shown = [error.shown()]
        if isinstance(error, ValidationFailed):
            shown += [e.shown() for e in error.errors]
    return shown


def _cases(people, customer, case) -> dict[str, tuple[Callable[[], object], str]]:
    """Service → (a call it refuses, a piece of the Chinese it must say)."""
    from caseledger.accounts.services import department_create, token_create, user_create
    from caseledger.archive.services import archive_restore
    from caseledger.cases.queries import case_get
    from caseledger.cases.services import case_create
    from caseledger.customers.queries import customer_get
    from caseledger.customers.services import customer_create, customer_unmerge
    from caseledger.disposition.queries import batch_get, certificate_get
    from caseledger.intake.spreadsheet.queries import batch_get as import_get
    from caseledger.journal.queries import entry_get
    from caseledger.privacy.queries import privacy_request_get
    from caseledger.retention.holds import clean_filter
    from caseledger.retention.queries import hold_get, schedule_get
    from caseledger.retention.services import hold_place, presets_adopt

    agent, rm, admin = people.agent, people.records_manager, people.admin
    return {
        "cases.get": (lambda: case_get(actor=agent, case_id=987654), "不存在，或您无权查看"),
        "cases.create": (
            lambda: case_create(
                actor=agent,
                data={
                    "kind": "complaint",
                    "channel": "phone",
                    "category": "billing",
                    "subcategory": "no_such_thing",
                    "subject": "s",
                    "department": people.sales.pk,
                    "customer": customer.pk,
                },
            ),
            "不是 billing 的子类别",
        ),
        "customers.get": (
            lambda: customer_get(actor=agent, customer_id=987654),
            "客户 987654 不存在",
        ),
        "customers.create": (
            lambda: customer_create(
                actor=agent,
                data={
                    "kind": "person",
                    "name": "王五",
                    "department": "nowhere",
                    "contact_points": [{"kind": "phone", "value": "12"}],
                },
            ),
            "部门“nowhere”不存在",
        ),
        "customers.contact": (
            lambda: customer_create(
                actor=agent,
                data={
                    "kind": "person",
                    "name": "王五",
                    "department": people.sales.pk,
                    "contact_points": [{"kind": "email", "value": "not-an-address"}],
                },
            ),
            "不是电子邮件地址",
        ),
        "customers.unmerge": (
            lambda: customer_unmerge(actor=people.supervisor, merged=customer, reason="r"),
            "未合并到其他客户",
        ),
        "accounts.department": (
            lambda: department_create(actor=admin, code="sales", name="x"),
            "部门“sales”已存在",
        ),
        "accounts.user": (
            lambda: user_create(
                actor=admin, username="alice", password="long enough pw 1", roles=[]
            ),
            "用户“alice”已存在",
        ),
        "accounts.token": (
            lambda: token_create(actor=agent, user=agent, name="t", scopes=["everything"]),
            "未知权限范围",
        ),
        "privacy.request": (
            lambda: privacy_request_get(actor=people.compliance, request_id=987654),
            "隐私请求 987654 不存在",
        ),
        "retention.hold": (lambda: hold_get(actor=rm, hold_id=987654), "法律保全 987654 不存在"),
        "retention.schedule": (
            lambda: schedule_get(actor=rm, code_or_id="no-such-code"),
            "保留规则 no-such-code 不存在",
        ),
        "retention.hold_place": (
            lambda: hold_place(
                actor=rm,
                matter="m",
                reason="r",
                scope="customers",
                customers=[customer.pk, 987654],
            ),
            "客户不存在：987654",
        ),
        "retention.presets": (lambda: presets_adopt(actor=rm, industry="mining"), "未知行业"),
        "disposition.batch": (
            lambda: batch_get(actor=rm, batch_id=987654),
            "处置批次 987654 不存在",
        ),
        "disposition.certificate": (
            lambda: certificate_get(actor=rm, number="X-1"),
            "证书 X-1 不存在",
        ),
        "archive.restore": (
            lambda: archive_restore(actor=rm, case=case, reason="r"),
            f"案件 {case.reference} 未归档",
        ),
        "intake.import": (lambda: import_get(actor=agent, batch_id=987654), "导入 987654 不存在"),
        "journal.entry": (
            lambda: entry_get(actor=people.auditor, seq=987654),
            "日志条目 #987654 不存在",
        ),
        "retention.filter": (lambda: clean_filter({}), "筛选条件至少需要以下之一"),
    }


def test_a_chinese_reader_meets_each_services_refusal_in_chinese(people, customer, case):
    cases = _cases(people, customer, case)
    assert len(cases) >= 10
    assert len({name.split(".")[0] for name in cases}) >= 9
    for name, (call, expected) in cases.items():
        error = _refusal(call)
        shown = _messages(error)
        assert any(expected in text for text in shown), (name, shown)
        for text in shown:
            assert _CJK.search(text), (name, text)
            assert not _ENGLISH_RUN.search(text), (name, text)
            # Not the fallback: a generic Chinese lead with the English detail after it.
            assert "（" not in text or not re.search(r"（[a-z]", text), (name, text)


def test_the_same_refusal_reads_in_english_for_an_english_reader(people):
    from caseledger.retention.queries import hold_get

    with translation.override("en"), pytest.raises(CaseledgerError) as caught:
        hold_get(actor=people.records_manager, hold_id=987654)
    assert caught.value.shown() == "hold 987654 does not exist"


def test_a_contact_refused_in_one_language_is_refused_in_the_other_too(people):
    """The phone check caches its verdict; the words are chosen per reader, after it."""
    from caseledger.customers.validation import normalize_contact

    with translation.override("zh-hans"):
        assert normalize_contact("phone", "12") == (None, "“12”不是有效的电话号码")
    with translation.override("en"):
        assert normalize_contact("phone", "12") == (None, "'12' is not a valid phone number")


def test_a_status_inside_a_refusal_is_its_label_for_a_chinese_reader_and_its_code_in_english():
    from caseledger.core.errors import choice_word
    from caseledger.disposition.models import BatchStatus, DispositionBatch

    batch = DispositionBatch(status=BatchStatus.EXECUTING)
    with translation.override("zh-hans"):
        assert choice_word(batch) == "执行中"
    with translation.override("en"):
        assert choice_word(batch) == "executing"
