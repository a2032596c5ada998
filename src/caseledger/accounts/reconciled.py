"""What `journal verify --records` compares for accounts (journal/reconcile_kinds.py): every
department as its services journal it (name, active, whether the public form files there),
every person as `user_state` journals them (roles, superuser and staff flags, active, department,
supervised departments, a check value of the password hash) and every API token as its services journal it (with a check value
of its hash). A role granted, a password hash or a token un-revoked or its hash swapped
straight in the database is named."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from caseledger.accounts.actions import AccountsAction
from caseledger.accounts.models import ApiToken, Department, User
from caseledger.core.state import model_state
from caseledger.journal.reconcile_kinds import Kind


def _people() -> Iterator[tuple[str, str, dict[str, Any]]]:
    from caseledger.accounts.services import user_state

    for user in User.objects.order_by("pk").prefetch_related("supervised_departments"):
        yield str(user.pk), user.username, user_state(user)


def _tokens() -> Iterator[tuple[str, str, dict[str, Any]]]:
    from caseledger.accounts.services import token_state

    for token in ApiToken.objects.order_by("pk"):
        yield str(token.pk), token.prefix, token_state(token)


def _departments() -> Iterator[tuple[str, str, dict[str, Any]]]:
    for department in Department.objects.order_by("pk"):
        yield str(department.pk), department.code, model_state(department)


# A department's entries also record what was adopted for it (an industry template, the
# statutory rules: workflow); only these carry the department's own state.
DEPARTMENT_STATE = tuple(
    a.value
    for a in (
        AccountsAction.DEPARTMENT_CREATE,
        AccountsAction.DEPARTMENT_UPDATE,
        AccountsAction.DEPARTMENT_DEACTIVATE,
    )
)


def kinds() -> list[Kind]:
    return [
        Kind("department", _departments, actions=DEPARTMENT_STATE),
        # People journaled before `password_check` was have none to compare until their
        # next journaled change.
        Kind("user", _people, new_keys=("password_check",)),
        # A token's last use is stamped on each request, not journaled; tokens journaled
        # before `token_check` was have none to compare.
        Kind("token", _tokens, ignore=("last_used_at",), new_keys=("token_check",)),
    ]
