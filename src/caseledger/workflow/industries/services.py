"""Adopting an industry template for a department: its SLA policies, its statutory
deadlines, the holiday calendar, its taxonomy and its process step rules, in one go. Idempotent: adopting again changes nothing;
two industries for two departments keep their own policies and rules."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import Department, User
from caseledger.accounts.permissions import Perm
from caseledger.cases.services import taxonomy_adopt
from caseledger.core.errors import ValidationFailed
from caseledger.core.state import model_state
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.calendars.services import calendar_adopt
from caseledger.workflow.clocks.services import preset_row_save, statutory_rules_adopt
from caseledger.workflow.industries.data import NEXT_UPDATE_SOURCE, TEMPLATES
from caseledger.workflow.industries.taxonomy import TAXONOMIES
from caseledger.workflow.models import SlaPolicy


def template_adopt(*, actor: User | None, industry: str, department: Department) -> dict[str, Any]:
    """Adopt an industry's template (calendar, SLA rules) for a department. Long because
    its presets are adopted in one transaction and journaled together."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    if industry not in TEMPLATES:
        raise ValidationFailed(
            _("no template for %(industry)s; known: %(known)s")
            % {"industry": industry, "known": ", ".join(TEMPLATES)},
            field="industry",
            code="invalid_choice",
        )
    template = TEMPLATES[industry]
    with write_transaction():
        calendar = calendar_adopt(actor=actor, preset=template["calendar"])
        rules = (
            statutory_rules_adopt(
                actor=actor, industry=template["statutory"], department=department
            )
            if template["statutory"]
            else []
        )
        installed = taxonomy_adopt(
            actor=actor,
            department=department,
            industry=industry,
            entries=TAXONOMIES[industry]["entries"],
            rules=TAXONOMIES[industry]["rules"],
        )
        changed = 0
        for priority, (first, resolution, update) in template["sla"].items():
            name = f"{industry} {priority}"
            row = SlaPolicy.objects.filter(department=department, name=name).first()
            before = model_state(row, exclude=("updated_at",)) if row else None
            row = row or SlaPolicy(department=department, name=name, priority=priority)
            row.first_response_minutes, row.resolution_minutes = first, resolution
            row.next_update_minutes, row.is_active = update, True
            changed += preset_row_save(
                actor=actor,
                row=row,
                before=before,
                action=WorkflowAction.SLA_POLICY_ADOPT,
                object_type="sla_policy",
                reason=f"template {industry}; {NEXT_UPDATE_SOURCE}",
            )
        record_change(
            actor=actor,
            action=WorkflowAction.TEMPLATE_ADOPT,
            object_type="department",
            object_id=str(department.pk),
            after={
                "industry": industry,
                "calendar": template["calendar"],
                "statutory_rules": [r.code for r in rules],
                "sla_policies_changed": changed,
                **installed,
            },
        )
    return {
        "industry": industry,
        "department": department.code,
        "calendar_days_changed": calendar["changed"],
        "statutory_rules": [r.code for r in rules],
        "sla_policies_changed": changed,
        **installed,
    }
