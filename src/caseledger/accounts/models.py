from __future__ import annotations

from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import AbstractUser
from django.db import models

from caseledger.accounts.permissions import Role


class Department(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    created_at = models.DateTimeField()
    # A deactivated department keeps its records and history; it takes no new members.
    is_active = models.BooleanField(default=True)
    # The public complaint form (/complain/) files here: True for at most one department
    # (department_update switches the others off), False when an administrator closed it
    # here, None when nobody chose (intake/form/account.py: the only department then).
    public_form = models.BooleanField(null=True, blank=True, default=None)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who works with the records. Never deleted: offboarding deactivates."""

    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    supervised_departments = models.ManyToManyField(
        Department, blank=True, related_name="supervisors"
    )
    roles = models.JSONField(default=list, blank=True)
    # A one-time password (the first administrator's, printed by `up`/`createadmin`) must
    # be replaced at the first web login; clearing it is part of user_set_password.
    must_change_password = models.BooleanField(default=False)

    def check_password(self, raw_password: str | None) -> bool:
        """Django's check, with its re-hash at sign-in journaled (the journal holds a check
        value of every stored hash: accounts.services.people.password_check)."""
        from caseledger.accounts.services.people import user_password_rehashed

        return check_password(
            raw_password, self.password, lambda raw: user_password_rehashed(self, raw)
        )

    def role_set(self) -> set[Role]:
        return {Role(r) for r in self.roles}


class ApiToken(models.Model):
    """A bearer token. Only its sha256 is stored; the token is shown once, at creation."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
