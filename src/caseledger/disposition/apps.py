from django.apps import AppConfig


class DispositionConfig(AppConfig):
    name = "caseledger.disposition"
    label = "disposition"
    verbose_name = "Disposition"
