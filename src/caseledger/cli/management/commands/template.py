"""`caseledger template adopt <industry> --department CODE`: SLA policies, statutory
deadlines, the holiday calendar, the taxonomy and the process step rules of an industry,
for a department; idempotent."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.queries import department_by
from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Industry templates (banking, insurance, securities, telecom, e-commerce, saas, …)."
    json_output = True
    verbs = {
        "adopt": "adopt an industry's template for a department",
        "list": "list the industries with a template",
    }

    def add_adopt_arguments(self, parser):
        parser.add_argument("industry")
        parser.add_argument("--department", required=True, help="department code")
        lookups.as_option(parser)

    def add_list_arguments(self, parser):
        pass

    def handle_adopt(self, **options: Any) -> None:
        from caseledger.workflow.industries.services import template_adopt

        result = template_adopt(
            actor=lookups.actor_named(options["as_user"]),
            industry=options["industry"],
            department=department_by(options["department"]),
        )
        self.emit(
            result,
            _(
                "%(industry)s adopted for %(department)s: %(sla)s SLA policies changed, "
                "statutory rules %(rules)s, %(days)s calendar days changed, %(categories)s "
                "categories and %(steps)s step rules added."
            )
            % {
                "industry": result["industry"],
                "department": result["department"],
                "sla": result["sla_policies_changed"],
                "rules": ", ".join(result["statutory_rules"]) or _("none"),
                "days": result["calendar_days_changed"],
                "categories": result["categories_added"],
                "steps": result["step_rules_added"],
            },
        )

    def handle_list(self, **options: Any) -> None:
        from caseledger.workflow.industries.data import TEMPLATES

        rows = [
            {"industry": name, "statutory": t["statutory"], "calendar": t["calendar"]}
            for name, t in TEMPLATES.items()
        ]
        self.emit(rows, "\n".join(f"{r['industry']:<14} {r['statutory'] or '—'}" for r in rows))
