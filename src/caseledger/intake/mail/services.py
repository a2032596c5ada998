"""Configuring mailboxes. Administrators (settings.manage) add and change them; the
password is sealed by the vault before it reaches the database and never journaled."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import can, require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.cases import taxonomy
from caseledger.core import clock
from caseledger.core.errors import ValidationFailed
from caseledger.core.state import model_state
from caseledger.core.validate import Collector, email_ok
from caseledger.customers.services import resolve_department
from caseledger.intake.actions import IntakeAction
from caseledger.intake.models import Mailbox, Security
from caseledger.journal.services import record_change, write_transaction
from caseledger.vault import crypto

FIELDS = (
    "name", "department", "address", "intake_user", "category", "host", "port", "security",
    "username", "password", "folder", "active",
)  # fmt: skip


def mailbox_state(mailbox: Mailbox) -> dict[str, Any]:
    """The journaled state: whether a password is set, never the ciphertext."""
    state = model_state(mailbox, exclude=("password",))
    state["password_set"] = bool(mailbox.password)
    return state


def seal_password(mailbox_name: str, password: str) -> str:
    return crypto.encrypt(
        password, record="mailbox", field="password", owner=f"mailbox:{mailbox_name}"
    )


def mailbox_password(mailbox: Mailbox) -> str:
    """The IMAP password, unsealed for the poller only."""
    if not mailbox.password:
        return ""
    return crypto.decrypt(
        mailbox.password, record="mailbox", field="password", owner=f"mailbox:{mailbox.name}"
    )


def _clean(data: Mapping[str, Any], *, creating: bool) -> tuple[dict[str, Any], Collector]:
    c = Collector()
    c.unknown(data, FIELDS if creating else FIELDS[1:])
    clean: dict[str, Any] = {}
    if creating:
        clean["name"] = c.text(data, "name", required=True, max_length=40)
        if clean["name"] and not all(ch.isalnum() or ch in "-_" for ch in clean["name"]):
            c.add("name", _("may hold only letters, digits, - and _"), "invalid")
    if creating or "department" in data:
        clean["department"] = resolve_department(data.get("department"), c)
        if clean["department"] is None and not c.errors:
            c.add("department", _("is required"), "required")
    if creating or "address" in data:
        address = (c.text(data, "address", required=True, max_length=254) or "").lower()
        if address and not email_ok(address):
            c.add("address", _("is not an e-mail address"), "invalid")
        clean["address"] = address
    if creating or "intake_user" in data:
        clean["intake_user"] = _intake_user(data.get("intake_user"), c)
    if "category" in data:
        clean["category"] = c.choice(data, "category", taxonomy.category_codes(), required=True)
    for name, limit in (("host", 255), ("username", 255), ("folder", 200)):
        if name in data:
            clean[name] = c.text(data, name, max_length=limit) or ""
    if "port" in data:
        clean["port"] = c.integer(data, "port", minimum=1, maximum=65535)
    if "security" in data:
        clean["security"] = c.choice(data, "security", Security.values, required=True)
    if "active" in data:
        clean["active"] = bool(data["active"])
    if "password" in data:
        password = data.get("password")
        if not isinstance(password, str):
            c.add("password", _("must be text"), "invalid")
        else:
            clean["password"] = password
    return {k: v for k, v in clean.items() if v is not None or k == "intake_user"}, c


def _intake_user(value: Any, c: Collector) -> User | None:
    user = User.objects.filter(username=value).first() if isinstance(value, str) else value
    if not isinstance(user, User) or not user.is_active:
        c.add(
            "intake_user", _("user %(u)s does not exist or is inactive") % {"u": value}, "not_found"
        )
        return None
    return user


def _check_intake_user(mailbox_department_id: int, user: User | None, c: Collector) -> None:
    """The intake user must be able to record customers and cases in the department, or
    every message would end in quarantine."""
    if user is None:
        return
    if not (
        can(user, Perm.CASE_MODIFY, mailbox_department_id)
        and can(user, Perm.CUSTOMER_MODIFY, mailbox_department_id)
    ):
        c.add(
            "intake_user",
            _("%(u)s cannot record cases and customers in this department") % {"u": user.username},
            "not_allowed",
        )


def mailbox_create(*, actor: User, data: Mapping[str, Any], reason: str = "") -> Mailbox:
    require(actor, Perm.SETTINGS_MANAGE)
    clean, c = _clean(data, creating=True)
    if clean.get("department") is not None:
        _check_intake_user(clean["department"].pk, clean.get("intake_user"), c)
    if clean.get("name") and Mailbox.objects.filter(name=clean["name"]).exists():
        c.add("name", _("a mailbox with this name exists"), "duplicate")
    c.raise_if_any()
    password = clean.pop("password", "")
    now = clock.now()
    with write_transaction():
        mailbox = Mailbox.objects.create(
            **clean,
            password=seal_password(clean["name"], password) if password else "",
            created_at=now,
            updated_at=now,
        )
        record_change(
            actor=actor,
            action=IntakeAction.MAILBOX_CREATE,
            object_type="mailbox",
            object_id=mailbox.pk,
            before=None,
            after=mailbox_state(mailbox),
            reason=reason,
        )
    return mailbox


def mailbox_update(
    *, actor: User, mailbox: Mailbox, data: Mapping[str, Any], reason: str = ""
) -> Mailbox:
    require(actor, Perm.SETTINGS_MANAGE)
    clean, c = _clean(data, creating=False)
    c.raise_if_any()
    with write_transaction():
        mailbox = Mailbox.objects.select_for_update().get(pk=mailbox.pk)
        before = mailbox_state(mailbox)
        if "password" in clean:
            password = clean.pop("password")
            mailbox.password = seal_password(mailbox.name, password) if password else ""
        for key, value in clean.items():
            setattr(mailbox, key, value)
        c = Collector()
        _check_intake_user(mailbox.department_id, mailbox.intake_user, c)
        if c.errors:
            raise ValidationFailed(str(c.errors[0]), field="intake_user", code="not_allowed")
        mailbox.updated_at = clock.now()
        mailbox.save()
        record_change(
            actor=actor,
            action=IntakeAction.MAILBOX_UPDATE,
            object_type="mailbox",
            object_id=mailbox.pk,
            before=before,
            after=mailbox_state(mailbox),
            reason=reason,
        )
    return mailbox
