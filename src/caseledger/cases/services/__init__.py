"""Every write to cases, their notes and attachments. Permission → validation → write →
journal, in one transaction (journal.services.write_transaction).

One module per subject, every public name re-exported here so callers read the same:
records (state, create, update, set fields), notes (notes, attachments), export.
"""

from caseledger.cases.services.export import (
    EXPORT_LIMIT,
    case_export,
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
    case_create,
    case_fields_clean,
    case_set_fields,
    case_state,
    case_update,
    check_subcategory,
    ensure_not_archived,
)

__all__ = [
    "CREATE_FIELDS",
    "EXPORT_LIMIT",
    "PUBLIC_NOTE_KINDS",
    "REMOVE_REASON_MAX",
    "TEXT_LIMITS",
    "UPDATE_FIELDS",
    "case_attachment_add",
    "case_attachment_remove",
    "case_create",
    "case_export",
    "case_fields_clean",
    "case_note_add",
    "case_set_fields",
    "case_state",
    "case_update",
    "check_subcategory",
    "ensure_not_archived",
]
