"""Writes: training a model, a person accepting or correcting a suggestion, the per-field
setting that lets the worker apply a suggestion without a person, and that worker's round.

A suggestion changes a case only through `cases.services.case_update` (permission, holds,
restriction, archive and field checks all apply) or, for the worker, `case_set_fields`
after the same guards; each outcome is journaled beside the case's own entry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases.models import Case
from caseledger.cases.services import case_set_fields, case_update, ensure_not_archived
from caseledger.cases.taxonomy import known_category, subcategories
from caseledger.classify import store, train
from caseledger.classify.actions import ClassifyAction
from caseledger.classify.features import case_text
from caseledger.classify.models import (
    FIELDS,
    AutoApplyState,
    Feedback,
    FieldSetting,
    Outcome,
    TrainedModel,
)
from caseledger.classify.queries import (
    Suggestion,
    Suggestions,
    case_suggestions,
    current_values,
    items_of,
)
from caseledger.core import clock
from caseledger.core.errors import CaseledgerError, Conflict
from caseledger.core.ids import is_id
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.holds.guards import ensure_not_held
from caseledger.holds.restriction import ensure_not_restricted
from caseledger.journal.services import record_change, write_transaction

MIN_CASES = 10  # fewer labelled cases than this teach nothing worth suggesting


def classify_train(
    *, actor: User | None, progress: Callable[[int], Any] | None = None
) -> TrainedModel:
    """Train a model from the usable labelled cases, measure it on the held-out fifth, save
    it under the data directory with its sha256, put it in use and retire the one before.
    `actor` None is the worker."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    data = train.labelled(progress=progress)
    if len(data.ids) < MIN_CASES:
        raise Conflict(
            _(
                "%(found)d usable labelled case(s); at least %(needed)d are needed to train "
                "the classifier (restricted, archived and anonymised cases are not used)"
            )
            % {"found": len(data.ids), "needed": MIN_CASES},
            code="too_few_cases",
        )
    positions, test = train.split(data)
    arrays = train.fit(data, positions)
    accuracy = train.measure(store.Loaded(arrays).predict, data, test)
    now = clock.now()
    name, sha256, size = store.save(arrays, now.strftime("%Y%m%dT%H%M%S%f"))
    with write_transaction():
        for old in TrainedModel.objects.filter(active=True).select_for_update().order_by("pk"):
            store.retire(old, actor=actor, reason="replaced")
        row = TrainedModel.objects.create(
            trained_at=now,
            filename=name,
            sha256=sha256,
            size_bytes=size,
            cases=len(positions),
            held_out=len(test),
            vocabulary=len(arrays["vocabulary"]),
            accuracy=accuracy,
            active=True,
        )
        record_change(
            actor=actor,
            action=ClassifyAction.TRAIN,
            object_type="trained_model",
            object_id=row.pk,
            after=model_state(row),
            before=None,
        )
    return row


def _field(value: Any) -> str:
    c = Collector()
    name = c.choice({"field": value}, "field", FIELDS, required=True)
    c.raise_if_any()
    return str(name)


def _suggestion(actor: User, case: Case, name: str) -> tuple[Suggestions, Suggestion]:
    found = case_suggestions(actor=actor, case=case)
    for item in found.items:
        if item.field == name:
            return found, item
    raise Conflict(
        _("the classifier has no suggestion for %(field)s on this case") % {"field": name},
        field="field",
        code="no_suggestion",
    )


def _changes(case: Case, name: str, chosen: str, found: Suggestions) -> dict[str, Any]:
    """What the case's fields become: a new category brings the likeliest of its own
    subcategories when the old one does not belong to it."""
    if chosen == current_values(case)[name]:
        return {}
    if name == "department":
        return {"department": int(chosen)}
    data: dict[str, Any] = {name: chosen}
    if (
        name == "category"
        and known_category(chosen)
        and case.subcategory not in subcategories(chosen, case.department_id)
    ):
        data["subcategory"] = found.subcategory_for(chosen)
    return data


def _decide(
    *, actor: User, case: Case, name: str, chosen: str, suggestion: Suggestion, found: Suggestions
) -> Feedback:
    """Set the field (when it changes) and record the outcome, in one transaction."""
    outcome = Outcome.ACCEPTED if chosen == suggestion.value else Outcome.CORRECTED
    data = _changes(case, name, chosen, found)
    with write_transaction():
        if data:
            case_update(
                actor=actor,
                case=case,
                data=data,
                reason=f"classification suggestion {outcome.value}",
            )
        else:  # nothing to change on the case; the outcome still needs the right to change it
            require(actor, Perm.CASE_MODIFY, case.department_id)
        feedback = Feedback.objects.create(
            case_id=case.pk,
            field=name,
            suggested=suggestion.value,
            chosen=chosen,
            outcome=outcome,
            model=found.model,
            actor=actor,
            at=clock.now(),
        )
        record_change(
            actor=actor,
            action=ClassifyAction.ACCEPT if outcome == Outcome.ACCEPTED else ClassifyAction.CORRECT,
            object_type="suggestion_feedback",
            object_id=feedback.pk,
            after=model_state(feedback),
            before=None,
        )
    return feedback


