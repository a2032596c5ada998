"""Every permission and role, in one place. Services check these; views only mirror them.
In core (ADR 0011) so every floor can check them; `caseledger.accounts.permissions`
re-exports every name.

A grant pairs a permission with a scope: the actor's own department, the departments
they supervise (their own included), or everything.
"""

from __future__ import annotations

from enum import StrEnum


class Perm(StrEnum):
    CASE_VIEW = "case.view"
    CASE_MODIFY = "case.modify"
    CASE_DELETE = "case.delete"
    CASE_REVEAL = "case.reveal"
    CASE_APPROVE = "case.approve"
    CASE_EXPORT = "case.export"
    CUSTOMER_VIEW = "customer.view"
    CUSTOMER_MODIFY = "customer.modify"
    CUSTOMER_DELETE = "customer.delete"
    CUSTOMER_REVEAL = "customer.reveal"
    CUSTOMER_APPROVE = "customer.approve"
    CUSTOMER_EXPORT = "customer.export"
    JOURNAL_VIEW = "journal.view"
    JOURNAL_CHECKPOINT = "journal.checkpoint"
    USER_VIEW = "user.view"  # the people and departments list: last login, open work, tokens
    USER_MANAGE = "user.manage"
    DEPARTMENT_MANAGE = "department.manage"
    TOKEN_MANAGE = "token.manage"  # noqa: S105  (a permission name, not a secret)
    SETTINGS_MANAGE = "settings.manage"
    BACKUP_RUN = "backup.run"  # take backups, verify them, run restore drills
    BACKUP_RESTORE = "backup.restore"
    RETENTION_VIEW = "retention.view"  # schedules, deadlines, holds (read)
    RETENTION_MANAGE = "retention.manage"  # adopt/edit schedules, recompute deadlines
    HOLD_MANAGE = "hold.manage"  # place and release legal holds
    DISPOSITION_PROPOSE = "disposition.propose"  # put due records up for destroy/anonymize
    DISPOSITION_APPROVE = "disposition.approve"  # the second person on a disposition
    RESTRICTED_VIEW = "restricted.view"  # read records restricted under PIPL Art 47
    INSIGHTS_VIEW = "insights.view"  # dashboards, review reports, aggregate exports (issue 15)
    CAPA_MANAGE = "capa.manage"  # open, update and close corrective actions (issue 15)


class Scope(StrEnum):
    OWN = "own"  # the actor's own department
    SUPERVISED = "supervised"  # own department and the ones they supervise
    ALL = "all"


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    RECORDS_MANAGER = "records_manager"
    COMPLIANCE = "compliance"
    AUDITOR = "auditor"
    ADMINISTRATOR = "administrator"


ROLE_LABELS = {
    Role.AGENT: "Agent 客服/销售",
    Role.SUPERVISOR: "Supervisor 主管",
    Role.RECORDS_MANAGER: "Records manager 档案管理员",
    Role.COMPLIANCE: "Compliance officer 合规",
    Role.AUDITOR: "Auditor 审计",
    Role.ADMINISTRATOR: "Administrator 系统管理员",
}

_ALL_READ = {
    Perm.CASE_VIEW: Scope.ALL,
    Perm.CUSTOMER_VIEW: Scope.ALL,
    Perm.JOURNAL_VIEW: Scope.ALL,
    Perm.RETENTION_VIEW: Scope.ALL,
}

