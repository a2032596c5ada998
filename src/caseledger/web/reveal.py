"""The one reveal page every protected value uses (identifiers, contact points, names):
a typed reason, the service that journals the look, the value shown for REVEAL_SECONDS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http.response import HttpResponseBase
from django.shortcuts import render

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import ValidationFailed
from caseledger.web.forms import RevealForm
from caseledger.web.viewing import AuthedRequest, apply_errors


def reveal_page(
    request: AuthedRequest,
    *,
    customer: Any,
    title: str,
    what: str,
    masked: str,
    reveal: Callable[[str], str],
) -> HttpResponseBase:
    """`reveal(reason)` is the journaled service call; it checks the permission again."""
    require(request.user, Perm.CUSTOMER_REVEAL, customer.department_id)
    form = RevealForm(request.POST or None)
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = reveal(form.cleaned_data["reason"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
    context = {
        "customer": customer,
        "title": title,
        "what": what,
        "masked": masked,
        "form": form,
        "value": value,
        "reveal_seconds": settings.REVEAL_SECONDS,
    }
    return render(request, "web/customers/reveal.html", context, status=422 if form.errors else 200)
