from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "caseledger.archive"
    label = "archive"

    def ready(self) -> None:
        from caseledger.archive.lifecycle import lifecycle_step
        from caseledger.core import hooks
        from caseledger.retention.lifecycle import LATER_STEPS

        hooks.register(LATER_STEPS, lifecycle_step, order=10)  # archive before dispositions
