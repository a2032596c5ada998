"""The journal actions cases writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class CaseAction(StrEnum):
    CREATE = "case.create"
    UPDATE = "case.update"
    TRANSITION = "case.transition"
    NOTE = "case.note"
    ATTACHMENT = "case.attachment"
    ATTACHMENT_REMOVE = "case.attachment_remove"
    EXPORT = "case.export"
    CUSTOMER_MERGE = "case.customer_merge"
    CUSTOMER_UNMERGE = "case.customer_unmerge"
