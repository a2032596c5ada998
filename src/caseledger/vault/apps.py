from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "caseledger.vault"
    label = "vault"

    def ready(self) -> None:
        from caseledger.vault.sensitivity import marked_sensitive

        marked_sensitive()  # a misspelt CASELEDGER_SENSITIVE_FIELDS stops the start, by name
