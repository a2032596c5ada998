from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "caseledger.accounts"
    label = "accounts"
