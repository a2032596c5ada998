"""What a long schemathesis run and hand fuzzing against a live server found (the review of
the API's inputs): each answered with a 4xx that names the problem in the reader's language,
nothing stored, never a 500."""

from __future__ import annotations

import base64
import json
import logging
import sys

import pytest
from django.test import override_settings

from caseledger.accounts.permissions import TOKEN_SCOPES
from tests.api.conftest import case_body


@pytest.fixture
def api(officer_api):
    return officer_api


def send(api, method: str, path: str, body: bytes, content_type: str | None, lang: str = "en"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {api.secret}", "HTTP_ACCEPT_LANGUAGE": lang}
    call = getattr(api.client, method.lower())
    if content_type is None:
        return call(f"/api/v1{path}", body, content_type="", **headers)
    return call(f"/api/v1{path}", body, content_type=content_type, **headers)


def cases_and_entries() -> tuple[int, int]:
    from caseledger.cases.models import Case
    from caseledger.journal.models import Entry

    return Case.objects.count(), Entry.objects.count()


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/cases?received_to=9999-12-31", "received_to"),
        ("/cases?received_from=0001-01-01", "received_from"),
        ("/cases/{case}/history?as_of=0001-01-01T00:00:00%2B14:00", "as_of"),
        ("/cases/{case}/history?as_of=9999-12-31T23:59:59-14:00", "as_of"),
        ("/customers/{customer}/history?as_of=0001-01-01T00:00:00Z", "as_of"),
        ("/cases/{case}/clocks?as_of=0001-01-01T00:00:00%2B14:00", "as_of"),
        ("/search?q=refund&received_to=9999-12-31", "received_to"),
        ("/search?q=refund&received_from=0001-01-01", "received_from"),
    ],
)
def test_a_list_or_history_asked_about_year_one_or_9999_is_refused_by_name(
    api, case, customer, path, field
):
    response = api.get(path.format(case=case.pk, customer=customer.pk))
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["field"] == field and "1900-01-01" in error["message"]


@pytest.mark.parametrize("received_at", ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00"])
def test_a_case_received_in_year_one_is_refused_and_nothing_is_written(api, customer, received_at):
    before = cases_and_entries()
    response = api.post("/cases", case_body(customer, received_at=received_at))
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == "received_at"
    assert cases_and_entries() == before


def test_a_clock_as_of_without_an_offset_is_refused_like_every_other_time(api, case):
    response = api.get(f"/cases/{case.pk}/clocks", {"as_of": "2026-03-01T09:30:00"})
    assert response.status_code == 422 and response.json()["error"]["field"] == "as_of"


def test_a_search_for_a_department_no_key_can_hold_is_refused_by_name(api):
    response = api.get("/search", {"q": "refund", "department": str(2**63)})
    assert response.status_code == 422 and response.json()["error"]["field"] == "department"


def test_the_services_refuse_a_day_no_complaint_can_have_whatever_the_interface(people, customer):
    from caseledger.core.errors import ValidationFailed
    from caseledger.privacy.services import privacy_request_open

    with pytest.raises(ValidationFailed) as refused:
        privacy_request_open(
            actor=people.compliance, customer=customer, kind="access", received_on="0001-01-01"
        )
    assert "received_on" in {e.field for e in refused.value.errors} | {refused.value.field}


@pytest.mark.parametrize("content_type", ["text/plain", None, "application/merge-patch+json"])
def test_a_nul_character_sent_under_another_content_type_is_refused_by_field(
    api, customer, content_type
):
    body = json.dumps(case_body(customer, subject="bad\u0000byte")).encode()
    before = cases_and_entries()
    response = send(api, "POST", "/cases", body, content_type)
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == "subject"
    assert cases_and_entries() == before


def test_text_that_only_spells_backslash_u0000_is_kept_as_written(api, customer):
    response = api.post("/cases", case_body(customer, subject="the escape \\u0000 in a log"))
    assert response.status_code == 201, response.content
    assert response.json()["subject"] == "the escape \\u0000 in a log"


@pytest.mark.parametrize(
    ("lang", "words"), [("zh-Hans", "必须是整数"), ("en", "must be a whole number")]
)
def test_a_schema_refusal_is_said_in_the_readers_language(api, customer, lang, words):
    body = json.dumps({**case_body(customer), "customer": "abc"}).encode()
    response = send(api, "POST", "/cases", body, "application/json", lang=lang)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "customer" and words in error["message"], error
    assert "Input should" not in response.content.decode()


def test_an_id_or_code_out_of_range_is_named_once_by_its_own_field(api, customer):
    response = api.post("/cases", case_body(customer, department=2**64))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["field"] == "department" and [e["field"] for e in error["errors"]] == [
        "department"
    ]


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b'{"subject": "\xff\xfe"}', "not UTF-8"),
        (json.dumps({"subject": "扣费"}, ensure_ascii=False).encode("gbk"), "not UTF-8"),
        (b'{"kind": "complaint",', "not valid JSON (line 1"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (b'{"customer": ' + b"9" * 5000 + b"}", "JSON cannot carry"),
    ],
)
def test_a_body_that_is_not_utf8_json_is_a_400_that_says_what_is_wrong(api, body, words):
    before = cases_and_entries()
    response = send(api, "POST", "/cases", body, "application/json")
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["field"] == "body" and words in error["message"], error
    assert cases_and_entries() == before


