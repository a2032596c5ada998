"""The journal actions workflow writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class WorkflowAction(StrEnum):
    CASE_TAKE = "case.take"
    CASE_REASSIGN = "case.reassign"
    PRIVACY_REQUEST_REASSIGN = "privacy.request_reassign"
    HOLD_REASSIGN = "hold.reassign"
    REMINDER_REASSIGN = "reminder.reassign"
    DISPOSITION_REASSIGN = "disposition.reassign"
    USER_DEACTIVATE = "user.deactivate"
    TOKEN_REVOKE = "token.revoke"  # noqa: S105  (an action name)
    CALENDAR_ADOPT = "calendar.adopt"
    CALENDAR_DAY_SET = "calendar.day_set"
    CALENDAR_DAY_REMOVE = "calendar.day_remove"
    CALENDAR_IMPORT = "calendar.import"
    DEPARTMENT_HOURS = "department.hours"
    CLOCK_PAUSE = "clock.pause"
    CLOCK_RESUME = "clock.resume"
    CLOCK_EXTEND = "clock.extend"
    CLOCK_ESCALATE = "clock.escalate"
    CLOCK_ALERTS_READ = "clock.alerts_read"
    SLA_POLICY_CREATE = "sla.policy_create"
    SLA_POLICY_ADOPT = "sla.policy_adopt"
    STATUTORY_ADOPT = "statutory.adopt"
    STATUTORY_ADOPT_RUN = "statutory.adopt_run"
    TEMPLATE_ADOPT = "template.adopt"
    CASE_AUTO_ASSIGN = "case.auto_assign"
    ASSIGN_RULE_SET = "assign.rule_set"
    ASSIGN_RULE_REMOVE = "assign.rule_remove"
    ABSENCE_ADD = "absence.add"
    ABSENCE_CANCEL = "absence.cancel"
    CASE_REPEAT_LINK = "case.repeat_link"
    VISIBILITY_SET = "visibility.set"
    CONTACT_LOOK = "customer.look"
