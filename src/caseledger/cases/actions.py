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
    # issue 12: templates as data, and the process steps' guards
    CATEGORY_CREATE = "category.create"
    CATEGORY_UPDATE = "category.update"
    STEP_RULE_SET = "step_rule.set"
    INDUSTRY_ADOPT = "taxonomy.adopt"
    APPROVAL_REQUEST = "case.approval_request"
    APPROVAL_APPROVE = "case.approval_approve"
    APPROVAL_REJECT = "case.approval_reject"
