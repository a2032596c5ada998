from __future__ import annotations

from typing import Any

from caseledger.accounts.permissions import TOKEN_SCOPES
from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import Conflict


def _scopes(text: str) -> list[str]:
    return [s.strip() for s in text.split(",") if s.strip()]


def _row(token) -> dict[str, Any]:
    status = "revoked" if token.revoked_at else "active"
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
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="act as this user (default: the system)",
        )

    def add_list_arguments(self, parser):
        parser.add_argument("--user", help="only this user's tokens")
        parser.add_argument("--active", action="store_true", help="hide revoked tokens")

    def add_revoke_arguments(self, parser):
        parser.add_argument("id", help="the token's id (see token list)")
        parser.add_argument("--reason", required=True, help="why, for the journal")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USERNAME",
            help="act as this user (default: the system)",
        )

    def handle_create(self, **options: Any) -> None:
        from caseledger.accounts.services import token_create

        actor = lookups.actor_named(options["as_user"])
        user = lookups.user_named(options["user"])
        token, secret = token_create(
            actor=actor, user=user, name=options["name"], scopes=_scopes(options["scopes"])
        )
        if self.as_json:
            self.emit({**_row(token), "token": secret})
            return
        self.stdout.write(
            f"Token {token.pk} for {user.username}, scopes "
            f"{', '.join(token.scopes)}. It is shown only now:"
        )
        self.stdout.write(secret)

    def handle_list(self, **options: Any) -> None:
        from caseledger.accounts.models import ApiToken

        qs = ApiToken.objects.select_related("user").order_by("pk")
        if options.get("user"):
            qs = qs.filter(user=lookups.user_named(options["user"]))
        if options.get("active"):
            qs = qs.filter(revoked_at__isnull=True)
        rows = [_row(t) for t in qs]
        lines = [f"{'ID':>5}  {'USER':<16} {'STATUS':<8} {'PREFIX':<13} {'SCOPES':<32} NAME"]
        lines += [
            f"{r['id']:>5}  {r['user']:<16} {r['status']:<8} {r['prefix'] + '…':<13} "
            f"{','.join(r['scopes']):<32} {r['name']}"
            for r in rows
        ]
        self.emit(rows, "\n".join(lines) if rows else "No tokens.")

    def handle_revoke(self, **options: Any) -> None:
        from caseledger.accounts.services import token_revoke

        actor = lookups.actor_named(options["as_user"])
        token = lookups.token_numbered(options["id"])
        if token.revoked_at is not None:
            raise Conflict(
                f"token {token.pk} was already revoked at {token.revoked_at.isoformat()}",
                field="token",
            )
        token = token_revoke(actor=actor, token=token, reason=options["reason"])
        self.emit(_row(token), f"Revoked token {token.pk} ({token.name}) of {token.user.username}.")
