"""/api/v1/insights/reviews and /api/v1/insights/review-subscriptions: previous review
reports listed by scope and downloaded as PDF and HTML; a person's own subscriptions listed,
made (with an Idempotency-Key) and stopped; refusals name the role or the token's scope."""

from __future__ import annotations

import pytest

from caseledger.insights import services
from caseledger.insights.models import ReviewSubscription
from caseledger.journal.models import Entry
from tests.api.conftest import api_as  # noqa: F401  (fixture)
from tests.insights.test_review_reports import NOW, november  # noqa: F401  (fixture)

SCOPES = ["insights:read"]
SUBS = "/insights/review-subscriptions"


@pytest.fixture
def reports(november):  # noqa: F811
    mine = services.review_generate(actor=None, period="2026-11", department="sales")
    other = services.review_generate(actor=None, period="2026-11", department="service")
    return mine, other


def _delete(client, path: str):
    return client.client.delete(f"/api/v1{path}", **client._headers(None))


@pytest.mark.clock(NOW)
def test_a_supervisor_lists_their_departments_reports_and_downloads_pdf_and_html(
    people,
    reports,
    api_as,  # noqa: F811
):
    mine, other = reports
    client = api_as(people.supervisor, SCOPES)
    listing = client.get("/insights/reviews")
    assert listing.status_code == 200, listing.content
    body = listing.json()
    assert [r["id"] for r in body["items"]] == [mine.pk] and body["next_cursor"] is None
    assert body["items"][0]["period"] == "2026-11" and body["items"][0]["department"] == "sales"
    one = client.get(f"/insights/reviews/{mine.pk}").json()
    assert one["figures"]["summary"]["now"]["cases"] == 3 and one["conclusion"] == ""
    pdf = client.get(f"/insights/reviews/{mine.pk}/pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert "review-2026-11-sales.pdf" in pdf["Content-Disposition"]
    html = client.get(f"/insights/reviews/{mine.pk}/html")
    assert html.status_code == 200 and html["Content-Type"].startswith("text/html")
    assert "attachment" in html["Content-Disposition"] and "<svg" in html.content.decode()
    assert client.get(f"/insights/reviews/{other.pk}/pdf").status_code == 404  # not theirs


@pytest.mark.clock(NOW)
def test_an_auditor_pages_through_every_report(people, reports, api_as):  # noqa: F811
    client = api_as(people.auditor, SCOPES)
    first = client.get("/insights/reviews", {"limit": 1}).json()
    second = client.get("/insights/reviews", {"limit": 1, "cursor": first["next_cursor"]}).json()
    assert {first["items"][0]["id"], second["items"][0]["id"]} == {r.pk for r in reports}
    assert second["next_cursor"] is None


@pytest.mark.clock(NOW)
def test_reports_are_refused_to_an_agent_and_to_a_token_without_insights_scope(
    people,
    reports,
    api_as,  # noqa: F811
):
    mine, _other = reports
    refused = api_as(people.agent, SCOPES).get("/insights/reviews")
    assert refused.status_code == 403 and refused.json()["error"]["field"] == "permission"
    wrong = api_as(people.supervisor, ["cases:read"]).get(f"/insights/reviews/{mine.pk}/pdf")
    assert wrong.status_code == 403 and wrong.json()["error"]["field"] == "scope"
    assert "insights:read" in wrong.json()["error"]["message"]


@pytest.mark.clock(NOW)
def test_bad_report_requests_are_4xx_naming_the_field(people, reports, api_as):  # noqa: F811
    client = api_as(people.auditor, SCOPES)
    assert client.get("/insights/reviews/abc").status_code == 404
    assert client.get("/insights/reviews/99999/html").status_code == 404
    bad = client.get("/insights/reviews", {"cursor": "nonsense"})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "cursor"
    assert client.get("/insights/reviews", {"limit": 0}).status_code == 422


def test_a_supervisor_subscribes_lists_and_unsubscribes_over_the_api(people, api_as):  # noqa: F811
    client = api_as(people.supervisor, SCOPES)
    made = client.post(SUBS, {"department": "sales"})
    assert made.status_code == 201, made.content
    sub = made.json()
    assert sub["department"] == "sales" and sub["department_name"]
    assert client.get(SUBS).json() == [sub]
    again = client.post(SUBS, {"department": "sales"})  # twice is once
    assert again.json()["id"] == sub["id"] and ReviewSubscription.objects.count() == 1
    assert _delete(client, f"{SUBS}/{sub['id']}").status_code == 204
    assert client.get(SUBS).json() == []
    assert Entry.objects.filter(action="review.subscribe", via="api").count() == 1
    assert Entry.objects.filter(action="review.unsubscribe", via="api").count() == 1


def test_an_auditor_subscribes_to_the_organisations_reports(people, api_as):  # noqa: F811
    made = api_as(people.auditor, SCOPES).post(SUBS, {})
    assert made.status_code == 201 and made.json()["department"] is None


def test_a_subscription_replayed_with_its_key_returns_the_first_answer(people, api_as):  # noqa: F811
    client = api_as(people.supervisor, SCOPES)
    first = client.post(SUBS, {"department": "sales"}, key="sub-1")
    replay = client.post(SUBS, {"department": "sales"}, key="sub-1")
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json() and replay["Idempotent-Replayed"] == "true"
    other = client.post(SUBS, {"department": None}, key="sub-1")
    assert other.status_code == 409
    assert other.json()["error"]["code"] == "idempotency_key_reused"
    assert Entry.objects.filter(action="review.subscribe").count() == 1


def test_nobody_subscribes_where_they_may_not_read_and_nothing_is_written(people, api_as):  # noqa: F811
    agent = api_as(people.agent, SCOPES).post(SUBS, {"department": "sales"})
    assert agent.status_code == 403 and agent.json()["error"]["field"] == "permission"
    # Refused before the department is looked up: an agent cannot probe for codes.
    probe = api_as(people.agent, SCOPES).post(SUBS, {"department": "no-such"})
    assert probe.status_code == 403
    other = api_as(people.supervisor, SCOPES).post(SUBS, {"department": "service"})
    assert other.status_code == 403
    org = api_as(people.supervisor, SCOPES).post(SUBS, {})
    assert org.status_code == 403 and "organisation" in org.json()["error"]["message"]
    assert (
        not ReviewSubscription.objects.exists()
        and not Entry.objects.filter(action="review.subscribe").exists()
    )


def test_a_token_without_insights_scope_cannot_list_make_or_stop_subscriptions(
    people,
    api_as,  # noqa: F811
):
    mine = api_as(people.supervisor, SCOPES).post(SUBS, {"department": "sales"}).json()
    wrong = api_as(people.supervisor, ["cases:read"])
    for response in (
        wrong.get(SUBS),
        wrong.post(SUBS, {"department": "sales"}),
        _delete(wrong, f"{SUBS}/{mine['id']}"),
    ):
        assert response.status_code == 403 and response.json()["error"]["field"] == "scope"
    assert ReviewSubscription.objects.count() == 1


def test_someone_elses_subscription_is_not_found(people, api_as):  # noqa: F811
    theirs = api_as(people.auditor, SCOPES).post(SUBS, {"department": "sales"}).json()
    response = _delete(api_as(people.supervisor, SCOPES), f"{SUBS}/{theirs['id']}")
    assert response.status_code == 404 and response.json()["error"]["field"] == "subscription_id"
    assert ReviewSubscription.objects.filter(pk=theirs["id"]).exists()


def test_bad_subscription_input_is_422_or_404_naming_the_field(people, api_as):  # noqa: F811
    client = api_as(people.supervisor, SCOPES)
    unknown = client.post(SUBS, {"department": "no-such"})
    assert unknown.status_code == 404 and unknown.json()["error"]["field"] == "department"
    extra = client.post(SUBS, {"department": "sales", "language": "en"})
    assert extra.status_code == 422 and "language" in str(extra.json()["error"])
    wrong_type = client.post(SUBS, {"department": 7})
    assert wrong_type.status_code == 422 and "department" in str(wrong_type.json()["error"])
    key = client.client.post(
        f"/api/v1{SUBS}", "{}", content_type="application/json",
        **{**client._headers(None), "HTTP_IDEMPOTENCY_KEY": " "},
    )  # fmt: skip
    assert key.status_code == 422 and key.json()["error"]["field"] == "Idempotency-Key"
    assert _delete(client, f"{SUBS}/abc").status_code == 404


def test_a_refusal_is_in_the_readers_language(people, api_as):  # noqa: F811
    client = api_as(people.supervisor, SCOPES)
    response = client.client.post(
        f"/api/v1{SUBS}", '{"department": "service"}', content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="zh-hans", **client._headers(None),
    )  # fmt: skip
    assert response.status_code == 403
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["error"]["message"])
