from django.apps import AppConfig


class DispositionConfig(AppConfig):
    name = "caseledger.disposition"
    label = "disposition"
    verbose_name = "Disposition"

    def ready(self) -> None:
        from caseledger.core import hooks
        from caseledger.disposition.lifecycle import lifecycle_step
        from caseledger.disposition.overrides import retention_overrides
        from caseledger.retention.lifecycle import LATER_STEPS
        from caseledger.retention.sweep import OVERRIDES

        hooks.register(LATER_STEPS, lifecycle_step, order=20)
        hooks.register(OVERRIDES, retention_overrides)
