"""What the public form keeps beside the case it records: its filing, with the
lookup code's hash (never the code), the consent given with it, the spent proof of work."""

from __future__ import annotations

from django.db import models

from caseledger.cases.models import Case
from caseledger.privacy.models import Consent


class FormSubmission(models.Model):
    """One complaint filed on the public form `/complain/`.

    `public_id` is the source the journal names (`intake: web_form:<public_id>`). The case
    goes, this row goes with it (a disposition that destroys the case leaves no code that
    could open it); the consent stays the customer's record."""

    public_id = models.CharField(max_length=32, unique=True)
    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="form_submission")
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # sha256 of "<reference>:<code>": the code itself is shown once and e-mailed, never kept.
    code_hash = models.CharField(max_length=64)
    # sha256 of the solved challenge's signature: a challenge files one complaint only.
    pow_hash = models.CharField(max_length=64, unique=True)
    language = models.CharField(max_length=10)
    notice_version = models.CharField(max_length=20)
    attachments = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.public_id
