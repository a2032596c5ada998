from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.accounts.models import Department
from caseledger.customers.models import Customer


class CaseKind(models.TextChoices):
    SALES_OBJECTION = "sales_objection", _("Sales objection")
    COMPLAINT = "complaint", _("Complaint")
    INQUIRY = "inquiry", _("Inquiry")
    DISPUTE = "dispute", _("Dispute")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    WEB_FORM = "web_form", _("Web form")
    IN_PERSON = "in_person", _("In person")
    SOCIAL_MEDIA = "social_media", _("Social media")
    API = "api", _("API")
    IMPORT = "import", _("Import")


class Severity(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    ASSESSING = "assessing", _("Assessing")
    INVESTIGATING = "investigating", _("Investigating")
    RESPONDED = "responded", _("Responded")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")


class Case(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    kind = models.CharField(max_length=20, choices=CaseKind.choices)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    category = models.CharField(max_length=40)
    subcategory = models.CharField(max_length=40, blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    # No index of their own: each leads a composite index (case_dept_received,
    # case_assignee_received, case_customer_received) that serves every look-up by it, and
    # every index is one more page each new case writes (docs/benchmarks.md, issue 16).
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assigned_cases",
        db_index=False,
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="cases", db_index=False
    )
    subject = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    customer_request = models.TextField(blank=True)
    resolution = models.TextField(blank=True)
    root_cause = models.TextField(blank=True)
    satisfaction = models.PositiveSmallIntegerField(null=True, blank=True)
    received_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    product_ref = models.CharField(max_length=100, blank=True)
    order_ref = models.CharField(max_length=100, blank=True)
    contract_ref = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    # Lifecycle marks. An archived case is a stub whose full text lives in an archive
    # segment (caseledger.archive); a restricted case (PIPL Art 47: purpose ended, a legal
    # period still runs) is readable by compliance only and kept out of work queues.
    archived_at = models.DateTimeField(null=True, blank=True)
    restricted_at = models.DateTimeField(null=True, blank=True)
    restricted_reason = models.TextField(blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["department", "received_at"], name="case_dept_received"),
            models.Index(fields=["received_at"], name="case_received"),
            models.Index(fields=["status", "received_at"], name="case_status_received"),
            models.Index(fields=["kind", "received_at"], name="case_kind_received"),
            models.Index(fields=["channel", "received_at"], name="case_channel_received"),
            models.Index(fields=["category", "received_at"], name="case_category_received"),
            models.Index(fields=["assignee", "received_at"], name="case_assignee_received"),
            models.Index(fields=["customer", "received_at"], name="case_customer_received"),
            # The list's "recently updated" order, under the filters people combine it with.
            models.Index(fields=["updated_at"], name="case_updated"),
            models.Index(fields=["department", "updated_at"], name="case_dept_updated"),
            models.Index(fields=["status", "updated_at"], name="case_status_updated"),
            models.Index(fields=["category", "updated_at"], name="case_category_updated"),
            models.Index(fields=["assignee", "updated_at"], name="case_assignee_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"


class ReferenceCounter(models.Model):
    """The last number issued per year; bumped under the journal's write lock."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)


class NoteKind(models.TextChoices):
    NOTE = "note", _("Internal note")
    INBOUND = "inbound", _("From the customer")
    OUTBOUND = "outbound", _("To the customer")


class CaseNote(models.Model):
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    kind = models.CharField(max_length=10, choices=NoteKind.choices, default=NoteKind.NOTE)
    channel = models.CharField(max_length=20, choices=Channel.choices, blank=True)
    body = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "id"]


class Attachment(models.Model):
    """A file kept content-addressed by sha256 in the data directory.

    A removed attachment (wrongly attached) is only marked: it leaves the case's lists and
    downloads, but the row and the content file stay until the case's disposition, so the
    history keeps it and a hold never loses it."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=120)
    filename = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    uploaded_at = models.DateTimeField()
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    removed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        indexes = [models.Index(fields=["sha256"], name="attachment_sha256")]


class Scheme(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint category")
    OBJECTION = "objection", _("Objection type")


class Category(models.Model):
    """One entry of the case taxonomy (cases.taxonomy reads it): a category (no parent) or a
    subcategory, a complaint category or a sales objection type, with its English and
    Chinese labels. `industry` is the template it came with ("" the default, for every
    department); a department sees the default and its adopted industries' entries. Never
    deleted (cases keep their codes): an entry is deactivated instead."""

    scheme = models.CharField(max_length=12, choices=Scheme.choices, default=Scheme.COMPLAINT)
    code = models.SlugField(max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    label_en = models.CharField(max_length=120)
    label_zh = models.CharField(max_length=120)
    industry = models.CharField(max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)
    is_active = models.BooleanField(default=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(parent=None), name="category_code_once"
            ),
            models.UniqueConstraint(fields=["parent", "code"], name="subcategory_code_once"),
        ]

    def __str__(self) -> str:
        return self.code


class StepRule(models.Model):
    """What a move into one status needs, per industry template ("" the default, for every
    department): fields filled, a reason, a second person's approval for some severities,
    and for `acknowledged` the working minutes within which it must go out and the
    message sent (English and Chinese; {reference} and {subject} are filled in)."""

    industry = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    fields = models.JSONField(default=list, blank=True)
    reason_required = models.BooleanField(default=False)
    approval_severities = models.JSONField(default=list, blank=True)
    within_minutes = models.PositiveIntegerField(null=True, blank=True)
    message_en = models.TextField(blank=True)
    message_zh = models.TextField(blank=True)
    legal_source = models.CharField(max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["industry", "status"]
        constraints = [
            models.UniqueConstraint(fields=["industry", "status"], name="step_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.industry or 'default'} {self.status}"


class IndustryAdoption(models.Model):
    """A department works under an industry template's taxonomy and step rules."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    industry = models.CharField(max_length=40)
    adopted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "industry"], name="industry_adopt_once")
        ]


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StepApproval(models.Model):
    """A move that waits for a second person (closing a high-severity banking complaint):
    who asked, with what (the resolution and fields they gave), and who decided."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="approvals")
    to_status = models.CharField(max_length=20, choices=Status.choices)
    data = models.JSONField(default=dict, blank=True)
    reason = models.TextField(blank=True)
    status = models.CharField(
        max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
