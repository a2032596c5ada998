from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caseledger.accounts"
    label = "accounts"

    def ready(self) -> None:
        from caseledger.accounts.refusals import refusal
        from caseledger.core import hooks
        from caseledger.core.access import REFUSAL

        hooks.register(REFUSAL, refusal)
