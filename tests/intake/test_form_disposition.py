"""A complaint filed on the public form is disposed of like any case: destroying it takes
its filing (and so its lookup code) with it, and the journal still verifies."""

from __future__ import annotations

from caseledger.cases.models import Case
from caseledger.disposition import services as disp
from caseledger.intake.form.models import FormSubmission
from caseledger.journal.verify import verify_chain
from tests.disposition.conftest import make_schedule, recompute
from tests.intake.conftest import complaint, solved
from tests.intake.test_public_form import _filed


def test_destroying_a_filed_case_leaves_no_code_that_opens_it(visitor, people, settings, tmp_path):
    settings.DISPOSITIONS_DIR = tmp_path / "dispositions"
    schedule = make_schedule(people, "destroy", code="complaints-destroy")
    response = visitor.post("/complain/", complaint(altcha=solved(visitor)))
    reference, code = _filed(response)
    recompute(people)

    batch = disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    disp.disposition_execute(actor=people.records_manager, batch=batch)

    assert not Case.objects.filter(reference=reference).exists()
    assert not FormSubmission.objects.exists()
    looked = visitor.post("/complain/status/", {"reference": reference, "code": code})
    assert looked.status_code == 422
    report = verify_chain()
    assert report.ok, report.problems
