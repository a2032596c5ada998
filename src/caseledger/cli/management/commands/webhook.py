"""`caseledger webhook add|list|edit|remove|rotate|deliveries|redeliver|send`: outgoing
webhooks (docs/operations/webhooks.md). Changes are journaled (`--as` names the
administrator; without it, the system)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import NotFound
from caseledger.core.ids import is_id


def _events(text: str | None) -> list[str] | None:
    return None if text is None else [e.strip() for e in text.split(",") if e.strip()]


def _row(sub) -> dict[str, Any]:
    return {
        "id": sub.pk,
        "name": sub.name,
        "url": sub.url,
        "events": sub.events,
        "department": sub.department.code if sub.department_id else None,
        "active": sub.is_active,
        "removed_at": sub.removed_at,
    }


def _number(ident: str) -> int:
    """An id as typed; 0 (no row) for anything else, a too-long number included."""
    return int(ident) if is_id(ident) and len(ident) < 19 else 0


class Command(VerbCommand):
    help = "Subscribe URLs to case events; see deliveries and their last responses."
    json_output = True
    verbs = {
        "add": "subscribe a URL to events; prints the signing secret once",
        "list": "the webhooks (--removed: removed ones too)",
        "edit": "change a webhook's name, URL, events, department, or pause it",
        "remove": "stop a webhook for good (its deliveries stay readable)",
        "rotate": "a new signing secret, printed once",
        "deliveries": "a webhook's deliveries, newest first, with the last response",
        "redeliver": "send a delivered or given-up delivery again",
        "send": "follow the journal and send what is due now (the worker does it each minute)",
    }

    def _as(self, parser) -> None:
        lookups.as_option(parser)

    def add_add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("url")
        parser.add_argument(
            "--events", required=True, help="comma-separated, e.g. case.created,case.closed"
        )
        parser.add_argument("--department", help="only this department's cases (code)")
        self._as(parser)

    def add_list_arguments(self, parser):
        parser.add_argument("--removed", action="store_true")

    def add_edit_arguments(self, parser):
        parser.add_argument("webhook", help="its id")
        parser.add_argument("--name")
        parser.add_argument("--url")
        parser.add_argument("--events")
        parser.add_argument("--department", help="a code; '' for every department")
        parser.add_argument("--active", choices=["yes", "no"])
        self._as(parser)

    def add_remove_arguments(self, parser):
        parser.add_argument("webhook")
        parser.add_argument("--reason", default="")
        self._as(parser)

    def add_rotate_arguments(self, parser):
        parser.add_argument("webhook")
        self._as(parser)

    def add_deliveries_arguments(self, parser):
        parser.add_argument("webhook")
        parser.add_argument("--limit", type=int, default=20)

    def add_redeliver_arguments(self, parser):
        parser.add_argument("delivery", help="the delivery's number (from `deliveries`)")
        self._as(parser)

    def add_send_arguments(self, parser):
        pass

    def _get(self, ident: str):
        from caseledger.notify.models import Subscription

        found = Subscription.objects.filter(pk=_number(ident)).first()
        if found is None:
            raise NotFound(_("webhook %(id)s does not exist") % {"id": ident}, field="webhook")
        return found

    def handle_add(self, **options: Any) -> None:
        from caseledger.notify.services import webhook_create

        data = {
            "name": options["name"],
            "url": options["url"],
            "events": _events(options["events"]),
        }
        if options.get("department"):
            data["department"] = options["department"]
        sub, secret = webhook_create(actor=lookups.actor_named(options["as_user"]), data=data)
        self.emit(
            {**_row(sub), "secret": secret},
            f"webhook {sub.pk} added. Signing secret (shown once): {secret}",
        )

    def handle_list(self, **options: Any) -> None:
        from caseledger.notify.models import Subscription

        subs = Subscription.objects.select_related("department")
        if not options["removed"]:
            subs = subs.filter(removed_at__isnull=True)
        rows = [_row(s) for s in subs]
        lines = [
            f"{r['id']:>4} {'on ' if r['active'] else 'off'} {r['name']:<20} {r['url']}  "
            f"[{', '.join(r['events'])}]"
            for r in rows
        ]
        self.emit(rows, "\n".join(lines) if rows else "No webhooks.")

    def handle_edit(self, **options: Any) -> None:
        from caseledger.notify.services import webhook_update

        data: dict[str, Any] = {}
        for key in ("name", "url"):
            if options[key] is not None:
                data[key] = options[key]
        if options["events"] is not None:
            data["events"] = _events(options["events"])
        if options["department"] is not None:
            data["department"] = options["department"] or None
        if options["active"] is not None:
            data["is_active"] = options["active"] == "yes"
        sub = webhook_update(
            actor=lookups.actor_named(options["as_user"]),
            subscription=self._get(options["webhook"]),
            data=data,
        )
        self.emit(_row(sub), f"webhook {sub.pk} saved.")

    def handle_remove(self, **options: Any) -> None:
        from caseledger.notify.services import webhook_remove

        sub = webhook_remove(
            actor=lookups.actor_named(options["as_user"]),
            subscription=self._get(options["webhook"]),
            reason=options["reason"],
        )
        self.emit(_row(sub), f"webhook {sub.pk} removed.")

    def handle_rotate(self, **options: Any) -> None:
        from caseledger.notify.services import webhook_secret_rotate

        sub = self._get(options["webhook"])
        secret = webhook_secret_rotate(
            actor=lookups.actor_named(options["as_user"]), subscription=sub
        )
        self.emit({"id": sub.pk, "secret": secret}, f"New signing secret (shown once): {secret}")

    def handle_deliveries(self, **options: Any) -> None:
        sub = self._get(options["webhook"])
        rows = [
            {
                "id": d.pk,
                "delivery": d.public_id,
                "event": d.event,
                "seq": d.seq,
                "state": d.state,
                "attempts": d.attempts,
                "last_attempt_at": d.last_attempt_at,
                "last_status": d.last_status,
                "last_response": d.last_response[:120],
                "last_error": d.last_error,
            }
            for d in sub.deliveries.all()[: max(1, options["limit"])]
        ]
        lines = [
            f"{r['id']:>6} {r['event']:<20} {r['state']:<9} x{r['attempts']} "
            f"{r['last_status'] or '—'} {r['last_error'] or r['last_response']}"
            for r in rows
        ]
        self.emit(rows, "\n".join(lines) if rows else "No deliveries.")

    def handle_redeliver(self, **options: Any) -> None:
        from caseledger.notify.models import Delivery
        from caseledger.notify.services import webhook_redeliver

        ident = options["delivery"]
        found = Delivery.objects.filter(pk=_number(ident)).first()
        if found is None:
            raise NotFound(_("delivery %(id)s does not exist") % {"id": ident}, field="delivery")
        d = webhook_redeliver(actor=lookups.actor_named(options["as_user"]), delivery=found)
        self.emit({"id": d.pk, "state": d.state}, f"delivery {d.pk} will be sent again.")

    def handle_send(self, **options: Any) -> None:
        from caseledger.core.context import via
        from caseledger.notify import follow
        from caseledger.notify.sending import deliver_due

        with via("cli"):
            followed = follow.catch_up()
            sent = deliver_due()
        result = {**followed, **sent}
        self.emit(
            result,
            f"{followed['deliveries']} queued, {sent['sent']} sent, {sent['failed']} failed.",
        )
