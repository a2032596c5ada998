"""The guards of the process steps (ISO 10002 §8 / GB/T 19012: receipt, acknowledgement,
assessment, investigation, response, closure, reopen). What a move into a status needs is
data (cases.taxonomy.step_needs: the default rule joined with the department's industry
templates); this module only reads it and says, in the reader's language, what is missing.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cases import taxonomy
from caseledger.cases.models import Case, Status
from caseledger.core.validate import Collector


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def status_word(status: str) -> str:
    return str(Status(status).label) if status in Status.values else status


def needs_approval(case: Case, status: str) -> bool:
    """Whether moving `case` into `status` waits for a second person (its severity is one
    the step's rule names, e.g. closing a high-severity banking complaint)."""
    return case.severity in taxonomy.step_needs(case.department_id, status).approval_severities


def step_guard(case: Case, old_status: str, c: Collector, *, reason: str, approved: bool) -> None:
    """Add to `c` what the move of `case` (fields already set) from `old_status` lacks."""
    needs = taxonomy.step_needs(case.department_id, case.status)
    word = status_word(case.status)
    for name in needs.fields:
        field = "assignee_id" if name == "assignee" else name
        if _empty(getattr(case, field, None)):
            message = (
                _("is required to close a case")
                if case.status == Status.CLOSED
                else _("is required to move a case to %(status)s") % {"status": word}
            )
            c.add(name, message, "required")
    if not (reason or "").strip():
        if needs.reason_required:
            c.add(
                "reason",
                _("say why the case moves to %(status)s") % {"status": word},
                "required",
            )
        elif (
            case.status == Status.CLOSED
            and "resolution" not in needs.fields
            and _empty(case.resolution)
        ):
            c.add(
                "reason",
                _("say why the case is closed without a resolution (withdrawn, out of scope …)"),
                "required",
            )
    if not approved and case.severity in needs.approval_severities:
        c.add(
            "status",
            _(
                "moving a case of severity %(severity)s to %(status)s needs a second person's "
                "approval: ask for it (a supervisor of the department approves)"
            )
            % {"severity": case.get_severity_display(), "status": word},
            "approval_required",
        )
