"""Contact points overdue for re-verification, by the customer's relationship status."""

from __future__ import annotations

import datetime as dt

from caseledger.core import clock
from caseledger.customers.services import contact_point_update, customer_update
from caseledger.privacy import tasks
from caseledger.privacy.queries import reverification_worklist, stale_contact_ids

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_windows_follow_the_relationship(people):
    from tests.factories import make_customer

    with clock.frozen(T0):
        active = make_customer(people.agent, people.sales)
        prospect = make_customer(people.agent, people.sales, relationship_status="prospect")
        ended = make_customer(people.agent, people.sales, relationship_status="ended")
    with clock.frozen(T0 + dt.timedelta(days=100)):
        assert len(stale_contact_ids(active)) == 2
        assert not stale_contact_ids(prospect) and not stale_contact_ids(ended)
        phone = active.contact_points.get(kind="phone")
        contact_point_update(actor=people.agent, point=phone, data={"verified_at": clock.now()})
        assert stale_contact_ids(active) == {active.contact_points.get(kind="email").pk}
    with clock.frozen(T0 + dt.timedelta(days=200)):
        assert len(stale_contact_ids(prospect)) == 2 and not stale_contact_ids(ended)
        customer_update(
            actor=people.agent, customer=prospect, data={"relationship_status": "dormant"}
        )
        assert not stale_contact_ids(prospect)
    with clock.frozen(T0 + dt.timedelta(days=400)):
        assert len(stale_contact_ids(ended)) == 2


def test_the_worklist_is_per_department_and_scoped(people):
    from tests.factories import make_customer

    with clock.frozen(T0):
        make_customer(people.agent, people.sales)
        make_customer(people.outsider, people.service)
    with clock.frozen(T0 + dt.timedelta(days=100)):
        assert reverification_worklist(actor=people.agent).count() == 2
        assert reverification_worklist(actor=people.compliance).count() == 4
        assert tasks.reverify() == {"departments": {"sales": 2, "service": 2}}
