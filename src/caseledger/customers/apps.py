from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "caseledger.customers"
    label = "customers"

    def ready(self) -> None:
        from caseledger.core import hooks
        from caseledger.customers import reconciled
        from caseledger.customers.rotation import IdentifierHolder
        from caseledger.journal.reconcile_kinds import RECONCILED
        from caseledger.vault.holders import KEY_HOLDERS

        hooks.register(KEY_HOLDERS, IdentifierHolder)
        hooks.register(RECONCILED, reconciled.kinds)
