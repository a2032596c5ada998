"""Login lockouts: record one (journaled), clear it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.actions import AccountsAction
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm
from caseledger.core.errors import PermissionDenied
from caseledger.core.validate import Collector
from caseledger.journal.services import record_change, write_transaction


def lockout_record(
    *,
    actor: User | None,
    username: str | None,
    address: str | None,
    kind: str,
    locked_by: list[str],
    failures: int,
    until: Any,
) -> None:
    """Journal that sign-in throttling (accounts.throttle) locked an account or an address.

    The throttle calls it as the system (actor None); a person may not forge one. Names an
    account only when one exists by that name: a name that matches no account may be a
    password typed into the wrong box, and the journal keeps nothing it may not keep.
    """
    if actor is not None:
        raise PermissionDenied(_("only the sign-in throttle records lockouts"), code="forbidden")
    account = User.objects.filter(username=username).first() if username else None
    state = {
        "kind": kind,
        "account": account.get_username() if account else None,
        "address": address,
        "locked_by": sorted(locked_by),
        "failures": failures,
        "until": until.isoformat() if until is not None else None,
    }
    object_id = f"user:{account.pk}" if account else f"address:{address or 'unknown'}"
    with write_transaction():
        record_change(
            actor=None,
            action=AccountsAction.LOGIN_LOCKOUT,
            object_type="lockout",
            object_id=object_id,
            after=state,
        )


def lockout_clear(
    *, actor: User | None, username: str | None = None, address: str | None = None, reason: str
) -> int:
    """Lift a sign-in lockout early: forget the counted failures of an account or an address
    (`caseledger lockout clear`). Returns how many failures were forgotten."""
    from axes.models import AccessAttempt

    if actor is not None:
        require(actor, Perm.USER_MANAGE)
    c = Collector()
    why = c.text({"reason": reason}, "reason", required=True, max_length=500) or ""
    if not username and not address:
        c.add("user", _("name an account or an address to unlock"), "required")
    c.raise_if_any()
    attempts = AccessAttempt.objects.none()
    if username:
        attempts = attempts | AccessAttempt.objects.filter(username=username)
    if address:
        attempts = attempts | AccessAttempt.objects.filter(ip_address=address)
    with write_transaction():
        forgotten = sum(a.failures_since_start for a in attempts)
        AccessAttempt.objects.filter(pk__in=[a.pk for a in attempts]).delete()
        account = User.objects.filter(username=username).first() if username else None
        state = {"account": account.get_username() if account else username, "address": address}
        object_id = f"user:{account.pk}" if account else f"address:{address or username}"
        record_change(
            actor=actor,
            action=AccountsAction.LOGIN_UNLOCK,
            object_type="lockout",
            object_id=object_id,
            after={**state, "failures_forgotten": forgotten},
            reason=why,
        )
    return forgotten
