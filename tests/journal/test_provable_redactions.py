"""A redaction must be provable: it names a certificate of disposition that exists, is
certified in the journal chain after the entry, and lists the entry's record. The database
refuses any other redaction; with its triggers dropped, `journal verify` names the entry.

Runs on whichever engine the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from caseledger.cases.services import case_update
from caseledger.disposition import services as disp
from caseledger.disposition.models import DispositionCertificate
from caseledger.journal.models import Entry
from caseledger.journal.verify import verify_chain
from tests.disposition.conftest import make_schedule, recompute
from tests.factories import make_case
from tests.journal.tamper import sql, triggers_dropped

FORGED = "UPDATE journal_payload SET body = NULL, redaction_ref = %s WHERE entry_id = %s"


@pytest.fixture
def edited_case(people, customer):
    case = make_case(people.agent, customer, kind="inquiry")  # no schedule disposes of it
    case_update(actor=people.agent, case=case, data={"priority": "urgent"})
    return case


def _an_entry_of(case) -> int:
    return Entry.objects.filter(root=f"case:{case.pk}").order_by("seq").first().seq


@pytest.fixture
def certificate(people, customer):
    """A real certificate of disposition for one destroyed case."""
    schedule = make_schedule(people, "destroy", code="complaints-destroy")
    gone = make_case(people.agent, customer)
    recompute(people)
    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.supervisor, batch=batch)
    batch = disp.disposition_execute(actor=people.records_manager, batch=batch)
    return batch.certificate_number, gone


def test_the_database_refuses_a_redaction_naming_no_certificate(edited_case):
    seq = _an_entry_of(edited_case)
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(FORGED, ["disposition:999", seq])
    assert verify_chain().ok


def test_the_database_refuses_a_redaction_by_a_certificate_that_does_not_list_the_record(
    edited_case, certificate
):
    number, _ = certificate
    seq = _an_entry_of(edited_case)
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(FORGED, [f"disposition {number}", seq])
    report = verify_chain()
    assert report.ok, report.problems
    assert {r["by"] for r in report.redactions} == {f"disposition {number}"}


def test_the_database_refuses_a_certificate_row_the_journal_never_certified(
    edited_case, certificate
):
    number, _ = certificate
    document = DispositionCertificate.objects.get(number=number).document
    fake = {**document, "number": "DC-2026-99999-FAKE00"}
    fake["records"] = [{"type": "case", "id": edited_case.pk, "status": "done"}]
    DispositionCertificate.objects.create(
        number=fake["number"], document=fake, document_sha256="x" * 64, schedule_code="x",
        action="destroy", executed_at=edited_case.created_at, records=1,
        created_at=edited_case.created_at,
    )  # fmt: skip
    with pytest.raises(DatabaseError), transaction.atomic():
        sql(FORGED, ["disposition DC-2026-99999-FAKE00", _an_entry_of(edited_case)])


def test_a_forged_redaction_with_the_triggers_dropped_fails_verify_naming_the_entry(
    edited_case,
):
    seq = _an_entry_of(edited_case)
    with triggers_dropped():
        sql(FORGED, ["disposition:999", seq])
    report = verify_chain()
    assert not report.ok
    assert (report.first_problem.seq, report.first_problem.kind) == (seq, "redaction")
    assert "disposition:999" in report.first_problem.detail


def test_a_redaction_under_a_real_certificate_that_does_not_list_the_record_fails_verify(
    edited_case, certificate
):
    number, _ = certificate
    seq = _an_entry_of(edited_case)
    with triggers_dropped():
        sql(FORGED, [f"disposition {number}", seq])
    report = verify_chain()
    problem = report.first_problem
    assert (problem.seq, problem.kind) == (seq, "redaction")
    assert f"does not list case:{edited_case.pk}" in problem.detail


def test_a_redaction_under_a_certificate_missing_from_the_chain_fails_verify(
    edited_case, certificate
):
    number, gone = certificate
    certifying = Entry.objects.get(action="disposition.certificate").seq
    with triggers_dropped():
        # The certificate's own journal entry goes; the chain is then rewritten elsewhere,
        # but the redactions it covered must still prove themselves.
        sql(
            "UPDATE journal_payload SET body = '{}' WHERE entry_id = %s",
            [certifying],
        )
    report = verify_chain()
    kinds = {(p.seq, p.kind) for p in report.problems}
    redacted = Entry.objects.filter(root=f"case:{gone.pk}").values_list("seq", flat=True)
    assert (certifying, "payload") in kinds
    assert {(s, "redaction") for s in redacted} <= kinds
    assert number in str(report.problems)


def test_a_genuine_disposition_redacts_and_verifies(certificate):
    number, gone = certificate
    report = verify_chain()
    assert report.ok, report.problems
    seqs = set(Entry.objects.filter(root=f"case:{gone.pk}").values_list("seq", flat=True))
    assert {r["seq"] for r in report.redactions} == seqs
    assert {r["by"] for r in report.redactions} == {f"disposition {number}"}
