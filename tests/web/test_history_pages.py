"""The history page shows every change with its diff, and the state as of any moment."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from caseledger.cases.services import case_attachment_add, case_note_add, case_update
from caseledger.core import clock
from caseledger.customers.services import contact_point_add
from tests.factories import make_case

pytestmark = pytest.mark.django_db
SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def test_case_history_shows_diffs_notes_attachments_and_reasons(people, customer, login):
    with clock.frozen(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)):
        case = make_case(people.agent, customer, priority="normal")
    with clock.frozen(dt.datetime(2026, 3, 3, 1, 0, tzinfo=dt.UTC)):
        case_update(
            actor=people.supervisor, case=case, data={"priority": "urgent"}, reason="VIP customer"
        )
        case_note_add(actor=people.agent, case=case, body="Called back")
        case_attachment_add(
            actor=people.agent, case=case, stream=io.BytesIO(b"x"), filename="receipt.png"
        )

    response = login(people.agent).get(reverse("web:case_history", args=[case.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for action in ("case.create", "case.update", "case.note", "case.attachment"):
        assert action in html
    assert (
        '<tr class="change" data-field="priority"><td>Priority</td>'
        '<td class="before">Normal</td><td>→</td><td class="after">Urgent</td></tr>'
    ) in html
    assert "VIP customer" in html and "Called back" in html and "receipt.png" in html
    assert "by sam" in html and "via command line" in html
    assert "2026-03-03 09:00:00" in html  # 01:00 UTC is shown in Asia/Shanghai


def test_as_of_shows_the_state_at_that_moment(people, customer, login):
    with clock.frozen(dt.datetime(2026, 3, 2, 1, 0, tzinfo=dt.UTC)):
        case = make_case(people.agent, customer, subject="Before")
    with clock.frozen(dt.datetime(2026, 3, 5, 1, 0, tzinfo=dt.UTC)):
        case_update(actor=people.agent, case=case, data={"subject": "After"})
    client = login(people.agent)
    url = reverse("web:case_history", args=[case.pk])

    between = client.get(url, {"as_of": "2026-03-03T12:00:00"}).context
    later = client.get(url, {"as_of": "2026-03-06T12:00:00"}).context
    before_creation = client.get(url, {"as_of": "2026-03-01T12:00:00"})

    assert between["state"]["subject"] == "Before"
    assert later["state"]["subject"] == "After"
    assert before_creation.context["state"] is None
    assert "did not exist yet" in before_creation.content.decode()
    # The as-of time is read in Asia/Shanghai: 09:00 local is the creation moment itself.
    assert client.get(url, {"as_of": "2026-03-02T09:00:00"}).context["state"] is not None
    assert client.get(url, {"as_of": "2026-03-02T08:59:00"}).context["state"] is None


def test_customer_history_uses_the_same_page(people, customer, login):
    contact_point_add(
        actor=people.agent, customer=customer, data={"kind": "email", "value": "new@example.com"}
    )

    response = login(people.agent).get(
        reverse("web:customer_history", args=[customer.pk]), {"as_of": "2999-01-01T00:00:00"}
    )

    html = response.content.decode()
    assert "customer.create" in html and "customer.contact_add" in html
    assert 'data-field="contact_points"' in html
    # Contact values are personal data: the history shows them masked, like the live page.
    assert "new@example.com" not in html and "n**@example.com" in html
    assert response.templates[0].name == "web/history.html"
    assert [p["value"] for p in response.context["state"]["contact_points"]][
        -1
    ] == "n**@example.com"


def test_history_of_a_case_the_user_may_not_see_is_404(people, case, login):
    response = login(people.outsider).get(reverse("web:case_history", args=[case.pk]))
    assert response.status_code == 404
    assert case.subject not in response.content.decode()
