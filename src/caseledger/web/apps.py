from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "caseledger.web"
    label = "web"
