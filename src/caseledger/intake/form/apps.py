from django.apps import AppConfig


class PublicFormConfig(AppConfig):
    """The public complaint form (issue 13): its own app so its migrations stand apart from
    the other intake channels'."""

    name = "caseledger.intake.form"
    label = "intake_form"
    default_auto_field = "django.db.models.BigAutoField"
