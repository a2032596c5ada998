"""The first administrator's printed one-time password (issue 11, item 15): the first web
login leads to the change-password page, every page until it is done; API tokens are not
affected; a password the operator chose (CASELEDGER_ADMIN_PASSWORD) is not one-time."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from caseledger.accounts.models import User
from caseledger.cli import bootstrap
from caseledger.journal.queries import history

NEW = "my own long passphrase 2026"


def _logged_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("web:login"), {"username": username, "password": password})
    assert response.status_code == 302, response.content
    return client


def test_the_one_time_password_must_be_changed_before_any_page(people):
    admin = bootstrap.admin_create(username="root", password=None)
    client = _logged_in("root", admin.password)
    for path in ("/", "/cases/", "/backups/", "/journal/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == reverse(
            "web:password_change"
        ), path
    language = client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/account/password/"})
    assert language["Location"] == "/account/password/"  # the language picker still works
    htmx = client.get("/cases/", HTTP_HX_REQUEST="true")
    assert htmx["HX-Redirect"] == reverse("web:password_change")
    page = client.get(reverse("web:password_change"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "一次性密码" in page.content.decode()

    changed = client.post(
        reverse("web:password_change"),
        {"old_password": admin.password, "new_password1": NEW, "new_password2": NEW},
    )
    assert changed.status_code == 302
    # The first page after the change is one the administrator may see, not the cases
    # (their role does not include them): the start page sends them to the administration.
    landing = client.get(changed["Location"], follow=True)
    assert landing.status_code == 200
    assert landing.redirect_chain[-1][0] == reverse("web:administration")
    assert not User.objects.get(username="root").must_change_password
    assert client.get("/backups/").status_code == 200
    entry = history(f"user:{User.objects.get(username='root').pk}")[-1]
    assert entry.action == "user.password" and entry.changes["must_change_password"] == [
        True,
        False,
    ]


def test_api_tokens_of_that_administrator_work_before_the_change(people):
    from caseledger.accounts.services import token_create

    bootstrap.admin_create(username="root", password=None)
    root = User.objects.get(username="root")
    _token, secret = token_create(actor=None, user=root, name="ops", scopes=["cases:read"])
    response = Client().get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code != 302 and response["Content-Type"] == "application/json"


def test_a_chosen_password_and_other_users_are_not_asked(people, login):
    bootstrap.admin_create(username="chosen", password="a password the operator chose")
    client = _logged_in("chosen", "a password the operator chose")
    assert client.get("/backups/").status_code == 200
    assert login(people.agent).get("/cases/").status_code == 200
