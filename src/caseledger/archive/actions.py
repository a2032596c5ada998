"""The journal actions archive writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class ArchiveAction(StrEnum):
    RUN = "archive.run"
    CASE_ARCHIVE = "case.archive"
    CASE_NOTE_ARCHIVE = "case_note.archive"
    CASE_ARCHIVE_READ = "case.archive_read"
    CASE_ARCHIVE_RESTORE = "case.archive_restore"
    CASE_NOTE_ARCHIVE_RESTORE = "case_note.archive_restore"
