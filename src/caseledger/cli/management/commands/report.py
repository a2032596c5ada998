"""`caseledger report review --period 2026-11 [--department sales]`: generate a periodic
review report (复盘) now, as the worker does on schedule; prints where its PDF is."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Generate reports: the periodic review (复盘) of a month or quarter."
    json_output = True
    verbs = {
        "review": "the review report of a month (2026-11) or quarter (2026-Q4), for one "
        "department or (without --department) the organisation; stored as HTML and PDF",
    }

    def add_review_arguments(self, parser):
        parser.add_argument("--period", required=True, help="YYYY-MM or YYYY-Qn")
        parser.add_argument("--department", default="", help="code or id; none: organisation")

    def handle_review(self, **options: Any) -> None:
        from caseledger.core.context import via
        from caseledger.insights import review
        from caseledger.insights.services import review_generate

        with via("cli"):
            report = review_generate(
                actor=None, period=options["period"], department=options["department"] or None
            )
        path = review.pdf_path(report.pdf_sha256)
        result = {
            "id": report.pk,
            "period": report.figures["period"],
            "department": report.figures["department"],
            "cases": report.figures["summary"]["now"]["cases"],
            "pdf": str(path),
            "pdf_bytes": report.pdf_size,
        }
        self.emit(
            result,
            _(
                "Review report %(id)s for %(period)s (%(scope)s): %(cases)s case(s); "
                "PDF %(path)s (%(bytes)s bytes)."
            )
            % {
                "id": report.pk,
                "period": result["period"],
                "scope": result["department"] or _("organisation"),
                "cases": result["cases"],
                "path": path,
                "bytes": report.pdf_size,
            },
        )
