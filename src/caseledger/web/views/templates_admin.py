"""The administration's taxonomy and process steps (templates as data, issue 12): the
categories, subcategories and objection types with both labels, adding and editing them,
and what each status move needs (per industry template). Administrators only; each save
calls one service, which journals it."""

from __future__ import annotations

from django.contrib import messages
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.permissions import Perm
from caseledger.cases import services, taxonomy
from caseledger.cases.models import Category, Status, StepRule
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.web.template_forms import CategoryEditForm, CategoryNewForm, StepRuleForm
from caseledger.web.viewing import AuthedRequest, apply_errors, page_of, web_view


def _parents() -> list[tuple[str, object]]:
    return [(n.code, n.label) for n in taxonomy.nodes(active_only=False) if not n.parent]


@web_view
def templates_overview(request: AuthedRequest) -> HttpResponseBase:
    require(request.user, Perm.SETTINGS_MANAGE)
    form = CategoryNewForm(request.POST or None, parents=_parents())
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
        try:
            row = services.category_create(actor=request.user, data=data)
        except (ValidationFailed, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(label)s added.") % {"label": row.label_en})
            return redirect("web:templates_admin")
    rules = taxonomy.snapshot().rules
    context = {
        "nodes": page_of(request, taxonomy.nodes(active_only=False), size=100),
        "form": form,
        "rules": [
            {"industry": industry, "status": status, **rule}
            for (industry, status), rule in sorted(rules.items())
        ],
        "statuses": Status.choices,
    }
    return render(
        request, "web/administration/templates.html", context, status=422 if form.errors else 200
    )


@web_view
def category_edit(request: AuthedRequest, pk: int) -> HttpResponseBase:
    require(request.user, Perm.SETTINGS_MANAGE)
    row = get_object_or_404(Category, pk=pk)
    initial = {
        "label_en": row.label_en, "label_zh": row.label_zh, "position": row.position,
        "is_active": row.is_active, "version": row.version,
    }  # fmt: skip
    form = CategoryEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in ("label_en", "label_zh", "is_active")}
        if form.cleaned_data["position"] is not None:
            data["position"] = form.cleaned_data["position"]
        try:
            services.category_update(
                actor=request.user, category=row, data=data,
                reason=form.cleaned_data["reason"], expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except (ValidationFailed, Conflict) as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("%(label)s saved.") % {"label": data["label_en"]})
            return redirect("web:templates_admin")
    context = {"form": form, "category": row}
    status = 422 if form.errors else 200
    return render(request, "web/administration/category.html", context, status=status)


@web_view
def step_rule_edit(request: AuthedRequest, status: str) -> HttpResponseBase:
    require(request.user, Perm.SETTINGS_MANAGE)
    if status not in Status.values:
        return redirect("web:templates_admin")
    industry = request.GET.get("industry", "")
    row = StepRule.objects.filter(industry=industry, status=status).first()
    stored = taxonomy.snapshot().rules.get((industry, status), {})
    initial = {
        "fields_required": stored.get("fields", []),
        "reason_required": stored.get("reason_required", False),
        "approval_severities": stored.get("approval_severities", []),
        "within_minutes": stored.get("within_minutes"),
        "message_en": stored.get("message_en", ""),
        "message_zh": stored.get("message_zh", ""),
        "legal_source": stored.get("legal_source", ""),
    }
    form = StepRuleForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in ("fields_required", "reason")
        }
        data["fields"] = form.cleaned_data["fields_required"]
        try:
            services.step_rule_set(
                actor=request.user, status=status, industry=industry, data=data,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except ValidationFailed as exc:
            apply_errors(form, exc, aliases={"fields": "fields_required"})
        else:
            messages.success(request, _("The step rule is saved."))
            return redirect("web:templates_admin")
    context = {"form": form, "status": status, "industry": industry, "rule": row}
    code = 422 if form.errors else 200
    return render(request, "web/administration/step_rule.html", context, status=code)
