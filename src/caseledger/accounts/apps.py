from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caseledger.accounts"
    label = "accounts"

    def ready(self) -> None:
        from caseledger.accounts import reconciled
        from caseledger.accounts.refusals import refusal
        from caseledger.core import hooks
        from caseledger.core.access import REFUSAL
        from caseledger.journal.reconcile_kinds import RECONCILED

        hooks.register(REFUSAL, refusal)
        hooks.register(RECONCILED, reconciled.kinds)
