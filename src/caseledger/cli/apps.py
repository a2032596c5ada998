from django.apps import AppConfig


class CliConfig(AppConfig):
    name = "caseledger.cli"
    label = "cli"
