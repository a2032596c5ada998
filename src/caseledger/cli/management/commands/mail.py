"""`caseledger mail fetch | import | quarantine | mailbox-add | mailboxes`: the e-mail channel
from the command line (docs/operations/mail.md)."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from caseledger.cli.lookups import as_option
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.context import via
from caseledger.core.errors import NotFound, ValidationFailed


def _mailbox(name: str):
    from caseledger.intake.models import Mailbox

    found = Mailbox.objects.select_related("intake_user", "department").filter(name=name).first()
    if found is None:
        raise NotFound(
            _("mailbox '%(name)s' does not exist (see `caseledger mail mailboxes`)")
            % {"name": name},
            field="mailbox",
        )
    return found


class Command(VerbCommand):
    help = "Receive complaints by e-mail: poll mailboxes, import old mail, list the quarantine."
    json_output = True
    verbs = {
        "fetch": "read new mail from every active mailbox (or one) over IMAP and record it",
        "import": "record old mail from a .eml file, an mbox, a Maildir or a folder of .eml files",
        "quarantine": "list messages that could not be recorded, with the reason",
        "retry": "take a quarantined message through again, once its cause is fixed",
        "mailbox-add": "add a mailbox (its IMAP password is sealed by the vault)",
        "mailbox-password": "set a mailbox's IMAP password again (sealed under the active key)",
        "mailboxes": "list mailboxes and where polling stands",
    }

    def __getattr__(self, name: str) -> Any:
        # VerbCommand looks up add_<verb>_arguments and handle_<verb>; verbs may have "-".
        if "-" in name:
            return getattr(self, name.replace("-", "_"))
        raise AttributeError(name)

    def add_fetch_arguments(self, parser):
        parser.add_argument("--mailbox", help="only this mailbox")
        parser.add_argument("--limit", type=int, help="at most this many messages per mailbox")

    def add_import_arguments(self, parser):
        parser.add_argument("path", help="FILE.eml, FILE.mbox, a Maildir or a folder")
        parser.add_argument("--mailbox", required=True, help="whose department and intake user")

    def add_quarantine_arguments(self, parser):
        parser.add_argument("--mailbox", default="")
        parser.add_argument("--all", action="store_true", help="resolved ones too")

    def add_retry_arguments(self, parser):
        parser.add_argument("id", type=int, help="the quarantine id (`mail quarantine`)")
        as_option(parser, required=True)

    def handle_retry(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.intake.mail.quarantine import quarantine_retry
        from caseledger.intake.models import QuarantinedMessage

        found = QuarantinedMessage.objects.select_related("mailbox").filter(pk=options["id"])
        if not found.exists():
            raise NotFound(
                _("quarantined message %(id)s does not exist") % {"id": options["id"]}, field="id"
            )
        result = quarantine_retry(actor=actor_named(options["as_user"]), message=found.get())
        ref = result.case.reference if result.case else ""
        self.emit(
            {"outcome": result.outcome, "case": ref, "reason": result.reason},
            f"{result.outcome} {ref} {result.reason}".strip(),
        )

    def add_mailbox_add_arguments(self, parser):
        parser.add_argument("name")
        as_option(parser, required=True)
        parser.add_argument("--department", required=True, help="department code or id")
        parser.add_argument("--address", required=True, help="our address (replies come from it)")
        parser.add_argument("--intake-user", required=True, help="cases are recorded as this user")
        parser.add_argument("--category", default="other")
        parser.add_argument("--host", default="", help="IMAP host; leave out for imports only")
        parser.add_argument("--port", type=int, default=993)
        parser.add_argument("--security", default="ssl", choices=["ssl", "starttls", "none"])
        parser.add_argument("--username", default="")
        parser.add_argument("--folder", default="INBOX")
        parser.add_argument(
            "--password-env", metavar="VAR",
            help="read the IMAP password from this environment variable (else it is asked)",
        )  # fmt: skip

    def add_mailbox_password_arguments(self, parser):
        parser.add_argument("name")
        as_option(parser, required=True)
        parser.add_argument("--password-env", metavar="VAR", help="else it is asked")

    def handle_mailbox_password(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.intake.mail.services import mailbox_update

        var = options.get("password_env")
        password = os.environ.get(var, "") if var else getpass.getpass("IMAP password: ")
        mailbox = mailbox_update(
            actor=actor_named(options["as_user"]),
            mailbox=_mailbox(options["name"]),
            data={"password": password},
            reason="password set again",
        )
        self.emit({"mailbox": mailbox.name}, f"Password of mailbox {mailbox.name} set")

    def add_mailboxes_arguments(self, parser):
        pass

    def handle_fetch(self, **options: Any) -> None:
        from caseledger.intake.mail.fetch import fetch_all

        reports = [
            r.as_dict() for r in fetch_all(name=options.get("mailbox"), limit=options.get("limit"))
        ]
        lines = [
            ", ".join(f"{k} {v}" for k, v in r.items() if k != "mailbox") or "nothing new"
            for r in reports
        ]
        self.emit(
            reports,
            "\n".join(f"{r['mailbox']}: {line}" for r, line in zip(reports, lines, strict=True))
            or _("no active mailbox with an IMAP host"),
        )

    def handle_import(self, **options: Any) -> None:
        from caseledger.intake.mail.imports import import_path

        path = Path(options["path"]).expanduser()
        if not path.exists():
            raise ValidationFailed(_("%(path)s does not exist") % {"path": path}, field="path")
        mailbox = _mailbox(options["mailbox"])
        bar = self.progress(None, "messages")
        with via("import"):
            counts = import_path(path, mailbox=mailbox, progress=bar.update)
        bar.close()
        self.emit(
            counts, ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or _("no messages")
        )

    def handle_quarantine(self, **options: Any) -> None:
        from caseledger.intake.mail.queries import quarantine_list
        from caseledger.vault.masking import mask_email

        rows: list[dict[str, Any]] = [
            {
                "id": q.pk, "at": q.created_at.isoformat(), "mailbox": q.mailbox.name,
                "source": q.source, "from": mask_email(q.sender) if q.sender else "",
                "subject": q.subject,
                "reason": q.reason, "sha256": q.raw_sha256, "size": q.size,
                "resolution": q.resolution,
            }
            for q in quarantine_list(
                actor=None, mailbox=options.get("mailbox") or "", resolved=bool(options.get("all"))
            )
        ]  # fmt: skip
        text = "\n".join(
            f"{r['id']}  {str(r['at'])[:16]}  {r['mailbox']}  {r['from'] or '-'}  {r['reason']}"
            for r in rows
        )
        self.emit(rows, text or _("the quarantine is empty"))

    def handle_mailbox_add(self, **options: Any) -> None:
        from caseledger.cli.lookups import actor_named
        from caseledger.intake.mail.services import mailbox_create

        password = ""
        if options.get("host"):
            var = options.get("password_env")
            password = os.environ.get(var, "") if var else getpass.getpass("IMAP password: ")
        data = {
            k: options[k]
            for k in (
                "department",
                "address",
                "category",
                "host",
                "port",
                "security",
                "username",
                "folder",
            )
        }
        mailbox = mailbox_create(
            actor=actor_named(options["as_user"]),
            data={
                **data,
                "name": options["name"],
                "intake_user": options["intake_user"],
                "password": password,
            },
        )
        self.emit({"mailbox": mailbox.name, "id": mailbox.pk}, f"Added mailbox {mailbox.name}")

    def handle_mailboxes(self, **options: Any) -> None:
        from caseledger.intake.mail.queries import mailbox_list
        from caseledger.intake.models import MailboxCursor

        rows = []
        for box in mailbox_list():
            cursor = MailboxCursor.objects.filter(mailbox=box).first()
            rows.append({
                "name": box.name, "department": box.department.code, "address": box.address,
                "host": box.host, "active": box.active, "intake_user": box.intake_user.username,
                "fetched_at": cursor.fetched_at.isoformat() if cursor and cursor.fetched_at else None,
                "last_error": cursor.last_error if cursor else "",
            })  # fmt: skip
        self.emit(
            rows,
            "\n".join(
                f"{r['name']}  {r['department']}  {r['address']}  {r['host'] or '(imports only)'}"
                f"  {r['last_error'] or ''}"
                for r in rows
            )
            or "no mailboxes",
        )
