"""An attacker with database access cannot get records destroyed by writing the review
into the database: a batch that differs from its journal is not carried out, and a
deadline written into the database puts no record up for destruction."""

from __future__ import annotations

import datetime as dt

import pytest

from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.disposition import services as disp
from caseledger.disposition.models import BatchStatus, DispositionBatch
from caseledger.journal.reconcile import reconcile
from caseledger.retention.models import LifecycleState, RecordRetention, RetentionSchedule
from caseledger.retention.services import retention_recompute, schedule_update
from tests.factories import make_case
from tests.journal.tamper import sql


@pytest.fixture
def proposed(people, due_cases):
    schedule, made = due_cases
    return disp.disposition_propose(actor=people.records_manager, schedule=schedule), made


def test_an_approval_forged_in_the_database_is_not_carried_out(people, proposed):
    batch, made = proposed
    sql(
        "UPDATE disposition_dispositionbatch SET status = %s, approved_by_id = %s WHERE id = %s",
        [BatchStatus.APPROVED, people.supervisor.pk, batch.pk],
    )
    with pytest.raises(Conflict) as refused:
        disp.disposition_execute(
            actor=people.records_manager, batch=DispositionBatch.objects.get(pk=batch.pk)
        )
    assert refused.value.code == "unjournaled"
    assert Case.objects.filter(pk__in=[c.pk for c in made]).count() == len(made)


def test_a_record_added_to_an_approved_batch_is_not_destroyed(people, customer, proposed):
    batch, made = proposed
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    bystander = make_case(people.agent, customer)
    sql(
        "INSERT INTO disposition_dispositionitem (batch_id, record_type, record_id, label,"
        " status, note, content_sha256, blobs)"
        " VALUES (%s, 'case', %s, %s, 'pending', '', '', '[]')",
        [batch.pk, bystander.pk, bystander.reference],
    )
    with pytest.raises(Conflict):
        disp.disposition_execute(actor=people.records_manager, batch=batch)
    assert Case.objects.filter(pk=bystander.pk).exists()
    assert Case.objects.filter(pk__in=[c.pk for c in made]).count() == len(made)


def test_an_untouched_approved_batch_is_carried_out(people, proposed):
    batch, made = proposed
    disp.disposition_approve(actor=people.supervisor, batch=batch, reason="checked")
    assert disp.disposition_execute(actor=people.records_manager, batch=batch).status == (
        BatchStatus.DONE
    )
    assert not Case.objects.filter(pk__in=[c.pk for c in made]).exists()


@pytest.fixture
def not_yet_due(people, customer):
    """A destroy schedule of one year and two complaints made today: not due for a year."""
    from tests.disposition.conftest import make_schedule

    schedule = make_schedule(people, "destroy", code="complaints-one-year")
    made = [make_case(people.agent, customer) for _ in range(2)]
    retention_recompute(actor=people.records_manager)
    assert set(
        RecordRetention.objects.filter(
            record_type="case", record_id__in=[c.pk for c in made]
        ).values_list("state", flat=True)
    ) == {LifecycleState.ACTIVE}
    return schedule, made


def _forge_due(case) -> None:
    sql(
        "UPDATE retention_recordretention SET state = 'due', due_on = %s"
        " WHERE record_type = 'case' AND record_id = %s",
        [dt.date(2001, 1, 1), case.pk],
    )


def test_a_deadline_forged_in_the_database_puts_nothing_up_for_destruction(people, not_yet_due):
    schedule, made = not_yet_due
    _forge_due(made[0])
    with pytest.raises(ValidationFailed) as refused:
        disp.disposition_propose(actor=people.records_manager, schedule=schedule)
    assert refused.value.code == "empty"
    assert not DispositionBatch.objects.exists()
    row = RecordRetention.objects.get(record_type="case", record_id=made[0].pk)
    assert (row.state, row.due_on) == (
        LifecycleState.ACTIVE,
        row.trigger_on.replace(year=row.trigger_on.year + 1),
    )


def test_a_record_named_with_a_forged_deadline_is_refused_as_not_due(people, not_yet_due):
    schedule, made = not_yet_due
    _forge_due(made[1])
    with pytest.raises(ValidationFailed) as refused:
        disp.disposition_propose(
            actor=people.records_manager, schedule=schedule, records=[made[1].reference]
        )
    assert str(made[1].pk) in str(refused.value)
    assert not DispositionBatch.objects.exists()


def test_a_schedule_shortened_in_the_database_stops_every_proposal(people, not_yet_due):
    schedule, _ = not_yet_due
    sql(
        "UPDATE retention_retentionschedule SET period_years = 0, period_days = 0 WHERE id = %s",
        [schedule.pk],
    )
    retention_recompute(actor=None)  # the nightly run now finds them due under it

    with pytest.raises(Conflict) as refused:
        disp.disposition_propose(
            actor=people.records_manager,
            schedule=RetentionSchedule.objects.get(pk=schedule.pk),
        )

    assert refused.value.code == "unjournaled" and schedule.code in str(refused.value)
    assert not DispositionBatch.objects.exists()
    drifts = [d.record for d in reconcile().drifts]
    assert f"retention_schedule:{schedule.pk}" in drifts


def test_an_older_version_made_current_again_stops_every_proposal(people, not_yet_due):
    schedule, _ = not_yet_due
    newer = schedule_update(
        actor=people.records_manager, schedule=schedule, data={"period_years": 3}, reason="law"
    )
    sql("UPDATE retention_retentionschedule SET is_current = FALSE WHERE id = %s", [newer.pk])
    sql("UPDATE retention_retentionschedule SET is_current = TRUE WHERE id = %s", [schedule.pk])
    # Two years on, the cases are due under the one-year version, not under the three.
    retention_recompute(actor=None, on=clock.now().date() + dt.timedelta(days=730))
    assert RecordRetention.objects.filter(state=LifecycleState.DUE, record_type="case").exists()

    with pytest.raises(Conflict) as refused:
        disp.disposition_propose(
            actor=people.records_manager,
            schedule=RetentionSchedule.objects.get(pk=schedule.pk),
        )

    assert refused.value.code == "unjournaled"
    assert newer.version == schedule.version + 1
