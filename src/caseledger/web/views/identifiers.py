"""A customer's sensitive identifiers: add one (masked from then on), reveal one (with the
permission and a reason, shown once, journaled). Views parse, call one service, render."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from caseledger.core.errors import ValidationFailed
from caseledger.customers import services
from caseledger.customers.queries import customer_get, identifier_get
from caseledger.privacy.services import identifier_change_propose, needs_review
from caseledger.web.forms import IdentifierForm
from caseledger.web.reveal import reveal_page
from caseledger.web.viewing import AuthedRequest, apply_errors, web_view
from caseledger.web.views.customers import detail_context


@web_view
@require_POST
def identifier_add(request: AuthedRequest, pk: int) -> HttpResponseBase:
    customer = customer_get(actor=request.user, customer_id=pk)
    form = IdentifierForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        # Maker-checker: a kind that needs review waits for a second person (privacy.services).
        review = needs_review(data["kind"])
        service: Callable[..., Any] = (
            identifier_change_propose if review else services.identifier_add
        )
        try:
            done = service(
                actor=request.user,
                customer=customer,
                kind=data["kind"],
                value=data["value"],
                reason=data["reason"],
            )
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if review:
                waits = _("%(masked)s waits for a second person to confirm it.")
                messages.success(request, waits % {"masked": done.masked})
            else:
                messages.success(
                    request, _("Added %(masked)s.") % {"masked": done.identifier.masked}
                )
                for warning in done.warnings:
                    messages.warning(request, warning)
            return redirect("web:customer_detail", pk=customer.pk)
    context = detail_context(request, customer, identifier_form=form)
    return render(request, "web/customers/detail.html", context, status=422)


@web_view
@never_cache
def identifier_reveal(request: AuthedRequest, pk: int) -> HttpResponseBase:
    identifier = identifier_get(actor=request.user, identifier_id=pk)
    return reveal_page(
        request,
        customer=identifier.customer,
        title=_("Reveal a sensitive identifier"),
        what=identifier.get_kind_display(),
        masked=identifier.masked,
        reveal=lambda reason: services.identifier_reveal(
            actor=request.user, identifier=identifier, reason=reason
        ),
    )
