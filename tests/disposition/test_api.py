"""The dispositions API: scopes, the two-person rule, and a certificate at the end."""

from __future__ import annotations

from caseledger.cases.models import Case


def test_propose_approve_execute_over_the_api(people, due_cases, api_as):
    schedule, made = due_cases
    rita = api_as(people.records_manager, ["dispositions:write"])
    review = rita.get("/dispositions/review")
    assert review.status_code == 200, review.content
    assert review.json()[0]["due"] == 3
    created = rita.post("/dispositions", {"schedule": schedule.code})
    assert created.status_code == 201, created.content
    batch = created.json()
    assert len(batch["items"]) == 3 and batch["status"] == "proposed"

    same = rita.post(f"/dispositions/{batch['id']}/approve", {})
    assert same.status_code == 403
    read_only = api_as(people.compliance, ["retention:read"])
    assert read_only.post(f"/dispositions/{batch['id']}/approve", {}).status_code == 403
    carl = api_as(people.compliance, ["dispositions:write"])
    approved = carl.post(f"/dispositions/{batch['id']}/approve", {"reason": "ok"})
    assert approved.status_code == 200 and approved.json()["approved_by"] == "carl"
    done = rita.post(f"/dispositions/{batch['id']}/execute", {})
    assert done.status_code == 200, done.content
    number = done.json()["certificate"]
    assert not Case.objects.filter(pk__in=[c.pk for c in made]).exists()
    cert = carl.get(f"/dispositions/certificates/{number}")
    assert cert.status_code == 200 and cert.json()["counts"]["done"] == 3
    bad = rita.post("/dispositions", {"schedule": schedule.code, "records": ["x"]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "records"


def test_a_held_record_named_over_the_api_is_refused_as_held_with_its_matter(
    people, due_cases, api_as
):
    from caseledger.retention.services import hold_place
    from tests.disposition.conftest import recompute

    schedule, made = due_cases
    hold_place(
        actor=people.compliance, matter="Li v Shop", reason="suit", scope="cases",
        cases=[made[2].pk],
    )  # fmt: skip
    recompute(people)
    rita = api_as(people.records_manager, ["dispositions:write"])
    refused = rita.post("/dispositions", {"schedule": schedule.code, "records": [str(made[2].pk)]})
    assert refused.status_code == 409, refused.content
    error = refused.json()["error"]
    assert error["code"] == "held" and "Li v Shop" in error["message"]
