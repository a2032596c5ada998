"""The journal actions intake writes (mail, the public form, spreadsheet imports): the
`action` of its entries, one name each, as they have always been spelled (entries already
written must keep verifying)."""

from enum import StrEnum


class IntakeAction(StrEnum):
    # the public form (intake/form/)
    FORM_SUBMIT = "intake.form_submit"
    STATUS_VIEW = "intake.status_view"
    # mailboxes and messages (intake/mail/)
    MAILBOX_CREATE = "mailbox.create"
    MAILBOX_UPDATE = "mailbox.update"
    MAILBOX_REENCRYPT = "mailbox.reencrypt"
    MAIL_RECEIVE = "mail.receive"
    MAIL_IGNORE = "mail.ignore"
    MAIL_QUARANTINE = "mail.quarantine"
    MAIL_QUARANTINE_RETRY = "mail.quarantine_retry"
    MAIL_QUARANTINE_RESOLVE = "mail.quarantine_resolve"
    MAIL_SEND = "mail.send"
    MAIL_SEND_FAILED = "mail.send_failed"
    MAIL_SENT = "mail.sent"
    # spreadsheet imports (intake/spreadsheet/): a batch's status changes are `import.<status>`
    IMPORT_MAPPING_SAVE = "import_mapping.save"
    IMPORT_CREATE = "import.create"
    IMPORT_CHECK = "import.check"
    IMPORT_RUNNING = "import.running"
    IMPORT_REFUSED = "import.refused"
    IMPORT_DONE = "import.done"
    IMPORT_UNDONE = "import.undone"
    CASE_IMPORT_UNDO = "case.import_undo"
    CUSTOMER_IMPORT_UNDO = "customer.import_undo"


def import_status(status: str) -> IntakeAction:
    """The action of a batch moving to `status` (a BatchStatus value)."""
    return IntakeAction(f"import.{status}")
