"""Commands with verbs (`token create`, `journal verify`) built on CaseledgerCommand.

argparse only lets a sub-command see its own options, so `--json`, `--no-progress` and `--lang` are
added to every verb too; SUPPRESS keeps a verb's default from hiding the value given before it.
"""

from __future__ import annotations

import argparse
from typing import Any

from caseledger.core.command import LANG_OPTION, CaseledgerCommand


class VerbCommand(CaseledgerCommand):
    verbs: dict[str, str] = {}  # verb name -> one-line help

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="verb", metavar="VERB", required=True, title="verbs")
        for name, help_text in self.verbs.items():
            verb_parser = sub.add_parser(name, help=help_text, description=help_text)
            if self.json_output:
                verb_parser.add_argument(
                    "--json",
                    action="store_true",
                    default=argparse.SUPPRESS,
                    help="print the result as JSON",
                )
            verb_parser.add_argument(
                "--no-progress",
                action="store_true",
                default=argparse.SUPPRESS,
                help="do not draw progress bars",
            )
            verb_parser.add_argument("--lang", default=argparse.SUPPRESS, **LANG_OPTION)
            getattr(self, f"add_{name}_arguments")(verb_parser)

    def handle(self, *args: Any, **options: Any) -> None:
        getattr(self, f"handle_{options['verb']}")(**options)
