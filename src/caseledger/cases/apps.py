from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "caseledger.cases"
    label = "cases"
