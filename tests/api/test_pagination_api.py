"""Cursor pagination: every record exactly once, even while records are being added."""

from __future__ import annotations

import datetime as dt

from caseledger.cases.models import Case
from caseledger.core import clock
from tests.factories import make_case, make_customer

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def _cases(people, customer, n: int, *, same_time: bool = False) -> list:
    made = []
    with clock.frozen(START + dt.timedelta(days=1)):
        for i in range(n):
            at = START if same_time else START - dt.timedelta(hours=i)
            made.append(
                make_case(people.agent, customer, received_at=at.isoformat(), subject=f"case {i}")
            )
    return made


def _walk(api, params: dict, *, between_pages=None) -> tuple[list[str], int]:
    seen: list[str] = []
    pages = 0
    cursor = None
    while True:
        response = api.get("/cases", {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [c["reference"] for c in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, pages
        if between_pages:
            between_pages(pages)


def test_pages_cover_every_case_once_in_order(people, customer, api_as):
    made = _cases(people, customer, 7)

    seen, pages = _walk(api_as(people.agent), {"limit": 3})

    assert seen == [c.reference for c in made]  # newest received first
    assert pages == 3


def test_a_case_added_between_pages_causes_no_duplicate_or_gap(people, customer, api_as):
    made = [c.reference for c in _cases(people, customer, 7)]
    added: list[str] = []

    def insert_newest(page: int, day: int = 1) -> None:
        with clock.frozen(START + dt.timedelta(days=day, minutes=page)):
            added.append(make_case(people.agent, customer, subject=f"late {page}").reference)

    def insert_in_walked_range(page: int) -> None:
        # Sorts among the cases already served: an offset would now serve one twice.
        at = START + dt.timedelta(minutes=30 + page)
        with clock.frozen(START + dt.timedelta(days=1)):
            make_case(people.agent, customer, received_at=at.isoformat(), subject="backdated")

    newest_first, _ = _walk(api_as(people.agent), {"limit": 3}, between_pages=insert_newest)
    assert newest_first == made  # the new ones sort before where the walk began
    assert len(added) == 2

    backdated, _ = _walk(api_as(people.agent), {"limit": 3}, between_pages=insert_in_walked_range)
    assert backdated == [*reversed(added), *made]

    before = list(Case.objects.order_by("received_at", "id").values_list("reference", flat=True))
    oldest_first, _ = _walk(
        api_as(people.agent),
        {"limit": 2, "sort": "received"},
        between_pages=lambda page: insert_newest(page, day=2),
    )
    assert oldest_first == before + added[2:]  # later arrivals come at the end, once


def test_ties_on_the_sort_key_are_broken_by_id(people, customer, api_as):
    made = _cases(people, customer, 5, same_time=True)

    seen, _ = _walk(api_as(people.agent), {"limit": 2, "sort": "received"})

    assert sorted(seen) == sorted(c.reference for c in made)
    assert len(seen) == len(set(seen)) == 5


def test_filters_apply_across_pages(people, customer, api_as):
    other = make_customer(people.agent, people.sales)
    mine = _cases(people, customer, 4)
    _cases(people, other, 3)

    seen, _ = _walk(api_as(people.agent), {"limit": 3, "customer": customer.pk})

    assert seen == [c.reference for c in mine]


def test_a_cursor_is_refused_under_another_sort_or_when_garbled(people, customer, api_as):
    _cases(people, customer, 3)
    api = api_as(people.agent)
    cursor = api.get("/cases", {"limit": 1}).json()["next_cursor"]

    other_sort = api.get("/cases", {"limit": 1, "cursor": cursor, "sort": "reference"})
    garbled = api.get("/cases", {"limit": 1, "cursor": "bm9uc2Vuc2U"})

    for response in (other_sort, garbled):
        assert response.status_code == 422
        assert response.json()["error"]["field"] == "cursor"


def test_limit_is_bounded(people, customer, api_as):
    api = api_as(people.agent)

    assert api.get("/cases", {"limit": 201}).json()["error"]["field"] == "limit"
    assert api.get("/cases", {"limit": 0}).status_code == 422
    assert api.get("/cases", {"limit": 200}).status_code == 200


def test_customers_page_by_name(people, api_as):
    names = [f"Customer {c}" for c in "EDCBA"]
    for name in names:
        # Organisations: their names show in full, so the order can be read off the page.
        make_customer(people.agent, people.sales, name=name, kind="organisation")
    api = api_as(people.agent)

    seen, cursor = [], None
    while True:
        body = api.get("/customers", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [c["name"] for c in body["items"]]
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == sorted(names)


def test_an_order_the_list_does_not_offer_is_refused_by_name(people, customer, api_as):
    response = api_as(people.agent).get("/cases", {"sort": "priority"})
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "sort"
