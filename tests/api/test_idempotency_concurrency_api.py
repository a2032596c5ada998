"""Two requests with one Idempotency-Key at the same moment make one case, not two."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from caseledger.cases.models import Case
from caseledger.journal.models import Entry
from tests.api.conftest import ApiClient, case_body

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the shared-cache in-memory SQLite test database locks tables across threads",
)
def test_concurrent_requests_with_one_key_make_one_case(people, customer):
    api = ApiClient(people.agent)
    entries = Entry.objects.count()
    start = threading.Barrier(4)
    responses: list = []

    def send() -> None:
        try:
            start.wait()
            responses.append(api.post("/cases", case_body(customer), key="race"))
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [r.status_code for r in responses] == [201] * 4, [r.content for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert Case.objects.count() == 1
    assert Entry.objects.count() == entries + 1
