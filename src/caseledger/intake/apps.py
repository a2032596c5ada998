from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "caseledger.intake"
    label = "intake"

    def ready(self) -> None:
        from caseledger.core import erasure, hooks
        from caseledger.intake.mail.erasure import on_erasure
        from caseledger.intake.mail.rotation import mailbox_password_holder
        from caseledger.vault.holders import KEY_HOLDERS

        erasure.register("intake.mail", on_erasure)
        hooks.register(KEY_HOLDERS, mailbox_password_holder)
