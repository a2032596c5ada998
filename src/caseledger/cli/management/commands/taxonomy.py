"""`caseledger taxonomy list|add|edit|rules|require`: the case taxonomy (categories,
subcategories, sales objection types) and what each process step needs, as data
(cases.services.taxonomy; journaled; administrators, or the system without --as)."""

from __future__ import annotations

from typing import Any

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand


def _bool(value: str | None) -> bool | None:
    return None if value is None else value.lower() in ("1", "yes", "true", "on")


class Command(VerbCommand):
    help = "The case taxonomy and the process steps' rules (templates as data)."
    json_output = True
    verbs = {
        "list": "list categories, subcategories and objection types",
        "add": "add a category (or a subcategory with --parent, an objection type with "
        "--scheme objection)",
        "edit": "change an entry's labels or order, or deactivate it",
        "rules": "list what each process step needs",
        "require": "set what a move into a status needs",
    }

    def add_list_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="deactivated entries too")

    def add_add_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--parent", default="")
        parser.add_argument("--scheme", default="complaint", choices=["complaint", "objection"])
        parser.add_argument("--en", required=True, help="English label")
        parser.add_argument("--zh", required=True, help="Chinese label")
        parser.add_argument("--industry", default="", help="industry template ('' default)")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser)

    def add_edit_arguments(self, parser):
        parser.add_argument("code")
        parser.add_argument("--parent", default="")
        parser.add_argument("--en")
        parser.add_argument("--zh")
        parser.add_argument("--position", type=int)
        parser.add_argument("--active", choices=["yes", "no"])
        parser.add_argument("--reason", default="")
        lookups.as_option(parser)

    def add_rules_arguments(self, parser):
        pass

    def add_require_arguments(self, parser):
        parser.add_argument("status")
        parser.add_argument("--industry", default="")
        parser.add_argument("--fields", help="comma-separated case fields")
        parser.add_argument("--reason-required", choices=["yes", "no"])
        parser.add_argument("--approval", help="severities needing a second person, e.g. high")
        parser.add_argument("--within-minutes", type=int, help="working minutes (acknowledged)")
        parser.add_argument("--message-en")
        parser.add_argument("--message-zh")
        parser.add_argument("--source", help="legal source")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser)

    def handle_list(self, **options: Any) -> None:
        from caseledger.cases import taxonomy

        rows = [
            {
                "path": f"{n.parent}/{n.code}" if n.parent else n.code,
                "scheme": n.scheme,
                "label_en": n.label_en,
                "label_zh": n.label_zh,
                "industry": n.industry,
                "active": n.is_active,
                "version": n.version,
            }
            for n in taxonomy.nodes(active_only=not options["all"])
        ]
        text = "\n".join(
            f"{r['path']:<32} {r['scheme']:<9} {r['label_en']} / {r['label_zh']}"
            f"{'  [' + str(r['industry']) + ']' if r['industry'] else ''}"
            f"{'' if r['active'] else '  (inactive)'}"
            for r in rows
        )
        self.emit(rows, text)

    def handle_add(self, **options: Any) -> None:
        from caseledger.cases.services import category_create

        data = {
            "code": options["code"],
            "scheme": options["scheme"],
            "label_en": options["en"],
            "label_zh": options["zh"],
            "industry": options["industry"],
        }
        if options["parent"]:
            data["parent"] = options["parent"]
        row = category_create(
            actor=lookups.actor_named(options["as_user"]), data=data, reason=options["reason"]
        )
        self.emit({"id": row.pk, "code": row.code}, f"added {row.code} (id {row.pk})")

    def handle_edit(self, **options: Any) -> None:
        from caseledger.cases.services import category_update

        data: dict[str, Any] = {}
        for option, name in (("en", "label_en"), ("zh", "label_zh"), ("position", "position")):
            if options[option] is not None:
                data[name] = options[option]
        if options["active"] is not None:
            data["is_active"] = _bool(options["active"])
        row = category_update(
            actor=lookups.actor_named(options["as_user"]),
            category=f"{options['parent']}/{options['code']}"
            if options["parent"]
            else options["code"],
            data=data,
            reason=options["reason"],
        )
        self.emit({"id": row.pk, "version": row.version}, f"{row.code}: version {row.version}")

    def handle_rules(self, **options: Any) -> None:
        from caseledger.cases import taxonomy

        rows = [
            {"industry": industry, "status": status, **rule}
            for (industry, status), rule in sorted(taxonomy.snapshot().rules.items())
        ]
        text = "\n".join(
            f"{r['industry'] or 'default':<14} {r['status']:<13} "
            f"fields={','.join(r.get('fields') or []) or '-'} "
            f"reason={'yes' if r.get('reason_required') else 'no'} "
            f"approval={','.join(r.get('approval_severities') or []) or '-'} "
            f"within={r.get('within_minutes') or '-'}"
            f"{'  (' + r['legal_source'] + ')' if r.get('legal_source') else ''}"
            for r in rows
        )
        self.emit(rows, text)

    def handle_require(self, **options: Any) -> None:
        from caseledger.cases.services import step_rule_set

        data: dict[str, Any] = {}
        pairs = (
            ("fields", "fields"), ("approval", "approval_severities"),
            ("within_minutes", "within_minutes"), ("message_en", "message_en"),
            ("message_zh", "message_zh"), ("source", "legal_source"),
        )  # fmt: skip
        for option, name in pairs:
            if options[option] is not None:
                data[name] = options[option]
        if options["reason_required"] is not None:
            data["reason_required"] = _bool(options["reason_required"])
        row = step_rule_set(
            actor=lookups.actor_named(options["as_user"]),
            status=options["status"],
            industry=options["industry"],
            data=data,
            reason=options["reason"],
        )
        self.emit(
            {"id": row.pk, "version": row.version},
            f"{row.industry or 'default'} {row.status}: version {row.version}",
        )
