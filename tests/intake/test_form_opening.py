"""Opening the public complaint form without touching the environment: an administrator
ticks the department that takes it (journaled; the env variable still overrides); a site
with one department has it open; a closed form is a page that says so, not an error."""

from __future__ import annotations

import json

from django.test import Client

from caseledger.accounts.models import Department
from caseledger.accounts.services import department_create
from caseledger.journal.models import Entry


def _body(entry: Entry) -> dict:
    return json.loads(entry.payload.body)


def test_a_closed_form_is_a_page_saying_so_and_tells_an_administrator_where_to_open_it(
    visitor, people, settings, login
):
    settings.INTAKE_FORM_DEPARTMENT = ""  # two departments, nobody chose: closed
    closed = visitor.get("/complain/")
    assert closed.status_code == 200
    assert "The complaint form is not open" in closed.content.decode()
    assert 'id="form-open-hint"' not in closed.content.decode()
    assert visitor.get("/complain/challenge/").status_code == 404
    hint = login(people.admin).get("/complain/").content.decode()
    assert 'id="form-open-hint"' in hint and "/administration/#public-form" in hint


def test_a_site_with_one_department_has_its_form_open_without_any_setting(db, settings):
    settings.INTAKE_FORM_DEPARTMENT = ""
    visitor = Client(REMOTE_ADDR="203.0.113.9")
    assert "not open" in visitor.get("/complain/").content.decode()  # no department yet
    department_create(actor=None, code="care", name="Care")
    page = visitor.get("/complain/")
    assert page.status_code == 200 and 'name="consent"' in page.content.decode()
    department_create(actor=None, code="sales", name="Sales")  # two: someone must choose
    assert "not open" in visitor.get("/complain/").content.decode()


def test_an_administrator_opens_moves_and_closes_the_form_from_a_department_page(
    visitor, people, settings, login
):
    settings.INTAKE_FORM_DEPARTMENT = ""
    admin = login(people.admin)
    assert 'id="public-form"' in admin.get("/administration/").content.decode()

    def tick(department: Department, on: bool):
        data = {"name": department.name, "reason": "form opens"}
        if on:
            data["public_form"] = "on"
        response = admin.post(f"/administration/departments/{department.pk}/", data)
        assert response.status_code == 302, response.content.decode()[:1000]

    tick(people.sales, True)
    assert 'name="consent"' in visitor.get("/complain/").content.decode()
    overview = admin.get("/administration/").content.decode()
    assert "Sales 销售部 (sales)" in overview.split('id="public-form"')[1].split("</div>")[0]
    entry = Entry.objects.filter(object_type="department", object_id=str(people.sales.pk)).last()
    assert _body(entry)["state"]["public_form"] is True and entry.actor_id == people.admin.pk

    tick(people.service, True)  # the form moves: sales stops taking it, journaled too
    people.sales.refresh_from_db()
    assert people.sales.public_form is False
    moved = Entry.objects.filter(object_type="department", object_id=str(people.sales.pk)).last()
    assert _body(moved)["state"]["public_form"] is False
    assert "public_form" in _body(moved)["changes"]

    tick(people.service, False)
    assert "not open" in visitor.get("/complain/").content.decode()


def test_the_environment_variable_overrides_the_choice_made_in_the_web_ui(
    visitor, people, settings, login
):
    from caseledger.accounts.services import department_update
    from caseledger.intake.form.account import form_department

    department_update(actor=people.admin, department=people.service, data={"public_form": True})
    settings.INTAKE_FORM_DEPARTMENT = "sales"
    assert form_department() == people.sales
    page = login(people.admin).get(f"/administration/departments/{people.service.pk}/")
    assert 'id="form-overridden"' in page.content.decode()


def test_the_api_moves_the_form_and_says_where_it_files(visitor, people, settings, api_as):
    settings.INTAKE_FORM_DEPARTMENT = ""
    api = api_as(people.admin, ["users:read", "users:write"])
    moved = api.patch("/departments/service", {"public_form": True, "reason": "phones"})
    assert moved.status_code == 200 and moved.json()["public_form"] is True
    listed = {d["code"]: d["public_form"] for d in api.get("/departments").json()["items"]}
    assert listed == {"sales": None, "service": True}
    bad = api.patch("/departments/service", {"public_form": "yes"})
    assert bad.status_code == 422
    assert 'name="consent"' in visitor.get("/complain/").content.decode()
