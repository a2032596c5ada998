"""All-or-nothing against valid rows only; deduplication by external id and phone;
undo while nothing else touched the records; who may import."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.cases.models import Case
from caseledger.cases.services import case_update
from caseledger.core.errors import Conflict, PermissionDenied
from caseledger.customers.models import Customer
from caseledger.intake.spreadsheet.services import batch_check, batch_commit
from caseledger.intake.spreadsheet.undo import batch_undo
from caseledger.journal.models import Entry
from caseledger.journal.reconcile import reconcile
from caseledger.journal.verify import verify_chain
from tests.factories import make_customer
from tests.intake.spreadsheet.helpers import batch_for, good_row, write_csv

pytestmark = pytest.mark.clock(dt.datetime(2026, 3, 1, 2, 0, tzinfo=dt.UTC))


def _mixed(tmp_path):
    bad = [*good_row(2)[:3], "", *good_row(2)[4:]]
    return write_csv(tmp_path / "mixed.csv", [good_row(1), bad, good_row(3)])


def test_all_or_nothing_writes_nothing_when_one_row_is_bad(people, tmp_path):
    batch = batch_for(people, _mixed(tmp_path), mode="all-or-nothing")
    batch = batch_commit(actor=people.agent, batch=batch)
    assert batch.status == "refused" and batch.rows_bad == 1
    assert list(batch.problems.values_list("row", "field")) == [(3, "subject")]
    assert not Case.objects.exists() and not Customer.objects.exists()


def test_valid_rows_only_writes_the_good_rows_and_reports_the_bad_one(people, tmp_path):
    batch = batch_commit(
        actor=people.agent, batch=batch_for(people, _mixed(tmp_path), mode="valid-only")
    )
    assert (batch.status, batch.cases_created, batch.rows_bad) == ("done", 2, 1)
    assert set(Case.objects.values_list("subject", flat=True)) == {"投诉 1", "投诉 3"}
    assert list(batch.problems.values_list("row", "code")) == [(3, "required")]


def test_importing_the_same_file_twice_skips_every_row_as_a_duplicate(people, tmp_path):
    path = write_csv(tmp_path / "c.csv", [good_row(1), good_row(2)])
    batch_commit(actor=people.agent, batch=batch_for(people, path))
    again = batch_commit(actor=people.agent, batch=batch_for(people, path))
    assert (again.cases_created, again.customers_created, again.rows_duplicate) == (0, 0, 2)
    assert Case.objects.count() == 2 and Customer.objects.count() == 2


def test_a_phone_already_on_file_files_the_case_under_that_customer(people, tmp_path):
    known = make_customer(people.agent, people.sales)
    phone = known.contact_points.get(kind="phone").value  # E.164; the sheet has it local
    rows = [
        good_row(1, phone=phone.removeprefix("+86")),
        good_row(2, phone="13800135555"),
        good_row(3, phone="138 0013 5555"),
    ]
    batch = batch_commit(
        actor=people.agent, batch=batch_for(people, write_csv(tmp_path / "c.csv", rows))
    )
    assert (batch.cases_created, batch.customers_created) == (3, 1)
    assert Case.objects.get(subject="投诉 1").customer == known
    assert (
        Case.objects.get(subject="投诉 2").customer == Case.objects.get(subject="投诉 3").customer
    )


def test_a_customers_import_skips_customers_known_by_phone(people, tmp_path):
    known = make_customer(people.agent, people.sales)
    phone = known.contact_points.get(kind="phone").value
    header = ["customer_external_id", "customer_name", "customer_phone"]
    rows = [["K1", "甲", phone], ["K2", "乙", "13800137777"], ["K2", "乙", "13800137778"]]
    path = write_csv(tmp_path / "p.csv", rows, header=header)
    batch = batch_commit(actor=people.agent, batch=batch_for(people, path, kind="customers"))
    assert (batch.customers_created, batch.rows_duplicate) == (1, 2)
    assert Customer.objects.filter(name="乙").count() == 1


def test_undo_removes_what_the_import_made_and_the_journal_still_reconciles(people, tmp_path):
    known = make_customer(people.agent, people.sales)
    phone = known.contact_points.get(kind="phone").value
    rows = [good_row(1), good_row(2, phone=phone)]
    batch = batch_commit(
        actor=people.agent, batch=batch_for(people, write_csv(tmp_path / "c.csv", rows))
    )
    batch = batch_undo(actor=people.agent, batch=batch, reason="wrong file")
    assert batch.status == "undone"
    assert not Case.objects.exists()
    assert list(Customer.objects.all()) == [known], "a customer it only matched stays"
    assert Entry.objects.filter(action="case.import_undo").count() == 2
    assert verify_chain().ok and reconcile().ok
    # The same rows can come in again: the external ids went with the records.
    again = batch_commit(
        actor=people.agent, batch=batch_for(people, write_csv(tmp_path / "d.csv", rows))
    )
    assert again.cases_created == 2


def test_undo_is_refused_once_someone_changed_an_imported_case(people, tmp_path):
    batch = batch_commit(
        actor=people.agent,
        batch=batch_for(people, write_csv(tmp_path / "c.csv", [good_row(1), good_row(2)])),
    )
    case = Case.objects.get(subject="投诉 2")
    case_update(actor=people.agent, case=case, data={"priority": "high"})
    with pytest.raises(Conflict) as refused:
        batch_undo(actor=people.agent, batch=batch, reason="wrong file")
    assert f"case:{case.pk}" in str(refused.value)
    assert Case.objects.count() == 2


@pytest.mark.parametrize("who", ["auditor", "outsider"])
def test_someone_who_may_not_change_the_departments_records_cannot_import(people, tmp_path, who):
    path = write_csv(tmp_path / "c.csv", [good_row(1)])
    with pytest.raises(PermissionDenied):
        batch_for(people, path, actor=getattr(people, who))
    batch = batch_for(people, path)
    with pytest.raises(PermissionDenied):
        batch_check(actor=getattr(people, who), batch=batch)
    with pytest.raises(PermissionDenied):
        batch_commit(actor=getattr(people, who), batch=batch)
    assert not Case.objects.exists()
