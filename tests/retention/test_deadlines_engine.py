"""The fast deadline engine (deadlines.Engine, fed by retention.sweep) against the rules
written out plainly (deadlines.deadline): random schedules and records must get the same
schedule, trigger day, due day and state; local days must match timezone.localdate in zones
with daylight saving; and on a real database, what the recompute stores and the plan counts
must be what the plain rules say, holds, erasure days and extensions included."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caseledger.cases.models import Case
from caseledger.customers.models import Customer
from caseledger.retention import deadlines, holds
from caseledger.retention.models import RecordRetention, RetentionSchedule

KINDS = ("complaint", "inquiry", "objection")
CATEGORIES = ("billing", "product_quality", "other")
SEVERITIES = ("low", "medium", "high")
TAGS = ("banking", "vip", "retail", "high_risk")
TRIGGERS = (
    "created",
    "case_closed",
    "relationship_ended",
    "last_activity",
    "contract_end",
    "warranty_end",
)
ZONES = ("Asia/Shanghai", "America/New_York", "Europe/Berlin", "Australia/Lord_Howe", "UTC")


def _edges() -> list[dt.datetime]:
    """Moments just either side of local midnight in each zone, on ordinary days, month
    ends and the days clocks change: where a wrong local day would show."""
    days = [dt.date(2024, 1, 31), dt.date(2024, 2, 29), dt.date(2024, 3, 10)]
    days += [dt.date(2024, 3, 31), dt.date(2024, 4, 7), dt.date(2024, 11, 3)]
    found = []
    for zone in ZONES:
        tz = zoneinfo.ZoneInfo(zone)
        for day in days:
            midnight = dt.datetime.combine(day, dt.time.min, tzinfo=tz).astimezone(dt.UTC)
            for step in (-1_000_000, -1, 0, 1):
                found.append(midnight + dt.timedelta(microseconds=step))
    return found


EDGES = _edges()
# Few distinct moments, so that triggers coincide and schedules tie.
SOME_MOMENT = st.one_of(
    st.datetimes(
        min_value=dt.datetime(2015, 1, 1),
        max_value=dt.datetime(2027, 12, 31),
        timezones=st.just(dt.UTC),
    ),
    st.sampled_from(EDGES),
)
MOMENTS = st.one_of(st.none(), SOME_MOMENT)
DAYS = st.one_of(
    st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2027, 12, 31)), st.just(dt.date(2024, 3, 1))
)


def _optional(values):
    return st.one_of(st.just(""), st.sampled_from(values))


@st.composite
def schedules(draw) -> list[RetentionSchedule]:
    found = []
    for i in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(("case", "customer")))
        found.append(
            RetentionSchedule(
                pk=i + 1,
                code=f"s{i}",
                version=draw(st.integers(1, 3)),
                record_kind=kind,
                case_kind=draw(_optional(KINDS)),
                category=draw(_optional(CATEGORIES)),
                risk_class=draw(_optional(SEVERITIES)),
                tags=draw(st.lists(st.sampled_from(TAGS), max_size=2, unique=True)),
                # Small sets, so that different schedules often fall due the same day.
                period_years=draw(st.integers(0, 2)),
                period_months=draw(st.sampled_from((0, 1, 12, 13))),
                period_days=draw(st.sampled_from((0, 1, 31))),
                triggers=draw(st.lists(st.sampled_from(TRIGGERS), max_size=3, unique=True)),
                action=draw(st.sampled_from(("destroy", "anonymize", "review"))),
            )
        )
    # Twins (the same rule under another code) make ties, which the earlier one wins.
    for i, twin in enumerate(draw(st.lists(st.sampled_from(found), max_size=2)) if found else ()):
        found.append(
            RetentionSchedule(
                **{f.attname: getattr(twin, f.attname) for f in RetentionSchedule._meta.fields},
            )
        )
        found[-1].pk, found[-1].code = 100 + i, f"twin{i}"
    return found


@st.composite
def customers(draw) -> Customer:
    return Customer(
        pk=draw(st.integers(1, 10**6)),
        tags=draw(st.lists(st.sampled_from((*TAGS, "new")), max_size=3, unique=True)),
        relationship_ended_on=draw(DAYS),
        restricted_at=draw(st.sampled_from((None, dt.datetime(2025, 1, 1, tzinfo=dt.UTC)))),
        created_at=draw(SOME_MOMENT),
        updated_at=draw(SOME_MOMENT),
    )


@st.composite
def cases(draw) -> Case:
    case = Case(
        pk=draw(st.integers(1, 10**6)),
        kind=draw(st.sampled_from(KINDS)),
        category=draw(st.sampled_from(CATEGORIES)),
        severity=draw(st.sampled_from(SEVERITIES)),
        restricted_at=draw(st.sampled_from((None, dt.datetime(2025, 1, 1, tzinfo=dt.UTC)))),
        received_at=draw(SOME_MOMENT),
        closed_at=draw(MOMENTS),
        updated_at=draw(SOME_MOMENT),
    )
    case.customer = draw(customers())
    case.customer_id = case.customer.pk
    return case


def _driver(value: Any, naive: bool) -> Any:
    """A value as a driver returns it: SQLite gives naive UTC moments and JSON text."""
    if isinstance(value, dt.datetime) and naive:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    if isinstance(value, list) and naive:
        return json.dumps(value)
    return value


def case_row(engine: deadlines.Engine, case: Case, naive: bool) -> tuple:
    customer = case.customer
    values = {
        "pk": case.pk,
        "kind": case.kind,
        "category": case.category,
        "severity": case.severity,
        "restricted_at": case.restricted_at,
        "customer_id": case.customer_id,
        "received_at": case.received_at,
        "closed_at": case.closed_at,
        "updated_at": case.updated_at,
        "customer__tags": customer.tags,
        "customer__relationship_ended_on": customer.relationship_ended_on,
        "customer__restricted_at": customer.restricted_at,
    }
    return tuple(_driver(values[f], naive) for f in engine.case_fields())


def customer_row(engine: deadlines.Engine, customer: Customer, naive: bool) -> tuple:
    return tuple(_driver(getattr(customer, f), naive) for f in engine.customer_fields())


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    found=schedules(),
    records=st.lists(st.one_of(cases(), customers()), min_size=1, max_size=8),
    on=st.dates(dt.date(2016, 1, 1), dt.date(2032, 1, 1)),
    held=st.booleans(),
    erasure_on=DAYS,
    zone=st.sampled_from(ZONES),
    naive=st.booleans(),
)
def test_the_engine_agrees_with_the_plain_rules(found, records, on, held, erasure_on, zone, naive):
    from django.utils import timezone

    with timezone.override(zoneinfo.ZoneInfo(zone)):
        engine = deadlines.Engine(found, on=on)
        for record in records:
            want = deadlines.deadline(record, found, on=on, held=held, erasure_on=erasure_on)
            if isinstance(record, Case):
                got = engine.case(case_row(engine, record, naive), held=held, erasure_on=erasure_on)
            else:
                row = customer_row(engine, record, naive)
                got = engine.customer(row, held=held, erasure_on=erasure_on)
            assert got == want, (record, got, want)


@settings(max_examples=300, deadline=None)
@given(
    moment=st.one_of(
        st.datetimes(
            min_value=dt.datetime(1990, 1, 1),
            max_value=dt.datetime(2040, 1, 1),
            timezones=st.just(dt.UTC),
        ),
        st.sampled_from(EDGES),
    ),
    zone=st.sampled_from((*ZONES, "Asia/Kathmandu", "America/St_Johns", "Pacific/Apia")),
)
def test_local_days_match_localdate_across_daylight_saving(moment, zone):
    tz = zoneinfo.ZoneInfo(zone)
    local = deadlines.LocalDays(tz)
    want = moment.astimezone(tz).date()
    # Twice each: the second answer comes from the per-day cache.
    for _ in range(2):
        assert local(moment) == want
        assert local(moment.replace(tzinfo=None)) == want  # SQLite's naive UTC
        assert local(moment.astimezone(tz)) == want


def test_a_switch_day_is_converted_moment_by_moment():
    local = deadlines.LocalDays(zoneinfo.ZoneInfo("America/New_York"))
    # 2024-11-03: EDT (-4) until 06:00 UTC, then EST (-5).
    assert local(dt.datetime(2024, 11, 3, 4, 30)) == dt.date(2024, 11, 3)
    assert local(dt.datetime(2024, 11, 3, 4, 30, tzinfo=dt.UTC)) == dt.date(2024, 11, 3)
    assert local(dt.datetime(2024, 11, 4, 4, 30)) == dt.date(2024, 11, 3)
    assert local(dt.datetime(2024, 11, 3, 3, 59)) == dt.date(2024, 11, 2)


# ---- on a real database: the recompute and the plan against the plain rules ------------


@pytest.fixture
def world(people):
    """Schedules, cases over several customers (closed, open, restricted), three kinds of
    hold, a kept erasure day and a reviewer's extension."""
    from caseledger.disposition.models import DispositionExtension
    from caseledger.retention.services import (
        hold_place,
        record_restrict,
        retention_erasure_mark,
        schedule_create,
    )
    from tests.factories import make_case, make_customer
    from tests.retention.test_schedules import T0, close

    def schedule(**data):
        base = {"action": "review", "legal_source": "test", "triggers": ["case_closed"]}
        return schedule_create(actor=people.records_manager, data={**base, **data})

    schedule(name="Complaints", record_kind="case", case_kind="complaint", period_years=3)
    schedule(name="Billing", record_kind="case", category="billing", period_months=18)
    schedule(name="VIP", record_kind="case", tags=["vip"], period_years=5, action="destroy")
    schedule(
        name="Two triggers",
        record_kind="case",
        risk_class="high",
        period_days=400,
        triggers=["created", "case_closed"],
    )
    schedule(name="KYC", record_kind="customer", period_years=1, triggers=["relationship_ended"])
    schedule(name="VIP people", record_kind="customer", tags=["vip"], triggers=["created"])
    agent = people.agent
    owners = [
        make_customer(agent, people.sales, tags=tags)
        for tags in ([], ["vip"], ["vip", "retail"], ["retail"])
    ]
    made = []
    for i in range(14):
        owner = owners[i % len(owners)]
        case = make_case(
            agent,
            owner,
            kind=("complaint", "inquiry")[i % 2],
            category=("billing", "other")[i % 3 == 0],
            subcategory="",
            severity=("low", "high")[i % 4 == 0],
        )
        if i % 3:
            case = close(people, case, T0 + dt.timedelta(days=40 * i, hours=15 * i))
        made.append(case)
    hold_place(actor=people.compliance, matter="A", reason="r", scope="cases", cases=[made[1].pk])
    hold_place(
        actor=people.compliance, matter="B", reason="r", scope="customers", customers=[owners[2].pk]
    )
    hold_place(
        actor=people.compliance,
        matter="C",
        reason="r",
        scope="filter",
        case_filter={"category": "other", "kind": "inquiry"},
    )
    record_restrict(actor=people.records_manager, reason="Art 47", case=made[4])
    retention_erasure_mark(actor=people.records_manager, customer=owners[3], reason="request")
    DispositionExtension.objects.create(
        record_type="case",
        record_id=made[2].pk,
        due_on=dt.date(2045, 1, 1),
        reason="litigation expected",
        extended_by=people.records_manager,
        extended_at=T0,
    )
    return made, owners


