from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Working a complaint: people's open work, offboarding, queues and clocks. It stands on
    the top floor: it reads and moves work that lives in cases, privacy, retention and
    disposition."""

    name = "caseledger.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caseledger.cases.services.records import ASSIGNEE_CHECK, CASE_CREATED
        from caseledger.core import hooks
        from caseledger.core.health import register_probe
        from caseledger.journal.reconcile_kinds import RECONCILED
        from caseledger.workflow import reconciled
        from caseledger.workflow.assign.absences import absent_refusal
        from caseledger.workflow.assign.rules import assign_new_case
        from caseledger.workflow.health import inactive_owners_probe
        from caseledger.workflow.repeats.services import link_repeat

        register_probe("inactive_owners", inactive_owners_probe, order=50)
        # A new case: linked to the customer's earlier one first, then given by the rules.
        hooks.register(CASE_CREATED, link_repeat, order=10)
        hooks.register(CASE_CREATED, assign_new_case, order=20)
        hooks.register(ASSIGNEE_CHECK, absent_refusal)
        hooks.register(RECONCILED, reconciled.kinds)
