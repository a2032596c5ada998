"""`caseledger hold place | release | list`: legal holds from the command line."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import ValidationFailed


class Command(VerbCommand):
    help = "Place, release and list legal holds (a hold freezes records on every path)."
    json_output = True
    verbs = {
        "place": "place a hold on cases, customers (and all their cases) or a case filter",
        "release": "release a hold, with a reason",
        "list": "list holds",
    }

    def add_place_arguments(self, parser):
        as_option(parser, required=True)
        parser.add_argument("--matter", required=True)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--case", action="append", default=[], help="id or reference")
        parser.add_argument("--customer", action="append", default=[], help="customer id")
        parser.add_argument("--filter", help='JSON, e.g. {"category": "product_quality"}')

    def add_release_arguments(self, parser):
        parser.add_argument("hold", type=int)
        as_option(parser, required=True)
        parser.add_argument("--reason", required=True)

    def add_list_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="released holds too")

    def handle_place(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.retention.services import hold_place

        chosen = [n for n in ("case", "customer", "filter") if options.get(n)]
        if len(chosen) != 1:
            raise ValidationFailed(
                _("give --case, --customer or --filter (one kind)"), field="scope"
            )
        case_filter = None
        if options.get("filter"):
            try:
                case_filter = json.loads(options["filter"])
            except json.JSONDecodeError as exc:
                raise ValidationFailed(
                    _("is not JSON: %(reason)s") % {"reason": exc}, field="filter"
                ) from exc
        hold = hold_place(
            actor=actor_named(options["as_user"]),
            matter=options["matter"],
            reason=options["reason"],
            scope={"case": "cases", "customer": "customers", "filter": "filter"}[chosen[0]],
            cases=options["case"],
            customers=options["customer"],
            case_filter=case_filter,
        )
        self.emit(
            {"hold": hold.pk, "matter": hold.matter},
            _("Placed hold %(id)s: %(matter)s") % {"id": hold.pk, "matter": hold.matter},
        )

    def handle_release(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.retention.queries import hold_get
        from caseledger.retention.services import hold_release

        user = actor_named(options["as_user"])
        hold = hold_release(
            actor=user, hold=hold_get(actor=user, hold_id=options["hold"]), reason=options["reason"]
        )
        self.emit(
            {"hold": hold.pk, "released": True},
            _("Released hold %(id)s: %(matter)s") % {"id": hold.pk, "matter": hold.matter},
        )

    def handle_list(self, **options: Any) -> None:
        from caseledger.retention.queries import hold_list

        holds = list(hold_list(actor=None, active=None if options.get("all") else True))
        self.emit(
            [
                {
                    "id": h.pk,
                    "matter": h.matter,
                    "scope": h.scope,
                    "placed_at": h.placed_at.isoformat(),
                    "released_at": h.released_at.isoformat() if h.released_at else None,
                }
                for h in holds
            ],
            "\n".join(
                f"{h.pk:>5} {'released' if h.released_at else 'ACTIVE':<8} {h.scope:<9} {h.matter}"
                for h in holds
            )
            or _("No active holds."),
        )
