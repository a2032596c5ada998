from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "caseledger.intake"
    label = "intake"
