"""The archive's rows in tests/test_every_service_journals.py: one real call per service."""

from __future__ import annotations

import datetime as dt


def archive_calls(people, case):
    from caseledger.archive import services as archive
    from caseledger.cases.models import Case
    from tests.archive.conftest import closed_case

    made: dict[str, Case] = {}

    def archived(key: str) -> Case:
        if key not in made:
            made[key] = closed_case(people, case.customer, notes=1)
            archive.archive_run(actor=people.records_manager, on=dt.date(2026, 11, 22))
        return Case.objects.get(pk=made[key].pk)

    prefix = "caseledger.archive.services."
    return {
        prefix + "archive_run": lambda: archive.archive_run(actor=people.records_manager),
        prefix + "archive_read": lambda: archive.archive_read(
            actor=people.agent, case=archived("read")
        ),
        prefix + "archive_restore": lambda: archive.archive_restore(
            actor=people.records_manager, case=archived("restore"), reason="needed again"
        ),
    }
