"""`caseledger visibility list|set`: which roles see a case customer's phone (or e-mail)
in full (masked, assigned: on their own cases, department: on their departments' cases)."""

from __future__ import annotations

from typing import Any

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Who sees customers' phone numbers or e-mail addresses in full on case pages."
    json_output = True
    verbs = {"list": "every role and field", "set": "set one role's view of one field"}

    def add_list_arguments(self, parser):
        pass

    def add_set_arguments(self, parser):
        parser.add_argument("role", help="agent, supervisor, compliance, …")
        parser.add_argument("field", help="phone or email")
        parser.add_argument("scope", help="masked, assigned or department")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser)

    def handle_list(self, **options: Any) -> None:
        from caseledger.workflow.visibility.queries import settings_table

        rows = [
            {"role": r, "field": f, "scope": s} for (r, f), s in sorted(settings_table().items())
        ]
        self.emit(rows, "\n".join(f"{r['role']:<16} {r['field']:<6} {r['scope']}" for r in rows))

    def handle_set(self, **options: Any) -> None:
        from caseledger.workflow.visibility.services import visibility_set

        row = visibility_set(
            actor=lookups.actor_named(options["as_user"]),
            role=options["role"],
            field=options["field"],
            scope=options["scope"],
            reason=options["reason"],
        )
        self.emit(
            {"role": row.role, "field": row.field, "scope": row.scope},
            f"{row.role} {row.field}: {row.scope}",
        )
