"""The SLA panel reads a tally of the workflow's stored clock states: scenarios a reader of
the dashboard relies on (the random workloads are in test_rollup_property.py)."""

from __future__ import annotations

import datetime as dt
import importlib
from types import SimpleNamespace

from django.db import connection

from caseledger.core import clock
from caseledger.insights import panels, rollup
from caseledger.insights.models import CaseFact, ClockTally
from caseledger.insights.scope import Filters, Scope
from caseledger.workflow.clocks.services import clock_sweep
from tests.factories import make_case

NOW = dt.datetime(2026, 6, 10, 9, tzinfo=dt.UTC)
JUNE = Filters(start=dt.date(2026, 6, 1), end=dt.date(2026, 6, 1))


def first_response(scope: Scope, filters: Filters = JUNE) -> dict[str, int]:
    found = {row["key"]: row["states"] for row in panels.sla(scope, filters)}
    return {s: n for s, n in found.get("first_response", {}).items() if n}


def test_a_clock_the_sweep_breaches_shows_at_once_without_a_catch_up(people, customer):
    everything = Scope(people.compliance, None, True)
    with clock.frozen(NOW):
        make_case(people.agent, customer, received_at=NOW.isoformat())
        clock_sweep(actor=None)
    rollup.catch_up()
    assert first_response(everything) == {"ok": 1}
    with clock.frozen(NOW + dt.timedelta(hours=30)):  # past the 24 h first-response budget
        clock_sweep(actor=None)  # moves the stored clock on with time: no journal entry for it
    assert rollup.lag()["entries"] > 0  # the sweep's own notices, not yet followed
    assert first_response(everything) == {"breached": 1}
    other = Scope(people.supervisor, frozenset({people.service.pk}), False)
    assert first_response(other) == {}  # another department's supervisor sees none of it


def test_upgrading_counts_the_clocks_already_stored(people, customer):
    """Migration insights 0005 fills the facts' clock states and the tally from the clocks
    stored before it, as the followed tally would have them."""
    with clock.frozen(NOW):
        make_case(people.agent, customer, received_at=NOW.isoformat())
        make_case(people.agent, customer, received_at=(NOW - dt.timedelta(days=40)).isoformat())
        clock_sweep(actor=None)
    rollup.catch_up()
    followed = sorted(ClockTally.objects.values_list("tally", "period", "kind", "state", "n"))
    assert followed  # something to count
    ClockTally.objects.all().delete()
    CaseFact.objects.update(clocks="")
    migration = importlib.import_module("caseledger.insights.migrations.0005_clock_tally")
    migration.fill(None, SimpleNamespace(connection=connection))  # it uses the connection
    filled = sorted(ClockTally.objects.values_list("tally", "period", "kind", "state", "n"))
    assert filled == followed
    rollup.rebuild()
    assert sorted(ClockTally.objects.values_list("tally", "period", "kind", "state", "n")) == (
        followed
    )
