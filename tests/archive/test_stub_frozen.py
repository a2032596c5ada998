"""An archived case is a stub: it takes no changes until it is brought back, because the
full record in its segment would otherwise contradict (or overwrite) them."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from caseledger.archive import services as archive
from caseledger.cases.models import Case, CaseNote
from caseledger.cases.services import case_attachment_add, case_note_add, case_update
from caseledger.core.errors import Conflict
from caseledger.journal.models import Entry
from tests.archive.conftest import ARCHIVE_DAY, closed_case

pytestmark = pytest.mark.clock(ARCHIVE_DAY)  # written against TODAY; fixtures too


@pytest.fixture
def stub(people, customer):
    made = closed_case(people, customer)
    archive.archive_run(actor=people.records_manager, on=dt.date(2026, 11, 22))
    return Case.objects.get(pk=made.pk)


@pytest.mark.parametrize(
    "change",
    [
        lambda p, c: case_update(actor=p.agent, case=c, data={"description": "edited on stub"}),
        lambda p, c: case_update(
            actor=p.agent, case=c, data={"status": "reopened"}, reason="the customer wrote"
        ),
        lambda p, c: case_note_add(actor=p.agent, case=c, body="a note on the stub"),
        lambda p, c: case_attachment_add(
            actor=p.agent, case=c, stream=io.BytesIO(b"scan"), filename="scan.txt"
        ),
    ],
    ids=["text", "status", "note", "attachment"],
)
def test_an_archived_case_refuses_changes_until_restored(people, stub, change):
    entries = Entry.objects.count()
    with pytest.raises(Conflict) as caught:
        change(people, stub)
    assert caught.value.code == "archived"
    assert stub.reference in str(caught.value)
    assert Entry.objects.count() == entries
    assert Case.objects.get(pk=stub.pk).version == stub.version


def test_after_restore_the_case_takes_changes_again(people, stub):
    archive.archive_restore(actor=people.records_manager, case=stub, reason="claim reopened")
    case = Case.objects.get(pk=stub.pk)
    case_note_add(actor=people.agent, case=case, body="called back")
    assert CaseNote.objects.filter(case=case, body="called back").exists()
