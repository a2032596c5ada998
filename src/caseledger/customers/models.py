from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.accounts.models import Department
from caseledger.customers.sealing import opened


class CustomerKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class RelationshipStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ACTIVE = "active", _("Active")
    DORMANT = "dormant", _("Dormant")
    ENDED = "ended", _("Ended")


class ContactKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    ADDRESS = "address", _("Address")


class Customer(models.Model):
    kind = models.CharField(max_length=16, choices=CustomerKind.choices)
    name = models.CharField(max_length=200)
    # No index of its own: customer_dept_name leads with it (one page less per new customer).
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="customers", db_index=False
    )
    relationship_status = models.CharField(
        max_length=16, choices=RelationshipStatus.choices, default=RelationshipStatus.ACTIVE
    )
    relationship_ended_on = models.DateField(null=True, blank=True)
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    # Restricted (PIPL Art 47): readable by compliance only; see Case.restricted_at.
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_reason = models.TextField(blank=True)
    # A merged-away customer keeps its row (and history) and points at the survivor.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["department", "name"], name="customer_dept_name"),
            models.Index(fields=["name"], name="customer_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ContactPoint(models.Model):
    """A phone number, e-mail address or postal address of a customer, sealed as an
    identifier is (customers.sealing): `ciphertext` names its key, `blind_index` finds
    equal values without decrypting, `masked` is what screens show. `value` decrypts."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="contact_points")
    kind = models.CharField(max_length=16, choices=ContactKind.choices)
    ciphertext = models.TextField()
    key_id = models.CharField(max_length=40)
    blind_index = models.CharField(max_length=64)
    masked = models.CharField(max_length=300)
    label = models.CharField(max_length=60, blank=True)
    is_primary = models.BooleanField(default=False)
    verified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "blind_index"], name="contact_kind_index"),
            models.Index(fields=["key_id"], name="contact_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.masked}"

    @property
    def value(self) -> str:
        """The plaintext, for the one use that needs it (mail, a reveal, the subject's copy)."""
        return opened(self.kind, self.ciphertext, self.customer_id)


class IdentifierKind(models.TextChoices):
    RESIDENT_ID = "resident_id", _("Resident ID")
    PASSPORT = "passport", _("Passport")
    BANK_CARD = "bank_card", _("Bank card")
    BANK_ACCOUNT = "bank_account", _("Bank account")
    HEALTH = "health", _("Health information")
    MINOR = "minor", _("Information about a minor")
    OTHER = "other", _("Other sensitive information")


class Identifier(models.Model):
    """A sensitive value of a customer (PIPL Art 28), stored only encrypted (vault.crypto).

    `ciphertext` names its key; `blind_index` finds equal values without decrypting;
    `masked` is what every screen shows. The plaintext is never stored.
    """

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="identifiers")
    kind = models.CharField(max_length=16, choices=IdentifierKind.choices)
    ciphertext = models.TextField()
    key_id = models.CharField(max_length=40)
    blind_index = models.CharField(max_length=64)
    masked = models.CharField(max_length=200)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "blind_index"], name="identifier_kind_index"),
            models.Index(fields=["key_id"], name="identifier_key"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {self.masked}"
