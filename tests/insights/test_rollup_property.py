"""After any random workload, the roll-ups kept from the journal, and those a rebuild makes,
equal a direct count of the cases as they are (facts recomputed from the rows and each
case's journal history); and the SLA panel's clock tally equals a direct count of the
workflow's stored clocks joined to their cases, clocks moved on by the sweep with an
advanced clock included."""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from contextlib import suppress

from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.accounts.services import user_create
from caseledger.cases.models import Case
from caseledger.cases.services import case_note_add, case_update
from caseledger.core import clock
from caseledger.core.errors import Conflict, PermissionDenied, ValidationFailed
from caseledger.disposition import records
from caseledger.insights import panels, rollup
from caseledger.insights.models import (
    FIRST_RESPONSE_EDGES,
    RESOLUTION_EDGES,
    CaseFact,
    ClockTally,
    Rollup,
)
from caseledger.insights.scope import Filters, Scope
from caseledger.journal.queries import history
from caseledger.journal.services import write_transaction
from caseledger.retention.services import record_restrict, record_unrestrict
from caseledger.workflow.clocks.compute import replay
from caseledger.workflow.clocks.services import (
    case_resume,
    case_wait,
    clock_sweep,
    statutory_rules_adopt,
)
from caseledger.workflow.models import CaseClock
from tests.factories import make_case, make_customer

REPEAT_DAYS = 30
CATEGORIES = ["billing", "service", "delivery"]
PRODUCTS = ["", "PLAN-001", "PLAN-002"]

operations = st.one_of(
    st.tuples(st.just("customer"), st.integers(0, 1)),
    st.tuples(
        st.just("case"),
        st.tuples(
            st.sampled_from(CATEGORIES),
            st.sampled_from(["phone", "email"]),
            st.sampled_from(PRODUCTS),
            st.one_of(st.just(0), st.integers(0, 60)),  # received this many days before now
        ),
    ),
    st.tuples(
        st.just("edit"),
        st.sampled_from(
            [
                ("severity", "critical"),
                ("channel", "email"),
                ("category", "delivery"),
                ("product_ref", "PLAN-001"),
                ("product_ref", ""),
                ("satisfaction", 4),
                ("root_cause", "系统故障 billing bug"),
            ]
        ),
    ),
    st.tuples(
        st.just("status"),
        st.sampled_from(["acknowledged", "investigating", "responded", "closed", "reopened"]),
    ),
    st.tuples(st.just("move"), st.integers(0, 1)),
    st.tuples(st.just("reply"), st.just("")),
    st.tuples(st.just("restrict"), st.sampled_from(["case", "customer", "lift"])),
    st.tuples(st.just("erase"), st.sampled_from(["destroy", "anonymize"])),
    st.tuples(st.just("catch_up"), st.integers(1, 6)),
    st.tuples(st.just("catch_up"), st.just(10**6)),
    st.tuples(st.just("later"), st.integers(1, 20)),  # days pass
    st.tuples(st.just("hours"), st.integers(1, 30)),  # hours pass (due soon, first response)
    # the worker's clock sweep; then hours pass and it sweeps again (clocks moved with time)
    st.tuples(st.just("sweep"), st.integers(0, 72)),
    st.tuples(st.just("sweep"), st.just(-1)),  # a full sweep
    st.tuples(st.just("wait"), st.sampled_from(["customer", "appraisal"])),
    st.tuples(st.just("resume"), st.just("")),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=st.lists(operations, min_size=1, max_size=25), pick=st.randoms())
def test_rollups_equal_a_direct_count_after_any_workload(people, ops, pick, settings):
    settings.INSIGHTS_REPEAT_DAYS = REPEAT_DAYS
    with transaction.atomic():
        _run(people, ops, pick)
        transaction.set_rollback(True)


