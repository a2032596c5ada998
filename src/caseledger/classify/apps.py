from django.apps import AppConfig


class ClassifyConfig(AppConfig):
    name = "caseledger.classify"
    label = "classify"

    def ready(self) -> None:
        from caseledger.classify import store
        from caseledger.core import erasure

        # A model trained on a case that is then destroyed or anonymised goes out of use in
        # the same transaction; the worker trains a new one (docs/operations/classify.md).
        erasure.register("classify", store.on_erasure)
