from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.accounts.permissions import TOKEN_SCOPES
from caseledger.cli import lookups, render
from caseledger.cli.subcommands import VerbCommand
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.ids import is_id


def _scopes(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def expiry(text: str | None) -> dt.datetime | None:
    """`--expires`: a number of days from now, or the last day (YYYY-MM-DD) the token
    works: it expires at the following midnight, local time."""
    if not text:
        return None
    value = text.strip()
    if is_id(value):
        days = int(value)
        if not 1 <= days <= 3650:
            raise ValidationFailed(
                _("%(days)s days: give 1 to 3650 days, or a date") % {"days": value},
                field="expires",
            )
        return clock.now() + dt.timedelta(days=days)
    day = lookups.day_named(value, field="expires")
    assert day is not None
    return dt.datetime.combine(
        day + dt.timedelta(days=1), dt.time.min, tzinfo=timezone.get_current_timezone()
    )


def _status(token) -> str:
    if token.revoked_at:
        return "revoked"
    if token.expires_at is not None and token.expires_at <= clock.now():
        return "expired"
    return "active"


def _row(token) -> dict[str, Any]:
    status = _status(token)
    return {
        "id": token.pk,
        "user": token.user.username,
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "status": status,
        "created_at": token.created_at,
        "last_used_at": token.last_used_at,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


def _when(moment: dt.datetime | None) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}" if moment else "never"


class Command(VerbCommand):
    help = "Create, list and revoke API tokens. The token itself is shown once, at creation."
    json_output = True
    verbs = {
        "create": "create a token for a user; the token is printed alone on the last line",
        "list": "list tokens (never the token itself)",
        "revoke": "revoke a token by its id",
    }

    def add_create_arguments(self, parser):
        parser.add_argument("--user", required=True, help="username the token acts as")
        parser.add_argument(
            "--scopes", required=True, help=f"comma-separated: {', '.join(TOKEN_SCOPES)}"
        )
        parser.add_argument(
            "--name",
            default="created with caseledger token create",
            help="a label saying what the token is for",
        )
        parser.add_argument(
            "--expires",
            metavar="DAYS|DATE",
            help="end the token after DAYS days, or after DATE (YYYY-MM-DD, its last day); "
            "default: never",
        )
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_list_arguments(self, parser):
        parser.add_argument("--user", help="only this user's tokens")
        parser.add_argument("--active", action="store_true", help="hide revoked and expired tokens")

    def add_revoke_arguments(self, parser):
        parser.add_argument("id", help="the token's id (see token list)")
        parser.add_argument("--reason", required=True, help="why, for the journal")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def handle_create(self, **options: Any) -> None:
        from caseledger.accounts.services import token_create

        actor = lookups.actor_named(options["as_user"])
        user = lookups.user_named(options["user"])
        token, secret = token_create(
            actor=actor,
            user=user,
            name=options["name"],
            scopes=_scopes(options["scopes"]),
            expires_at=expiry(options.get("expires")),
        )
        if self.as_json:
            self.emit({**_row(token), "token": secret})
            return
        values = {"id": token.pk, "user": user.username, "scopes": ", ".join(token.scopes)}
        if token.expires_at:
            values["until"] = f"{timezone.localtime(token.expires_at):%Y-%m-%d %H:%M %Z}"
            said = _(
                "Token %(id)s for %(user)s, scopes %(scopes)s, expires %(until)s. "
                "It is shown only now:"
            )
        else:
            said = _("Token %(id)s for %(user)s, scopes %(scopes)s. It is shown only now:")
        self.stdout.write(said % values)
        self.stdout.write(secret)

    def handle_list(self, **options: Any) -> None:
        from caseledger.accounts.models import ApiToken

        qs = ApiToken.objects.select_related("user").order_by("pk")
        if options.get("user"):
            qs = qs.filter(user=lookups.user_named(options["user"]))
        if options.get("active"):
            qs = qs.filter(revoked_at__isnull=True).exclude(expires_at__lte=clock.now())
        rows = [_row(t) for t in qs]
        lines = [
            f"{'ID':>5}  {'USER':<16} {'STATUS':<8} {'EXPIRES':<16} {'PREFIX':<13} "
            f"{'SCOPES':<32} NAME"
        ]
        lines += [
            f"{r['id']:>5}  {r['user']:<16} {r['status']:<8} "
            f"{_when(r['expires_at']):<16} {r['prefix'] + '…':<13} "
            f"{','.join(r['scopes']):<32} {r['name']}"
            for r in rows
        ]
        self.emit(rows, "\n".join(lines) if rows else _("No tokens."))

    def handle_revoke(self, **options: Any) -> None:
        from caseledger.accounts.services import token_revoke

        actor = lookups.actor_named(options["as_user"])
        token = lookups.token_numbered(options["id"])
        if token.revoked_at is not None:
            raise Conflict(
                _("token %(id)s was already revoked at %(at)s")
                % {"id": token.pk, "at": render.local(token.revoked_at)},
                field="token",
            )
        token = token_revoke(actor=actor, token=token, reason=options["reason"])
        self.emit(
            _row(token),
            _("Revoked token %(id)s (%(name)s) of %(user)s.")
            % {"id": token.pk, "name": token.name, "user": token.user.username},
        )
