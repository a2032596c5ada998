"""The disposition pages of the retention console: review by schedule, a batch approved
by a second person, executed, and its printable certificate."""

from __future__ import annotations

from caseledger.cases.models import Case
from caseledger.disposition.models import DispositionBatch


def test_review_approve_execute_and_print(people, due_cases, login):
    schedule, made = due_cases
    rita, carl = login(people.records_manager), login(people.compliance)
    console = rita.get("/retention/")
    assert "/retention/disposition/" in console.content.decode()
    page = rita.get("/retention/disposition/")
    assert page.status_code == 200 and schedule.code in page.content.decode()
    response = rita.post("/retention/disposition/propose/", {"schedule": schedule.code})
    batch = DispositionBatch.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{batch.pk}/")
    own = rita.get(f"/retention/disposition/{batch.pk}/").content.decode()
    assert 'id="approve"' not in own  # the proposer is not offered approval
    rita.post(f"/retention/disposition/{batch.pk}/approve/", {})
    batch.refresh_from_db()
    assert batch.status == "proposed"
    carl.post(f"/retention/disposition/{batch.pk}/approve/", {"reason": "checked"})
    carl.post(f"/retention/disposition/{batch.pk}/execute/", {})
    batch.refresh_from_db()
    assert batch.status == "done"
    assert not Case.objects.filter(pk__in=[c.pk for c in made]).exists()
    listed = carl.get("/retention/certificates/").content.decode()
    assert batch.certificate_number in listed
    printed = carl.get(f"/retention/certificates/{batch.certificate_number}/").content.decode()
    assert "caseledger/print.css" in printed and "PIPL Art 19" in printed
    assert made[0].reference in printed and "Charged twice" not in printed
    assert login(people.agent).get("/retention/certificates/").status_code == 403
