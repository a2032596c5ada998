"""What every HTML view shares: login, the "web" journal interface, and turning service
errors into pages and form errors, so the views themselves stay a few lines long."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from caseledger.accounts.models import User
from caseledger.core.context import via
from caseledger.core.errors import (
    CaseledgerError,
    Conflict,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from caseledger.retention.errors import Held

PAGE_SIZE = 50


class AuthedRequest(HttpRequest):
    """What a view behind `web_view` receives: a logged-in user and htmx details."""

    user: User  # type: ignore[assignment]
    htmx: HtmxDetails


def web_view(func: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Logged-in only; journal entries say "web"; a refusal or a miss becomes a page."""

    @login_required
    @functools.wraps(func)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            with via("web"):
                return func(request, *args, **kwargs)
        except PermissionDenied as exc:
            return render(request, "403.html", {"reason": exc.shown()}, status=403)
        except NotFound as exc:
            return render(request, "404.html", {"reason": exc.shown()}, status=404)
        except Held as exc:  # any write a view does not handle itself names the hold
            return render(request, "web/retention/held.html", {"reason": exc.shown()}, status=409)

    return wrapper


def error_text(exc: CaseledgerError) -> str:
    """A service error as one line for a page: the field by its label, the message in the
    reader's language (never `field: message` with the field's code name)."""
    from caseledger.web.display import field_label

    errors = exc.errors if isinstance(exc, ValidationFailed) and exc.errors else [exc]
    parts = []
    for error in errors:
        if error.field:
            label = field_label("", error.field.split(".")[-1].split("[")[0])
            parts.append(f"{label}{_(': ')}{error.shown()}")
        else:
            parts.append(error.shown())
    return _("; ").join(parts)


def apply_errors(
    form: forms.Form, exc: CaseledgerError, aliases: dict[str, str] | None = None
) -> None:
    """Put each of a service's field errors next to the form field it names."""
    aliases = aliases or {}
    errors = exc.errors if isinstance(exc, ValidationFailed) and exc.errors else [exc]
    for error in errors:
        name = aliases.get(error.field or "", error.field)
        if name and name in form.fields:
            form.add_error(name, error.shown())
        elif error.field:
            form.add_error(None, error_text(error))
        else:
            form.add_error(None, error.shown())


@dataclass(frozen=True)
class Page:
    """One page of a list, found without counting the whole list (it may be millions).
    `param` names the page in the address, so that one screen may page two lists."""

    rows: list[Any]
    number: int
    has_next: bool
    param: str = "page"
    query: Any = None  # the request's GET, to keep the other filters in the links

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def next_number(self) -> int:
        return self.number + 1

    @property
    def previous_number(self) -> int:
        return self.number - 1

    def _href(self, number: int) -> str:
        params = self.query.copy() if self.query is not None else QueryDict(mutable=True)
        if number > 1:
            params[self.param] = str(number)
        else:
            params.pop(self.param, None)
        return "?" + params.urlencode() if params else "?"

    @property
    def next_href(self) -> str:
        return self._href(self.next_number)

    @property
    def previous_href(self) -> str:
        return self._href(self.previous_number)


def page_of(
    request: HttpRequest, queryset: Any, size: int = PAGE_SIZE, param: str = "page"
) -> Page:
    """The page `?<param>=N` of a queryset (or a list): the case list's mechanism, for
    every list that may grow long."""
    try:
        number = max(1, int(request.GET.get(param) or 1))
    except ValueError:
        number = 1
    number = min(number, 10**9 // size)  # a page number no list reaches, not an overflow
    start = (number - 1) * size
    rows = list(queryset[start : start + size + 1])  # one extra row says a next page exists
    return Page(
        rows=rows[:size],
        number=number,
        has_next=len(rows) > size,
        param=param,
        query=request.GET,
    )


def clean_filters(form: forms.Form) -> dict[str, Any]:
    """The valid, non-empty filters of a GET form; a bad one is shown, not applied."""
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return {k: v for k, v in data.items() if v not in (None, "") and k not in form.errors}


def changed_values(form: forms.Form, names: tuple[str, ...]) -> dict[str, Any]:
    """Only what the user changed, so an untouched field never makes a journal entry."""
    return {
        name: _service_value(form.cleaned_data.get(name))
        for name in form.changed_data
        if name in names
    }


@dataclass(frozen=True)
class EditOutcome:
    saved: bool
    unchanged: bool
    status: int


def submit_versioned_edit(
    form: forms.Form, fields: tuple[str, ...], update: Callable[..., Any], stale_message: str
) -> EditOutcome:
    """Run a valid edit form (with `reason` and `version`) through its update service.

    Only the fields the user changed are sent; a hold, a stale version and bad input become
    form errors with the status the page should answer with.
    """
    data = changed_values(form, fields)
    if not data:
        return EditOutcome(saved=False, unchanged=True, status=200)
    try:
        update(
            data=data,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except Held as exc:  # a Conflict too, but it names the hold, not a stale version
        form.add_error(None, exc.shown())
        return EditOutcome(saved=False, unchanged=False, status=409)
    except Conflict:
        form.add_error(None, stale_message)
        return EditOutcome(saved=False, unchanged=False, status=409)
    except ValidationFailed as exc:
        apply_errors(form, exc)
        return EditOutcome(saved=False, unchanged=False, status=422)
    return EditOutcome(saved=True, unchanged=False, status=200)


def edit_page(
    request: HttpRequest,
    form: forms.Form,
    edit: tuple[tuple[str, ...], Callable[..., Any], str],
    saved: tuple[str, str, Any],
    page: tuple[str, dict[str, Any]],
) -> HttpResponseBase:
    """The edit page of a versioned record (a case, a customer). `edit` is what
    submit_versioned_edit takes (fields, update service, stale-version message); `saved` the
    message shown once the change is saved and the detail page (URL name, pk) it returns to;
    `page` the template and context shown again, with the form's errors, when it is not."""
    status = 200
    if request.method == "POST" and form.is_valid():
        outcome = submit_versioned_edit(form, *edit)
        message, detail, pk = saved
        if outcome.unchanged:
            messages.info(request, _("Nothing was changed."))
            return redirect(detail, pk=pk)
        if outcome.saved:
            messages.success(request, message)
            return redirect(detail, pk=pk)
        status = outcome.status
    if form.errors and status == 200:
        status = 422
    template, context = page
    return render(request, template, {"form": form, **context}, status=status)


def _service_value(value: Any) -> Any:
    if hasattr(value, "pk"):
        return value.pk
    return "" if value is None else value
