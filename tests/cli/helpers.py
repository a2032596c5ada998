"""Running caseledger commands in-process and capturing what a user would see."""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

from django.core.management import call_command


@dataclass
class Run:
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return [line for line in self.out.splitlines() if line.strip()]

    def json(self):
        return json.loads(self.out)


def run(*args: str) -> Run:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return Run(out.getvalue(), err.getvalue())
