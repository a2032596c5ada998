"""Every write to cases, their notes and attachments. Permission → validation → write →
journal, in one transaction (journal.services.write_transaction).

One module per subject, every public name re-exported here so callers read the same:
records (state, update, set fields), creation (a new case), moves (status moves, approvals), taxonomy
(categories, step rules, industry adoption), notes (notes, attachments), export.
"""

from caseledger.cases.services.batch import case_set_fields_many
from caseledger.cases.services.creation import (
    LATER,
    CaseDraft,
    case_check,
    case_create,
    case_write,
)
from caseledger.cases.services.export import (
    EXPORT_LIMIT,
    case_export,
)
from caseledger.cases.services.moves import (
    Moved,
    approval_approve,
    approval_reject,
    case_move,
    pending_approval,
)
from caseledger.cases.services.notes import (
    PUBLIC_NOTE_KINDS,
    REMOVE_REASON_MAX,
    case_attachment_add,
    case_attachment_remove,
    case_note_add,
)
from caseledger.cases.services.records import (
    CREATE_FIELDS,
    TEXT_LIMITS,
    UPDATE_FIELDS,
    case_changes_clean,
    case_fields_clean,
    case_set_fields,
    case_state,
    case_update,
    check_move,
    check_subcategory,
    ensure_not_archived,
)
from caseledger.cases.services.taxonomy import (
    category_by_code,
    category_create,
    category_update,
    step_rule_set,
    taxonomy_adopt,
)

__all__ = [
    "CREATE_FIELDS",
    "EXPORT_LIMIT",
    "LATER",
    "PUBLIC_NOTE_KINDS",
    "REMOVE_REASON_MAX",
    "TEXT_LIMITS",
    "UPDATE_FIELDS",
    "CaseDraft",
    "Moved",
    "approval_approve",
    "approval_reject",
    "case_attachment_add",
    "case_attachment_remove",
    "case_changes_clean",
    "case_check",
    "case_create",
    "case_export",
    "case_fields_clean",
    "case_move",
    "case_note_add",
    "case_set_fields",
    "case_set_fields_many",
    "case_state",
    "case_update",
    "case_write",
    "category_by_code",
    "category_create",
    "category_update",
    "check_move",
    "check_subcategory",
    "ensure_not_archived",
    "pending_approval",
    "step_rule_set",
    "taxonomy_adopt",
]
