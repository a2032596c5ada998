"""Importing cases with their customers: what lands, how it is journaled, both modes."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.cases.models import Case
from caseledger.intake.spreadsheet.services import batch_commit, batch_create
from caseledger.journal.models import Entry
from caseledger.journal.reconcile import reconcile
from caseledger.journal.verify import verify_chain
from tests.intake.spreadsheet.helpers import good_row, write_csv

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))


def _batch(people, path, **kwargs):
    return batch_create(
        actor=people.agent, path=path, filename=path.name, department="sales", **kwargs
    )


def test_an_agent_imports_cases_and_each_record_is_journaled_with_its_file_and_row(
    people, tmp_path
):
    path = write_csv(tmp_path / "cases.csv", [good_row(n) for n in range(1, 6)])
    batch = batch_commit(actor=people.agent, batch=_batch(people, path))
    assert (batch.status, batch.cases_created, batch.customers_created) == ("done", 5, 5)
    case = Case.objects.get(subject="投诉 3")
    assert case.channel == "import" and case.customer.name == "客户3"
    entry = Entry.objects.get(action="case.create", object_id=str(case.pk))
    assert entry.via == "import" and entry.reason == f"import {batch.pk}: cases.csv row 4"
    assert entry.actor_id == people.agent.pk
    assert verify_chain().ok
    assert reconcile().ok, "every imported record equals its journal reconstruction"
