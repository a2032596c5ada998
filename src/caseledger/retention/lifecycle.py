"""The records lifecycle run (`caseledger retention run`, and the worker daily): recompute
every deadline, send the reminders that fell due, archive eligible closed cases, execute
approved dispositions.

Not a services module: each step is a journaled service of its own, with its own batched
transactions and its own crash recovery, so this only orders them and sums their counts.
Idempotent and resumable because each step is: run it again after a crash or a success and
it finishes what was left, and changes nothing else. One run at a time: `exclusive()` is the
same lock file the command takes (CaseledgerCommand.lock_name == LOCK_NAME).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from caseledger.core import clock, hooks
from caseledger.core.errors import Conflict, ValidationFailed

if TYPE_CHECKING:
    from caseledger.accounts.models import User

LOCK_NAME = "retention-run"
STEPS = ("recompute", "reminders", "archive", "disposition")
DEFAULT_BATCH = 500
# The steps after reminders, registered by archive and disposition (ADR 0010): each is
# called as step(actor=, on=, batch_size=, progress=) and returns (name, counts).
LATER_STEPS = "retention.lifecycle_steps"

# step name, total records when known -> a callback taking the records just done
StepProgress = Callable[[str, int | None], Callable[[int], None]]


class AlreadyRunning(Conflict):
    code = "running"


@contextlib.contextmanager
def exclusive() -> Iterator[None]:
    """Refuse a second run while one is going (the worker's and an operator's alike)."""
    lock_dir = Path(settings.DATA_DIR) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    with (lock_dir / f"{LOCK_NAME}.lock").open("w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise AlreadyRunning(
                _("%(name)s is already running") % {"name": LOCK_NAME}, field="retention"
            ) from exc
        yield


def _quiet(_step: str, _total: int | None) -> Callable[[int], None]:
    return lambda _n: None


def lifecycle_run(
    *,
    actor: User | None,
    on: dt.date | None = None,
    batch_size: int = DEFAULT_BATCH,
    progress: StepProgress | None = None,
) -> dict[str, Any]:
    """Run the four steps in order and return each one's counts. The caller holds the
    lock (`exclusive()`); each step checks the actor's permission itself."""
    from caseledger.cases.models import Case
    from caseledger.customers.models import Customer
    from caseledger.retention.services import reminders_send, retention_recompute

    if not 1 <= batch_size <= 100_000:
        raise ValidationFailed(_("must be 1 to 100000"), field="batch_size", code="out_of_range")
    later = hooks.all_of(LATER_STEPS)
    if not later:
        raise hooks.HookMissing(f"no app registered the hook {LATER_STEPS!r}")
    on = on or timezone.localdate(clock.now())
    step = progress or _quiet
    result: dict[str, Any] = {"on": on.isoformat()}

    result["recompute"] = retention_recompute(
        actor=actor,
        on=on,
        batch_size=batch_size,
        progress=step("recompute", Case.objects.count() + Customer.objects.count()),
    )
    step("reminders", None)
    result["reminders"] = reminders_send(actor=actor, on=on)
    # Archive, then dispositions: those apps stand higher and register their steps at
    # start-up, in that order (archive/lifecycle.py, disposition/lifecycle.py; ADR 0010).
    for run_step in later:
        name, found = run_step(actor=actor, on=on, batch_size=batch_size, progress=step)
        result[name] = found
    return result


def summary(result: dict[str, Any]) -> str:
    """The run's counts as a few lines for an operator."""
    states = ", ".join(f"{k} {v}" for k, v in sorted(result["recompute"].items())) or "none"
    r, a, d = result["reminders"], result["archive"], result["disposition"]
    return "\n".join(
        [
            f"Retention run for {result['on']}:",
            f"  deadlines    {states}",
            f"  reminders    {r.get('created', 0)} new, {r.get('emails', 0)} email(s) sent",
            f"  archive      {a['archived']} case(s) in {a['segments']} segment(s), "
            f"{a['skipped_held']} held back, {a['recovered']['completed']} recovered",
            f"  disposition  {d['batches']} batch(es) executed"
            + (f": {', '.join(d['certificates'])}" if d["certificates"] else ""),
        ]
    )
