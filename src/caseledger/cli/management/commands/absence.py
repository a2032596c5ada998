"""`caseledger absence add|list|cancel`: the absence calendar (days away, journaled)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id


def _row(a) -> dict[str, Any]:
    return {
        "id": a.pk,
        "user": a.user.username,
        "starts_on": a.starts_on.isoformat(),
        "ends_on": a.ends_on.isoformat(),
        "reason": a.reason,
    }


class Command(VerbCommand):
    help = "Absences: while away a person is given no case by a rule or a reassignment."
    json_output = True
    verbs = {
        "add": "record days away (both days included)",
        "list": "current and coming absences (of one person with --user)",
        "cancel": "take an absence back",
    }

    def add_add_arguments(self, parser):
        parser.add_argument("user", help="username")
        parser.add_argument("--from", dest="starts_on", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="ends_on", required=True, help="YYYY-MM-DD")
        parser.add_argument("--reason", required=True)
        lookups.as_option(parser)

    def add_list_arguments(self, parser):
        parser.add_argument("--user")

    def add_cancel_arguments(self, parser):
        parser.add_argument("absence", help="the absence's id")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser)

    def handle_add(self, **options: Any) -> None:
        from caseledger.workflow.assign.absences import absence_add

        made = absence_add(
            actor=lookups.actor_named(options["as_user"]),
            user=lookups.user_named(options["user"]),
            data={k: options[k] for k in ("starts_on", "ends_on", "reason")},
        )
        self.emit(_row(made), f"#{made.pk} {made.user.username}: {made.starts_on}–{made.ends_on}")

    def handle_list(self, **options: Any) -> None:
        from caseledger.workflow.assign.queries import today
        from caseledger.workflow.models import Absence

        qs = Absence.objects.select_related("user").filter(
            cancelled_at__isnull=True, ends_on__gte=today()
        )
        if options.get("user"):
            qs = qs.filter(user=lookups.user_named(options["user"]))
        rows = [_row(a) for a in qs.order_by("starts_on", "id")]
        lines = [
            f"#{r['id']} {r['user']}: {r['starts_on']}–{r['ends_on']} {r['reason']}" for r in rows
        ]
        self.emit(rows, "\n".join(lines) or "Nobody is away.")

    def handle_cancel(self, **options: Any) -> None:
        from caseledger.workflow.assign.absences import absence_cancel
        from caseledger.workflow.models import Absence

        ref = options["absence"]
        found = (
            Absence.objects.filter(pk=ref).first()
            if is_id(str(ref)) and len(str(ref)) < 19
            else None
        )
        if found is None:
            raise NotFound(_("absence %(pk)s does not exist") % {"pk": ref}, field="absence")
        absence_cancel(
            actor=lookups.actor_named(options["as_user"]), absence=found, reason=options["reason"]
        )
        self.emit({"cancelled": found.pk}, f"Cancelled absence #{found.pk}.")