def _run(people, ops, pick):
    boss = user_create(
        actor=None,
        username=f"boss{pick.randint(0, 10**9)}",
        password=people.password,
        roles=["supervisor"],
        department=people.sales,
        supervised=[people.sales, people.service],
    )
    world = {
        "now": dt.datetime(2026, 6, 1, 9, tzinfo=dt.UTC),
        "customers": [make_customer(boss, people.sales)],
        "departments": [people.sales, people.service],
    }
    with clock.frozen(world["now"]):  # statutory clocks too (paused by an appraisal)
        statutory_rules_adopt(actor=None, industry="banking", department=people.sales)
        for hours in (0, 5):  # two cases whose clocks the sweep will move on with time
            make_case(
                boss,
                world["customers"][0],
                received_at=(world["now"] - dt.timedelta(hours=hours)).isoformat(),
            )
    rollup.catch_up()
    for step, (op, arg) in enumerate(ops):
        now = world["now"] = world["now"] + dt.timedelta(minutes=7)
        with (
            clock.frozen(now),
            suppress(ValidationFailed, Conflict, PermissionDenied, records.Skip),
        ):
            _apply(op, arg, boss, people, world, pick, step)
        if op in ("sweep", "wait", "resume"):
            _tally_follows_the_clocks_at_once()
    rollup.catch_up()
    direct = _direct()
    assert _stored() == direct
    clocks = _clocks_direct()
    assert _tally() == clocks
    _sla_panel_equals_the_clocks(people)
    _backlog_equals_the_open_cases(people, world["now"])
    rollup.rebuild()  # the bulk rebuild counts the same
    assert _stored() == direct
    assert _tally() == clocks


def _apply(op, arg, boss, people, world, pick, step):
    cases = list(Case.objects.order_by("pk"))
    case = pick.choice(cases) if cases else None
    if op == "customer":
        world["customers"].append(make_customer(boss, world["departments"][arg]))
    elif op == "case":
        category, channel, product, days = arg
        sub = {"billing": "refund", "service": "attitude", "delivery": "late"}[category]
        make_case(
            boss,
            pick.choice(world["customers"]),
            category=category,
            subcategory=sub,
            channel=channel,
            product_ref=product,
            received_at=(world["now"] - dt.timedelta(days=days)).isoformat(),
        )
    elif op == "later":
        world["now"] += dt.timedelta(days=arg)
    elif op == "hours":
        world["now"] += dt.timedelta(hours=arg)
    elif op == "sweep":
        clock_sweep(actor=None, full=arg < 0)
        if arg > 0:
            world["now"] += dt.timedelta(hours=arg)
            with clock.frozen(world["now"]):
                clock_sweep(actor=None)
    elif op == "catch_up":
        rollup.catch_up(max_entries=arg)  # a part of the journal, or all of it
    elif case is None:
        return
    elif op == "edit":
        field, value = arg
        data = {field: value}
        if field == "category":
            data["subcategory"] = "late"
        case_update(actor=boss, case=case, data=data)
    elif op == "status":
        data = {"status": arg, "resolution": "done"} if arg == "closed" else {"status": arg}
        case_update(actor=boss, case=case, data=data)
    elif op == "move":
        case_update(actor=boss, case=case, data={"department": world["departments"][arg].pk})
    elif op == "reply":
        case_note_add(actor=boss, case=case, body=f"回复 {step}", kind="outbound")
    elif op == "restrict":
        _restrict(arg, case, people)
    elif op == "wait":
        case_wait(actor=boss, case=case, reason="等客户补充材料", kind=arg)
    elif op == "resume":
        case_resume(actor=boss, case=case, reason="客户已回复")
    elif op == "erase":
        with write_transaction():
            (records.destroy if arg == "destroy" else records.anonymize)(case, f"T-{step}")


def _restrict(how, case, people):
    manager = people.records_manager
    if how == "case":
        record_restrict(actor=manager, reason="test", case=case)
    elif how == "customer":
        record_restrict(actor=manager, reason="test", customer=case.customer)
    elif case.customer.restricted_at is not None:
        record_unrestrict(actor=manager, reason="test", customer=case.customer)
    elif case.restricted_at is not None:
        record_unrestrict(actor=manager, reason="test", case=case)


