from django.apps import AppConfig


class WorkflowConfig(AppConfig):
    """Working a complaint: people's open work, offboarding, queues and clocks. It stands on
    the top floor: it reads and moves work that lives in cases, privacy, retention and
    disposition."""

    name = "caseledger.workflow"
    label = "workflow"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from caseledger.core.health import register_probe
        from caseledger.workflow.health import inactive_owners_probe

        register_probe("inactive_owners", inactive_owners_probe, order=50)
