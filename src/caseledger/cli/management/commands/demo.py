from __future__ import annotations

import time
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseledger.accounts.models import User
from caseledger.core.command import CaseledgerCommand
from caseledger.demo.lifecycle import adopt_schedules, archive_some, place_holds
from caseledger.demo.load import (
    Loader,
    check_models,
    finish,
    refuse_if_not_empty,
)
from caseledger.demo.people import demo_password, ensure_people
from caseledger.demo.privacy import make_privacy_records
from caseledger.demo.workday import make_workday, workday_cases
from caseledger.journal.bulk import BulkSession
from caseledger.journal.services import checkpoint_create
from caseledger.journal.verify import verify_chain
from caseledger.retention.services import retention_recompute


class Command(CaseledgerCommand):
    help = (
        "Fill an empty database with realistic demo data: departments, a user for every "
        "role, customers (some with encrypted identifiers, consents, privacy requests and "
        "changes awaiting review) and cases since 2019, retention schedules, legal holds, "
        "deadlines and a first archive run; every record journaled. Deterministic for a "
        "seed (but for ciphertexts)."
    )
    json_output = True
    lock_name = "demo"

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, default=2000, help="cases to create (2000)")
        parser.add_argument(
            "--customers",
            type=int,
            default=None,
            help="customers to create (default: a fifth of --cases, >= 20)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (1)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add the demo data even if the database already has cases",
        )
        parser.add_argument(
            "--batch",
            type=int,
            default=20000,
            help="records per transaction (20000; each holds the journal lock about a second)",
        )
        parser.add_argument(
            "--no-verify", action="store_true", help="skip verifying the journal chain at the end"
        )
        parser.add_argument(
            "--archive",
            type=int,
            default=None,
            help="cases the first archive run may archive (default: 1 in 500, at most 2000; "
            "0: none)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        """Long because it is the command's script: check, then generate and load
        each kind of record in order under one bulk session and its progress bars."""
        cases, seed = options["cases"], options["seed"]
        customers = (
            options["customers"] if options["customers"] is not None else max(20, cases // 5)
        )
        if cases < 0 or customers < 1 or options["batch"] < 1:
            raise CommandError(_("--cases must be >= 0, --customers and --batch >= 1"))
        check_models()
        existing = refuse_if_not_empty(options["force"])
        started = time.perf_counter()
        password, generated = demo_password()
        people = ensure_people(password, generated)
        # Relaxed fsyncs only into a database that had no cases (see BulkSession).
        with BulkSession(relaxed=existing == 0):
            with self.progress(customers + cases, "records") as bar:
                loader = Loader(
                    seed=seed,
                    staff=people.staff,
                    batch_size=options["batch"],
                    progress=bar.update,
                )
                # The working day's cases count in --cases (see demo/workday.py).
                scripted = workday_cases(cases)
                result = loader.run(cases=cases - scripted, customers=customers)
            mark = time.perf_counter()
            records = User.objects.get(username="records")
            compliance = User.objects.get(username="compliance")
            privacy = make_privacy_records(seed=seed, customers=customers)
            schedules = adopt_schedules(records)
            holds = place_holds(compliance)
            workday = make_workday(scripted > 0)
            steps = {"services": time.perf_counter() - mark}
            with self.progress(existing + customers + cases, "deadlines") as bar:
                deadlines = retention_recompute(
                    actor=records, batch_size=10_000, progress=bar.update
                )
            steps["deadlines"] = time.perf_counter() - mark - sum(steps.values())
            limit = options["archive"]
            if limit is None:
                limit = min(2000, max(10, cases // 500))
            archive = archive_some(records, limit) if limit > 0 else None
            steps["archive"] = time.perf_counter() - mark - sum(steps.values())
        lifecycle_seconds = time.perf_counter() - mark
        mark = time.perf_counter()
        finish()
        checkpoint = checkpoint_create()
        finish_seconds = time.perf_counter() - mark
        verified, verify_seconds = None, 0.0
        if not options["no_verify"]:
            mark = time.perf_counter()
            report = verify_chain(parallel=True)
            first = report.first_problem
            if first is not None:
                raise CommandError(
                    _("journal verification failed: %(problem)s") % {"problem": first.shown()}
                )
            verified, verify_seconds = report.entries, time.perf_counter() - mark
        elapsed = time.perf_counter() - started
        data = {
            "customers": result.customers,
            "contact_points": result.contact_points,
            "identifiers": result.identifiers,
            "pending_changes": privacy.pending_changes,
            "privacy_requests": privacy.privacy_requests,
            "consents": privacy.consents,
            "consents_withdrawn": privacy.consents_withdrawn,
            "quality_samples": privacy.quality_samples,
            "quality_checks": privacy.quality_checks,
            "schedules_adopted": schedules,
            "holds": holds,
            "templates": workday.templates,
            "clock_cases": workday.cases,
            "absences": workday.absences,
            "assignment_rules": workday.rules,
            "deadlines": dict(sorted(deadlines.items())),
            "archived": archive["archived"] if archive else 0,
            "archive_segments": archive["segments"] if archive else 0,
            "cases": result.cases + len(workday.made),
            "notes": result.notes,
            "journal_entries": result.entries,
            "head_seq": checkpoint.seq,
            "checkpoint": checkpoint.hash,
            "verified_entries": verified,
            "seconds": round(elapsed, 1),
            "load_seconds": round(result.seconds, 1),
            "lifecycle_seconds": round(lifecycle_seconds, 1),
            "lifecycle_steps": {k: round(v, 1) for k, v in steps.items()},
            "finish_seconds": round(finish_seconds, 1),
            "verify_seconds": round(verify_seconds, 1),
            "users_created": [u for u, _ in people.created],
            "users_existing": people.existing,
            "password": password if people.created else None,
        }
        self.emit(data, self._text(data, people))

    def _text(self, data: dict, people) -> str:
        """The report in the operator's language. Long because it is one report, a
        translatable sentence per line with its figures named."""
        lines = [
            _(
                "Created %(customers)s customers (%(contact_points)s contact points), "
                "%(cases)s cases and %(notes)s notes; %(entries)s journal entries in "
                "%(seconds)ss (%(rate)s cases/s)."
            )
            % {
                "customers": data["customers"],
                "contact_points": data["contact_points"],
                "cases": data["cases"],
                "notes": data["notes"],
                "entries": data["journal_entries"],
                "seconds": data["load_seconds"],
                "rate": f"{data['cases'] / max(data['load_seconds'], 0.001):,.0f}",
            },
            _(
                "%(identifiers)s encrypted identifiers, %(pending)s changes awaiting review, "
                "%(requests)s privacy requests, %(consents)s consents (%(withdrawn)s "
                "withdrawn), %(samples)s data-quality samples (%(checks)s records checked)."
            )
            % {
                "identifiers": data["identifiers"],
                "pending": data["pending_changes"],
                "requests": sum(data["privacy_requests"].values()),
                "consents": data["consents"],
                "withdrawn": data["consents_withdrawn"],
                "samples": data["quality_samples"],
                "checks": data["quality_checks"],
            },
            _(
                "Retention: %(schedules)s schedules adopted, %(holds)s legal holds placed; "
                "deadlines %(deadlines)s; %(archived)s cases archived in %(segments)s "
                "segment(s) (%(seconds)ss)."
            )
            % {
                "schedules": data["schedules_adopted"],
                "holds": len(data["holds"]),
                "deadlines": _join(f"{_state_word(k)} {v}" for k, v in data["deadlines"].items())
                or "-",
                "archived": data["archived"],
                "segments": data["archive_segments"],
                "seconds": data["lifecycle_seconds"],
            },
            _(
                "Templates: %(templates)s; clocks shown by %(clocks)s; the worker's first "
                "sweep stores the other clocks."
            )
            % {
                "templates": _join(_pair_word(t, _industry_word) for t in data["templates"])
                or _("none"),
                "clocks": _join(
                    f"{ref} ({_clock_word(what)})" for what, ref in data["clock_cases"].items()
                )
                or "-",
            },
            _("Absent: %(absent)s; assignment rules: %(rules)s.")
            % {
                "absent": _join(data["absences"]) or _("none new"),
                "rules": _join(_pair_word(r, _strategy_word) for r in data["assignment_rules"])
                or _("none new"),
            },
            (
                _(
                    "Checkpoint signed at entry #%(seq)s; chain verified (%(entries)s "
                    "entries, %(seconds)ss)."
                )
                if data["verified_entries"] is not None
                else _("Checkpoint signed at entry #%(seq)s.")
            )
            % {
                "seq": data["head_seq"],
                "entries": data["verified_entries"],
                "seconds": data["verify_seconds"],
            },
            _("Total %(seconds)ss (statistics and checkpoint %(finish)ss).")
            % {"seconds": data["seconds"], "finish": data["finish_seconds"]},
        ]
        # Everything is said in the operator's language; --json keeps the figures as codes.
        if people.created:
            lines.append("")
            lines.append(_("Demo users:"))
            lines.extend(f"  {name:<24} {_roles_word(roles)}" for name, roles in people.created)
            source = (
                _("generated, shown only now")
                if people.password_generated
                else _("from CASELEDGER_DEMO_PASSWORD")
            )
            lines.append(
                _("Password for all of them (%(source)s): %(password)s")
                % {"source": source, "password": people.password}
            )
        if people.existing:
            lines.append(
                _("Kept existing users (passwords unchanged): %(users)s")
                % {"users": ", ".join(people.existing)}
            )
        return "\n".join(lines)


def _join(words: Any) -> str:
    return ", ".join(words)


_CLOCK_WORDS = {
    "running": gettext_lazy("running"),
    "paused": gettext_lazy("paused"),
    "due soon": gettext_lazy("due soon"),
    "breached with an extension": gettext_lazy("breached with an extension"),
    "met": gettext_lazy("met"),
}


def _clock_word(what: str) -> str:
    if what.startswith("queue "):  # the department queue's examples: "queue 1", …
        return _("queue %(n)s") % {"n": what.removeprefix("queue ")}
    return str(_CLOCK_WORDS.get(what, what))


def _pair_word(pair: str, word: Any) -> str:
    """A "department: code" pair of the --json report in the reader's words."""
    department, _sep, code = pair.partition(": ")
    return f"{department}: {word(code)}" if code else pair


def _industry_word(code: str) -> str:
    from caseledger.web.labels import TAG_WORDS

    # Templates are named "e-commerce", the schedules' customer tag "ecommerce".
    return str(TAG_WORDS.get(code.replace("-", ""), code))


def _roles_word(codes: str) -> str:
    from caseledger.accounts.refusals import ROLE_NAMES

    return ", ".join(str(ROLE_NAMES.get(code, code)) for code in codes.split(","))


def _strategy_word(code: str) -> str:
    from caseledger.workflow.models import AssignStrategy

    try:
        return str(AssignStrategy(code).label)
    except ValueError:
        return code


def _state_word(state: str) -> str:
    from caseledger.retention.models import LifecycleState

    try:
        return str(LifecycleState(state).label)
    except ValueError:
        return state
