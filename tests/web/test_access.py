"""Each persona sees only what their roles allow, and a refusal says what is missing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import make_case, make_customer

pytestmark = pytest.mark.django_db


def test_pages_need_a_login(client, case):
    for url in (
        reverse("web:case_list"),
        reverse("web:case_detail", args=[case.pk]),
        reverse("web:customer_list"),
        reverse("web:journal_list"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("web:login"))


def test_login_with_password_lands_on_the_case_list(client, people):
    response = client.post(reverse("web:login"), {"username": "alice", "password": people.password})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")
    assert client.get("/").url == reverse("web:case_list")


def test_wrong_password_is_refused(client, people):
    response = client.post(reverse("web:login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_logout_needs_a_post(login, people):
    client = login(people.agent)
    assert client.get(reverse("web:logout")).status_code == 405
    assert client.post(reverse("web:logout")).status_code == 302
    assert client.get(reverse("web:case_list")).status_code == 302


def test_agent_sees_only_own_department_cases(people, case, login):
    foreign_customer = make_customer(people.outsider, people.service)
    foreign = make_case(people.outsider, foreign_customer, subject="Service dept case")

    html = login(people.agent).get(reverse("web:case_list")).content.decode()

    assert case.reference in html
    assert foreign.reference not in html


def test_outsider_gets_404_on_another_departments_case(people, case, login):
    client = login(people.outsider)
    for name in ("web:case_detail", "web:case_edit", "web:case_history"):
        assert client.get(reverse(name, args=[case.pk])).status_code == 404
    response = client.post(
        reverse("web:case_note_add", args=[case.pk]), {"kind": "note", "body": "sneaky"}
    )
    assert response.status_code == 404
    assert not case.notes.exists()


def test_auditor_reads_everything_but_gets_403_on_edit(people, case, login):
    client = login(people.auditor)

    assert client.get(reverse("web:case_detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("web:case_history", args=[case.pk])).status_code == 200
    detail = client.get(reverse("web:case_detail", args=[case.pk])).content.decode()
    assert reverse("web:case_edit", args=[case.pk]) not in detail
    assert 'id="note-form"' not in detail

    page = client.get(reverse("web:case_edit", args=[case.pk]))
    post = client.post(
        reverse("web:case_note_add", args=[case.pk]), {"kind": "note", "body": "an auditor's note"}
    )

    assert page.status_code == 403 and post.status_code == 403
    assert "record and edit cases" in page.content.decode()
    assert not case.notes.exists()


def test_admin_without_a_content_role_gets_403_naming_the_permission(people, case, login):
    client = login(people.admin)

    for url in (
        reverse("web:case_list"),
        reverse("web:case_detail", args=[case.pk]),
        reverse("web:customer_list"),
    ):
        response = client.get(url)
        assert response.status_code == 403
    html = client.get(reverse("web:case_list")).content.decode()
    assert "do not allow you to view cases" in html and "lacks permission" not in html
    assert case.subject not in html


def test_navigation_offers_only_what_the_user_may_use(people, login):
    agent_nav = login(people.agent).get(reverse("web:case_list")).content.decode()
    auditor_nav = login(people.auditor).get(reverse("web:case_list")).content.decode()

    assert reverse("web:journal_list") not in agent_nav
    assert reverse("web:case_create") in agent_nav
    assert reverse("web:journal_list") in auditor_nav
    assert reverse("web:case_create") not in auditor_nav


def test_unknown_page_is_a_404_page(people, login):
    response = login(people.agent).get("/no/such/page/")
    assert response.status_code == 404
    assert "Not found" in response.content.decode()


def test_no_secret_is_rendered(people, case, login):
    html = login(people.auditor).get(reverse("web:case_detail", args=[case.pk])).content
    assert people.auditor.password.encode() not in html
    assert b"pbkdf2" not in html and b"md5$" not in html


def test_the_case_lists_assignee_filter_names_only_people_working_cases_the_reader_sees(
    people, login
):
    # oscar works in service; carl, rita, audrey and adam hold no cases: none is offered
    # to a sales agent (the staff of other departments is not theirs to learn).
    html = login(people.agent).get("/cases/").content.decode()
    choices = html.split('name="assignee"')[1].split("</select>")[0]
    assert ">alice<" in choices and ">sam<" in choices
    for other in ("oscar", "carl", "rita", "audrey", "adam"):
        assert f">{other}<" not in choices, other
    everyone = login(people.auditor).get("/cases/").content.decode()
    assert ">oscar<" in everyone.split('name="assignee"')[1].split("</select>")[0]


def test_the_assignee_filters_query_agrees_with_the_permission_checks(people):
    from caseledger.accounts.access import can, department_ids
    from caseledger.accounts.models import Department, User
    from caseledger.accounts.permissions import Perm
    from caseledger.accounts.queries import assignee_choices

    User.objects.create(username="nodept", roles=["agent"])  # works no department's cases
    everyone = User.objects.filter(is_active=True)
    for reader in people.all().values():
        seen = department_ids(reader, Perm.CASE_VIEW)
        every = Department.objects.values_list("pk", flat=True)
        wanted = sorted(every if seen is None else seen)  # "all" is every department
        expected = {
            u.username
            for u in everyone
            if wanted and any(can(u, Perm.CASE_MODIFY, d) for d in wanted)
        }
        got = set(assignee_choices(actor=reader).values_list("username", flat=True))
        assert got == expected, reader.username
