from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "caseledger.insights"
    label = "insights"

    def ready(self) -> None:
        from caseledger.core import erasure, hooks
        from caseledger.insights import clocktally, rollup
        from caseledger.workflow.clocks.store import CLOCKS_STORED

        erasure.register("insights", rollup.on_erasure)
        hooks.register(CLOCKS_STORED, clocktally.on_clocks)
