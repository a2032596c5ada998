"""The journal browser is for auditors, compliance and records managers."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from caseledger.journal.models import Entry

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["auditor", "compliance", "records_manager"])
def test_journal_readers_browse_newest_first(people, case, login, persona):
    response = login(getattr(people, persona)).get(reverse("web:journal_list"))

    assert response.status_code == 200
    seqs = [e.seq for e in response.context["page"].rows]
    assert seqs == sorted(seqs, reverse=True)
    assert seqs[0] == Entry.objects.order_by("-seq").first().seq


@pytest.mark.parametrize("persona", ["agent", "supervisor", "admin", "outsider"])
def test_others_get_403(people, login, persona):
    client = login(getattr(people, persona))
    assert client.get(reverse("web:journal_list")).status_code == 403
    assert client.get(reverse("web:journal_entry", args=[1])).status_code == 403
    response = client.post(reverse("web:journal_verify"))
    assert response.status_code == 403
    assert "do not allow you to read the journal" in response.content.decode()


def test_filters_narrow_the_journal(people, case, login):
    response = login(people.auditor).get(
        reverse("web:journal_list"), {"action": "case.", "object_id": case.pk}
    )

    rows = response.context["page"].rows
    assert [(e.action, e.object_id) for e in rows] == [("case.create", str(case.pk))]


def test_entry_detail_shows_payload_and_hashes(people, case, login):
    entry = Entry.objects.get(action="case.create")

    html = (
        login(people.auditor).get(reverse("web:journal_entry", args=[entry.seq])).content.decode()
    )

    assert entry.hash in html and entry.prev_hash in html and entry.payload_hash in html
    assert case.subject in html
    assert login(people.auditor).get(reverse("web:journal_entry", args=[99999])).status_code == 404


def test_verify_button_reports_an_intact_chain(people, case, login):
    response = login(people.auditor).post(reverse("web:journal_verify"))

    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["report"].ok
    assert 'data-ok="true"' in html
    assert f'<dd id="verify-entries">{Entry.objects.count()}</dd>' in html


@pytest.mark.django_db(transaction=True)
def test_verify_button_names_the_first_tampered_entry(people, login):
    from caseledger.journal import triggers
    from tests.factories import make_case, make_customer

    make_case(people.agent, make_customer(people.agent, people.sales))
    victim = Entry.objects.get(action="customer.create")
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for statement in triggers.drop_statements(vendor):
            cursor.execute(statement)
        cursor.execute("UPDATE journal_entry SET reason = 'tampered' WHERE seq = %s", [victim.seq])
        for statement in triggers.create_statements(vendor):
            cursor.execute(statement)

    response = login(people.auditor).post(reverse("web:journal_verify"))

    html = response.content.decode()
    assert 'data-ok="false"' in html
    assert f"entry #{victim.seq}: edited" in html


def test_a_chinese_auditor_reads_the_tampered_entry_named_in_chinese(people, login):
    from tests.factories import make_case, make_customer
    from tests.journal.tamper import sql, triggers_dropped

    make_case(people.agent, make_customer(people.agent, people.sales))
    victim = Entry.objects.get(action="customer.create")
    with triggers_dropped():
        sql("UPDATE journal_entry SET reason = 'tampered' WHERE seq = %s", [victim.seq])

    response = login(people.auditor).post(
        reverse("web:journal_verify"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    html = response.content.decode()
    assert f"条目 #{victim.seq}：被改动：内容与其哈希不符" in html
    assert "its contents do not match its hash" not in html


def test_entry_detail_never_shows_a_secret_even_if_one_was_journaled(people, login):
    from caseledger.journal.services import Change, append, write_transaction

    with write_transaction():
        entry = append(
            actor=None,
            change=Change(
                action="test.secret",
                object_type="test",
                object_id="1",
                state={"name": "x", "token_hash": "abc123deadbeef"},
                changes={"password": ["old-pass-hash", "new-pass-hash"]},
            ),
        )

    html = (
        login(people.auditor).get(reverse("web:journal_entry", args=[entry.seq])).content.decode()
    )

    assert "abc123deadbeef" not in html and "new-pass-hash" not in html
    assert "(hidden)" in html


def test_compliance_lists_every_reveal_with_who_whom_and_why(people, customer, login):
    from caseledger.customers.services import customer_name_reveal

    customer_name_reveal(actor=people.compliance, customer=customer, reason="court order 17")
    client = login(people.compliance)
    page = client.get(reverse("web:journal_list")).content.decode()
    assert 'id="looks-reveals"' in page
    reveals = client.get(reverse("web:journal_list"), {"action": "customer.reveal"})
    rows = reveals.context["page"].rows
    assert [(e.action, e.actor_name, e.object_id, e.reason) for e in rows] == [
        ("customer.reveal", "carl", str(customer.pk), "court order 17")
    ]
