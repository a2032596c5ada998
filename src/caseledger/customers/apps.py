from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "caseledger.customers"
    label = "customers"

    def ready(self) -> None:
        from caseledger.core import hooks
        from caseledger.customers.rotation import IdentifierHolder
        from caseledger.vault.holders import KEY_HOLDERS

        hooks.register(KEY_HOLDERS, IdentifierHolder)
