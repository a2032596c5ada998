"""Every write to customers and their contact points. Permission, validation, write and
journal entry happen in one transaction (journal.services.write_transaction).

One module per subject; every public name is re-exported here, so callers read
`from caseledger.customers.services import customer_create` as before:
- records: customer state, create, update, the steps every customer write shares;
- contacts: contact points; identifiers: sensitive identifiers (vault);
- reveals: journaled looks at sensitive values;
- duplicates: probable duplicates; merge: merge and unmerge.
"""

from caseledger.customers.services.contacts import (
    contact_point_add,
    contact_point_remove,
    contact_point_update,
)
from caseledger.customers.services.duplicates import (
    probable_duplicates,
)
from caseledger.customers.services.identifiers import (
    IDENTIFIER_RECORD,
    REASON_MAX,
    IdentifierAdded,
    clean_reason,
    customer_owner,
    identifier_add,
    identifier_remove,
    require_identifier_kind,
)
from caseledger.customers.services.merge import (
    MERGE_ACTION,
    MERGE_PARTS,
    PART_NAMES,
    UNMERGE_ACTION,
    MergePart,
    MergeResult,
    Moved,
    customer_merge,
    customer_unmerge,
)
from caseledger.customers.services.records import (
    CONTACT_FIELDS,
    CUSTOMER_FIELDS,
    CustomerDraft,
    check_version,
    clean_contact,
    customer_check,
    customer_create,
    customer_fields_clean,
    customer_state,
    customer_update,
    customer_write,
    ensure_not_merged,
    journal_customer,
    locked_customer,
    resolve_department,
    touch_customer,
)
from caseledger.customers.services.reveals import (
    contact_point_reveal,
    customer_name_reveal,
    identifier_reveal,
)

__all__ = [
    "CONTACT_FIELDS",
    "CUSTOMER_FIELDS",
    "IDENTIFIER_RECORD",
    "MERGE_ACTION",
    "MERGE_PARTS",
    "PART_NAMES",
    "REASON_MAX",
    "UNMERGE_ACTION",
    "CustomerDraft",
    "IdentifierAdded",
    "MergePart",
    "MergeResult",
    "Moved",
    "check_version",
    "clean_contact",
    "clean_reason",
    "contact_point_add",
    "contact_point_remove",
    "contact_point_reveal",
    "contact_point_update",
    "customer_check",
    "customer_create",
    "customer_fields_clean",
    "customer_merge",
    "customer_name_reveal",
    "customer_owner",
    "customer_state",
    "customer_unmerge",
    "customer_update",
    "customer_write",
    "ensure_not_merged",
    "identifier_add",
    "identifier_remove",
    "identifier_reveal",
    "journal_customer",
    "locked_customer",
    "probable_duplicates",
    "require_identifier_kind",
    "resolve_department",
    "touch_customer",
]
