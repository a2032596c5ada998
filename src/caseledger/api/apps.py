from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caseledger.api"
    label = "api"
