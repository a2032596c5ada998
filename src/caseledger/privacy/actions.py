"""The journal actions privacy writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class PrivacyAction(StrEnum):
    CONSENT_GRANT = "privacy.consent_grant"
    CONSENT_WITHDRAW = "privacy.consent_withdraw"
    CONSENT_MERGE = "privacy.consent_merge"
    CONSENT_UNMERGE = "privacy.consent_unmerge"
    CHANGE_PROPOSE = "privacy.change_propose"
    CHANGE_CONFIRM = "privacy.change_confirm"
    CHANGE_REJECT = "privacy.change_reject"
    CHANGE_REENCRYPT = "privacy.change_reencrypt"
    REQUEST_OPEN = "privacy.request_open"
    REQUEST_ASSIGN = "privacy.request_assign"
    REQUEST_COMPLETE = "privacy.request_complete"
    EXPORT = "privacy.export"
    QUALITY_SAMPLE = "privacy.quality_sample"
    QUALITY_CHECK = "privacy.quality_check"
