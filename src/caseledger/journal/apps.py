from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "caseledger.journal"
    label = "journal"
