"""Every write of a disposition: propose, approve, reject, extend, execute, and re-apply
after a restore. Permission → validation → write → journal, one transaction each;
execution takes one transaction per record, so a crash resumes at the next record.

Dangerous module: it destroys records. Guarantees: nothing is disposed of without a
proposal and an approval by a different person; held records are refused at proposal and
re-checked, under lock, just before each record is touched; every disposed record is
named with its content hash on a certificate that the database and a file both keep.

One module per subject, every public name re-exported here so callers read the same:
common (state, locks, hold checks), review (propose, approve, reject, extend), execution
(execute, execute pending), reapply (after a restore).
"""

from caseledger.disposition.services.common import (
    batch_state,
    held_ids,
    hold_names,
    holds_of,
    in_open_batch,
    journal_batch,
    local_today,
    lock_batch,
    parse_ids,
    require_reviewer,
)
from caseledger.disposition.services.execution import (
    disposition_execute,
    disposition_execute_pending,
    journal_anonymized,
    reached,
)
from caseledger.disposition.services.reapply import (
    reapply_dispositions,
)
from caseledger.disposition.services.review import (
    disposition_approve,
    disposition_extend,
    disposition_propose,
    disposition_reject,
)

__all__ = [
    "batch_state",
    "disposition_approve",
    "disposition_execute",
    "disposition_execute_pending",
    "disposition_extend",
    "disposition_propose",
    "disposition_reject",
    "held_ids",
    "hold_names",
    "holds_of",
    "in_open_batch",
    "journal_anonymized",
    "journal_batch",
    "local_today",
    "lock_batch",
    "parse_ids",
    "reached",
    "reapply_dispositions",
    "require_reviewer",
]
