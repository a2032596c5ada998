"""The administration area: the administrator's home page, departments, people, password
resets and offboarding on the web, in English and zh-Hans."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate
from django.urls import reverse

from caseledger.accounts.models import Department, User
from caseledger.cases.models import Case
from caseledger.journal.queries import history
from tests.factories import make_case, make_customer

pytestmark = pytest.mark.django_db


def test_an_administrator_logs_in_to_the_administration_area_not_a_403(client, people):
    response = client.post(
        reverse("web:login"), {"username": "adam", "password": people.password}, follow=True
    )

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("web:administration")
    html = response.content.decode()
    assert 'href="/administration/"' in html  # in the navigation
    assert 'data-user="alice"' in html and 'data-department="sales"' in html
    assert 'id="inactive-owners"' in html and 'data-count="0"' in html


def test_people_without_user_view_are_refused_the_area(login, people):
    for who in (people.agent, people.supervisor, people.compliance, people.auditor):
        client = login(who)
        assert client.get(reverse("web:administration")).status_code == 403
        assert (
            'href="/administration/"' not in client.get(reverse("web:case_list")).content.decode()
        )


def test_the_list_shows_open_work_and_live_tokens(login, people):
    from caseledger.accounts.services import token_create

    customer = make_customer(people.agent, people.sales)
    make_case(people.agent, customer, assignee=people.agent.pk)
    token_create(actor=None, user=people.agent, name="app", scopes=["cases:read"])

    html = login(people.admin).get(reverse("web:administration")).content.decode()

    row = re.search(r'<tr data-user="alice">(.*?)</tr>', html, re.S).group(1)
    assert '<td class="open-cases">1</td>' in row
    assert "<td>1" in row  # one live token


def test_adding_a_department_and_an_agent_shows_a_password_that_works(login, people):
    client = login(people.admin)

    added = client.post(reverse("web:department_new"), {"code": "claims", "name": "理赔 Claims"})
    assert added.status_code == 302
    claims = Department.objects.get(code="claims")
    page = client.post(
        reverse("web:person_new"),
        {"username": "cathy", "full_name": "Cathy 陈", "roles": ["agent"], "department": claims.pk},
    )

    assert page.status_code == 200
    password = re.search(r'id="one-time-password">([^<]+)<', page.content.decode()).group(1)
    cathy = User.objects.get(username="cathy")
    assert authenticate(username="cathy", password=password) == cathy
    assert cathy.department == claims and cathy.roles == ["agent"]
    assert [e.via for e in history(f"user:{cathy.pk}")] == ["web"]


def test_bad_input_is_shown_next_to_the_field_and_nothing_is_written(login, people):
    client = login(people.admin)

    page = client.post(reverse("web:person_new"), {"username": "alice", "roles": ["agent"]})

    html = page.content.decode()
    assert page.status_code == 422
    assert "user &#x27;alice&#x27; already exists" in html
    assert "agents and supervisors belong to a department" in html
    assert User.objects.filter(username="alice").count() == 1


def test_editing_roles_and_supervised_departments(login, people):
    client = login(people.admin)
    url = reverse("web:person_detail", args=[people.agent.pk])

    response = client.post(
        url,
        {
            "roles": ["agent", "supervisor"],
            "department": people.sales.pk,
            "supervised_departments": [people.sales.pk, people.service.pk],
            "email": "alice@example.com",
            "full_name": "Alice 王",
            "reason": "promoted",
        },
    )

    assert response.status_code == 302
    people.agent.refresh_from_db()
    assert people.agent.roles == ["agent", "supervisor"]
    assert set(people.agent.supervised_departments.values_list("code", flat=True)) == {
        "sales",
        "service",
    }


def test_offboarding_on_the_web_moves_the_cases_to_the_successor(login, people):
    from caseledger.accounts.services import user_create

    bea = user_create(
        actor=None, username="bea", password=None, roles=["agent"], department=people.sales
    )
    customer = make_customer(people.agent, people.sales)
    case = make_case(people.agent, customer, assignee=people.agent.pk)
    client = login(people.admin)
    detail = client.get(reverse("web:person_detail", args=[people.agent.pk])).content.decode()
    assert '<strong data-kind="case">1</strong>' in detail

    response = client.post(
        reverse("web:person_deactivate", args=[people.agent.pk]),
        {"successor": bea.pk, "reason": "left the company"},
        follow=True,
    )

    assert "alice deactivated: 1 open item(s) moved" in response.content.decode()
    assert Case.objects.get(pk=case.pk).assignee == bea
    overview = client.get(reverse("web:administration")).content.decode()
    assert 'data-count="0"' in overview


def test_offboarding_refused_names_the_reason_on_the_page(login, people, case):
    from caseledger.retention.services import hold_place

    hold_place(actor=people.records_manager, matter="M", reason="r", scope="cases", cases=[case.pk])
    client = login(people.admin)

    response = client.post(
        reverse("web:person_deactivate", args=[people.records_manager.pk]), {"reason": "retired"}
    )

    assert response.status_code == 422
    assert "need a successor who may manage holds" in response.content.decode()
    people.records_manager.refresh_from_db()
    assert people.records_manager.is_active


def test_a_department_with_people_refuses_deactivation_with_a_message(login, people):
    client = login(people.admin)

    response = client.post(
        reverse("web:department_deactivate", args=[people.service.pk]),
        {"reason": "closing"},
        follow=True,
    )

    assert "active people still work in service: oscar" in response.content.decode()
    people.service.refresh_from_db()
    assert people.service.is_active


def test_the_area_speaks_chinese(login, people):
    client = login(people.admin)
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})

    html = client.get(reverse("web:administration")).content.decode()
    person = client.get(reverse("web:person_detail", args=[people.agent.pk])).content.decode()

    assert (
        "系统管理" in html
        and "人员" in html
        and "部门" in html
        and "停用人员名下的未结工作" in html
    )
    assert "停用（离职交接）" in person and "接替人" in person
