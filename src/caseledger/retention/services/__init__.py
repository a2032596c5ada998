"""Every write to legal holds, retention schedules and computed deadlines. Permission →
validation → write → journal, one transaction each (per batch for the recompute).

One module per subject, every public name re-exported here so callers read the same:
legal_holds, schedules, recompute (computed deadlines), restriction (and erasure marks), reminders.
"""

from caseledger.retention.services.legal_holds import (
    hold_place,
    hold_release,
    hold_state,
)
from caseledger.retention.services.recompute import (
    DEFAULT_BATCH,
    governing_schedules,
    recompute_batch,
    recompute_day,
    recompute_records,
    retention_recompute,
)
from caseledger.retention.services.reminders import (
    reminder_mark_read,
    reminders_send,
)
from caseledger.retention.services.restriction import (
    record_restrict,
    record_unrestrict,
    retention_erasure_mark,
)
from caseledger.retention.services.schedules import (
    SCHEDULE_FIELDS,
    presets_adopt,
    recompute_deferred,
    schedule_create,
    schedule_update,
)

__all__ = [
    "DEFAULT_BATCH",
    "SCHEDULE_FIELDS",
    "governing_schedules",
    "hold_place",
    "hold_release",
    "hold_state",
    "presets_adopt",
    "recompute_batch",
    "recompute_day",
    "recompute_deferred",
    "recompute_records",
    "record_restrict",
    "record_unrestrict",
    "reminder_mark_read",
    "reminders_send",
    "retention_erasure_mark",
    "retention_recompute",
    "schedule_create",
    "schedule_update",
]
