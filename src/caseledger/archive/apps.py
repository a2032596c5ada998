from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "caseledger.archive"
    label = "archive"