def _stored() -> dict[tuple, dict[str, int]]:
    out = {}
    for row in Rollup.objects.all():
        k = (row.cube, row.period, *(getattr(row, d) for d in rollup.DIMS), row.restricted)
        out[k] = {c: getattr(row, c) for c in rollup.COUNTERS if getattr(row, c)}
    return out


def _direct() -> dict[tuple, dict[str, int]]:
    """Every case's figures counted from scratch, by a second implementation."""
    cases = list(Case.objects.select_related("customer").order_by("pk"))
    window = dt.timedelta(days=REPEAT_DAYS)
    out: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in cases:
        earlier = [
            o
            for o in cases
            if o.pk != c.pk
            and c.received_at - window <= o.received_at
            and (o.received_at, o.pk) < (c.received_at, c.pk)
        ]
        first = replay(history(f"case:{c.pk}")).first_response_at
        counts = {"n": 1}
        if c.status == "closed":
            hours = (c.closed_at - c.received_at).total_seconds() / 3600
            counts |= {"resolved": 1, f"r{bisect.bisect_right(RESOLUTION_EDGES, hours)}": 1}
        if first is not None:
            hours = max(0.0, (first - c.received_at).total_seconds() / 3600)
            counts |= {"responded": 1, f"f{bisect.bisect_right(FIRST_RESPONSE_EDGES, hours)}": 1}
        if c.satisfaction is not None:
            counts |= {"sat_n": 1, "sat_sum": c.satisfaction}
        if any(o.customer_id == c.customer_id for o in earlier):
            counts["repeat_customer"] = 1
        if c.product_ref and any(
            (o.product_ref, o.category) == (c.product_ref, c.category) for o in earlier
        ):
            counts["repeat_product"] = 1
        day = timezone.localtime(c.received_at).date()
        values = {
            "department_id": c.department_id,
            "kind": c.kind,
            "channel": c.channel,
            "category": c.category,
            "product": c.product_ref,
            "severity": c.severity,
            "status": c.status,
            "root_cause": " ".join(c.root_cause.split())[:100],
        }
        restricted = bool(c.restricted_at or c.customer.restricted_at)
        for cube, (grain, kept) in rollup.CUBES.items():
            period = day if grain == "day" else day.replace(day=1)
            dims = tuple(values[d] if d in kept else "" for d in rollup.DIMS)
            row = out[(cube, period, *dims, restricted)]
            for name, value in counts.items():
                row[name] += value
    return {k: dict(v) for k, v in out.items()}


def _tally() -> dict[tuple, int]:
    return {
        tuple(getattr(row, k) for k in (*TALLY_KEY, "kind", "state")): row.n
        for row in ClockTally.objects.all()
    }


TALLY_KEY = ("tally", "period", "department_id", "category", "channel", "restricted")


def _clocks_direct() -> dict[tuple, int]:
    """Every stored clock counted from scratch with its case as it is now."""
    out: dict[tuple, int] = defaultdict(int)
    for c in CaseClock.objects.select_related("case__customer"):
        case = c.case
        month = timezone.localtime(case.received_at).date().replace(day=1)
        restricted = bool(case.restricted_at or case.customer.restricted_at)
        for tally, kept in (("s", True), ("a", False)):
            category, channel = (case.category, case.channel) if kept else ("", "")
            key = (tally, month, case.department_id, category, channel, restricted)
            out[(*key, c.kind, c.state)] += 1
    return dict(out)


def _tally_follows_the_clocks_at_once():
    """Right after the workflow wrote clocks (no catch-up since): every counted case's
    clock states are its stored clocks, and the tally is the sum of the counted cases (with
    their fields as last counted: a field change waits for the catch-up, as every cube)."""
    stored: dict[int, list] = defaultdict(list)
    for case_id, kind, state in CaseClock.objects.values_list("case_id", "kind", "state"):
        stored[case_id].append(f"{kind}={state}")
    out: dict[tuple, int] = defaultdict(int)
    for fact in CaseFact.objects.all():
        assert fact.clocks == ",".join(sorted(stored.get(fact.case_id, []))), fact.case_id
        month = fact.received_day.replace(day=1)
        for item in filter(None, fact.clocks.split(",")):
            kind, state = item.rsplit("=", 1)
            for tally, kept in (("s", True), ("a", False)):
                category, channel = (fact.category, fact.channel) if kept else ("", "")
                key = (tally, month, fact.department_id, category, channel, fact.restricted)
                out[(*key, kind, state)] += 1
    assert _tally() == dict(out)