GRANTS: dict[Role, dict[Perm, Scope]] = {
    Role.AGENT: {
        Perm.CASE_VIEW: Scope.OWN,
        Perm.CASE_MODIFY: Scope.OWN,
        Perm.CUSTOMER_VIEW: Scope.OWN,
        Perm.CUSTOMER_MODIFY: Scope.OWN,
    },
    Role.SUPERVISOR: {
        Perm.CASE_VIEW: Scope.SUPERVISED,
        Perm.CASE_MODIFY: Scope.SUPERVISED,
        Perm.CASE_APPROVE: Scope.SUPERVISED,
        Perm.CASE_EXPORT: Scope.SUPERVISED,
        Perm.CUSTOMER_VIEW: Scope.SUPERVISED,
        Perm.CUSTOMER_MODIFY: Scope.SUPERVISED,
        Perm.CUSTOMER_APPROVE: Scope.SUPERVISED,
        Perm.CUSTOMER_EXPORT: Scope.SUPERVISED,
        Perm.DISPOSITION_APPROVE: Scope.SUPERVISED,
        Perm.INSIGHTS_VIEW: Scope.SUPERVISED,
        Perm.CAPA_MANAGE: Scope.SUPERVISED,
    },
    Role.RECORDS_MANAGER: {
        **_ALL_READ,
        Perm.CASE_DELETE: Scope.ALL,
        Perm.CASE_EXPORT: Scope.ALL,
        Perm.CUSTOMER_DELETE: Scope.ALL,
        Perm.CUSTOMER_EXPORT: Scope.ALL,
        Perm.JOURNAL_CHECKPOINT: Scope.ALL,
        Perm.RETENTION_MANAGE: Scope.ALL,
        Perm.HOLD_MANAGE: Scope.ALL,
        Perm.DISPOSITION_PROPOSE: Scope.ALL,
    },
    Role.COMPLIANCE: {
        **_ALL_READ,
        Perm.CASE_REVEAL: Scope.ALL,
        Perm.CASE_APPROVE: Scope.ALL,
        Perm.CASE_EXPORT: Scope.ALL,
        Perm.CUSTOMER_REVEAL: Scope.ALL,
        Perm.CUSTOMER_APPROVE: Scope.ALL,
        Perm.CUSTOMER_EXPORT: Scope.ALL,
        Perm.JOURNAL_CHECKPOINT: Scope.ALL,
        Perm.RETENTION_MANAGE: Scope.ALL,
        Perm.HOLD_MANAGE: Scope.ALL,
        Perm.DISPOSITION_APPROVE: Scope.ALL,
        Perm.RESTRICTED_VIEW: Scope.ALL,
        Perm.INSIGHTS_VIEW: Scope.ALL,
        Perm.CAPA_MANAGE: Scope.ALL,
    },
    Role.AUDITOR: {
        **_ALL_READ,
        Perm.CASE_EXPORT: Scope.ALL,
        Perm.CUSTOMER_EXPORT: Scope.ALL,
        Perm.INSIGHTS_VIEW: Scope.ALL,
    },
    # Administrators run the system; they read case content only with a content role too.
    Role.ADMINISTRATOR: {
        Perm.USER_VIEW: Scope.ALL,
        Perm.USER_MANAGE: Scope.ALL,
        Perm.DEPARTMENT_MANAGE: Scope.ALL,
        Perm.TOKEN_MANAGE: Scope.ALL,
        Perm.SETTINGS_MANAGE: Scope.ALL,
        Perm.JOURNAL_CHECKPOINT: Scope.ALL,
        Perm.BACKUP_RUN: Scope.ALL,
        Perm.BACKUP_RESTORE: Scope.ALL,
    },
}

# API token scopes, and the permissions each one lets a token use.
TOKEN_SCOPES: dict[str, frozenset[Perm]] = {
    "cases:read": frozenset({Perm.CASE_VIEW}),
    "cases:write": frozenset({Perm.CASE_VIEW, Perm.CASE_MODIFY}),
    "customers:read": frozenset({Perm.CUSTOMER_VIEW}),
    "customers:write": frozenset({Perm.CUSTOMER_VIEW, Perm.CUSTOMER_MODIFY}),
    # Still only for users whose role may reveal (compliance); every reveal is journaled.
    "customers:reveal": frozenset({Perm.CUSTOMER_VIEW, Perm.CUSTOMER_REVEAL}),
    # Confirm or reject pending sensitive-field changes (maker-checker).
    "customers:approve": frozenset({Perm.CUSTOMER_VIEW, Perm.CUSTOMER_APPROVE}),
    "journal:read": frozenset({Perm.JOURNAL_VIEW}),
    "retention:read": frozenset({Perm.RETENTION_VIEW}),
    "retention:write": frozenset({Perm.RETENTION_VIEW, Perm.RETENTION_MANAGE, Perm.HOLD_MANAGE}),
    # Read records restricted under PIPL Art 47 (still only for roles that may: compliance).
    "restricted:read": frozenset({Perm.RESTRICTED_VIEW}),
    # Statutory deadline extensions (case.approve: supervisors in scope, compliance).
    "cases:approve": frozenset({Perm.CASE_VIEW, Perm.CASE_APPROVE}),
    # Dashboards' figures and review reports (aggregates; restricted records still compliance's).
    "insights:read": frozenset({Perm.INSIGHTS_VIEW}),
    # Open and move on corrective actions (capa.manage: supervisors in scope, compliance),
    # linked to cases the holder may see (hence case.view, as cases:approve carries it).
    "capa:write": frozenset({Perm.INSIGHTS_VIEW, Perm.CAPA_MANAGE, Perm.CASE_VIEW}),
    # People and departments (administrators): list them; add, edit, deactivate them.
    "users:read": frozenset({Perm.USER_VIEW}),
    "users:write": frozenset({Perm.USER_VIEW, Perm.USER_MANAGE, Perm.DEPARTMENT_MANAGE}),
    # Webhook subscriptions and their deliveries (administrators: settings.manage).
    "webhooks:write": frozenset({Perm.SETTINGS_MANAGE}),
    # The taxonomy and the process step rules (templates as data; administrators).
    "templates:write": frozenset({Perm.SETTINGS_MANAGE}),
    # Settings (administrators): assignment rules, who sees phones in full (issue 12).
    "settings:write": frozenset({Perm.SETTINGS_MANAGE}),
    "dispositions:write": frozenset(
        {Perm.RETENTION_VIEW, Perm.DISPOSITION_PROPOSE, Perm.DISPOSITION_APPROVE}
    ),
}

ROLE_VALUES: list[str] = [r.value for r in Role]

# Who handles privacy requests (privacy.services.HANDLE); retention checks it too when a
# deletion request restricts a record, and stands below privacy, so it is named here.
PRIVACY_HANDLE = Perm.CUSTOMER_REVEAL
