from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "caseledger.privacy"
    label = "privacy"
