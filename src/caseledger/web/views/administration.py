"""The administration area: departments and people (add, edit, deactivate with a
successor, reset a password), each person's last login, open work and tokens, and the count
of open work still owned by deactivated people. The administrator's home page."""

from __future__ import annotations

from dataclasses import replace

from django.conf import settings
from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts import services as accounts
from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.intake.form.account import form_department, form_source
from caseledger.web.admin_forms import (
    DeactivateForm,
    DepartmentEditForm,
    DepartmentForm,
    NewPersonForm,
    PersonForm,
    ReasonForm,
)
from caseledger.web.viewing import AuthedRequest, apply_errors, page_of, web_view
from caseledger.workflow import queries
from caseledger.workflow.services import user_deactivate


@web_view
def overview(request: AuthedRequest) -> HttpResponseBase:
    people = page_of(request, queries.people_list(actor=request.user), param="people")
    departments = page_of(request, queries.department_list(actor=request.user), param="departments")
    context = {
        "people": replace(people, rows=queries.people_rows(people.rows)),
        "departments": replace(departments, rows=queries.department_rows(departments.rows)),
        "orphans": queries.orphan_health(),
        "department_form": DepartmentForm(),
        "public_form": form_department(),
        "public_form_source": form_source(),
        "public_form_setting": settings.INTAKE_FORM_DEPARTMENT,
    }
    return render(request, "web/administration/overview.html", context)


@web_view
def department_new(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.DEPARTMENT_MANAGE)
    form = DepartmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            department = accounts.department_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Department %(code)s added.") % {"code": department.code})
            return redirect("web:administration")
    status = 422 if form.errors else 200
    return render(request, "web/administration/department.html", {"form": form}, status=status)


@web_view
def department_edit(request: AuthedRequest, pk: int) -> HttpResponseBase:
    require(request.user, Perm.USER_VIEW)
    department = get_object_or_404(Department, pk=pk)
    taking = form_department()
    initial = {"name": department.name, "public_form": taking == department}
    form = DepartmentEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data: dict = {"name": form.cleaned_data["name"]}
        if "reactivate" in request.POST:
            data["is_active"] = True
        if "public_form" in form.changed_data:
            data["public_form"] = form.cleaned_data["public_form"]
        try:
            accounts.department_update(
                actor=request.user,
                department=department,
                data=data,
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Department %(code)s saved.") % {"code": department.code})
            return redirect("web:administration")
    context = {
        "form": form,
        "department": department,
        "deactivate_form": ReasonForm(),
        "form_overridden": bool(settings.INTAKE_FORM_DEPARTMENT),
    }
    status = 422 if form.errors else 200
    return render(request, "web/administration/department.html", context, status=status)


@web_view
@require_POST
def department_deactivate(request: AuthedRequest, pk: int) -> HttpResponseBase:
    department = get_object_or_404(Department, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationFailed(_("say why"), field="reason", code="required")
        accounts.department_deactivate(
            actor=request.user, department=department, reason=form.cleaned_data["reason"]
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.shown())
        return redirect("web:department_edit", pk=pk)
    messages.success(request, _("Department %(code)s deactivated.") % {"code": department.code})
    return redirect("web:administration")


def _person_data(form: PersonForm) -> dict:
    data = form.cleaned_data
    return {
        "roles": list(data["roles"]),
        "department": data["department"],
        "supervised_departments": list(data["supervised_departments"]),
        "email": data["email"],
        "full_name": data["full_name"],
    }


@web_view
def person_new(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.USER_MANAGE)
    form = NewPersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = _person_data(form)
        password = accounts.generated_password()  # shown once, on the next page
        try:
            person = accounts.user_create(
                actor=request.user,
                username=form.cleaned_data["username"],
                password=password,
                roles=data["roles"],
                department=data["department"],
                supervised=data["supervised_departments"],
                email=data["email"],
                full_name=data["full_name"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            return render(
                request,
                "web/administration/password.html",
                {"person": person, "password": password},
            )
    status = 422 if form.errors else 200
    return render(request, "web/administration/person_new.html", {"form": form}, status=status)


@web_view
def person_detail(request: AuthedRequest, pk: int) -> HttpResponseBase:
    require(request.user, Perm.USER_VIEW)
    person = get_object_or_404(User, pk=pk)
    initial = {
        "roles": person.roles,
        "department": person.department,
        "supervised_departments": list(person.supervised_departments.all()),
        "email": person.email,
        "full_name": person.first_name,
    }
    form = PersonForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            accounts.user_update(
                actor=request.user,
                user=person,
                data=_person_data(form),
                reason=form.cleaned_data["reason"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(who)s saved.") % {"who": person.username})
            return redirect("web:person_detail", pk=pk)
    return _person_page(request, person, form, DeactivateForm(leaver=person))


def _person_page(request, person, form, deactivate_form, status=None) -> HttpResponseBase:
    context = {
        "person": person,
        "form": form,
        "deactivate_form": deactivate_form,
        "tokens": queries.person_tokens(actor=request.user, user=person),
        "owned": queries.owned_summary(actor=request.user, user=person),
    }
    if status is None:
        status = 422 if form.errors or deactivate_form.errors else 200
    return render(request, "web/administration/person.html", context, status=status)


@web_view
@require_POST
def person_password_reset(request: AuthedRequest, pk: int) -> HttpResponseBase:
    person = get_object_or_404(User, pk=pk)
    try:
        password = accounts.user_password_reset(
            actor=request.user, user=person, reason=request.POST.get("reason", "")
        )
    except ValidationFailed as exc:
        messages.error(request, exc.shown())
        return redirect("web:person_detail", pk=pk)
    return render(
        request, "web/administration/password.html", {"person": person, "password": password}
    )


@web_view
@require_POST
def person_deactivate(request: AuthedRequest, pk: int) -> HttpResponseBase:
    person = get_object_or_404(User, pk=pk)
    form = DeactivateForm(request.POST, leaver=person)
    if form.is_valid():
        try:
            result = user_deactivate(
                actor=request.user,
                user=person,
                successor=form.cleaned_data["successor"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationFailed, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _(
                    "%(who)s deactivated: %(moved)s open item(s) moved, %(tokens)s token(s) "
                    "revoked, %(sessions)s session(s) ended."
                )
                % {
                    "who": person.username,
                    "moved": len(result.moved),
                    "tokens": result.tokens_revoked,
                    "sessions": result.sessions_ended,
                },
            )
            return redirect("web:person_detail", pk=pk)
    return _person_page(request, person, PersonForm(), form, status=422)
