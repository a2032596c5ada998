from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.cli import lookups, render
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import NotFound, ValidationFailed


def parse_moment(text: str) -> dt.datetime:
    """An ISO date or time; without a zone it is in the configured zone. A bare date
    means the end of that day, which is what "as of 1 March" means to a reader."""
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            moment = dt.datetime.combine(day, dt.time.max)
        else:
            moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValidationFailed(
            _("'%(text)s' is not a date or time such as 2026-03-01 or 2026-03-01T14:30+08:00")
            % {"text": text},
            field="as_of",
        ) from exc
    if moment.tzinfo is None:
        moment = timezone.make_aware(moment, timezone.get_current_timezone())
    return moment


class Command(VerbCommand):
    help = (
        "Verify the journal's hash chain and checkpoints, show a record's history, "
        "or sign a checkpoint now."
    )
    json_output = True
    verbs = {
        "verify": "walk the hash chain and check it against the signed checkpoints; "
        "exit 1 naming the first bad entry",
        "show": "every journal entry of a record with its changes, or its state as of a time",
        "checkpoint": "sign the journal head now and append it to the checkpoint log",
    }

    def add_verify_arguments(self, parser):
        parser.add_argument(
            "--checkpoint-log",
            action="append",
            type=Path,
            metavar="PATH",
            help="a checkpoint log to check against (repeatable; default: the configured log)",
        )
        parser.add_argument(
            "--records",
            action="store_true",
            help="also rebuild every case and customer from the journal and compare it with "
            "its row; exit 1 naming each row that differs or has no journal history",
        )
        parser.add_argument(
            "--no-copies",
            action="store_true",
            help="do not read the copies of the checkpoint log at the backup destinations "
            "(for an offline check)",
        )

    def add_show_arguments(self, parser):
        parser.add_argument(
            "object", metavar="OBJECT", help="case:12, CL-2026-000001, customer:3, user:4 …"
        )
        parser.add_argument(
            "--as-of", metavar="TIME", help="print the record's state at this time instead"
        )
        lookups.as_option(
            parser,
            help="read as this user, with their permissions "
            "(default: the system, which sees everything)",
        )

    def add_checkpoint_arguments(self, parser):
        lookups.as_option(parser, help="sign as this user (default: the system)")

    def handle_verify(self, **options: Any) -> None:
        from caseledger.journal.models import ChainHead
        from caseledger.journal.verify import verify_chain

        total = ChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
        paths = options.get("checkpoint_log")
        for path in paths or []:
            if not path.is_file():
                raise ValidationFailed(
                    _("checkpoint log %(path)s does not exist") % {"path": path},
                    field="checkpoint_log",
                )
        with self.progress(total, "verifying journal") as bar:
            report = verify_chain(
                checkpoint_logs=paths,
                progress=bar.update,
                parallel=True,
                copies=not options.get("no_copies"),
                expect_checkpoints=True,
            )
            bar.update(max(0, report.entries - bar.n))
        records = None
        if options.get("records"):
            from caseledger.journal.reconcile import reconcile

            with self.progress(None, "reconciling records") as bar:
                records = reconcile(progress=bar.update)
        data = report.as_dict()
        text = render.verify_text(report)
        if records is not None:
            data["records"] = records.as_dict()
            text += "\n" + render.records_text(records)
        self.emit(data, text)
        first = report.first_problem
        if first is not None:
            raise CommandError(
                _("the journal does not verify: %(problem)s") % {"problem": first.shown()},
                returncode=1,
            )
        if records is not None and not records.ok:
            raise CommandError(
                _("%(count)s record(s) differ from the journal; the first: %(first)s")
                % {"count": records.total_drifts, "first": records.drifts[0].shown()},
                returncode=1,
            )

    def handle_show(self, **options: Any) -> None:
        from caseledger.journal.queries import history, state_as_of

        actor = lookups.actor_named(options["as_user"])
        ref = lookups.record_ref(options["object"], actor=actor)
        if options.get("as_of"):
            moment = parse_moment(options["as_of"])
            state = state_as_of(ref.object_type, ref.object_id, moment, masked=True)
            if state is None:
                raise NotFound(
                    _("%(record)s has no recorded state at %(moment)s")
                    % {"record": ref.root, "moment": render.local(moment)},
                    field="as_of",
                )
            self.emit(
                {"object": ref.root, "as_of": moment, "state": state},
                render.state_text(ref.root, render.local(moment), state),
            )
            return
        items = history(ref.root, masked=True)
        if not items:
            raise NotFound(
                _("the journal has no entries for %(record)s") % {"record": ref.root},
                field="object",
            )
        self.emit(
            {"object": ref.root, "entries": [dataclasses.asdict(i) for i in items]},
            render.history_text(ref.root, items),
        )

    def handle_checkpoint(self, **options: Any) -> None:
        from caseledger.journal.checkpoints import log_path
        from caseledger.journal.services import checkpoint_create

        actor = lookups.actor_named(options["as_user"])
        signed = checkpoint_create(actor=actor)
        data = {
            "seq": signed.seq,
            "hash": signed.hash,
            "at": signed.at,
            "key_id": signed.key_id,
            "log": str(log_path()),
        }
        self.emit(
            data,
            _("Signed checkpoint: seq %(seq)s, hash %(hash)s, at %(at)s, key %(key)s")
            % {"seq": signed.seq, "hash": signed.hash, "at": signed.at, "key": signed.key_id}
            + "\n"
            + _("Appended to %(path)s") % {"path": log_path()},
        )
