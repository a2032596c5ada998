from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "caseledger.intake"
    label = "intake"

    def ready(self) -> None:
        from caseledger.core import erasure
        from caseledger.intake.mail.erasure import on_erasure

        erasure.register("intake.mail", on_erasure)
