"""`caseledger assign rules|add|edit|remove`: the assignment rules that give new cases."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id


def _rule(pk: str):
    from caseledger.workflow.models import AssignmentRule

    found = (
        AssignmentRule.objects.filter(pk=pk).first()
        if is_id(str(pk)) and len(str(pk)) < 19
        else None
    )
    if found is None:
        raise NotFound(_("assignment rule %(pk)s does not exist") % {"pk": pk}, field="rule")
    return found


def _row(r) -> dict[str, Any]:
    return {
        "id": r.pk,
        "position": r.position,
        "name": r.name,
        "department": r.department.code,
        "category": r.category,
        "channel": r.channel,
        "product_ref": r.product_ref,
        "strategy": r.strategy,
        "is_active": r.is_active,
    }


class Command(VerbCommand):
    help = "Assignment rules: which agent of the department a newly recorded case goes to."
    json_output = True
    verbs = {
        "rules": "list the rules in the order they are tried",
        "add": "add a rule (first match by category, channel, product in its department)",
        "edit": "change a rule",
        "remove": "remove a rule",
    }

    def _fields(self, parser, *, adding: bool) -> None:
        parser.add_argument("--name", required=adding)
        parser.add_argument("--department", required=adding, help="code or id")
        parser.add_argument("--position", type=int, help="lower is tried first (100)")
        parser.add_argument("--category")
        parser.add_argument("--channel")
        parser.add_argument("--product", dest="product_ref")
        parser.add_argument(
            "--strategy", required=adding, help="round_robin or least_open (fewest open cases)"
        )
        parser.add_argument("--inactive", action="store_true", help="keep it but do not apply")
        lookups.as_option(parser)

    def add_rules_arguments(self, parser):
        pass

    def add_add_arguments(self, parser):
        self._fields(parser, adding=True)

    def add_edit_arguments(self, parser):
        parser.add_argument("rule", help="the rule's id")
        self._fields(parser, adding=False)
        parser.add_argument("--active", action="store_true")

    def add_remove_arguments(self, parser):
        parser.add_argument("rule", help="the rule's id")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser)

    def _data(self, options: dict[str, Any]) -> dict[str, Any]:
        keys = ("name", "department", "position", "category", "channel", "product_ref")
        data = {k: options[k] for k in (*keys, "strategy") if options.get(k) is not None}
        if options.get("inactive"):
            data["is_active"] = False
        elif options.get("active"):
            data["is_active"] = True
        return data

    def handle_rules(self, **options: Any) -> None:
        from caseledger.workflow.models import AssignmentRule

        rows = [_row(r) for r in AssignmentRule.objects.select_related("department")]
        self.emit(rows, "\n".join(self._line(r) for r in rows) or "No assignment rules.")

    def _line(self, r: dict[str, Any]) -> str:
        match = " ".join(f"{k}={r[k]}" for k in ("category", "channel", "product_ref") if r[k])
        off = "" if r["is_active"] else " (inactive)"
        return (
            f"#{r['id']} [{r['position']}] {r['name']}: {r['department']} "
            f"{match or 'any'} -> {r['strategy']}{off}"
        )

    def handle_add(self, **options: Any) -> None:
        from caseledger.workflow.assign.rules import assign_rule_set

        made = assign_rule_set(
            actor=lookups.actor_named(options["as_user"]), data=self._data(options)
        )
        self.emit(_row(made), self._line(_row(made)))

    def handle_edit(self, **options: Any) -> None:
        from caseledger.workflow.assign.rules import assign_rule_set

        made = assign_rule_set(
            actor=lookups.actor_named(options["as_user"]),
            data=self._data(options),
            rule=_rule(options["rule"]),
        )
        self.emit(_row(made), self._line(_row(made)))

    def handle_remove(self, **options: Any) -> None:
        from caseledger.workflow.assign.rules import assign_rule_remove

        rule = _rule(options["rule"])
        assign_rule_remove(
            actor=lookups.actor_named(options["as_user"]), rule=rule, reason=options["reason"]
        )
        self.emit({"removed": int(options["rule"])}, f"Removed rule #{options['rule']}.")
