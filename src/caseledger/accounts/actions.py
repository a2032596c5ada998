"""The journal actions accounts writes: the `action` of its entries, one name each, as they
have always been spelled (entries already written must keep verifying)."""

from enum import StrEnum


class AccountsAction(StrEnum):
    DEPARTMENT_CREATE = "department.create"
    DEPARTMENT_UPDATE = "department.update"
    DEPARTMENT_DEACTIVATE = "department.deactivate"
    USER_CREATE = "user.create"
    USER_UPDATE = "user.update"
    USER_PASSWORD = "user.password"  # noqa: S105  (an action name)
    USER_PASSWORD_RESET = "user.password_reset"  # noqa: S105  (an action name)
    USER_PASSWORD_REHASH = "user.password_rehash"  # noqa: S105  (an action name)
    TOKEN_CREATE = "token.create"  # noqa: S105  (an action name)
    TOKEN_REVOKE = "token.revoke"  # noqa: S105  (an action name)
    LOGIN_LOCKOUT = "login.lockout"
    LOGIN_UNLOCK = "login.unlock"
