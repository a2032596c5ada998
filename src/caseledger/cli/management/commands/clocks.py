"""`caseledger clocks sweep|show|adopt`: the SLA and statutory clocks of cases."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.queries import department_by
from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import ValidationFailed


class Command(VerbCommand):
    help = "Recompute and sweep clocks, show a case's clocks, adopt statutory deadlines."
    json_output = True
    verbs = {
        "sweep": "bring stored clocks up to date (--full: replay every open case); notice "
        "due-soon, breach, escalation once each",
        "show": "a case's clocks, now or --as-of a past moment (replayed from the journal)",
        "adopt": "adopt an industry's statutory deadlines for a department",
    }

    def add_sweep_arguments(self, parser):
        parser.add_argument(
            "--full",
            action="store_true",
            help="replay every open case from the journal, not only those with news",
        )

    def add_show_arguments(self, parser):
        parser.add_argument("case", help="CL-2026-000001 or case:12")
        parser.add_argument("--as-of", help="ISO 8601 moment with an offset")

    def add_adopt_arguments(self, parser):
        parser.add_argument("industry", help="banking, insurance, telecom, e-commerce")
        parser.add_argument("--department", required=True)
        lookups.as_option(parser)

    def handle_sweep(self, **options: Any) -> None:
        from caseledger.workflow.clocks.services import clock_sweep

        result = clock_sweep(actor=None, full=options["full"])
        self.emit(
            result,
            _(
                "%(cases)s cases replayed, %(moved)s moved on with time, %(alerts)s new "
                "notices, %(escalations)s escalations."
            )
            % result,
        )

    def handle_show(self, **options: Any) -> None:
        from caseledger.workflow.clocks.queries import clocks_of

        ref = lookups.record_ref(options["case"])
        as_of = None
        if options["as_of"]:
            try:
                as_of = dt.datetime.fromisoformat(options["as_of"])
            except ValueError as exc:
                raise ValidationFailed(
                    _("'%(text)s' is not an ISO 8601 moment") % {"text": options["as_of"]},
                    field="as_of",
                ) from exc
            if as_of.tzinfo is None:
                raise ValidationFailed(_("give the moment with an offset (+08:00)"), field="as_of")
        clocks = clocks_of(int(ref.object_id), as_of)
        rows = [
            {
                "clock": c.kind,
                "due_at": c.due_at,
                "state": c.state,
                "stopped_at": c.stopped_at,
                "source": c.source,
                "confirmed": c.confirmed,
                "extended": c.extended,
            }
            for c in clocks
        ]
        lines = [
            f"{r['clock']:<32} {r['state']:<9} {r['due_at'] or '—'}"
            + (
                f"  [{r['source']}{'' if r['confirmed'] else ', UNCONFIRMED'}]"
                if r["source"]
                else ""
            )
            for r in rows
        ]
        self.emit(rows, "\n".join(lines) if rows else _("No clocks."))

    def handle_adopt(self, **options: Any) -> None:
        from caseledger.workflow.clocks.services import statutory_rules_adopt

        rules = statutory_rules_adopt(
            actor=lookups.actor_named(options["as_user"]),
            industry=options["industry"],
            department=department_by(options["department"]),
        )
        self.emit(
            [{"code": r.code, "days": r.days, "unit": r.unit} for r in rules],
            "\n".join(f"{r.code}: {r.days} {r.unit} ({r.legal_source})" for r in rules),
        )
