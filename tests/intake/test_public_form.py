"""A customer files a complaint on /complain/ (no login): matched or created by phone or
e-mail, the privacy notice's consent recorded, files attached, a reference and a lookup code
shown and e-mailed (only the code's hash kept), the filing journaled with its source."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re

import hypothesis
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import strategies as st

from caseledger.cases.models import Attachment, Case, CaseNote
from caseledger.core import clock
from caseledger.customers.models import Customer
from caseledger.intake.form import codes
from caseledger.intake.form.account import form_account
from caseledger.intake.form.models import FormSubmission
from caseledger.journal.models import Entry
from caseledger.privacy.models import Consent
from caseledger.workflow.industries.services import template_adopt
from tests.factories import make_customer
from tests.intake.conftest import complaint, solved


def _file(client, **overrides):
    data = complaint(**overrides)
    data.setdefault("altcha", solved(client))
    return client.post("/complain/", data)


def _filed(response) -> tuple[str, str]:
    text = response.content.decode()
    reference = re.search(r'id="reference">([^<]+)<', text).group(1)
    code = re.search(r'id="code">([^<]+)<', text).group(1)
    return reference, code


def _counts():
    return Customer.objects.count(), Case.objects.count(), Entry.objects.count()


def test_a_complaint_is_recorded_with_consent_files_a_code_and_its_source(
    visitor, people, mailoutbox, django_capture_on_commit_callbacks
):
    receipt = SimpleUploadedFile("收据 receipt.pdf", b"%PDF-1.4 receipt", "application/pdf")

    with django_capture_on_commit_callbacks(execute=True):
        response = _file(visitor, attachments=[receipt])

    assert response.status_code == 201, response.content.decode()[:2000]
    reference, code = _filed(response)
    case = Case.objects.get(reference=reference)
    assert (case.channel, case.kind, case.department_id) == (
        "web_form",
        "complaint",
        people.sales.pk,
    )
    assert case.category == "billing" and case.customer_request.startswith("退还")
    assert sorted((p.kind, p.value) for p in case.customer.contact_points.all()) == [
        ("email", "wang@example.com"),
        ("phone", "+8613812345678"),
    ]
    assert Attachment.objects.get(case=case).filename == "收据 receipt.pdf"
    consent = Consent.objects.get(customer=case.customer)
    assert (consent.legal_basis, consent.obtained_by) == ("consent", "form")
    assert "privacy notice 2026-12" in consent.purpose
    submission = FormSubmission.objects.get(case=case)
    assert submission.consent == consent and submission.attachments == 1
    assert submission.code_hash == codes.code_hash(reference, code)
    stored = json.dumps(list(FormSubmission.objects.values()), default=str)
    assert codes.normalize(code) not in stored.replace("-", "") and code not in stored
    source = f"intake: web_form:{submission.public_id}"
    created = Entry.objects.get(action="case.create", object_id=str(case.pk))
    assert created.reason == source and created.via == "web"
    assert Entry.objects.get(action="customer.create").reason == source
    filing = Entry.objects.get(action="intake.form_submit")
    assert (filing.object_id, filing.root, filing.reason) == (
        submission.public_id,
        f"case:{case.pk}",
        source,
    )
    assert Entry.objects.filter(action="privacy.consent_grant").count() == 1
    [mail] = mailoutbox
    assert mail.to == ["wang@example.com"] and reference in mail.subject
    assert code in mail.body and "/complain/status/" in mail.body


def test_the_confirmation_is_in_the_language_the_complaint_was_filed_in(
    people, mailoutbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    visitor = Client(REMOTE_ADDR="203.0.113.8", HTTP_ACCEPT_LANGUAGE="zh-hans")
    with django_capture_on_commit_callbacks(execute=True):
        response = _file(visitor)
    assert response.status_code == 201
    assert "我们已收到您的投诉" in response.content.decode()
    assert "我们已收到您的投诉" in mailoutbox[0].subject
    assert "查询码" in mailoutbox[0].body


def test_a_known_phone_files_under_the_existing_customer(visitor, people):
    known = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": "13812345678"}]
    )
    response = _file(visitor, email=None, name="Wang X.")
    assert response.status_code == 201
    case = Case.objects.get(reference=_filed(response)[0])
    assert case.customer_id == known.pk
    assert Customer.objects.count() == 1


def test_the_same_name_with_other_contacts_is_flagged_on_the_case_never_merged(visitor, people):
    namesake = make_customer(
        people.agent,
        people.sales,
        name="王小明",
        contact_points=[{"kind": "phone", "value": "13900001111"}],
    )
    response = _file(visitor)
    case = Case.objects.get(reference=_filed(response)[0])
    assert case.customer_id != namesake.pk
    assert Customer.objects.filter(merged_into__isnull=False).count() == 0
    note = CaseNote.objects.get(case=case)
    assert note.kind == "note" and f"#{namesake.pk}" in note.body
    assert "Probable duplicate" in note.body
    filing = Entry.objects.get(action="intake.form_submit")
    assert json.loads(filing.payload.body)["extra"] == {"probable_duplicates": [namesake.pk]}


def test_an_empty_form_names_every_missing_field_and_writes_nothing(visitor, people):
    before = _counts()
    response = visitor.post("/complain/", {})
    assert response.status_code == 422
    text = response.content.decode()
    for field in ("name", "phone", "email", "category", "subject", "description", "consent"):
        assert f'data-field="{field}"' in text, field
    assert "Give a phone number or an e-mail address" in text
    assert "Your agreement to the privacy notice is needed" in text
    assert _counts() == before


def test_errors_are_named_in_chinese_for_a_chinese_visitor(people):
    from django.test import Client

    visitor = Client(REMOTE_ADDR="203.0.113.9", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    response = visitor.post("/complain/", {"phone": "12345", "email": "not-an-address"})
    assert response.status_code == 422
    text = response.content.decode()
    assert 'lang="zh-hans"' in text
    assert "这个字段是必填项" in text  # Django's own words, translated
    assert "这不是我们可以拨打的电话号码" in text
    assert "这不是电子邮件地址" in text
    assert "您需要同意隐私声明才能提交投诉" in text


def test_bad_contacts_files_and_choices_are_each_named(visitor, people, settings):
    settings.INTAKE_FORM_MAX_FILES = 1
    files = [SimpleUploadedFile("a.txt", b"a"), SimpleUploadedFile("b.txt", b"b")]
    response = visitor.post(
        "/complain/",
        complaint(phone="12345", email="wang@", category="no-such", altcha="x", attachments=files),
    )
    assert response.status_code == 422
    text = response.content.decode()
    assert "This is not a phone number we can call." in text
    assert "This is not an e-mail address." in text
    assert "Select a valid choice" in text
    assert "At most 1 files, please; you chose 2." in text
    settings.INTAKE_FORM_MAX_FILES = 5
    settings.ATTACHMENT_MAX_BYTES = 3
    big = SimpleUploadedFile("big.bin", b"0123456789")
    empty = SimpleUploadedFile("empty.txt", b"")
    text = visitor.post("/complain/", complaint(attachments=[big, empty])).content.decode()
    assert "big.bin is larger than 3" in text and "empty.txt is empty." in text
    assert Case.objects.count() == 0


def test_a_missing_forged_expired_or_spent_proof_of_work_is_refused_by_name(visitor, people):
    text = visitor.post("/complain/", complaint()).content.decode()
    assert "has not finished" in text

    good = solved(visitor)
    forged = json.loads(base64.b64decode(good))
    forged["solution"]["counter"] += 1
    forged["solution"]["derivedKey"] = "00" * 32
    response = visitor.post(
        "/complain/", complaint(altcha=base64.b64encode(json.dumps(forged).encode()).decode())
    )
    assert response.status_code == 422 and "check that you are not a robot failed" in (
        response.content.decode()
    )
    with clock.frozen(clock.now() + dt.timedelta(hours=1)):
        response = visitor.post("/complain/", complaint(altcha=good))
    assert response.status_code == 422 and "has expired" in response.content.decode()
    assert Case.objects.count() == 0

    assert visitor.post("/complain/", complaint(altcha=good)).status_code == 201
    again = visitor.post("/complain/", complaint(altcha=good, subject="again"))
    assert again.status_code == 422 and "used already" in again.content.decode()
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    "junk",
    [
        {"name": "x" * 100_000, "altcha": "A" * 100_000},
        {"name": "NUL\x00here", "subject": "\x00", "description": "\x00"},
        {"category": ["billing", "delivery"], "consent": "maybe"},
        {"altcha": "!!!not base64!!!"},
        {"altcha": base64.b64encode(b'{"challenge": null, "solution": null, "test": true}')},
        {"altcha": base64.b64encode(b"[1, 2, 3]")},
        {"phone": "+" + "9" * 39, "email": "@" * 254},
    ],
)
def test_no_input_gives_a_server_error(visitor, people, junk):
    response = visitor.post("/complain/", complaint(**junk))
    assert response.status_code in (201, 422), response.status_code


def test_filing_is_rate_limited_per_address_and_overall(people, settings):
    from django.test import Client

    settings.INTAKE_FORM_RATE_IP = "2/h"
    settings.INTAKE_FORM_RATE_ALL = "4/h"  # a refused attempt counts too
    first, second = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    assert first.post("/complain/", {}).status_code == 422
    assert first.post("/complain/", {}).status_code == 422
    refused = first.post("/complain/", {})
    assert refused.status_code == 429
    assert "too many attempts from here" in refused.content.decode()
    assert second.post("/complain/", {}).status_code == 422  # another address: its own count
    assert second.post("/complain/", {}).status_code == 429  # but the site's limit is reached
    assert first.get("/complain/").status_code == 200  # reading the form is never limited


def test_the_form_is_closed_when_no_department_takes_it(visitor, people, settings):
    settings.INTAKE_FORM_DEPARTMENT = ""
    response = visitor.get("/complain/")
    assert response.status_code == 200
    assert "The complaint form is not open" in response.content.decode()
    assert visitor.get("/complain/challenge/").status_code == 404


def test_the_form_shows_the_privacy_notice_and_the_adopted_templates_fields(
    visitor, people, settings
):
    settings.INTAKE_FORM_HANDLER = "示例科技有限公司 Example Tech Ltd"
    text = visitor.get("/complain/").content.decode()
    assert 'id="privacy-notice"' in text and "Example Tech Ltd" in text
    assert "Your rights" in text and 'name="consent"' in text
    assert 'name="order_ref"' in text and 'name="contract_ref"' not in text  # the default
    template_adopt(actor=people.admin, industry="banking", department=people.sales)
    text = visitor.get("/complain/").content.decode()
    assert 'name="contract_ref"' in text and 'name="order_ref"' not in text
    assert "<altcha-widget" in text and "https://" not in text.split("</head>")[0]


_FIELDS = ("name", "phone", "email", "category", "subject", "description", "altcha", "consent")


@hypothesis.settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[hypothesis.HealthCheck.function_scoped_fixture],
)
@hypothesis.given(
    posted=st.dictionaries(
        st.sampled_from(_FIELDS), st.text(max_size=300) | st.binary(max_size=64).map(repr)
    ),
    reference=st.text(max_size=40),
    code=st.text(max_size=60),
)
def test_random_input_to_the_public_pages_never_gives_a_server_error(
    people, settings, posted, reference, code
):
    from django.test import Client

    settings.INTAKE_FORM_RATE_IP = settings.INTAKE_STATUS_RATE_IP = "10000/h"
    settings.INTAKE_STATUS_RATE_REFERENCE = "10000/h"
    visitor = Client(REMOTE_ADDR="198.51.100.77")
    assert visitor.post("/complain/", posted).status_code in (201, 422)
    status = visitor.post("/complain/status/", {"reference": reference, "code": code})
    assert status.status_code == 422


def test_a_confirmation_that_cannot_be_sent_does_not_undo_the_filing(
    visitor, people, monkeypatch, django_capture_on_commit_callbacks
):
    import smtplib

    def broken(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("gone")

    monkeypatch.setattr("caseledger.intake.form.mail.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        response = _file(visitor)
    assert response.status_code == 201
    reference, code = _filed(response)
    assert FormSubmission.objects.get(case__reference=reference).code_hash == codes.code_hash(
        reference, code
    )


def test_deactivating_the_forms_account_closes_the_form(visitor, people):
    from caseledger.accounts.services import user_update

    account = form_account(people.sales)
    user_update(actor=people.admin, user=account, data={"is_active": False}, reason="closed")
    response = visitor.post("/complain/", complaint(altcha=solved(visitor)))
    assert "The complaint form is not open" in response.content.decode()
    assert Case.objects.count() == 0


def test_a_restricted_requester_is_told_to_call_and_nothing_is_written(visitor, people):
    from caseledger.retention.services import record_restrict

    known = make_customer(
        people.agent, people.sales, contact_points=[{"kind": "phone", "value": "13812345678"}]
    )
    record_restrict(actor=people.compliance, customer=known, reason="PIPL Art 47 request")
    form_account(people.sales)  # the form's account exists once the first filing came in
    before = _counts()
    response = _file(visitor, email=None)
    assert response.status_code == 422
    assert "Please contact us by phone." in response.content.decode()
    assert _counts() == before
