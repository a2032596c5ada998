from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "caseledger.insights"
    label = "insights"

    def ready(self) -> None:
        from caseledger.core import erasure
        from caseledger.insights import rollup

        erasure.register("insights", rollup.on_erasure)
