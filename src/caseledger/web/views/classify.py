"""Classification suggestions in the web: the case page's card (accept, correct), the
new-case form's suggestions as the subject is typed, and the administrators' page (the
model in use, accept/correct rates, applying without a person per field, training)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case, Severity
from caseledger.cases.queries import case_get
from caseledger.cases.taxonomy import categories, subcategories
from caseledger.classify import queries, services
from caseledger.classify.models import FIELD_CHOICES
from caseledger.core.errors import CaseledgerError, Conflict, PermissionDenied
from caseledger.web.viewing import AuthedRequest, error_text, web_view


def _rows(found: queries.Suggestions) -> list[dict[str, Any]]:
    words = dict(FIELD_CHOICES)
    return [
        {
            "field": item.field,
            "name": words[item.field],
            "item": item,
            "label": queries.value_label(item.field, item.value),
            "current_label": queries.value_label(item.field, item.current) if item.current else "",
            "percent": round(item.confidence * 100),
            "alternatives": [
                (v, queries.value_label(item.field, v), round(p * 100))
                for v, p in item.alternatives
            ],
        }
        for item in found.items
    ]


def case_card(user: Any, case: Case) -> dict[str, Any]:
    """What the case page's suggestions card shows: the rows, or why there are none."""
    try:
        found = queries.case_suggestions(actor=user, case=case)
    except (Conflict, PermissionDenied) as exc:
        return {"rows": [], "message": exc.shown()}
    return {"rows": _rows(found), "model": found.model, "choices": _choices(case)}


def _choices(case: Case) -> dict[str, list[tuple[str, str]]]:
    """The values a person may correct each field to."""
    from caseledger.accounts.models import Department

    return {
        "category": [
            (k, str(label)) for k, (label, _subs) in categories(case.department_id).items()
        ],
        "subcategory": [
            (k, str(v)) for k, v in subcategories(case.category, case.department_id).items()
        ],
        "severity": [(str(v), str(label)) for v, label in Severity.choices],
        "department": [
            (str(d.pk), d.name) for d in Department.objects.filter(is_active=True).order_by("name")
        ],
    }


@require_POST
@web_view
def suggestion_decide(request: AuthedRequest, pk: int, verb: str) -> HttpResponseBase:
    if verb not in ("accept", "correct"):
        raise Http404
    case = case_get(actor=request.user, case_id=pk)
    field = request.POST.get("field", "")
    try:
        if verb == "accept":
            services.suggestion_accept(actor=request.user, case=case, field=field)
            messages.success(request, _("Suggestion accepted."))
        else:
            services.suggestion_correct(
                actor=request.user, case=case, field=field, value=request.POST.get("value", "")
            )
            messages.success(request, _("Correction recorded."))
    except CaseledgerError as exc:
        messages.error(request, error_text(exc))
    return redirect("web:case_detail", pk=case.pk)


@web_view
def suggest_typed(request: AuthedRequest) -> HttpResponseBase:
    """htmx: suggestions for the subject and description typed in the new-case form."""
    subject = request.GET.get("subject", "")[:200]
    description = request.GET.get("description", "")[:20000]
    context: dict[str, Any] = {"rows": [], "message": ""}
    if subject.strip() or description.strip():
        try:
            found = queries.text_suggestions(
                actor=request.user, subject=subject, description=description
            )
        except Conflict as exc:
            context["message"] = exc.shown()
        else:
            context["rows"] = _rows(found)
    return render(request, "web/classify/_typed.html", context)


def _train_in_the_worker(user: Any) -> None:
    from caseledger.classify.tasks import classify_train_task
    from caseledger.classify.train import usable_cases

    found = usable_cases().count()
    if found < services.MIN_CASES:  # said here, not lost in the worker's log
        raise Conflict(
            _(
                "%(found)d usable labelled case(s); at least %(needed)d are needed to train "
                "the classifier (restricted, archived and anonymised cases are not used)"
            )
            % {"found": found, "needed": services.MIN_CASES},
            code="too_few_cases",
        )
    classify_train_task(user.pk)


@web_view
def classify_admin(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.SETTINGS_MANAGE)
    if request.method == "POST":
        try:
            if request.POST.get("verb") == "train":
                _train_in_the_worker(request.user)
                messages.success(
                    request,
                    _("Training started in the background; the new model shows here when done."),
                )
            else:
                services.field_setting_set(
                    actor=request.user,
                    field=request.POST.get("field", ""),
                    auto_apply=request.POST.get("auto_apply") == "on",
                    min_confidence=request.POST.get("min_confidence", ""),
                    reason=request.POST.get("reason", ""),
                )
                messages.success(request, _("Setting saved."))
        except CaseledgerError as exc:
            messages.error(request, error_text(exc))
        return redirect("web:classify_admin")
    words = dict(FIELD_CHOICES)
    rates = queries.feedback_rates(actor=request.user)
    settings_of = queries.settings_by_field()
    model = queries.model_in_use()
    fields = [
        {
            "field": name,
            "name": words[name],
            "rate": rates[name],
            "percent": None
            if rates[name]["accept_rate"] is None
            else round(rates[name]["accept_rate"] * 100),
            "setting": settings_of[name],
            "accuracy": None
            if model is None or name not in model.accuracy
            else round(model.accuracy[name] * 100, 1),
        }
        for name in words
    ]
    top3 = model.accuracy.get("category_top3") if model else None
    return render(
        request,
        "web/classify/admin.html",
        {"model": model, "fields": fields, "top3": None if top3 is None else round(top3 * 100, 1)},
    )
