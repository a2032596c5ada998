"""Writes of the taxonomy and the process steps' rules (templates as data, issue 12): add and
edit categories, subcategories and objection types; set what a step needs; install an
industry's entries for a department. Administrators only (settings.manage); each record is
versioned and journaled. The first write of a fresh database first records the built-in
default (`_seed`), so what everyone read until then becomes records unchanged."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases import taxonomy
from caseledger.cases.actions import CaseAction
from caseledger.cases.models import (
    Category,
    IndustryAdoption,
    Scheme,
    Severity,
    Status,
    StepRule,
)
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction

LABEL_MAX = 120
MESSAGE_MAX = 5000
# Fields a step may require: the case's own text and choice fields.
REQUIRABLE = (
    "category", "subcategory", "severity", "priority", "assignee", "description",
    "customer_request", "resolution", "root_cause", "satisfaction", "product_ref",
    "order_ref", "contract_ref",
)  # fmt: skip
CATEGORY_EDIT_FIELDS = ("label_en", "label_zh", "position", "is_active")
RULE_FIELDS = (
    "fields", "reason_required", "approval_severities", "within_minutes", "message_en",
    "message_zh", "legal_source",
)  # fmt: skip


def _journal_category(actor, row: Category, action: str, before, reason: str = "") -> None:
    record_change(
        actor=actor,
        action=action,
        object_type="category",
        object_id=row.pk,
        after=model_state(row),
        before=before,
        reason=reason,
    )


def _journal_rule(actor, row: StepRule, before, reason: str = "") -> None:
    record_change(
        actor=actor,
        action=CaseAction.STEP_RULE_SET,
        object_type="step_rule",
        object_id=row.pk,
        after=model_state(row),
        before=before,
        reason=reason,
    )


def _seed(actor: User | None) -> int:
    """Write the built-in default as records if none are stored yet (the first edit calls
    it); each row journaled. Returns how many rows it wrote; 0 when already stored."""
    from caseledger.cases.taxonomy_defaults import STEP_RULES

    written = 0
    with write_transaction():
        now = clock.now()
        if not Category.objects.exists():
            parents: dict[str, Category] = {}
            for node in taxonomy.default_nodes():
                row = Category.objects.create(
                    scheme=node.scheme, code=node.code, parent=parents.get(node.parent),
                    label_en=node.label_en, label_zh=node.label_zh, industry="",
                    position=node.position, updated_at=now,
                )  # fmt: skip
                if not node.parent:
                    parents[node.code] = row
                _journal_category(actor, row, CaseAction.CATEGORY_CREATE, None, "default")
                written += 1
        if not StepRule.objects.exists():
            for status, rule in STEP_RULES.items():
                step = StepRule.objects.create(industry="", status=status, updated_at=now, **rule)
                _journal_rule(actor, step, None, "default")
                written += 1
    taxonomy.invalidate()
    return written


def _labels(data: Mapping[str, Any], c: Collector, *, required: bool) -> dict[str, Any]:
    out = {}
    for name in ("label_en", "label_zh"):
        value = c.text(data, name, required=required, max_length=LABEL_MAX)
        if value is not None:
            out[name] = value
    return out


def category_create(*, actor: User | None, data: Mapping[str, Any], reason: str = "") -> Category:
    """A new category (no `parent`), subcategory (`parent`: the category's code) or objection
    type (`scheme`: objection), with both labels."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    c = Collector()
    c.unknown(data, ("scheme", "code", "parent", "label_en", "label_zh", "industry", "position"))
    code = c.text(data, "code", required=True, max_length=40) or ""
    if code and not code.replace("_", "").replace("-", "").isalnum():
        c.add("code", _("use lower-case letters, digits, - and _ only"), "invalid")
    scheme = c.choice(data, "scheme", Scheme.values) or Scheme.COMPLAINT
    industry = c.text(data, "industry", max_length=40) or ""
    position = c.integer(data, "position", minimum=0, maximum=100000)
    clean = _labels(data, c, required=True)
    c.raise_if_any()
    with write_transaction():
        _seed(actor)
        parent = None
        if data.get("parent"):
            parent = Category.objects.filter(code=data["parent"], parent=None).first()
            if parent is None:
                raise ValidationFailed(
                    _("there is no category %(code)r to put it under") % {"code": data["parent"]},
                    field="parent",
                    code="not_found",
                )
            scheme = parent.scheme
        if Category.objects.filter(code=code.lower(), parent=parent).exists():
            raise Conflict(
                _("%(code)r already exists here; edit it instead") % {"code": code},
                field="code",
                code="exists",
            )
        last = Category.objects.order_by("-position").values_list("position", flat=True).first()
        row = Category.objects.create(
            scheme=scheme, code=code.lower(), parent=parent, industry=industry,
            position=position if position is not None else (last or 0) + 1,
            updated_at=clock.now(), **clean,
        )  # fmt: skip
        _journal_category(actor, row, CaseAction.CATEGORY_CREATE, None, reason)
    taxonomy.invalidate()
    return row


def category_by_code(code: str, parent: str = "") -> Category:
    """A stored entry by its code (and its category's, for a subcategory); `code` may be a
    path, `billing/refund`. Read only: a fresh database stores nothing until the first
    edit (`category_update` takes the code itself then)."""
    if "/" in code and not parent:
        parent, code = code.split("/", 1)
    query = Category.objects.filter(code=code)
    query = query.filter(parent__code=parent) if parent else query.filter(parent=None)
    row = query.first()
    if row is None:
        raise ValidationFailed(
            _("there is no category %(code)r") % {"code": f"{parent}/{code}" if parent else code},
            field="code",
            code="not_found",
        )
    return row


def category_update(
    *,
    actor: User | None,
    category: Category | str,
    data: Mapping[str, Any],
    reason: str = "",
    expected_version: int | None = None,
) -> Category:
    """Change an entry's labels, order, or deactivate it (its cases keep their code; it is
    no longer offered). The code and place never change: cases refer to them. `category`
    may be given by its code or path (`billing/refund`)."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    c = Collector()
    c.unknown(data, CATEGORY_EDIT_FIELDS)
    clean = _labels(data, c, required=False)
    for name in ("label_en", "label_zh"):
        if clean.get(name) == "":
            c.add(name, _("must not be empty"), "required")
    if "position" in data:
        clean["position"] = c.integer(data, "position", minimum=0, maximum=100000)
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            c.add("is_active", _("must be true or false"))
        else:
            clean["is_active"] = data["is_active"]
    c.raise_if_any()
    with write_transaction():
        _seed(actor)
        if isinstance(category, str):
            category = category_by_code(category)
        row = Category.objects.select_for_update().get(pk=category.pk)
        if expected_version is not None and row.version != expected_version:
            raise Conflict(
                _("%(code)s was changed by someone else (version %(now)s, you edited %(yours)s)")
                % {"code": row.code, "now": row.version, "yours": expected_version},
                field="version",
            )
        before = model_state(row)
        changed = {k: v for k, v in clean.items() if v is not None and getattr(row, k) != v}
        if not changed:
            return row
        for key, value in changed.items():
            setattr(row, key, value)
        row.version += 1
        row.updated_at = clock.now()
        row.save()
        _journal_category(actor, row, CaseAction.CATEGORY_UPDATE, before, reason)
    taxonomy.invalidate()
    return row


def _rule_clean(data: Mapping[str, Any], c: Collector) -> dict[str, Any]:
    c.unknown(data, RULE_FIELDS)
    clean: dict[str, Any] = {}
    for name, allowed in (("fields", REQUIRABLE), ("approval_severities", Severity.values)):
        if name in data:
            values = data[name]
            if isinstance(values, str):
                values = [v.strip() for v in values.split(",") if v.strip()]
            bad = [v for v in values or [] if v not in allowed]
            if not isinstance(values, list | tuple) or bad:
                c.add(
                    name,
                    _("%(value)s: not one of %(allowed)s")
                    % {"value": ", ".join(map(str, bad)) or values, "allowed": ", ".join(allowed)},
                    "invalid_choice",
                )
            else:
                clean[name] = list(dict.fromkeys(values))
    if "reason_required" in data:
        clean["reason_required"] = bool(data["reason_required"])
    if "within_minutes" in data:
        clean["within_minutes"] = c.integer(data, "within_minutes", minimum=1, maximum=100000)
    for name, limit in (("message_en", MESSAGE_MAX), ("message_zh", MESSAGE_MAX)):
        if name in data:
            clean[name] = c.text(data, name, max_length=limit) or ""
    if "legal_source" in data:
        clean["legal_source"] = c.text(data, "legal_source", max_length=300) or ""
    return clean


def step_rule_set(
    *,
    actor: User | None,
    status: str,
    data: Mapping[str, Any],
    industry: str = "",
    reason: str = "",
) -> StepRule:
    """Say what a move into `status` needs (the default, or an industry's): the fields to
    fill, a reason, a second person for some severities, a time limit and a message."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    c = Collector()
    c.choice({"status": status}, "status", Status.values, required=True)
    clean = _rule_clean(data, c)
    c.raise_if_any()
    with write_transaction():
        _seed(actor)
        row = StepRule.objects.select_for_update().filter(industry=industry, status=status).first()
        before = model_state(row) if row else None
        row = row or StepRule(industry=industry, status=status, version=0)
        changed = {k: v for k, v in clean.items() if getattr(row, k) != v}
        if before is not None and not changed:
            return row
        for key, value in changed.items():
            setattr(row, key, value)
        row.version += 1
        row.updated_at = clock.now()
        row.save()
        _journal_rule(actor, row, before, reason)
    taxonomy.invalidate()
    return row


def taxonomy_adopt(
    *,
    actor: User | None,
    department: Department,
    industry: str,
    entries: Sequence[Mapping[str, Any]],
    rules: Mapping[str, Mapping[str, Any]],
) -> dict[str, int]:
    """Install an industry's categories (`entries`: scheme, code, parent, label_en,
    label_zh) and step rules for a department. Idempotent: what exists is left as the
    administrator may have edited it; a second department adopting it only gains the
    adoption. Long because it installs three kinds of records in one transaction."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    added = rules_added = 0
    with write_transaction():
        _seed(actor)
        now = clock.now()
        last = Category.objects.order_by("-position").values_list("position", flat=True).first()
        for entry in entries:
            parent = (
                Category.objects.get(code=entry["parent"], parent=None)
                if entry.get("parent")
                else None
            )
            if Category.objects.filter(code=entry["code"], parent=parent).exists():
                continue
            last = (last or 0) + 1
            row = Category.objects.create(
                scheme=entry.get("scheme", Scheme.COMPLAINT), code=entry["code"], parent=parent,
                label_en=entry["label_en"], label_zh=entry["label_zh"], industry=industry,
                position=last, updated_at=now,
            )  # fmt: skip
            _journal_category(actor, row, CaseAction.CATEGORY_CREATE, None, f"template {industry}")
            added += 1
        for status, rule in rules.items():
            if StepRule.objects.filter(industry=industry, status=status).exists():
                continue
            step = StepRule.objects.create(industry=industry, status=status, updated_at=now, **rule)
            _journal_rule(actor, step, None, f"template {industry}")
            rules_added += 1
        adoption, created = IndustryAdoption.objects.get_or_create(
            department=department, industry=industry, defaults={"adopted_at": now}
        )
        if created:
            record_change(
                actor=actor,
                action=CaseAction.INDUSTRY_ADOPT,
                object_type="industry_adoption",
                object_id=adoption.pk,
                after=model_state(adoption),
                before=None,
            )
    taxonomy.invalidate()
    return {"categories_added": added, "step_rules_added": rules_added, "adopted": int(created)}
