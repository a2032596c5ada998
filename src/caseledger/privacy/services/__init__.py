"""Every privacy write: maker-checker for sensitive identifiers, privacy requests, consent.

Dangerous in part: pending changes carry plaintext identifiers on the way in and out. The
guarantee is the vault's: plaintext is validated, encrypted and masked here, then only
handed to customers.services on confirmation; never stored, journaled, logged or put in
an error. Each function: permission, validation, write, journal, in one transaction.

One module per subject, every public name re-exported here so callers read the same:
common, changes (maker-checker), requests, consents, quality.
"""

from caseledger.privacy.services.changes import (
    identifier_change_confirm,
    identifier_change_propose,
    identifier_change_reject,
    needs_review,
)
from caseledger.privacy.services.common import (
    ANONYMIZATION_REQUIRED,
    HANDLE,
    PENDING_RECORD,
    record_privacy_change,
)
from caseledger.privacy.services.consents import (
    CONSENT_FIELDS,
    consent_grant,
    consent_withdraw,
)
from caseledger.privacy.services.quality import (
    QUALITY_NOTE_MAX,
    QUALITY_SIZE_MAX,
    quality_check_record,
    quality_sample_draw,
)
from caseledger.privacy.services.requests import (
    privacy_request_assign,
    privacy_request_complete,
    privacy_request_export,
    privacy_request_open,
)

__all__ = [
    "ANONYMIZATION_REQUIRED",
    "CONSENT_FIELDS",
    "HANDLE",
    "PENDING_RECORD",
    "QUALITY_NOTE_MAX",
    "QUALITY_SIZE_MAX",
    "consent_grant",
    "consent_withdraw",
    "identifier_change_confirm",
    "identifier_change_propose",
    "identifier_change_reject",
    "needs_review",
    "privacy_request_assign",
    "privacy_request_complete",
    "privacy_request_export",
    "privacy_request_open",
    "quality_check_record",
    "quality_sample_draw",
    "record_privacy_change",
]
