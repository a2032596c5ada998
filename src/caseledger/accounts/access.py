"""Access checks: defined in `caseledger.core.access` (ADR 0011), re-exported here so
`from caseledger.accounts.access import require` reads as it always has."""

from caseledger.core.access import (
    can,
    department_ids,
    refuse,
    require,
    require_token_scope,
    widest_scope,
)

__all__ = ["can", "department_ids", "refuse", "require", "require_token_scope", "widest_scope"]
