"""Reads: the suggestions for a case or a text being typed, the model in use, and the
accept/correct rates (administrators)."""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.cases.taxonomy import subcategories
from caseledger.classify.features import case_text
from caseledger.classify.models import FIELDS, Feedback, FieldSetting, Outcome, TrainedModel
from caseledger.classify.store import Prediction, active
from caseledger.core.errors import Conflict
from caseledger.core.ids import is_id

TOP = 3


@dataclass(frozen=True)
class Suggestion:
    field: str
    current: str  # the case's value now (a department as its id); "" for a text
    value: str  # the suggested value
    confidence: float
    alternatives: list[tuple[str, float]]  # the first TOP values, the suggestion first
    terms: list[str] = dc_field(default_factory=list)  # vocabulary terms behind it

    @property
    def differs(self) -> bool:
        return self.value != self.current


@dataclass(frozen=True)
class Suggestions:
    model: TrainedModel
    items: list[Suggestion]
    predicted: dict[str, Prediction] = dc_field(default_factory=dict)

    def subcategory_for(self, category: str) -> str:
        """The likeliest subcategory of `category` ("" when none fits): what a case moved to
        that category takes, as its old subcategory belongs to the old one."""
        ranked = valid_values("subcategory", self.predicted["subcategory"].ranked, category)
        return ranked[0][0] if ranked else ""


def valid_values(
    name: str, ranked: list[tuple[str, float]], category: str
) -> list[tuple[str, float]]:
    """Drop values the case could not take: a subcategory of another category, a
    department that is gone."""
    if name == "subcategory":
        allowed = set(subcategories(category)) | {""}
        return [(v, p) for v, p in ranked if v in allowed]
    if name == "department":
        alive = {
            str(pk)
            for pk in Department.objects.filter(
                pk__in=[v for v, _p in ranked if is_id(v)]
            ).values_list("pk", flat=True)
        }
        return [(v, p) for v, p in ranked if v in alive]
    return ranked


def items_of(predicted: dict[str, Prediction], current: dict[str, str]) -> list[Suggestion]:
    items = []
    for name in FIELDS:
        if name not in predicted:
            continue
        category = current.get("category") or predicted["category"].ranked[0][0]
        ranked = valid_values(name, predicted[name].ranked, category)
        if not ranked:
            continue
        best = predicted[name].ranked[0][0] == ranked[0][0]
        items.append(
            Suggestion(
                field=name,
                current=current.get(name, ""),
                value=ranked[0][0],
                confidence=round(ranked[0][1], 4),
                alternatives=[(v, round(p, 4)) for v, p in ranked[:TOP]],
                terms=predicted[name].terms if best else [],
            )
        )
    return items


def current_values(case: Case) -> dict[str, str]:
    return {
        "category": case.category,
        "subcategory": case.subcategory or "",
        "severity": case.severity,
        "department": str(case.department_id),
    }


def case_suggestions(*, actor: User, case: Case) -> Suggestions:
    """What the model suggests for `case` (which the caller has read through case_get, so
    the actor may see it). Conflict when no model is trained."""
    require(actor, Perm.CASE_VIEW, case.department_id)
    if case.restricted_at is not None:  # PIPL Art 47: no further processing
        raise Conflict(
            _("case %(ref)s is restricted; no suggestions are made for it")
            % {"ref": case.reference},
            code="restricted",
        )
    if case.archived_at is not None:  # a stub: its text is in the archive segment
        raise Conflict(
            _("case %(ref)s is archived; no suggestions are made for it") % {"ref": case.reference},
            code="archived",
        )
    row, model = active()
    predicted = model.predict(case_text(case.__dict__))
    return Suggestions(
        model=row, items=items_of(predicted, current_values(case)), predicted=predicted
    )


def text_suggestions(*, actor: User, subject: str, description: str = "") -> Suggestions:
    """Suggestions for a case being typed (the new-case form), for someone who may record
    cases somewhere."""
    require(actor, Perm.CASE_MODIFY)
    row, model = active()
    text = case_text({"subject": subject[:200], "description": description[:20000]})
    predicted = model.predict(text)
    return Suggestions(model=row, items=items_of(predicted, {}), predicted=predicted)


def model_in_use() -> TrainedModel | None:
    return TrainedModel.objects.filter(active=True).first()


def settings_by_field() -> dict[str, FieldSetting | None]:
    found = {s.field: s for s in FieldSetting.objects.all()}
    return {name: found.get(name) for name in FIELDS}


def feedback_rates(*, actor: User) -> dict[str, dict[str, Any]]:
    """Per field: how many suggestions people accepted and corrected, and the accept rate
    (None before any). For administrators."""
    require(actor, Perm.SETTINGS_MANAGE)
    return rates()


def rates() -> dict[str, dict[str, Any]]:
    """feedback_rates without the permission check: the command line (the operator)."""
    counts = {
        (row["field"], row["outcome"]): row["n"]
        for row in Feedback.objects.values("field", "outcome").annotate(n=Count("id"))
    }
    out = {}
    for name in FIELDS:
        accepted = counts.get((name, Outcome.ACCEPTED.value), 0)
        corrected = counts.get((name, Outcome.CORRECTED.value), 0)
        total = accepted + corrected
        out[name] = {
            "accepted": accepted,
            "corrected": corrected,
            "accept_rate": round(accepted / total, 4) if total else None,
        }
    return out


def needs_training() -> str:
    """Why the worker should train now ("" when it need not): the model in use was retired
    by an erasure and none replaced it, or it learned from a case restricted since."""
    from caseledger.classify.store import active as active_model

    latest = TrainedModel.objects.first()
    if latest is None:
        return ""  # never trained: the weekly run or a person starts it
    if not latest.active:
        return "retired" if latest.retired_reason == "erasure" else ""
    try:
        _row, model = active_model()
    except Conflict:
        return "unreadable"
    restricted = Case.objects.filter(restricted_at__gte=latest.trained_at)
    if any(pk in model.case_ids for pk in restricted.values_list("pk", flat=True).iterator()):
        return "restricted"
    return ""


def value_label(name: str, value: str) -> str:
    """A suggested value in words, in the active language: a category's or subcategory's
    name, a severity, a department's name."""
    from caseledger.cases.models import Severity
    from caseledger.cases.taxonomy import categories, category_label

    if name == "category":
        return str(category_label(value))
    if name == "subcategory":
        for _label, subs in categories(active_only=False).values():
            if value in subs:
                return str(subs[value])
        return value or "—"
    if name == "severity":
        return str(Severity(value).label) if value in Severity.values else value
    department = Department.objects.filter(pk=value).first() if is_id(value) else None
    return department.name if department else value
