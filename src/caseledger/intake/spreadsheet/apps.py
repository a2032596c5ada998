from django.apps import AppConfig


class SpreadsheetImportConfig(AppConfig):
    """Spreadsheet import (issue 13): its own app so its migrations stand apart from the
    other intake channels'."""

    name = "caseledger.intake.spreadsheet"
    label = "intake_spreadsheet"
    default_auto_field = "django.db.models.BigAutoField"