@pytest.mark.parametrize("content_type", ["application/json", "text/plain"])
def test_a_body_over_the_upload_limit_is_a_413_with_a_json_answer(api, customer, content_type):
    body = json.dumps(case_body(customer, subject="x" * 5000)).encode()
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = send(api, "POST", "/cases", body, content_type, lang="zh-Hans")
    assert response.status_code == 413, response.content
    assert response.json()["error"]["code"] == "too_large"


def test_a_server_error_in_the_json_log_carries_its_traceback():
    from caseledger.core.logging import formatter

    try:
        raise OverflowError("date value out of range")
    except OverflowError:
        record = logging.LogRecord(
            "caseledger.api.errors", logging.ERROR, __file__, 1, "api request failed", (), None
        )
        record.exc_info = sys.exc_info()
    line = json.loads(formatter(json=True).format(record))
    assert "Traceback" in line["exception"] and "OverflowError" in line["exception"]
    assert "test_a_server_error_in_the_json_log_carries_its_traceback" in line["exception"]


def tampered(cursor: str, values: list) -> str:
    raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    text = json.dumps({"o": raw["o"], "v": values}).encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


@pytest.mark.parametrize(
    "values",
    [
        [None, None],
        ["0001-01-01T00:00:00+14:00", 1],
        ["2026-01-01T00:00:00Z", 2**70],
        ["2026-01-01T00:00:00Z", "99999999999999999999999"],
        ["2026-01-01T00:00:00Z", 1e400],
    ],
)
def test_a_tampered_cursor_is_refused_as_a_cursor_on_every_engine(api, customer, values):
    for _ in range(3):
        assert api.post("/cases", case_body(customer)).status_code == 201
    first = api.get("/cases", {"limit": 1}).json()
    assert first["next_cursor"]
    response = api.get("/cases", {"limit": 1, "cursor": tampered(first["next_cursor"], values)})
    assert response.status_code == 422, response.content
    assert response.json()["error"]["code"] == "invalid_cursor"


@pytest.mark.parametrize("written", ["⁰¹²³⁴⁵⁶⁷⁸⁹", "٠١٢٣٤٥٦٧٨٩", "０１２３４５６７８９"])
def test_an_id_written_in_superscript_or_other_digits_is_not_found(api, case, written):
    """ "²⁰⁰" was a 500 (isdigit() yet no int); "٢٠٠" found case 200: ids are ASCII digits."""
    digits = str(case.pk).translate(str.maketrans("0123456789", written))
    for path in (f"/cases/{digits}", f"/cases/{digits}/history", f"/history/case/{digits}"):
        response = api.get(path)
        assert response.status_code == 404, (path, response.content)
        assert response.json()["error"]["code"] == "not_found"
    assert api.get(f"/customers/{digits}").status_code == 422  # an int in the schema


def test_every_shape_in_the_openapi_document_is_the_one_its_operation_uses():
    """ninja names a component after its class: two routes' `ExtendIn` (a clock's and a
    disposition batch's) were one component, so the batch's extend documented the clock's
    body. Every request and response shape has a name of its own."""
    import importlib
    import inspect
    import pkgutil

    from pydantic import BaseModel

    import caseledger.api.routes as routes
    import caseledger.api.schemas as schemas

    seen: dict[str, str] = {}
    clashes = []
    for package in (routes, schemas):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, cls in vars(module).items():
                if not (inspect.isclass(cls) and issubclass(cls, BaseModel)):
                    continue
                if cls.__module__ != module.__name__ or name.startswith("_"):
                    continue
                if name in seen and seen[name] != module.__name__:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen.setdefault(name, module.__name__)
    assert not clashes


def test_a_batch_extension_is_documented_with_the_body_the_server_reads(api):
    spec = api.client.get("/api/v1/openapi.json").json()
    body = spec["paths"]["/api/v1/dispositions/{batch_id}/extend"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(spec["components"]["schemas"][ref]["required"]) == {
        "record_type", "record_id", "due_on", "reason"
    }  # fmt: skip


@pytest.mark.parametrize("value", [0, 1, "true", "yes"])
def test_a_flag_must_be_a_json_boolean_not_a_number_or_a_word(api, people, value):
    from caseledger.accounts.services import user_create

    admin = user_create(
        actor=None, username="admin2", password=None, roles=["administrator"], department=None
    )
    response = api.__class__(admin, list(TOKEN_SCOPES)).patch(
        f"/departments/{people.sales.code}", {"is_active": value}
    )
    assert response.status_code == 422, response.content
    assert response.json()["error"]["field"] == "is_active"


def test_a_file_sent_with_a_type_no_header_can_carry_is_kept_and_downloads(api, case):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("note.txt", b"hello", content_type="\x01junk/\x7f")
    response = api.upload(f"/cases/{case.pk}/attachments", {"file": upload})
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "text/plain"
    download = api.client.get(
        f"/api/v1/attachments/{response.json()['id']}", HTTP_AUTHORIZATION=f"Bearer {api.secret}"
    )
    assert download.status_code == 200 and download["Content-Type"] == "text/plain"
    assert b"".join(download.streaming_content) == b"hello"
