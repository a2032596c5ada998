"""Permissions and roles: defined in `caseledger.core.permissions` (ADR 0011), re-exported
here so `from caseledger.accounts.permissions import Perm` reads as it always has."""

from caseledger.core.permissions import (
    GRANTS,
    PRIVACY_HANDLE,
    ROLE_LABELS,
    ROLE_VALUES,
    TOKEN_SCOPES,
    Perm,
    Role,
    Scope,
)

__all__ = [
    "GRANTS",
    "PRIVACY_HANDLE",
    "ROLE_LABELS",
    "ROLE_VALUES",
    "TOKEN_SCOPES",
    "Perm",
    "Role",
    "Scope",
]
