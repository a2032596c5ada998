"""Telling people when a backup or a drill fails: an error in the log, and an email to every
active administrator with an address (Django's mail; a file per message by default)."""

from __future__ import annotations

from django.core.mail import send_mail

from caseledger.core.logging import get_logger

log = get_logger("caseledger.backup")


def administrator_addresses() -> list[str]:
    from caseledger.accounts.models import User
    from caseledger.accounts.permissions import Role

    return sorted(
        u.email
        for u in User.objects.filter(is_active=True).exclude(email="")
        if Role.ADMINISTRATOR in u.role_set()
    )


def alert(event: str, subject: str, body: str, **fields: object) -> None:
    log.error(event, subject=subject, **fields)
    addresses = administrator_addresses()
    if not addresses:
        log.warning("backup.alert_unsent", reason="no administrator has an email address")
        return
    try:
        send_mail(f"[caseledger] {subject}", body, None, addresses)
    except Exception as exc:  # the log line above stands; a broken mailer must not hide it
        log.error("backup.alert_mail_failed", error=f"{type(exc).__name__}: {exc}")
