from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "caseledger.journal"
    label = "journal"

    def ready(self) -> None:
        from caseledger.core.health import register_probe
        from caseledger.journal.health import checkpoint_probe

        register_probe("checkpoint", checkpoint_probe, order=10)