def suggestion_accept(*, actor: User, case: Case, field: Any) -> Feedback:
    """Take the model's suggestion for one field of the case."""
    name = _field(field)
    found, suggestion = _suggestion(actor, case, name)
    return _decide(
        actor=actor,
        case=case,
        name=name,
        chosen=suggestion.value,
        suggestion=suggestion,
        found=found,
    )


def suggestion_correct(*, actor: User, case: Case, field: Any, value: Any) -> Feedback:
    """Set one field to what the person says is right instead of the suggestion (the case's
    own checks refuse a value it could not take)."""
    name = _field(field)
    if not isinstance(value, str | int) or isinstance(value, bool) or str(value).strip() == "":
        c = Collector()
        c.add("value", _("is required"), "required")
        c.raise_if_any()
    chosen = str(value).strip()
    if name == "department" and not (is_id(chosen) and len(chosen) <= 18):
        c = Collector()
        c.add("value", _("%(value)r is not a department id") % {"value": chosen})
        c.raise_if_any()
    found, suggestion = _suggestion(actor, case, name)
    return _decide(
        actor=actor, case=case, name=name, chosen=chosen, suggestion=suggestion, found=found
    )


def field_setting_set(
    *, actor: User, field: Any, auto_apply: bool, min_confidence: Any = None, reason: str = ""
) -> FieldSetting:
    """Let the worker apply this field's suggestion to new cases without a person (or stop
    it). Administrators only; off unless turned on."""
    require(actor, Perm.SETTINGS_MANAGE)
    name = _field(field)
    c = Collector()
    confidence = 0.9
    if min_confidence not in (None, ""):
        try:
            confidence = float(min_confidence)
        except (TypeError, ValueError):
            confidence = -1.0
        if not 0.5 <= confidence <= 1.0:
            c.add("min_confidence", _("must be a number between 0.5 and 1"), "out_of_range")
    c.raise_if_any()
    with write_transaction():
        setting = FieldSetting.objects.select_for_update().filter(field=name).first()
        before = model_state(setting) if setting else None
        if setting is None:
            setting = FieldSetting(field=name)
        setting.auto_apply = bool(auto_apply)
        setting.min_confidence = confidence
        setting.updated_at = clock.now()
        setting.updated_by = actor
        setting.save()
        record_change(
            actor=actor,
            action=ClassifyAction.SETTING,
            object_type="classify_setting",
            object_id=name,
            after=model_state(setting),
            before=before,
            reason=reason,
        )
    return setting


def auto_apply_new_cases(*, actor: User | None = None, limit: int = 500) -> dict[str, int]:
    """The worker's round: for cases recorded since the last round, apply each field whose
    administrator turned that on, where the model is at least as sure as the setting asks.
    Held, restricted and archived cases are left alone. Nothing happens while every field
    is off (the default)."""
    turned_on = {s.field: s for s in FieldSetting.objects.filter(auto_apply=True)}
    state, _created = AutoApplyState.objects.get_or_create(id=1)
    cases = list(Case.objects.filter(pk__gt=state.last_case_id).order_by("pk")[:limit])
    applied = 0
    if turned_on and cases:
        try:
            model_row, model = store.active()
        except Conflict:
            return {"cases": 0, "applied": 0}  # no model yet: wait, keep the mark
        for case in cases:
            applied += _auto_apply_one(actor, case, model_row, model, turned_on)
    if cases:
        with write_transaction():
            AutoApplyState.objects.filter(id=1).update(
                last_case_id=cases[-1].pk, updated_at=clock.now()
            )
    return {"cases": len(cases), "applied": applied}


def _auto_apply_one(actor, case, model_row, model, turned_on) -> int:
    if case.archived_at or case.restricted_at:
        return 0
    predicted = model.predict(case_text(case.__dict__))
    found = Suggestions(
        model=model_row, items=items_of(predicted, current_values(case)), predicted=predicted
    )
    fields: dict[str, Any] = {}
    for item in found.items:
        setting = turned_on.get(item.field)
        if setting and item.differs and item.confidence >= setting.min_confidence:
            fields[item.field] = item.value
    if "category" in fields and case.subcategory not in subcategories(
        fields["category"], case.department_id
    ):
        # the old subcategory belongs to the old category: the new one's likeliest, or none
        fields["subcategory"] = found.subcategory_for(fields["category"])
    elif "subcategory" in fields and fields["subcategory"] not in subcategories(
        case.category, case.department_id
    ):
        fields.pop("subcategory")
    if not fields:
        return 0
    if "department" in fields:
        fields["department_id"] = int(fields.pop("department"))
    with write_transaction():
        case = Case.objects.select_for_update().get(pk=case.pk)
        try:
            ensure_not_held(case=case)
            ensure_not_restricted(case=case)
            ensure_not_archived(case)
        except CaseledgerError:  # a guard refused: leave the case to a person
            return 0
        case_set_fields(
            case,
            actor=actor,
            fields=fields,
            action=ClassifyAction.AUTO_APPLY,
            reason=f"classifier model {model_row.pk}",
        )
    return len(fields)
