"""`caseledger report review --period 2026-11 [--department sales]`: generate a periodic
review report (复盘) now, as the worker does on schedule; prints where its PDF is.
`caseledger report subscribe|unsubscribe --as USER [--department sales]`: receive (or stop
receiving) a department's or the organisation's review reports by e-mail."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option
from caseledger.cli.subcommands import VerbCommand


class Command(VerbCommand):
    help = "Generate reports: the periodic review (复盘) of a month or quarter."
    json_output = True
    verbs = {
        "review": "the review report of a month (2026-11) or quarter (2026-Q4), for one "
        "department or (without --department) the organisation; stored as HTML and PDF",
        "subscribe": "e-mail a person the review reports of a department (or, without "
        "--department, the organisation) as they are signed off or generated",
        "unsubscribe": "stop e-mailing them",
    }

    def add_subscribe_arguments(self, parser):
        as_option(parser, required=True)
        parser.add_argument("--department", default="", help="code or id; none: organisation")

    add_unsubscribe_arguments = add_subscribe_arguments

    def handle_subscribe(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.core.context import via
        from caseledger.insights.subscriptions import review_subscribe

        with via("cli"):
            sub = review_subscribe(
                actor=actor_named(options["as_user"]), department=options["department"] or None
            )
        scope = sub.department.name if sub.department is not None else _("organisation")
        self.emit(
            {"subscription": sub.pk, "user": options["as_user"], "department": scope},
            _("%(user)s receives the review reports of %(scope)s by e-mail.")
            % {"user": options["as_user"], "scope": scope},
        )

    def handle_unsubscribe(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.core.context import via
        from caseledger.insights.subscriptions import review_unsubscribe

        with via("cli"):
            done = review_unsubscribe(
                actor=actor_named(options["as_user"]), department=options["department"] or None
            )
        self.emit(
            {"unsubscribed": done, "user": options["as_user"]},
            _("Unsubscribed.") if done else _("There was no such subscription."),
        )

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