def _want(on: dt.date) -> dict[tuple[str, int], deadlines.Deadline]:
    from caseledger.retention.services import governing_schedules

    found = governing_schedules()
    kept = dict(
        RecordRetention.objects.filter(erasure_on__isnull=False).values_list(
            "record_id", "erasure_on"
        )
    )
    want = {}
    for case in Case.objects.select_related("customer"):
        held = bool(holds.holds_for_case(case))
        want["case", case.pk] = deadlines.deadline(case, found, on=on, held=held)
    for customer in Customer.objects.all():
        held = bool(holds.holds_for_customer(customer))
        erasure_on = kept.get(customer.pk)
        d = deadlines.deadline(customer, found, on=on, held=held, erasure_on=erasure_on)
        want["customer", customer.pk] = d
    return want


@pytest.mark.parametrize("on", [dt.date(2026, 6, 1), dt.date(2028, 12, 1), dt.date(2031, 1, 1)])
def test_recompute_stores_and_plan_counts_what_the_plain_rules_say(people, world, on):
    from caseledger.retention.queries import retention_plan
    from caseledger.retention.services import retention_recompute

    made, _owners = world
    want = _want(on)
    retention_recompute(actor=people.records_manager, on=on, batch_size=3)
    stored = {(r.record_type, r.record_id): r for r in RecordRetention.objects.all()}
    assert set(stored) == set(want)
    extended = ("case", made[2].pk)
    for key, d in want.items():
        row = stored[key]
        got = (row.schedule_id, row.schedule_version, row.trigger_on, row.due_on, row.state)
        expected = (
            d.schedule.pk if d.schedule else None,
            d.schedule.version if d.schedule else None,
            d.trigger_on,
            d.due_on,
            str(d.state),
        )
        if key == extended and d.due_on is not None and d.state not in ("held", "restricted"):
            expected = (*expected[:3], dt.date(2045, 1, 1), "active")
        assert got == expected, key
    states = {str(d.state) for d in want.values()}
    assert {"held", "pending", "unscheduled"} <= states
    assert "restricted" in states or on.year > 2030  # by then its period has run out
    plan = retention_plan(actor=people.auditor, on=on)
    counted: dict[tuple, int] = {}
    for row in RecordRetention.objects.select_related("schedule"):
        s = row.schedule
        key = (row.record_type, s.code if s else None, s.action if s else None, row.state)
        counted[key] = counted.get(key, 0) + 1
    assert {
        (r["record_type"], r["schedule"], r["action"], r["state"]): r["records"]
        for r in plan["rows"]
    } == counted


def test_held_records_are_exactly_those_holds_names(people, world):
    from caseledger.retention import sweep
    from caseledger.retention.services import governing_schedules

    engine = deadlines.Engine(governing_schedules(), on=dt.date(2026, 6, 1))
    for record_type, ask in (("case", holds.held_case_ids), ("customer", holds.held_customer_ids)):
        for size in (1, 4, 1000):
            for batch in sweep.batches(engine, record_type, size=size):
                assert sweep.held(batch) == ask(batch.pks)
        assert any(sweep.held(b) for b in sweep.batches(engine, record_type, size=1000))
