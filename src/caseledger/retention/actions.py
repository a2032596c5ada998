"""The journal actions retention writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class RetentionAction(StrEnum):
    HOLD_PLACE = "hold.place"
    HOLD_RELEASE = "hold.release"
    SCHEDULE_CREATE = "retention.schedule_create"
    SCHEDULE_UPDATE = "retention.schedule_update"
    PRESETS_ADOPT = "retention.presets_adopt"
    RECOMPUTE = "retention.recompute"
    REMINDERS = "retention.reminders"
    REMINDERS_READ = "retention.reminders_read"
    ERASURE_MARK = "retention.erasure_mark"
