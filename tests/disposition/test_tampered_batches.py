"""An attacker with database access cannot get records destroyed by writing the review
into the database: a batch that differs from its journal is not carried out."""

from __future__ import annotations

import pytest

from caseledger.cases.models import Case
from caseledger.core.errors import Conflict
from caseledger.disposition import services as disp
from caseledger.disposition.models import BatchStatus, DispositionBatch
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
