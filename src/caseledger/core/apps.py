from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "caseledger.core"
    label = "core"

    def ready(self) -> None:
        from caseledger.core import checks  # noqa: F401  (registers the startup checks)
