from django.apps import AppConfig


class BackupConfig(AppConfig):
    name = "caseledger.backup"
    label = "backup"
    verbose_name = "Backups, restores and drills"

    def ready(self) -> None:
        from caseledger.backup.destinations import configured
        from caseledger.backup.health import backup_probe, replication_probe
        from caseledger.core import hooks
        from caseledger.core.health import register_probe
        from caseledger.journal.copies import DESTINATIONS

        register_probe("backup", backup_probe, order=20)
        register_probe("replication", replication_probe, order=30)
        hooks.register(DESTINATIONS, configured)
