"""`caseledger user add|edit|deactivate|list|password`: people, roles per department, and
offboarding (`deactivate --successor NAME`). Each change journaled; a password is printed
once and never logged."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.queries import department_by, user_by
from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand


def _codes(text: str | None) -> list[str]:
    return [c.strip() for c in (text or "").split(",") if c.strip()]


def _placement(parser) -> None:
    parser.add_argument("--roles", help="comma-separated: agent, supervisor, records_manager, …")
    parser.add_argument("--department", help="the department they work in (code)")
    parser.add_argument("--supervises", help="comma-separated department codes they supervise")
    parser.add_argument("--email")
    parser.add_argument("--name", dest="full_name", help="full name")


def _row(user, open_cases: int = 0, tokens: int = 0) -> dict[str, Any]:
    return {
        "username": user.username,
        "name": user.first_name,
        "roles": list(user.roles),
        "department": user.department.code if user.department_id else None,
        "supervises": sorted(d.code for d in user.supervised_departments.all()),
        "active": user.is_active,
        "last_login": user.last_login,
        "open_cases": open_cases,
        "active_tokens": tokens,
    }


class Command(VerbCommand):
    help = "Add, edit, deactivate (offboard) and list people."
    json_output = True
    verbs = {
        "add": "add a person; a generated password is printed once",
        "edit": "change roles, department, departments supervised, e-mail or name",
        "deactivate": "offboard: move open work to --successor or the department queue, "
        "revoke tokens, end sessions",
        "list": "list people with last login, open cases and live tokens",
        "password": "reset a password; the new one is printed once",
    }

    def add_add_arguments(self, parser):
        parser.add_argument("username")
        _placement(parser)
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_edit_arguments(self, parser):
        parser.add_argument("username")
        _placement(parser)
        parser.add_argument("--reactivate", action="store_true")
        parser.add_argument("--reason", default="", help="why, for the journal")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_deactivate_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--successor", help="who takes over the open work")
        parser.add_argument("--reason", required=True, help="why, for the journal")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_list_arguments(self, parser):
        parser.add_argument("--active", action="store_true", help="hide deactivated people")

    def add_password_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", default="", help="why, for the journal")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def handle_add(self, **options: Any) -> None:
        from caseledger.accounts.services import generated_password, user_create

        password = generated_password()
        user = user_create(
            actor=lookups.actor_named(options["as_user"]),
            username=options["username"],
            password=password,
            roles=_codes(options["roles"]),
            department=department_by(options["department"]) if options["department"] else None,
            supervised=[department_by(c) for c in _codes(options["supervises"])],
            email=options["email"] or "",
            full_name=options["full_name"] or "",
        )
        if self.as_json:
            self.emit({**_row(user), "password": password})
            return
        self.stdout.write(
            _("Added %(username)s (%(roles)s).")
            % {"username": user.username, "roles": ", ".join(user.roles)}
        )
        self.stdout.write(_("Password: %(password)s") % {"password": password})

    def handle_edit(self, **options: Any) -> None:
        from caseledger.accounts.services import user_update

        data: dict[str, Any] = {}
        if options["roles"] is not None:
            data["roles"] = _codes(options["roles"])
        if options["department"] is not None:
            data["department"] = (
                department_by(options["department"]) if options["department"] else None
            )
        if options["supervises"] is not None:
            data["supervised_departments"] = [
                department_by(c) for c in _codes(options["supervises"])
            ]
        for name in ("email", "full_name"):
            if options[name] is not None:
                data[name] = options[name]
        if options["reactivate"]:
            data["is_active"] = True
        user = user_update(
            actor=lookups.actor_named(options["as_user"]),
            user=user_by(options["username"]),
            data=data,
            reason=options["reason"],
        )
        self.emit(_row(user), _("Saved %(username)s.") % {"username": user.username})

    def handle_deactivate(self, **options: Any) -> None:
        from caseledger.workflow.services import user_deactivate

        successor = (
            user_by(options["successor"], field="successor") if options["successor"] else None
        )
        result = user_deactivate(
            actor=lookups.actor_named(options["as_user"]),
            user=user_by(options["username"]),
            successor=successor,
            reason=options["reason"],
        )
        data = {
            "username": result.user.username,
            "successor": successor.username if successor else None,
            "moved": result.moved,
            "tokens_revoked": result.tokens_revoked,
            "sessions_ended": result.sessions_ended,
        }
        lines = [_("Deactivated %(username)s.") % {"username": result.user.username}]
        for kind, where in sorted(result.counts().items()):
            lines.append(
                f"  {kind}: {where['successor']} to "
                f"{successor.username if successor else '—'}, {where['queue']} to the queue"
            )
        lines.append(
            f"  tokens revoked: {result.tokens_revoked}, sessions ended: {result.sessions_ended}"
        )
        self.emit(data, "\n".join(lines))

    def handle_list(self, **options: Any) -> None:
        from caseledger.workflow.queries import people_overview

        rows = [
            _row(r.user, r.open_cases, r.active_tokens)
            for r in people_overview(actor=None, show_inactive=not options["active"])
        ]
        lines = [
            f"{'USERNAME':<16} {'STATUS':<9} {'ROLES':<28} {'DEPT':<12} {'OPEN':>5} "
            f"{'TOKENS':>6}  LAST LOGIN"
        ]
        lines += [
            f"{r['username']:<16} {'active' if r['active'] else 'inactive':<9} "
            f"{','.join(r['roles']):<28} {r['department'] or '—':<12} {r['open_cases']:>5} "
            f"{r['active_tokens']:>6}  {r['last_login'] or 'never'}"
            for r in rows
        ]
        self.emit(rows, "\n".join(lines) if rows else _("No people."))

    def handle_password(self, **options: Any) -> None:
        from caseledger.accounts.services import user_password_reset

        user = user_by(options["username"])
        password = user_password_reset(
            actor=lookups.actor_named(options["as_user"]), user=user, reason=options["reason"]
        )
        if self.as_json:
            self.emit({"username": user.username, "password": password})
            return
        self.stdout.write(
            _("New password for %(username)s, shown only now:") % {"username": user.username}
        )
        self.stdout.write(_("Password: %(password)s") % {"password": password})
