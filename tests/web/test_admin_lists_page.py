"""A list of thousands pages on every administration screen, by the case list's mechanism
(web.viewing.page_of): two lists on one screen page apart, each keeping the other's page."""

from __future__ import annotations

import re

import pytest

from caseledger.accounts.services import department_create, user_create
from caseledger.web.viewing import PAGE_SIZE

pytestmark = pytest.mark.django_db


def _rows(html: str, table: str, attribute: str) -> list[str]:
    body = html.split(f'id="{table}"')[1].split("</table>")[0]
    return re.findall(rf'{attribute}="([^"]+)"', body)


def test_people_and_departments_page_apart_on_the_administration_screen(people, login):
    for n in range(PAGE_SIZE + 5):
        department_create(actor=None, code=f"d{n:03}", name=f"Dept {n:03}")
        user_create(actor=None, username=f"p{n:03}", password=None, roles=["auditor"])
    admin = login(people.admin)
    first = admin.get("/administration/").content.decode()
    assert len(_rows(first, "departments", "data-department")) == PAGE_SIZE
    assert len(_rows(first, "people", "data-user")) == PAGE_SIZE
    assert "?people=2" in first and "?departments=2" in first

    both = admin.get("/administration/?people=2&departments=2").content.decode()
    assert len(_rows(both, "people", "data-user")) == PAGE_SIZE + 5 + 7 - PAGE_SIZE
    assert len(_rows(both, "departments", "data-department")) == PAGE_SIZE + 5 + 2 - PAGE_SIZE
    # the links of one list keep the other's page
    assert "people=1" not in both and "departments=2" in both.split('id="people"')[1]

    absurd = admin.get("/administration/?people=99999999999999999999&departments=x")
    assert absurd.status_code == 200


def test_active_holds_page_on_the_retention_screen(people, case, login):
    from caseledger.retention.services import hold_place

    for n in range(PAGE_SIZE + 1):
        hold_place(actor=people.compliance, matter=f"M-{n:03}", reason="r", scope="cases",
                   cases=[case.pk])  # fmt: skip
    client = login(people.compliance)
    first = client.get("/retention/").content.decode()
    assert len(_rows(first, "holds", "id")) == PAGE_SIZE and "?holds=2" in first
    second = client.get("/retention/?holds=2").content.decode()
    assert _rows(second, "holds", "id") == [_hold_id(second)]


def _hold_id(html: str) -> str:
    return re.findall(r'id="(hold-\d+)"', html.split('id="holds"')[1].split("</table>")[0])[0]
