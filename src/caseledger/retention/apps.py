from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "caseledger.retention"
    label = "retention"

    def ready(self) -> None:
        from caseledger.core import hooks
        from caseledger.holds import guards
        from caseledger.journal.reconcile_kinds import RECONCILED
        from caseledger.retention import holds, reconciled

        # The guards customers and cases call stand below them (holds/guards.py); the holds
        # they check live here (ADR 0011).
        hooks.register(guards.ENSURE_NOT_HELD, holds.ensure_not_held)
        hooks.register(guards.HELD_CASE_IDS, holds.held_case_ids)
        hooks.register(RECONCILED, reconciled.kinds)
