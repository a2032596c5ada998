"""`caseledger retention presets | schedules | plan | recompute`: retention schedules and
the deadlines they give every case and customer."""

from __future__ import annotations

import datetime as dt
from typing import Any

from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import ValidationFailed


def _day(text: str | None) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise ValidationFailed(f"{text!r} is not a date (YYYY-MM-DD)", field="on") from exc


def _table(rows: list[dict[str, Any]]) -> list[str]:
    lines = [f"  {'record':<9} {'schedule':<40} {'action':<10} {'state':<12} {'records':>8}"]
    for r in rows:
        lines.append(
            f"  {r['record_type']:<9} {r['schedule'] or '(none)':<40} {r['action'] or '-':<10} "
            f"{r['state']:<12} {r['records']:>8}"
        )
    return lines


class Command(VerbCommand):
    help = "Retention schedules, their presets, and every record's computed deadline."
    json_output = True
    verbs = {
        "presets": "adopt the preset schedules of an industry in one step (unconfirmed "
        "figures arrive as needs_confirmation)",
        "schedules": "list the current schedules with their source and status",
        "plan": "count records by schedule, action and state as of a day; changes nothing",
        "recompute": "recompute every record's deadline, in batches (the worker does this daily)",
    }

    def execute(self, *args: Any, **options: Any) -> Any:
        self.lock_name = "retention-recompute" if options.get("verb") == "recompute" else None
        return super().execute(*args, **options)

    def _as(self, parser) -> None:
        parser.add_argument("--as", dest="as_user", metavar="USERNAME", help="act as this user")

    def add_presets_arguments(self, parser):
        from caseledger.retention.presets import INDUSTRIES

        parser.add_argument("--industry", required=True, choices=INDUSTRIES)
        self._as(parser)

    def add_schedules_arguments(self, parser):
        pass

    def add_plan_arguments(self, parser):
        parser.add_argument("--on", metavar="DATE", help="the day to plan for (default today)")

    def add_recompute_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--on", metavar="DATE", help="compute states as of this day")
        self._as(parser)

    def handle_presets(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.retention.services import presets_adopt

        adopted = presets_adopt(
            actor=actor_named(options.get("as_user")), industry=options["industry"]
        )
        lines = [f"Adopted {len(adopted)} schedule(s) for {options['industry']}."]
        for s in adopted:
            flag = "  NEEDS CONFIRMATION" if s.status == "needs_confirmation" else ""
            lines.append(f"  {s.code:<45} {s.period_text:>6} {s.action:<9}{flag}")
        self.emit(
            [{"code": s.code, "status": s.status, "action": s.action} for s in adopted],
            "\n".join(lines),
        )

    def handle_schedules(self, **options: Any) -> None:
        from caseledger.retention.queries import schedule_list

        rows = list(schedule_list(actor=None))
        lines = [
            f"{s.code} v{s.version} [{s.status}] {s.record_kind} {s.period_text} after "
            f"{' / '.join(s.triggers)} -> {s.action}\n    {s.legal_source}"
            for s in rows
        ] or ["No schedules; adopt presets with `caseledger retention presets --industry …`."]
        self.emit(
            [
                {
                    "code": s.code,
                    "version": s.version,
                    "status": s.status,
                    "record_kind": s.record_kind,
                    "period": s.period_text,
                    "triggers": s.triggers,
                    "action": s.action,
                    "legal_source": s.legal_source,
                }
                for s in rows
            ],
            "\n".join(lines),
        )

    def handle_plan(self, **options: Any) -> None:
        from caseledger.retention.queries import retention_plan

        bar = self.progress(None, "planning")
        plan = retention_plan(actor=None, on=_day(options.get("on")), progress=bar.update)
        bar.close()
        states = ", ".join(f"{k} {v}" for k, v in sorted(plan["by_state"].items())) or "none"
        self.emit(plan, "\n".join([f"Plan for {plan['on']}: {states}", *_table(plan["rows"])]))

    def handle_recompute(self, **options: Any) -> None:
        from caseledger.cases.models import Case
        from caseledger.cli.lookups import actor_named
        from caseledger.customers.models import Customer
        from caseledger.retention.services import retention_recompute

        bar = self.progress(Case.objects.count() + Customer.objects.count(), "recomputing")
        counts = retention_recompute(
            actor=actor_named(options.get("as_user")),
            on=_day(options.get("on")),
            batch_size=options["batch_size"],
            progress=bar.update,
        )
        bar.close()
        text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "no records"
        self.emit(counts, f"Recomputed: {text}")
