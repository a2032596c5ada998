"""`caseledger department add|edit|deactivate|list`: departments, each change journaled."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.queries import department_by
from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Add, rename, deactivate and list departments."
    json_output = True
    verbs = {
        "add": "add a department",
        "edit": "rename a department, or bring a deactivated one back (--reactivate)",
        "deactivate": "deactivate a department nobody active works in any more",
        "list": "list departments with their people, open cases and queue",
    }

    def add_add_arguments(self, parser):
        parser.add_argument("code", help="short code: letters, digits, - and _")
        parser.add_argument("--name", required=True, help="the name people see")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_edit_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--name")
        parser.add_argument("--reactivate", action="store_true")
        parser.add_argument(
            "--public-form",
            choices=("on", "off"),
            help="on: the public complaint form /complain/ files here (and no longer "
            "elsewhere); off: not here (CASELEDGER_FORM_DEPARTMENT overrides both)",
        )
        parser.add_argument("--reason", default="", help="why, for the journal")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_deactivate_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--reason", required=True, help="why, for the journal")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_list_arguments(self, parser):
        pass

    def _row(self, department, counts: dict | None = None) -> dict[str, Any]:
        counts = counts or {}
        return {
            "code": department.code,
            "name": department.name,
            "active": department.is_active,
            "public_form": department.public_form,
            "members": counts.get("members", 0),
            "open_cases": counts.get("open_cases", 0),
            "queue": counts.get("queue", 0),
        }

    def handle_add(self, **options: Any) -> None:
        from caseledger.accounts.services import department_create

        department = department_create(
            actor=lookups.actor_named(options["as_user"]),
            code=options["code"],
            name=options["name"],
        )
        self.emit(
            self._row(department), _("Added department %(code)s.") % {"code": department.code}
        )

    def handle_edit(self, **options: Any) -> None:
        from caseledger.accounts.services import department_update

        data: dict[str, Any] = {}
        if options["name"]:
            data["name"] = options["name"]
        if options["reactivate"]:
            data["is_active"] = True
        if options.get("public_form"):
            data["public_form"] = options["public_form"] == "on"
        department = department_update(
            actor=lookups.actor_named(options["as_user"]),
            department=department_by(options["code"]),
            data=data,
            reason=options["reason"],
        )
        self.emit(
            self._row(department), _("Saved department %(code)s.") % {"code": department.code}
        )

    def handle_deactivate(self, **options: Any) -> None:
        from caseledger.accounts.services import department_deactivate

        department = department_deactivate(
            actor=lookups.actor_named(options["as_user"]),
            department=department_by(options["code"]),
            reason=options["reason"],
        )
        self.emit(
            self._row(department), _("Deactivated department %(code)s.") % {"code": department.code}
        )

    def handle_list(self, **options: Any) -> None:
        from caseledger.intake.form.account import form_department
        from caseledger.workflow.queries import department_overview

        rows = [self._row(r["department"], r) for r in department_overview(actor=None)]
        taking = form_department()
        head = (_("CODE"), _("STATUS"), _("PEOPLE"), _("OPEN"), _("QUEUE"), _("NAME"))
        lines = [f"{head[0]:<16} {head[1]:<11} {head[2]:>6} {head[3]:>6} {head[4]:>6}  {head[5]}"]
        for r in rows:
            status = _("active") if r["active"] else _("inactive")
            mark = _(" (takes the public form)") if taking and taking.code == r["code"] else ""
            lines.append(
                f"{r['code']:<16} {status:<11} {r['members']:>6} "
                f"{r['open_cases']:>6} {r['queue']:>6}  {r['name']}{mark}"
            )
        if rows and taking is None:
            lines.append(
                _("The public complaint form is closed: department edit CODE --public-form on")
            )
        self.emit(rows, "\n".join(lines) if rows else _("No departments."))
