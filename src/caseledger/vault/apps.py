from django.apps import AppConfig


class VaultConfig(AppConfig):
    name = "caseledger.vault"
    label = "vault"
