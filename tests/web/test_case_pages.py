"""An agent works cases through the web pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from caseledger.cases.models import Case, CaseNote
from caseledger.core import clock
from caseledger.journal.models import Entry
from caseledger.journal.queries import history, state_as_of
from caseledger.vault.masking import display_name
from tests.factories import make_case, make_customer

pytestmark = pytest.mark.django_db


def _form(customer, **over):
    data = {
        "customer": customer.pk,
        "department": customer.department_id,
        "kind": "complaint",
        "channel": "email",
        "category": "delivery",
        "subcategory": "late",
        "severity": "high",
        "priority": "urgent",
        "subject": "包裹迟到 Parcel late",
        "description": "Promised Monday, arrived Friday.",
        "customer_request": "Refund",
    }
    data.update(over)
    return data


def test_agent_creates_a_case_through_the_form_and_it_is_journaled_as_web(people, customer, login):
    client = login(people.agent)
    page = client.get(reverse("web:case_create"))
    assert page.status_code == 200
    html = page.content.decode()
    # Offered in the customer picker, the person's name masked.
    assert f"#{customer.pk} {display_name(customer)}" in html and customer.name not in html

    response = client.post(reverse("web:case_create"), _form(customer))

    case = Case.objects.get(subject="包裹迟到 Parcel late")
    assert response.status_code == 302
    assert response["Location"] == reverse("web:case_detail", args=[case.pk])
    assert (case.priority, case.department_id, case.customer_id) == (
        "urgent",
        people.sales.pk,
        customer.pk,
    )
    entry = Entry.objects.get(action="case.create", object_id=str(case.pk))
    assert (entry.actor_name, entry.via) == ("alice", "web")


def test_a_bad_field_is_shown_next_to_it_and_nothing_is_written(people, customer, login):
    client = login(people.agent)
    cases_before, entries_before = Case.objects.count(), Entry.objects.count()

    response = client.post(reverse("web:case_create"), _form(customer, subject="  "))

    assert response.status_code == 422
    html = response.content.decode()
    assert 'data-field="subject"' in html  # required, refused by the form
    assert Case.objects.count() == cases_before
    assert Entry.objects.count() == entries_before


def test_a_service_refusal_lands_on_the_field_it_names(people, customer, login):
    client = login(people.agent)
    entries_before = Entry.objects.count()
    future = (clock.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M:%S")

    response = client.post(reverse("web:case_create"), _form(customer, received_at=future))

    assert response.status_code == 422
    assert (
        '<p class="field-error" data-field="received_at">is in the future</p>'
        in response.content.decode()
    )
    assert not Case.objects.filter(subject="包裹迟到 Parcel late").exists()
    assert Entry.objects.count() == entries_before


def test_the_agent_cannot_pick_a_customer_of_another_department(people, login):
    foreign = make_customer(people.outsider, people.service)
    client = login(people.agent)

    response = client.post(reverse("web:case_create"), _form(foreign, department=people.sales.pk))

    assert response.status_code == 422
    assert 'data-field="customer"' in response.content.decode()
    assert not Case.objects.filter(customer=foreign).exists()


def test_edit_saves_only_what_changed_with_the_reason(people, case, login):
    client = login(people.agent)
    page = client.get(reverse("web:case_edit", args=[case.pk]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    data.update(subject="Charged three times", reason="customer called again")

    response = client.post(reverse("web:case_edit", args=[case.pk]), data)

    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.subject, case.version) == ("Charged three times", 2)
    update = history(f"case:{case.pk}")[-1]
    assert update.action == "case.update"
    assert set(update.changes) == {"subject", "version", "updated_at"}
    assert update.reason == "customer called again"


def test_edit_of_a_case_someone_else_changed_shows_a_conflict(people, case, login):
    client = login(people.agent)
    page = client.get(reverse("web:case_edit", args=[case.pk]))
    form = page.context["form"]
    data = {name: form[name].value() or "" for name in form.fields}
    # Meanwhile the supervisor changes the case.
    from caseledger.cases.services import case_update

    case_update(actor=people.supervisor, case=case, data={"priority": "high"})
    data["subject"] = "My stale edit"

    response = client.post(reverse("web:case_edit", args=[case.pk]), data)

    assert response.status_code == 409
    assert "changed by someone else" in response.content.decode()
    case.refresh_from_db()
    assert case.subject != "My stale edit"


def test_note_added_through_htmx_appears_in_the_timeline(people, case, login):
    client = login(people.agent)

    response = client.post(
        reverse("web:case_note_add", args=[case.pk]),
        {"kind": "inbound", "channel": "phone", "body": "客户来电催促"},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card" id="timeline">')
    assert "客户来电催促" in html
    note = CaseNote.objects.get(case=case)
    assert (note.kind, note.author_id) == ("inbound", people.agent.pk)
    assert Entry.objects.get(action="case.note").via == "web"


def test_an_empty_note_is_refused_next_to_the_field(people, case, login):
    client = login(people.agent)

    response = client.post(
        reverse("web:case_note_add", args=[case.pk]),
        {"kind": "note", "body": ""},
        HTTP_HX_REQUEST="true",
    )

    assert 'data-field="body"' in response.content.decode()
    assert not CaseNote.objects.filter(case=case).exists()


def test_attachment_upload_and_download_round_trip(people, case, login):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = login(people.agent)
    content = "发票 invoice\n".encode() + bytes(range(256))
    upload = SimpleUploadedFile("发票 March.pdf", content, content_type="application/pdf")

    response = client.post(reverse("web:case_attachment_add", args=[case.pk]), {"file": upload})

    assert response.status_code == 302
    attachment = case.attachments.get()
    detail = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert reverse("web:attachment_download", args=[attachment.pk]) in detail
    download = client.get(reverse("web:attachment_download", args=[attachment.pk]))
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == content
    assert download["Content-Type"] == "application/pdf"
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "filename*=utf-8''%E5%8F%91%E7%A5%A8%20March.pdf" in disposition


def test_outsider_cannot_download_another_departments_attachment(people, case, login):
    import io

    from caseledger.cases.services import case_attachment_add

    attachment = case_attachment_add(
        actor=people.agent, case=case, stream=io.BytesIO(b"secret"), filename="a.txt"
    )

    response = login(people.outsider).get(reverse("web:attachment_download", args=[attachment.pk]))

    assert response.status_code == 404


def test_workflow_buttons_move_the_case_and_closing_needs_a_resolution(people, case, login):
    client = login(people.agent)
    detail = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert 'data-status="acknowledged"' in detail
    assert 'data-status="reopened"' not in detail

    client.post(
        reverse("web:case_transition", args=[case.pk]),
        {"status": "acknowledged", "version": case.version},
    )
    case.refresh_from_db()
    assert case.status == "acknowledged"

    refused = client.post(
        reverse("web:case_transition", args=[case.pk]),
        {"status": "closed", "version": case.version},
        follow=True,
    )
    assert "Resolution: is required to close a case" in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "acknowledged"

    client.post(
        reverse("web:case_transition", args=[case.pk]),
        {"status": "closed", "version": case.version, "resolution": "Refunded"},
    )
    case.refresh_from_db()
    assert (case.status, case.resolution) == ("closed", "Refunded")
    assert Entry.objects.filter(action="case.transition", object_id=str(case.pk)).count() == 2


def test_list_filters_by_status_and_reference(people, customer, login):
    first = make_case(people.agent, customer, subject="Broken kettle")
    second = make_case(people.agent, customer, subject="Rude courier")
    from caseledger.cases.services import case_update

    case_update(actor=people.agent, case=second, data={"status": "acknowledged"})
    client = login(people.agent)

    by_status = client.get(reverse("web:case_list"), {"status": "acknowledged"})
    by_reference = client.get(reverse("web:case_list"), {"q": first.reference})

    assert [c.pk for c in by_status.context["page"].rows] == [second.pk]
    assert [c.pk for c in by_reference.context["page"].rows] == [first.pk]


def test_list_pages_by_fifty_without_counting(
    people, customer, login, django_assert_max_num_queries
):
    for _ in range(51):
        make_case(people.agent, customer)
    client = login(people.agent)

    with django_assert_max_num_queries(8) as queries:
        first = client.get(reverse("web:case_list"), {"sort": "reference"})
    second = client.get(reverse("web:case_list"), {"sort": "reference", "page": 2})

    assert not any("COUNT(" in q["sql"].upper() for q in queries.captured_queries)
    assert len(first.context["page"].rows) == 50 and first.context["page"].has_next
    assert len(second.context["page"].rows) == 1 and not second.context["page"].has_next
    assert "page=2" in first.content.decode()
    refs = [c.reference for c in first.context["page"].rows]
    assert refs == sorted(refs)


def test_htmx_filter_returns_only_the_results(people, case, login):
    response = login(people.agent).get(
        reverse("web:case_list"), {"q": "Charged"}, HTTP_HX_REQUEST="true"
    )

    html = response.content.decode()
    assert "<html" not in html and case.reference in html


def test_export_streams_the_filtered_cases_for_those_allowed(people, customer, login):
    make_case(people.agent, customer, subject='=HYPERLINK("x")')
    make_case(people.agent, customer, subject="Plain one")

    refused = login(people.agent).get(reverse("web:case_export"))
    response = login(people.supervisor).get(reverse("web:case_export"), {"q": "=HYPER"})

    assert refused.status_code == 403
    assert response.status_code == 200
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = body.strip().splitlines()
    assert lines[0].startswith("Reference,Status")
    assert len(lines) == 2 and "'=HYPERLINK" in lines[1]
    exported = Entry.objects.filter(action="case.export").get()
    assert exported.actor_name == "sam" and exported.via == "web"
    state = state_as_of("export", exported.object_id)
    assert state["count"] == 1 and state["filters"]["q"] == "=HYPER"
    assert state["case_ids"] == [Case.objects.get(subject__startswith="=HYPER").pk]


def test_a_bad_filter_date_is_shown_and_not_applied(people, case, login):
    response = login(people.agent).get(reverse("web:case_list"), {"received_from": "2026-13-45"})

    assert response.status_code == 200
    assert 'data-field="received_from"' in response.content.decode()
    assert [c.pk for c in response.context["page"].rows] == [case.pk]


def test_readers_get_403_on_the_new_case_form(people, login):
    response = login(people.auditor).get(reverse("web:case_create"))
    assert response.status_code == 403
    assert "do not allow you to record and edit cases" in response.content.decode()


def test_a_chinese_reader_exports_headers_and_values_in_chinese_still_masked(
    people, customer, login
):
    import io

    from openpyxl import load_workbook

    make_case(people.agent, customer, subject="退款未到账")
    client = login(people.supervisor)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/cases/"})
    csv_text = b"".join(client.get(reverse("web:case_export")).streaming_content).decode(
        "utf-8-sig"
    )
    header, row = csv_text.strip().splitlines()
    assert header.startswith("编号,状态,类型,渠道,类别") and "处理人" in header
    assert "已接收" in row and "投诉" in row and "账单与费用" in row and "错误扣费" in row
    assert "Sales 销售部" in row and display_name(customer) in row and customer.name not in row
    assert "complaint" not in row and "billing" not in row and "+08:00" not in row
    response = client.get(reverse("web:case_export_xlsx"))
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book["cases"].iter_rows(values_only=True))
    assert rows[0][:2] == ("编号", "状态") and rows[1][1] == "已接收"
