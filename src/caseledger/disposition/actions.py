"""The journal actions disposition writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class DispositionAction(StrEnum):
    PROPOSE = "disposition.propose"
    APPROVE = "disposition.approve"
    REJECT = "disposition.reject"
    EXECUTE_START = "disposition.execute_start"
    EXECUTE_PENDING = "disposition.execute_pending"
    CERTIFICATE = "disposition.certificate"
    CERTIFICATE_RESTORE = "disposition.certificate_restore"
    EXTEND = "disposition.extend"
    SKIP = "disposition.skip"
    ANONYMIZED_STATE = "disposition.anonymized_state"
    REAPPLY = "disposition.reapply"
