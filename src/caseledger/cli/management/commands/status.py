from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from caseledger.core.command import CaseledgerCommand
from caseledger.core.files import loose, private_paths
from caseledger.core.health import health


def _detail(check: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in check.items() if k not in ("ok", "warning"))


class Command(CaseledgerCommand):
    help = (
        "Print the health report /healthz serves: the database, the worker's heartbeat, "
        "the last signed checkpoint; and a warning for each data file others may read. "
        "Exit 1 when anything is unhealthy."
    )
    json_output = True

    def handle(self, *args: Any, **options: Any) -> None:
        report = health()
        lines = [_("caseledger is healthy") if report.ok else _("caseledger is UNHEALTHY")]
        lines += [
            f"  {name:<11} {_('ok') if c['ok'] else _('FAIL'):<4}  {_detail(c)}"
            for name, c in report.checks.items()
        ]
        lines += ["  " + _("warning: %(text)s") % {"text": text} for text in report.warnings]
        # Files others may read: a warning (the data is at risk, the service is not down).
        exposed = loose(private_paths(settings.DATA_DIR, settings.PRIVATE_KEY_FILES))
        lines += [
            "  "
            + _("warning: %(path)s is mode %(mode)s, readable by others; chmod %(wanted)s it")
            % {"path": f["path"], "mode": f["mode"], "wanted": f["wanted"][1:]}
            for f in exposed
        ]
        self.emit({**report.as_dict(), "loose_files": exposed}, "\n".join(lines))
        if not report.ok:
            failing = [name for name, c in report.checks.items() if not c["ok"]]
            raise CommandError(
                _("unhealthy: %(checks)s") % {"checks": ", ".join(failing)}, returncode=1
            )
