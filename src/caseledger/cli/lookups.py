"""Turning what an operator types (a username, a token id, `case:12`, `CL-2026-000001`)
into rows, with an error that names what was not found."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from caseledger.core.errors import NotFound, ValidationFailed
from caseledger.core.ids import is_id


def user_named(username: str, *, field: str = "user"):
    from caseledger.accounts.models import User

    user = User.objects.filter(username=username).first()
    if user is None:
        raise NotFound(
            _("user '%(username)s' does not exist") % {"username": username}, field=field
        )
    return user


def actor_named(username: str | None):
    """The user a command acts as (`--as`), or None: the system itself."""
    if not username:
        return None
    user = user_named(username, field="as")
    if not user.is_active:
        raise ValidationFailed(
            _("user '%(username)s' is deactivated") % {"username": username}, field="as"
        )
    return user


def token_numbered(token_id: str):
    from caseledger.accounts.models import ApiToken

    token = (
        ApiToken.objects.select_related("user").filter(pk=token_id).first()
        if is_id(str(token_id))
        else None
    )
    if token is None:
        raise NotFound(_("token %(id)s does not exist") % {"id": token_id}, field="token")
    return token


@dataclass(frozen=True)
class RecordRef:
    object_type: str
    object_id: str

    @property
    def root(self) -> str:
        return f"{self.object_type}:{self.object_id}"


def record_ref(text: str, *, actor=None) -> RecordRef:
    """`case:12`, `CL-2026-000001`, `customer:3`, `user:4`, or any `type:id` in the journal.

    With an actor, a case or customer must be visible to them; the system sees everything.
    """
    value = text.strip()
    if value.upper().startswith("CL-"):
        return RecordRef("case", str(_case_id(value, actor)))
    kind, sep, ident = value.partition(":")
    if not sep or not kind or not ident:
        raise ValidationFailed(
            _("'%(text)s' is not a record: use case:12, CL-2026-000001, customer:3 or user:4")
            % {"text": text},
            field="object",
        )
    kind = kind.lower()
    if kind == "case":
        return RecordRef("case", str(_case_id(ident, actor)))
    if kind == "customer" and actor is not None:
        from caseledger.customers.queries import customer_get

        return RecordRef("customer", str(customer_get(actor=actor, customer_id=ident).pk))
    if actor is not None:
        from caseledger.accounts.access import require
        from caseledger.accounts.permissions import Perm

        require(actor, Perm.JOURNAL_VIEW)
    return RecordRef(kind, ident)


def _case_id(key: str, actor) -> int:
    if actor is not None:
        from caseledger.cases.queries import case_get

        return case_get(actor=actor, case_id=key).pk
    from caseledger.cases.models import Case

    qs = (
        Case.objects.filter(reference=key.upper())
        if key.upper().startswith("CL-")
        else (Case.objects.filter(pk=key) if is_id(key) else Case.objects.none())
    )
    pk = qs.values_list("pk", flat=True).first()
    if pk is None:
        raise NotFound(_("case %(key)s does not exist") % {"key": key}, field="object")
    return pk


def day_named(text: str | None, *, field: str = "on") -> dt.date | None:
    """A YYYY-MM-DD option (None when not given), refused by name when it is not a date."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(
            _("'%(text)s' is not a date (YYYY-MM-DD)") % {"text": text}, field=field
        ) from exc


AS_SYSTEM = "act as this user (default: the system)"


def as_option(parser, *, required: bool = False, help: str | None = None) -> None:
    """The `--as USERNAME` option of a command or verb (`options["as_user"]`, read with
    `actor_named`); `help=AS_SYSTEM` where leaving it out means the system acts."""
    parser.add_argument("--as", dest="as_user", metavar="USERNAME", required=required, help=help)
