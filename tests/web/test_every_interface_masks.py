"""Every interface masks (issue 5): one person with a name, a phone, an e-mail address and a
resident ID, read through every page, API answer, export and the log output; none of them
holds the full name, the phone number or the ID number."""

from __future__ import annotations

import io
import json
import logging
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from caseledger.core.logging import formatter
from caseledger.customers.services import identifier_add
from tests.api.conftest import ApiClient
from tests.factories import make_case, make_customer

NAME = "王小明"
MASKED_NAME = "**明"
PHONE = "13812345678"
EMAIL = "wangxiaoming@example.com"
RESIDENT_ID = "11010519491231002X"
# The parts a mask must hide, in every form a value might be printed in.
SECRETS = (NAME, "小明", PHONE, PHONE[3:9], EMAIL, "wangxiaoming", RESIDENT_ID, RESIDENT_ID[1:-1])


@pytest.fixture
def person(people, settings):
    settings.REVIEWED_IDENTIFIER_KINDS = []  # direct entry; maker-checker is tests/privacy's
    customer = make_customer(
        people.agent,
        people.sales,
        name=NAME,
        contact_points=[{"kind": "phone", "value": PHONE}, {"kind": "email", "value": EMAIL}],
    )
    identifier_add(actor=people.agent, customer=customer, kind="resident_id", value=RESIDENT_ID)
    return customer


@pytest.fixture
def logs():
    """The log output as deployed: the project's structlog formatter on the root logger."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(json=True))
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def _text(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        # Every XML part of the workbook, as a spreadsheet program would read it.
        with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as book:
            return "".join(book.read(name).decode() for name in book.namelist())
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8-sig")
    if response["Content-Type"].startswith("application/json"):
        # The API escapes non-ASCII (\u738b): read it back, or "王小明" could never match.
        return json.dumps(response.json(), ensure_ascii=False)
    return response.content.decode()


def test_no_interface_shows_the_full_name_phone_or_resident_id(people, person, logs):
    case = make_case(people.agent, person)
    web = Client()
    web.force_login(people.supervisor)
    api = ApiClient(people.supervisor, ["cases:read", "customers:read"])

    shown = {
        "customer page": web.get(reverse("web:customer_detail", args=[person.pk])),
        "customer list": web.get(reverse("web:customer_list")),
        # Found by the whole e-mail address (sealed: by its blind index), typed in capitals
        # because the search box echoes what was typed.
        "customer search": web.get(reverse("web:customer_list"), {"q": EMAIL.upper()}),
        "case list": web.get(reverse("web:case_list")),
        "case page": web.get(reverse("web:case_detail", args=[case.pk])),
        "customer picker": web.get(reverse("web:customer_picker"), {"customer_q": "明"}),
        "case CSV": web.get(reverse("web:case_export")),
        "case XLSX": web.get(reverse("web:case_export_xlsx")),
        "API customer": api.get(f"/customers/{person.pk}"),
        "API customers": api.get("/customers"),
        "API case": api.get(f"/cases/{case.pk}"),
        "API cases": api.get("/cases"),
        "customer history": web.get(
            reverse("web:customer_history", args=[person.pk]), {"as_of": "2999-01-01T00:00:00"}
        ),
        "API customer history": api.get(f"/customers/{person.pk}/history"),
    }
    # Refusals log warnings with the request: they must not carry the values either.
    web.get(reverse("web:customer_name_reveal", args=[person.pk]))  # 403: may not reveal
    api.get("/cases", {"customer": "x"})  # 422
    outputs = {where: _text(response) for where, response in shown.items()}

    for where, response in shown.items():
        assert response.status_code == 200, (where, outputs[where][:300])
        assert MASKED_NAME in outputs[where], where
    for where, text in outputs.items():
        for secret in SECRETS:
            assert secret not in text, (where, secret)
    assert (
        "138******78" in outputs["customer page"]
        and "1****************X" in outputs["API customer"]
    )
    logged = logs.getvalue()
    assert "/customers/" in logged  # the refused requests were logged at all
    for secret in SECRETS:
        assert secret not in logged, secret


def test_an_organisation_name_is_not_personal_and_shows_in_full(people):
    org = make_customer(people.agent, people.sales, name="华为技术有限公司", kind="organisation")
    web = Client()
    web.force_login(people.agent)
    page = web.get(reverse("web:customer_detail", args=[org.pk])).content.decode()
    api = ApiClient(people.agent, ["customers:read"]).get(f"/customers/{org.pk}").json()
    assert "<h1>华为技术有限公司" in page and 'id="reveal-name"' not in page
    assert api["name"] == "华为技术有限公司"


def test_xlsx_export_has_the_csv_rows_as_text_cells_and_is_journaled(people, person):
    from openpyxl import load_workbook

    from caseledger.journal.models import Entry

    case = make_case(people.agent, person, subject="=HYPERLINK(1) 退款")
    web = Client()
    web.force_login(people.supervisor)
    response = web.get(reverse("web:case_export_xlsx"), {"q": case.reference})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    rows = list(book["cases"].iter_rows(values_only=True))
    assert rows[0][0] == "Reference" and len(rows) == 2
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Reference"] == case.reference and row["Customer"] == MASKED_NAME
    # A subject that looks like a formula stays text, never a live formula.
    cells = list(book["cases"].iter_rows())[1]
    subject = cells[rows[0].index("Subject")]
    assert subject.data_type == "s" and subject.value.startswith("=HYPERLINK")
    export = Entry.objects.filter(action="case.export").latest("seq")
    assert str(case.pk) in export.payload.body
