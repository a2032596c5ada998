"""Which journal entries carry the state of their record, and which say it is gone: one
list for every reader that rebuilds a record from its entries (journal.reconcile for
`verify --records`, journal.queries.state_as_of for history "as of")."""

from __future__ import annotations

# Entries about a record that do not carry its state (a disposition deferred or skipped).
NOT_STATE = ("disposition.extend", "disposition.skip")
# Entries saying the record is gone (its row deleted by a disposition, or an import undone).
GONE = (
    "disposition.destroy",
    "disposition.reapply_destroy",
    "case.import_undo",
    "customer.import_undo",
)
