"""The journal actions backup writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class BackupAction(StrEnum):
    RUN = "backup.run"
    DRILL = "backup.drill"
