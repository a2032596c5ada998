"""The base of every caseledger command: `--json` output, progress bars, a run lock, the
operator's language (`--lang`, see core.cli_language), and service errors turned into a
one-line message in that language and a non-zero exit code."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from caseledger.core.cli_language import cli_language
from caseledger.core.context import via
from caseledger.core.errors import CaseledgerError

LANG_OPTION: dict[str, Any] = {
    "choices": ["zh-hans", "zh-Hans", "en"],
    "metavar": "LANG",
    "help": "language of messages: zh-Hans or en (default: CASELEDGER_LANGUAGE, else the "
    "terminal's locale, else the installation's language)",
}


class CaseledgerCommand(BaseCommand):
    json_output = False  # a command whose output is data sets this to offer --json
    lock_name: str | None = None  # a scheduled command sets this so it never runs twice at once

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        if self.json_output:
            parser.add_argument("--json", action="store_true", help="print the result as JSON")
        parser.add_argument("--no-progress", action="store_true", help="do not draw progress bars")
        parser.add_argument("--lang", **LANG_OPTION)
        return parser

    def execute(self, *args: Any, **options: Any) -> Any:
        self.options = options
        with translation.override(cli_language(options.get("lang"))):
            try:
                with via("cli"), self._lock():
                    return super().execute(*args, **options)
            except CaseledgerError as exc:
                shown = exc.shown()
                raise CommandError(f"{exc.field}: {shown}" if exc.field else shown) from exc

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        if not self.lock_name:
            yield
            return
        lock_dir = Path(settings.DATA_DIR) / "locks"
        lock_dir.mkdir(parents=True, exist_ok=True)
        with (lock_dir / f"{self.lock_name}.lock").open("w") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise CommandError(
                    _("%(name)s is already running") % {"name": self.lock_name}
                ) from exc
            yield

    @property
    def as_json(self) -> bool:
        return bool(self.options.get("json"))

    def emit(self, data: Any, text: str | None = None) -> None:
        """Print data as JSON (with --json) or as the given text."""
        if self.as_json:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str))
        elif text is not None:
            self.stdout.write(text)

    def progress(self, total: int | None, desc: str) -> tqdm:
        disabled = (
            bool(self.options.get("no_progress"))
            or self.as_json
            or (not sys.stderr.isatty() and os.environ.get("CASELEDGER_PROGRESS") != "1")
        )
        return tqdm(
            total=total,
            desc=desc,
            unit="rec",
            disable=disabled,
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=0.5,
        )
