from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "caseledger.privacy"
    label = "privacy"

    def ready(self) -> None:
        from caseledger.core import hooks
        from caseledger.customers.services import MERGE_PARTS
        from caseledger.privacy.merge import ConsentMergePart

        hooks.register(MERGE_PARTS, ConsentMergePart, order=20)
