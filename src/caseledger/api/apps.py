from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "caseledger.api"
    label = "api"

    def ready(self) -> None:
        from caseledger.api.forget import forget_api_replies
        from caseledger.core import hooks
        from caseledger.disposition.reach import FORGET_API_REPLIES

        hooks.register(FORGET_API_REPLIES, forget_api_replies)
