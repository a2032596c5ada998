from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "caseledger.cases"
    label = "cases"

    def ready(self) -> None:
        from caseledger.cases.merge import CaseMergePart
        from caseledger.core import hooks
        from caseledger.customers.services import MERGE_PARTS

        hooks.register(MERGE_PARTS, CaseMergePart, order=10)  # cases move before consents
