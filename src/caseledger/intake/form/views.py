"""The public pages: `/complain/` (file a complaint), `/complain/challenge/` (a proof-of-work
challenge for the widget), `/complain/status/` (a case's status and public replies by
reference and lookup code). No login; rate-limited; every refusal a page in the visitor's
language that names the problem, never a 500."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from caseledger.accounts.access import can
from caseledger.accounts.permissions import Perm
from caseledger.core.context import via
from caseledger.core.errors import PermissionDenied, ValidationFailed
from caseledger.intake.form import pow, throttle
from caseledger.intake.form.account import form_account, form_department
from caseledger.intake.form.fields import reference_fields
from caseledger.intake.form.forms import ComplaintForm, StatusForm
from caseledger.intake.form.mail import send_confirmation, status_path
from caseledger.intake.form.services import NOTICE_VERSION, form_submit, status_lookup


def _closed(request: HttpRequest) -> HttpResponse:
    """Closed is a state of the site, not a failure: a page that says so (200), and to a
    signed-in administrator where to open it."""
    user = getattr(request, "user", None)
    can_open = bool(
        user is not None and user.is_authenticated and can(user, Perm.DEPARTMENT_MANAGE)
    )
    return render(request, "intake/form/closed.html", {"can_open": can_open})


def _too_many(request: HttpRequest) -> HttpResponse:
    return render(request, "intake/form/too_many.html", status=429)


def _pow_error(problem: str) -> str:
    if problem == "missing":
        return _(
            "The check that you are not a robot has not finished. Wait until it says it is "
            "verified, then send again."
        )
    if problem == "expired":
        return _("The check that you are not a robot has expired. Run it again, then send.")
    return _("The check that you are not a robot failed. Run it again, then send.")


def _service_errors(form: ComplaintForm, exc: ValidationFailed) -> None:
    """A refusal of the services after the form's own checks, put in the visitor's words."""
    for error in exc.errors or [exc]:
        field = error.field or ""
        if field == "altcha":
            form.add_error("altcha", _("This check was used already. Run it again, then send."))
        elif field == "case.customer":
            form.add_error(
                None,
                _(
                    "We cannot record a complaint online for these contact details. "
                    "Please contact us by phone."
                ),
            )
        else:
            name = field.rsplit(".", 1)[-1]
            target = name if name in form.fields else None
            label = form.fields[name].label if target else field
            form.add_error(target, _("%(field)s was refused: please check it.") % {"field": label})


def _file(request: HttpRequest, form: ComplaintForm, department: Any) -> HttpResponse | None:
    """Runs a valid form through the service; the done page, or None with form errors."""
    checked = pow.verify(form.cleaned_data.get("altcha") or "")
    if not checked.ok:
        form.add_error("altcha", _pow_error(checked.problem))
        return None
    language = translation.get_language() or ""
    try:
        filed = form_submit(
            actor=form_account(department),
            department=department,
            data=form.cleaned_data,
            files=form.cleaned_data.get("attachments") or [],
            language=language,
            pow_id=checked.spent_id,
        )
    except ValidationFailed as exc:
        _service_errors(form, exc)
        return None
    email = form.cleaned_data.get("email")
    if email:
        send_confirmation(
            to=email,
            reference=filed.case.reference,
            code=filed.code,
            language=language,
            status_url=request.build_absolute_uri(status_path()),
        )
    context = {"reference": filed.case.reference, "code": filed.code, "email": email}
    return render(request, "intake/form/done.html", context, status=201)


@never_cache
@require_http_methods(["GET", "POST"])
def complain(request: HttpRequest) -> HttpResponse:
    department = form_department()
    if department is None:
        return _closed(request)
    references = reference_fields(department)
    if request.method == "POST" and throttle.filing_limited(request):
        return _too_many(request)
    posted = request.method == "POST"  # an empty POST is a submission too, not a blank form
    form = ComplaintForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        references=references,
        department_id=department.pk,
    )
    if request.method == "POST" and form.is_valid():
        try:
            with via("web"):
                done = _file(request, form, department)
        except PermissionDenied:  # the form's account was deactivated: the form is closed
            return _closed(request)
        if done is not None:
            return done
    status = 422 if form.errors else 200
    return render(request, "intake/form/complain.html", _notice({"form": form}), status=status)


def _notice(context: dict[str, Any]) -> dict[str, Any]:
    """What the privacy notice (PIPL Art 17) names: the handler, how to reach them, how
    long the information is kept, and which version of the text this is."""
    return {
        **context,
        "handler": settings.INTAKE_FORM_HANDLER,
        "contact": settings.INTAKE_FORM_HANDLER_CONTACT,
        "retention": settings.INTAKE_FORM_RETENTION,
        "version": NOTICE_VERSION,
    }


@never_cache
@require_GET
def challenge(request: HttpRequest) -> HttpResponse:
    if form_department() is None:
        return JsonResponse({"error": _("The complaint form is not open.")}, status=404)
    if throttle.challenge_limited(request):
        return JsonResponse({"error": _("Too many requests from here.")}, status=429)
    return JsonResponse(pow.challenge())


@never_cache
@require_http_methods(["GET", "POST"])
def status(request: HttpRequest) -> HttpResponse:
    """Open whether or not the form is: a complaint filed before the form closed or moved
    to another department can still be followed."""
    if request.method == "POST" and throttle.status_limited(request):
        return _too_many(request)
    form = StatusForm(request.POST if request.method == "POST" else None)
    found = None
    if request.method == "POST" and form.is_valid():
        try:
            with via("web"):
                found = status_lookup(
                    actor=None,
                    reference=form.cleaned_data["reference"],
                    code=form.cleaned_data["code"],
                )
        except PermissionDenied:
            found = None
        if found is None:
            form.add_error(
                None,
                _(
                    "The reference and the lookup code do not match a complaint. "
                    "Check both and try again."
                ),
            )
    if found is not None:
        return render(request, "intake/form/status.html", {"status": found})
    code = 422 if form.errors else 200
    return render(request, "intake/form/lookup.html", {"form": form}, status=code)