def _sla_direct(scope, filters) -> dict[str, dict[str, int]]:
    """The SLA panel as it was computed before the tally: the stored clocks of the cases
    received in the period, joined to them and their customers."""
    start = timezone.make_aware(dt.datetime.combine(filters.start, dt.time()))
    end = timezone.make_aware(
        dt.datetime.combine(filters.last_day + dt.timedelta(days=1), dt.time())
    )
    qs = CaseClock.objects.filter(case__received_at__gte=start, case__received_at__lt=end)
    if scope.departments is not None:
        qs = qs.filter(case__department_id__in=scope.departments)
    if not scope.restricted:
        qs = qs.filter(case__restricted_at__isnull=True, case__customer__restricted_at__isnull=True)
    if filters.department:
        qs = qs.filter(case__department_id=filters.department)
    if filters.category:
        qs = qs.filter(case__category=filters.category)
    if filters.channel:
        qs = qs.filter(case__channel=filters.channel)
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(panels.CLOCK_STATES, 0))
    for c in qs:
        out[c.kind][c.state] += 1
    return dict(out)


def _sla_panel_equals_the_clocks(people):
    """The panel (read from the tally) against the clocks themselves, for compliance
    (restricted records included) and a supervisor of sales (not), filtered or not."""
    compliance = Scope(people.compliance, None, True)
    supervisor = Scope(people.supervisor, frozenset({people.sales.pk}), False)
    year = Filters(start=dt.date(2026, 1, 1), end=dt.date(2027, 12, 1))
    for scope in (compliance, supervisor):
        for filters in (
            year,
            Filters(start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 1)),
            Filters(year.start, year.end, category="billing"),
            Filters(year.start, year.end, channel="email", department=people.sales.pk),
        ):
            seen = {row["key"]: row["states"] for row in panels.sla(scope, filters)}
            assert seen == _sla_direct(scope, filters), (scope.departments, filters)


def _backlog_equals_the_open_cases(people, now):
    """The backlog panel (one GROUP BY over the facts) against the open cases themselves:
    its age bands, statuses and departments, as compliance sees them (everything)."""
    from caseledger.insights import queries
    from caseledger.insights.scope import Filters, Scope

    today = timezone.localdate(now)
    open_cases = Case.objects.exclude(status="closed")
    seen = queries.backlog(
        Scope(people.compliance, None, True), Filters(start=today, end=today), today
    )
    assert seen["open"] == open_cases.count()
    statuses: dict[str, int] = defaultdict(int)
    departments: dict[int, int] = defaultdict(int)
    bands = [0] * len(queries.AGES)
    for case in open_cases:
        statuses[case.status] += 1
        departments[case.department_id] += 1
        age = (today - timezone.localdate(case.received_at)).days
        bands[
            next(i for i, (limit, _) in enumerate(queries.AGES) if limit is None or age <= limit)
        ] += 1
    assert {row["key"]: row["n"] for row in seen["status"]} == statuses
    assert {row["key"]: row["n"] for row in seen["department"]} == departments
    assert [row["n"] for row in seen["ages"]] == bands
    # The workload panel sums the same grouped read (shared within one dashboard): open
    # cases per person, the unassigned as one line, alone and after the backlog.
    people_load: dict[int | None, int] = defaultdict(int)
    for case in open_cases:
        people_load[case.assignee_id] += 1
    scope, filters = Scope(people.compliance, None, True), Filters(start=today, end=today)
    assert {row["key"]: row["n"] for row in queries.workload(scope, filters, today)} == dict(
        people_load
    )
    with queries.shared_reads():
        queries.backlog(scope, filters, today)
        shared = queries.workload(scope, filters, today)
    assert {row["key"]: row["n"] for row in shared} == dict(people_load)
