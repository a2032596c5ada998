"""An agent on a call: the caller's number (any format) finds the customer with their open
and recent cases; one form records a new case (channel phone) or adds the call to an open
one as a note from the customer."""

from __future__ import annotations

from caseledger.cases.models import Case, CaseNote
from caseledger.cases.services import case_update
from caseledger.customers.models import Customer
from caseledger.journal.models import Entry
from tests.factories import make_case, make_customer


def _caller(people):
    customer = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": "13812345678"}]
    )
    open_case = make_case(people.agent, customer, subject="网速慢 Slow line")
    closed = make_case(people.agent, customer, subject="账单 Old bill")
    case_update(
        actor=people.agent,
        case=closed,
        data={"status": "closed", "resolution": "Refunded"},
    )
    return customer, open_case, closed


def test_the_number_finds_the_caller_and_their_open_and_recent_cases(people, login):
    customer, open_case, closed = _caller(people)
    page = login(people.agent).get("/phone/", {"number": "+86 138 1234 5678"})
    assert page.status_code == 200
    text = page.content.decode()
    assert f"/customers/{customer.pk}/" in text
    open_part = text.split('id="open-cases"')[1].split("</ul>")[0]
    recent_part = text.split('id="recent-cases"')[1].split("</ul>")[0]
    assert open_case.reference in open_part and closed.reference not in open_part
    assert closed.reference in recent_part


def test_another_departments_caller_is_not_shown(people, login):
    _caller(people)
    text = login(people.outsider).get("/phone/", {"number": "13812345678"}).content.decode()
    assert 'id="new-caller"' in text


def test_the_call_is_added_to_an_open_case_as_a_note_from_the_customer(people, login):
    _customer, open_case, _closed = _caller(people)
    response = login(people.agent).post(
        "/phone/",
        {
            "number": "13812345678",
            "case": str(open_case.pk),
            "kind": "complaint",
            "note": "还是很慢",
        },
    )
    assert response.status_code == 302
    note = CaseNote.objects.get(case=open_case)
    assert (note.kind, note.channel, note.body) == ("inbound", "phone", "还是很慢")
    assert Case.objects.count() == 2


def test_a_new_callers_case_is_recorded_with_channel_phone_and_its_source(people, login):
    response = login(people.agent).post(
        "/phone/",
        {
            "number": "13900002222",
            "department": str(people.sales.pk),
            "name": "李四",
            "kind": "complaint",
            "category": "service",
            "subject": "客服态度差 Rude staff",
            "note": "上周三在门店",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(subject="客服态度差 Rude staff")
    assert (case.channel, case.description) == ("phone", "上周三在门店")
    assert case.customer.contact_points.get().value == "+8613900002222"
    created = Entry.objects.get(action="case.create", object_id=str(case.pk))
    assert created.reason == "intake: phone:139******22"


def test_a_new_case_names_what_is_missing_and_writes_nothing(people, login):
    before = (Customer.objects.count(), Case.objects.count(), Entry.objects.count())
    response = login(people.agent).post("/phone/", {"number": "12345", "kind": "complaint"})
    assert response.status_code == 422
    text = response.content.decode()
    for field in ("name", "category", "subject", "note"):
        assert f'data-field="{field}"' in text, field
    assert (Customer.objects.count(), Case.objects.count(), Entry.objects.count()) == before
    bad_number = login(people.agent).post(
        "/phone/",
        {
            "number": "12345",
            "department": str(people.sales.pk),
            "name": "李四",
            "kind": "complaint",
            "category": "service",
            "subject": "x",
            "note": "y",
        },
    )
    assert bad_number.status_code == 422
    assert "not a phone number" in bad_number.content.decode()


def test_a_closed_case_takes_no_call(people, login):
    _customer, _open, closed = _caller(people)
    response = login(people.agent).post(
        "/phone/",
        {"number": "13812345678", "case": str(closed.pk), "kind": "complaint", "note": "x"},
    )
    assert response.status_code == 422  # not among the open cases offered


def test_a_reader_without_case_rights_is_refused(people, login):
    assert login(people.auditor).get("/phone/").status_code == 403


def test_a_known_callers_name_is_not_put_into_the_page_and_is_not_asked_for(people, login):
    # An agent may not reveal a customer's name: the page masks it, and the call form must
    # not carry it in plain text either (it once did, as the name field's initial value).
    customer, _open, _closed = _caller(people)
    agent = login(people.agent)
    page = agent.get("/phone/", {"number": "13812345678"}).content.decode()
    assert customer.name not in page
    assert 'name="name"' in page  # still there, to give another name if it differs

    response = agent.post(
        "/phone/",
        {
            "number": "13812345678",
            "department": str(people.sales.pk),
            "kind": "complaint",
            "category": "service",
            "subject": "又断网了 Line down again",
            "note": "今天早上开始",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    case = Case.objects.get(subject="又断网了 Line down again")
    assert case.customer_id == customer.pk  # filed under the customer the number matched
    assert Customer.objects.count() == 1
