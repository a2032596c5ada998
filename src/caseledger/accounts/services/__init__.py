"""Writes to departments, people and API tokens; each journaled, none ever logging a secret.

One module per subject, every public name re-exported here so callers read the same:
people (users, passwords), departments, tokens, lockouts.
"""

from caseledger.accounts.services.departments import (
    department_create,
    department_deactivate,
    department_update,
)
from caseledger.accounts.services.lockouts import (
    lockout_clear,
    lockout_record,
)
from caseledger.accounts.services.people import (
    USER_EDIT_FIELDS,
    USER_STATE_EXCLUDE,
    ensure_not_last_admin,
    generated_password,
    user_create,
    user_password_reset,
    user_set_password,
    user_state,
    user_update,
)
from caseledger.accounts.services.tokens import (
    TOKEN_PREFIX,
    token_authenticate,
    token_create,
    token_revoke,
    token_state,
)

__all__ = [
    "TOKEN_PREFIX",
    "USER_EDIT_FIELDS",
    "USER_STATE_EXCLUDE",
    "department_create",
    "department_deactivate",
    "department_update",
    "ensure_not_last_admin",
    "generated_password",
    "lockout_clear",
    "lockout_record",
    "token_authenticate",
    "token_create",
    "token_revoke",
    "token_state",
    "user_create",
    "user_password_reset",
    "user_set_password",
    "user_state",
    "user_update",
]
