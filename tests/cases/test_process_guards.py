"""Each status move is a service with its step's guards (issue 12, ISO 10002 §8): the
required fields from the step rules, a reason where one is expected, and a second person's
approval for closing a high-severity banking complaint (the disposition pattern)."""

from __future__ import annotations

import pytest
from django.utils import translation

from caseledger.cases import taxonomy
from caseledger.cases.models import ApprovalStatus, Case, StepApproval
from caseledger.cases.services import (
    approval_approve,
    approval_reject,
    case_move,
    case_update,
    step_rule_set,
)
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.journal.models import Entry
from caseledger.workflow.industries.services import template_adopt
from tests.factories import make_case


@pytest.fixture(autouse=True)
def _fresh_taxonomy():
    taxonomy.invalidate()
    yield
    taxonomy.invalidate()


@pytest.fixture
def banking(people):
    template_adopt(actor=people.admin, industry="banking", department=people.sales)


def test_closing_without_the_required_fields_names_each_one(people, case, banking):
    with pytest.raises(ValidationFailed) as refused:
        case_move(actor=people.agent, case=case, status="closed")

    assert {e.field for e in refused.value.errors} == {"resolution", "root_cause"}
    assert Case.objects.get(pk=case.pk).status == "received"


def test_the_refusal_reads_in_chinese(people, case, banking):
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        case_move(actor=people.agent, case=case, status="reopened")
    assert "不能" in str(refused.value) or "允许" in str(refused.value)
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as refused:
        case_move(actor=people.agent, case=case, status="closed")
    assert "结案" in str(refused.value)


def test_reopening_needs_a_reason(people, case):
    case_move(actor=people.agent, case=case, status="closed", data={"resolution": "Refunded"})
    with pytest.raises(ValidationFailed, match="say why the case moves to Reopened"):
        case_move(actor=people.agent, case=case, status="reopened")

    moved = case_move(actor=people.agent, case=case, status="reopened", reason="customer wrote")
    assert moved.case.status == "reopened" and not moved.waiting


def test_closing_without_a_resolution_needs_a_reason_where_none_is_required(people, case):
    step_rule_set(actor=people.admin, status="closed", data={"fields": []})
    with pytest.raises(ValidationFailed, match="without a resolution"):
        case_move(actor=people.agent, case=case, status="closed")
    assert case_move(actor=people.agent, case=case, status="closed", reason="withdrawn").case


def test_case_update_applies_the_same_guards(people, case, banking):
    with pytest.raises(ValidationFailed, match="is required to close a case"):
        case_update(actor=people.agent, case=case, data={"status": "closed", "resolution": "x"})


def test_a_low_severity_banking_case_closes_at_once(people, case, banking):
    moved = case_move(
        actor=people.agent, case=case, status="closed",
        data={"resolution": "Refunded", "root_cause": "Double posting"},
    )  # fmt: skip
    assert moved.case.status == "closed" and not moved.waiting


def test_a_high_severity_banking_close_waits_for_a_second_person(people, customer, banking):
    case = make_case(people.agent, customer, severity="high")
    entries = Entry.objects.count()

    moved = case_move(
        actor=people.agent, case=case, status="closed", reason="settled",
        data={"resolution": "Refunded", "root_cause": "Double posting"},
    )  # fmt: skip

    assert moved.waiting and Case.objects.get(pk=case.pk).status == "received"
    assert Entry.objects.count() == entries + 1
    with pytest.raises(Conflict, match="already waits"):
        case_move(actor=people.agent, case=case, status="closed", reason="again",
                  data={"resolution": "R", "root_cause": "C"})  # fmt: skip
    with pytest.raises(PermissionDenied):
        approval_approve(actor=people.agent, approval=moved.approval)  # not an approver
    with pytest.raises(ValidationFailed, match="second person's approval"):
        case_update(actor=people.agent, case=case, data={"status": "closed"})

    closed = approval_approve(actor=people.supervisor, approval=moved.approval, reason="ok")

    assert closed.status == "closed" and closed.resolution == "Refunded"
    row = StepApproval.objects.get(pk=moved.approval.pk)
    assert row.status == ApprovalStatus.APPROVED and row.decided_by == people.supervisor
    actions = list(Entry.objects.filter(seq__gt=entries).values_list("action", flat=True))
    assert actions == ["case.approval_request", "case.transition", "case.approval_approve"]


def test_the_requester_cannot_approve_their_own_close(people, customer, banking):
    case = make_case(people.supervisor, customer, severity="critical")
    moved = case_move(
        actor=people.supervisor, case=case, status="closed",
        data={"resolution": "Refunded", "root_cause": "Posting"},
    )  # fmt: skip
    with pytest.raises(PermissionDenied, match="second person"):
        approval_approve(actor=people.supervisor, approval=moved.approval)
    approval_approve(actor=people.compliance, approval=moved.approval)
    assert Case.objects.get(pk=case.pk).status == "closed"


def test_a_rejected_close_leaves_the_case_open_and_needs_a_reason(people, customer, banking):
    case = make_case(people.agent, customer, severity="high")
    moved = case_move(
        actor=people.agent, case=case, status="closed",
        data={"resolution": "Refunded", "root_cause": "Posting"},
    )  # fmt: skip
    with pytest.raises(ValidationFailed, match="reason"):
        approval_reject(actor=people.supervisor, approval=moved.approval, reason=" ")
    approval_reject(actor=people.supervisor, approval=moved.approval, reason="call them first")

    assert Case.objects.get(pk=case.pk).status == "received"
    with pytest.raises(Conflict, match="already decided"):
        approval_approve(actor=people.supervisor, approval=moved.approval)


def test_a_refused_move_leaves_nothing(people, case, banking):
    entries, approvals = Entry.objects.count(), StepApproval.objects.count()
    for status, data in (("closed", {}), ("nowhere", {}), ("closed", {"colour": "red"})):
        with pytest.raises(ValidationFailed):
            case_move(actor=people.agent, case=case, status=status, data=data)
    assert (Entry.objects.count(), StepApproval.objects.count()) == (entries, approvals)
