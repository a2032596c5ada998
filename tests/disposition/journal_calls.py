"""Disposition's rows in tests/test_every_service_journals.py: one real call per service."""

from __future__ import annotations

import datetime as dt


def disposition_calls(people, customer):
    from caseledger.disposition import services as disposition
    from tests.disposition.conftest import later, make_schedule, recompute
    from tests.factories import make_case

    made: dict[str, object] = {}

    def schedule():
        if "schedule" not in made:
            made["schedule"] = make_schedule(people, "destroy", code="walker-destroy")
            made["cases"] = [make_case(people.agent, customer) for _ in range(4)]
            recompute(people)
        return made["schedule"]

    def proposed(key: str, case_index: int):
        if key not in made:
            sched = schedule()
            case = made["cases"][case_index]
            made[key] = disposition.disposition_propose(
                actor=people.records_manager, schedule=sched, records=[case.pk], reason="due"
            )
        return made[key]

    def approved():
        if "approved" not in made:
            made["approved"] = disposition.disposition_approve(
                actor=people.compliance, batch=proposed("to-approve", 0)
            )
        return made["approved"]

    def extend():
        schedule()
        case = made["cases"][3]
        return disposition.disposition_extend(
            actor=people.compliance,
            record_type="case",
            record_id=case.pk,
            due_on=later() + dt.timedelta(days=365),
            reason="still needed for a claim",
        )

    prefix = "caseledger.disposition.services."
    return {
        prefix + "disposition_propose": lambda: proposed("propose", 1),
        prefix + "disposition_approve": approved,
        prefix + "disposition_reject": lambda: disposition.disposition_reject(
            actor=people.compliance, batch=proposed("to-reject", 2), reason="not yet"
        ),
        prefix + "disposition_extend": extend,
        prefix + "disposition_execute": lambda: disposition.disposition_execute(
            actor=None, batch=approved()
        ),
        prefix + "disposition_execute_pending": lambda: disposition.disposition_execute_pending(
            actor=None
        ),
        prefix + "reapply_dispositions": lambda: disposition.reapply_dispositions(actor=None),
    }
