from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "caseledger.privacy"
    label = "privacy"

    def ready(self) -> None:
        from caseledger.core import hooks
        from caseledger.customers.services import MERGE_PARTS
        from caseledger.privacy.merge import ConsentMergePart
        from caseledger.privacy.rotation import pending_change_holder
        from caseledger.vault.holders import KEY_HOLDERS

        hooks.register(MERGE_PARTS, ConsentMergePart, order=20)
        hooks.register(KEY_HOLDERS, pending_change_holder)
