"""What a case's page shows of the process (issue 12): the pending approval and whether this
reader may decide it, what closing needs (root cause, a second person), which moves expect a
reason, and the acknowledgement's languages. Reads only."""

from __future__ import annotations

from typing import Any

from caseledger.cases import taxonomy
from caseledger.cases.models import Status
from caseledger.cases.process import needs_approval
from caseledger.cases.services import pending_approval


def process_context(case) -> dict[str, Any]:
    close = taxonomy.step_needs(case.department_id, Status.CLOSED)
    return {
        "pending_approval": pending_approval(case),
        "close_needs_root_cause": "root_cause" in close.fields,
        "close_needs_approval": needs_approval(case, Status.CLOSED),
        "reason_statuses": [
            s for s in Status.values if taxonomy.step_needs(case.department_id, s).reason_required
        ],
        "ack_languages": [("zh-hans", "中文"), ("en", "English")],
    }
