"""What a refused person reads: in their language, what they tried, and what they may do
instead (issue 11 item 11). access.require raises these; web and API show them as they are.

A refusal names the token's scope when the token is what stops the request, and the role
otherwise; it never shows a permission code alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseledger.core.permissions import GRANTS, TOKEN_SCOPES, Perm, Scope

if TYPE_CHECKING:
    from caseledger.accounts.models import User

PERM_WORDS: dict[Perm, object] = {
    Perm.CASE_VIEW: gettext_lazy("view cases"),
    Perm.CASE_MODIFY: gettext_lazy("record and edit cases"),
    Perm.CASE_DELETE: gettext_lazy("archive or delete cases"),
    Perm.CASE_REVEAL: gettext_lazy("reveal protected case data"),
    Perm.CASE_APPROVE: gettext_lazy("approve case deadline extensions"),
    Perm.CASE_EXPORT: gettext_lazy("export cases"),
    Perm.CUSTOMER_VIEW: gettext_lazy("view customers"),
    Perm.CUSTOMER_MODIFY: gettext_lazy("record and edit customers"),
    Perm.CUSTOMER_DELETE: gettext_lazy("delete customers"),
    Perm.CUSTOMER_REVEAL: gettext_lazy("reveal customers' protected data"),
    Perm.CUSTOMER_APPROVE: gettext_lazy("confirm changes to customers' protected data"),
    Perm.CUSTOMER_EXPORT: gettext_lazy("export customers"),
    Perm.JOURNAL_VIEW: gettext_lazy("read the journal"),
    Perm.JOURNAL_CHECKPOINT: gettext_lazy("sign journal checkpoints"),
    Perm.USER_VIEW: gettext_lazy("view people and departments"),
    Perm.USER_MANAGE: gettext_lazy("manage people"),
    Perm.DEPARTMENT_MANAGE: gettext_lazy("manage departments"),
    Perm.TOKEN_MANAGE: gettext_lazy("manage API tokens"),
    Perm.SETTINGS_MANAGE: gettext_lazy("change settings"),
    Perm.BACKUP_RUN: gettext_lazy("run and verify backups"),
    Perm.BACKUP_RESTORE: gettext_lazy("restore backups"),
    Perm.RETENTION_VIEW: gettext_lazy("view retention schedules and holds"),
    Perm.RETENTION_MANAGE: gettext_lazy("manage retention schedules"),
    Perm.HOLD_MANAGE: gettext_lazy("place and release legal holds"),
    Perm.DISPOSITION_PROPOSE: gettext_lazy("propose dispositions"),
    Perm.DISPOSITION_APPROVE: gettext_lazy("approve dispositions"),
    Perm.RESTRICTED_VIEW: gettext_lazy("read restricted records"),
    Perm.INSIGHTS_VIEW: gettext_lazy("view dashboards and review reports"),
    Perm.CAPA_MANAGE: gettext_lazy("manage corrective actions"),
}

ROLE_NAMES: dict[str, object] = {
    "agent": gettext_lazy("Agent"),
    "supervisor": gettext_lazy("Supervisor"),
    "records_manager": gettext_lazy("Records manager"),
    "compliance": gettext_lazy("Compliance officer"),
    "auditor": gettext_lazy("Auditor"),
    "administrator": gettext_lazy("Administrator"),
}


def _list(words: list[str]) -> str:
    return _(", ").join(words)


def perm_words(perm: Perm) -> str:
    return str(PERM_WORDS.get(perm, perm.value))


def _department_name(department_id: int) -> str:
    from caseledger.accounts.models import Department

    row = Department.objects.filter(pk=department_id).first()
    return row.name if row is not None else f"#{department_id}"


def token_refusal(scopes: list[str], perm: Perm) -> str:
    needed = [name for name, perms in TOKEN_SCOPES.items() if perm in perms]
    return _(
        "This API token may not %(action)s (%(permission)s): its scopes are %(scopes)s. "
        "A token with the scope %(needed)s may (your roles must allow it too); "
        "ask an administrator for one, or use the web pages."
    ) % {
        "action": perm_words(perm),
        "permission": perm.value,
        "scopes": _list(sorted(scopes)) or _("none"),
        "needed": _(" or ").join(needed) or _("(no scope grants this)"),
    }


def role_refusal(
    actor: User | None, perm: Perm, department_id: int | None, allowed: set[int] | None
) -> str:
    roles = [str(ROLE_NAMES.get(r, r)) for r in (actor.role_set() if actor is not None else ())]
    if department_id is not None and allowed:
        where = _list(sorted(_department_name(d) for d in allowed))
        return _(
            "You may %(action)s only in %(where)s, not in %(department)s. "
            "Ask a supervisor of %(department)s, or an administrator to widen your roles."
        ) % {
            "action": perm_words(perm),
            "where": where,
            "department": _department_name(department_id),
        }
    who = [str(ROLE_NAMES.get(r, r)) for r, grants in GRANTS.items() if perm in grants]
    mine = _list(roles) or _("no role")
    everywhere = [str(ROLE_NAMES.get(r, r)) for r, g in GRANTS.items() if g.get(perm) == Scope.ALL]
    return _(
        "Your roles (%(roles)s) do not allow you to %(action)s. "
        "Roles that may: %(who)s. If your work needs it, ask an administrator."
    ) % {"roles": mine, "action": perm_words(perm), "who": _list(who or everywhere) or _("none")}


def refusal(
    *,
    actor: User | None,
    perm: Perm,
    department_id: int | None,
    allowed: set[int] | None,
    by_token: bool,
) -> str:
    """The words of core.access.require's refusal (the hook `access.refusal`)."""
    if by_token and actor is not None:
        return token_refusal(list(getattr(actor, "token_scopes", None) or []), perm)
    return role_refusal(actor, perm, department_id, allowed)
