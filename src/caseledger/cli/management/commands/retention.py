"""`caseledger retention presets | schedules | plan | recompute | run | restrict |
unrestrict`: retention schedules, the deadlines they give every case and customer, the daily
lifecycle run, and restriction under PIPL Art 47."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option, day_named
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import choice_word, record_word


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
        "recompute": "recompute every record's deadline, in batches",
        "run": "the lifecycle run the worker does daily: recompute deadlines, send due "
        "reminders, archive eligible closed cases, execute approved dispositions",
        "restrict": "restrict a case or a customer under PIPL Art 47: readable by compliance "
        "only, out of every list, frozen",
        "unrestrict": "lift a restriction",
    }

    def execute(self, *args: Any, **options: Any) -> Any:
        from caseledger.retention.lifecycle import LOCK_NAME

        # `run` shares its lock file with the worker's daily job (lifecycle.exclusive).
        self.lock_name = {"recompute": "retention-recompute", "run": LOCK_NAME}.get(
            options.get("verb") or ""
        )
        return super().execute(*args, **options)

    def _as(self, parser) -> None:
        as_option(parser, help="act as this user")

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

    def add_run_arguments(self, parser):
        parser.add_argument("--on", metavar="DATE", help="run as of this day (default today)")
        parser.add_argument("--batch-size", type=int, default=500, metavar="N")
        self._as(parser)

    def _record_arguments(self, parser) -> None:
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--case", metavar="REF", help="a case reference or id")
        which.add_argument("--customer", metavar="ID", help="a customer id")
        parser.add_argument("--reason", required=True, help="why (recorded in the journal)")
        as_option(parser, required=True, help="act as this user")

    add_restrict_arguments = _record_arguments
    add_unrestrict_arguments = _record_arguments

    def handle_presets(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.retention.services import presets_adopt

        adopted = presets_adopt(
            actor=actor_named(options.get("as_user")), industry=options["industry"]
        )
        lines = [
            _("Adopted %(count)s schedule(s) for %(industry)s.")
            % {"count": len(adopted), "industry": options["industry"]}
        ]
        for s in adopted:
            flag = "  " + _("NEEDS CONFIRMATION") if s.status == "needs_confirmation" else ""
            lines.append(f"  {s.code:<45} {s.period_text:>6} {choice_word(s, 'action'):<9}{flag}")
        self.emit(
            [{"code": s.code, "status": s.status, "action": s.action} for s in adopted],
            "\n".join(lines),
        )

    def handle_schedules(self, **options: Any) -> None:
        from caseledger.retention.queries import schedule_list

        rows = list(schedule_list(actor=None))
        lines = [
            f"{s.code} v{s.version} [{choice_word(s)}] {record_word(s.record_kind)} "
            + _("%(period)s after %(triggers)s -> %(action)s")
            % {
                "period": s.period_text,
                "triggers": " / ".join(s.triggers),
                "action": choice_word(s, "action"),
            }
            + f"\n    {s.legal_source}"
            for s in rows
        ] or [_("No schedules; adopt presets with `caseledger retention presets --industry …`.")]
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
        plan = retention_plan(actor=None, on=day_named(options.get("on")), progress=bar.update)
        bar.close()
        states = ", ".join(f"{k} {v}" for k, v in sorted(plan["by_state"].items())) or _("none")
        header = _("Plan for %(on)s: %(states)s") % {"on": plan["on"], "states": states}
        self.emit(plan, "\n".join([header, *_table(plan["rows"])]))

    def handle_recompute(self, **options: Any) -> None:
        from caseledger.cases.models import Case
        from caseledger.cli.lookups import actor_named
        from caseledger.customers.models import Customer
        from caseledger.retention.services import retention_recompute

        bar = self.progress(Case.objects.count() + Customer.objects.count(), "recomputing")
        counts = retention_recompute(
            actor=actor_named(options.get("as_user")),
            on=day_named(options.get("on")),
            batch_size=options["batch_size"],
            progress=bar.update,
        )
        bar.close()
        text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or _("no records")
        self.emit(counts, _("Recomputed: %(counts)s") % {"counts": text})

    def handle_run(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.retention.lifecycle import lifecycle_run, summary

        bars: list[Any] = []

        def step(name: str, total: int | None):
            for bar in bars:
                bar.close()
            bars[:] = [self.progress(total, name)]
            return bars[0].update

        try:
            result = lifecycle_run(
                actor=actor_named(options.get("as_user")),
                on=day_named(options.get("on")),
                batch_size=options["batch_size"],
                progress=step,
            )
        finally:
            for bar in bars:
                bar.close()
        self.emit(result, summary(result))

    def _restriction(self, on: bool, **options: Any) -> None:
        from caseledger.cases.queries import case_get
        from caseledger.cli.lookups import actor_named
        from caseledger.customers.queries import customer_get
        from caseledger.retention.services import record_restrict, record_unrestrict

        user = actor_named(options["as_user"])
        act = record_restrict if on else record_unrestrict
        if options.get("case"):
            case = case_get(actor=user, case_id=options["case"])
            act(actor=user, reason=options["reason"], case=case)
            kind, name = "case", case.reference
        else:
            customer = customer_get(actor=user, customer_id=options["customer"])
            act(actor=user, reason=options["reason"], customer=customer)
            kind, name = "customer", str(customer.pk)
        self.emit(
            {kind: name, "restricted": on, "reason": options["reason"].strip()},
            (
                _("%(record_type)s %(name)s restricted (PIPL Art 47).")
                if on
                else _("%(record_type)s %(name)s no longer restricted.")
            )
            % {"record_type": record_word(kind), "name": name},
        )

    def handle_restrict(self, **options: Any) -> None:
        self._restriction(True, **options)

    def handle_unrestrict(self, **options: Any) -> None:
        self._restriction(False, **options)
