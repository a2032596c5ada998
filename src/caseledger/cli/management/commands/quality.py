"""`caseledger quality sample | list`: the monthly data-quality samples from the command line."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Draw and list the monthly data-quality samples of customer records."
    json_output = True
    verbs = {
        "sample": "draw the month's samples (idempotent; the worker does this daily)",
        "list": "list a month's samples and how far their checks are",
    }

    def add_sample_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (this month)")
        parser.add_argument("--department", help="a department code (all)")
        as_option(parser, help="draw as this reviewer (the system)")

    def add_list_arguments(self, parser):
        parser.add_argument("--month", help="YYYY-MM (this month)")

    def handle_sample(self, **options: Any) -> None:
        from caseledger.accounts.models import Department
        from caseledger.cli.lookups import actor_named
        from caseledger.core.errors import NotFound
        from caseledger.privacy.services import quality_sample_draw

        department = None
        if options.get("department"):
            department = Department.objects.filter(code=options["department"]).first()
            if department is None:
                raise NotFound(
                    _("department %(ref)s does not exist") % {"ref": options["department"]},
                    field="department",
                )
        user = actor_named(options["as_user"]) if options.get("as_user") else None
        samples = quality_sample_draw(actor=user, month=options.get("month"), department=department)
        self._show(samples)

    def handle_list(self, **options: Any) -> None:
        from caseledger.privacy.quality import parse_month, quality_samples

        self._show(list(quality_samples(actor=None, month=parse_month(options.get("month")))))

    def _show(self, samples: list) -> None:
        from caseledger.privacy.quality import outcome_counts

        rows = [
            {
                "id": s.pk,
                "department": s.department.code,
                "month": f"{s.month:%Y-%m}",
                "population": s.population,
                "drawn": s.checks.count(),
                "outcomes": outcome_counts(s),
                "seed": s.seed,
            }
            for s in samples
        ]
        lines = [
            f"{r['month']}  {r['department']:<14} {r['drawn']:>4} of {r['population']:>7}  "
            + ", ".join(f"{k} {v}" for k, v in r["outcomes"].items())
            for r in rows
        ] or ["No samples."]
        self.emit(rows, "\n".join(lines))
