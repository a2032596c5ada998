from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "caseledger.backup"
    label = "backup"
    verbose_name = "Backups, restores and drills"
