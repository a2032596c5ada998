"""The corrective-action services for tests/test_every_service_journals.py."""

from __future__ import annotations

import datetime as dt

from caseledger.core import clock


def capa_calls(people, case) -> dict:
    from caseledger.insights import services

    def opened():
        return services.capa_open(
            actor=people.supervisor,
            data={
                "department": "sales",
                "problem": "重复扣费 Charged twice",
                "owner": people.supervisor.username,
                "due_on": (clock.now().date() + dt.timedelta(days=1)).isoformat(),
                "case_ids": [case.pk],
            },
        )

    def export():
        from caseledger.insights.scope import parse_filters, scope_of

        scope = scope_of(people.supervisor)
        return services.insights_export(
            actor=people.supervisor, filters=parse_filters({}, scope), scope=scope
        )

    def report():
        return services.review_generate(
            actor=people.supervisor, period="2026-11", department="sales"
        )

    def subscribed():
        from caseledger.insights.subscriptions import review_subscribe

        return review_subscribe(actor=people.supervisor, department="sales")

    def unsubscribed():
        from caseledger.insights.subscriptions import review_unsubscribe

        subscribed()
        return review_unsubscribe(actor=people.supervisor, department="sales")

    return {
        "caseledger.insights.subscriptions.review_subscribe": subscribed,
        "caseledger.insights.subscriptions.review_unsubscribe": unsubscribed,
        "caseledger.insights.services.insights_export": export,
        "caseledger.insights.services.review_generate": report,
        "caseledger.insights.services.review_sign": lambda: services.review_sign(
            actor=people.supervisor, report=report(), conclusion="结论 done"
        ),
        "caseledger.insights.services.capa_open": opened,
        "caseledger.insights.services.capa_update": lambda: services.capa_update(
            actor=people.supervisor, capa=opened(), data={"status": "in_progress"}
        ),
        "caseledger.insights.services.capa_remind": lambda: (
            opened(),
            services.capa_remind(actor=None),
        ),
    }
