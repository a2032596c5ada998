"""The e-mail channel's rows: mailboxes, every message seen (in and out), and the
quarantine of messages that could not be recorded. Other channels add theirs beside."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.accounts.models import Department
from caseledger.cases.models import Case, CaseNote


class Security(models.TextChoices):
    SSL = "ssl", _("SSL/TLS (port 993)")
    STARTTLS = "starttls", _("STARTTLS (port 143)")
    NONE = "none", _("None (test servers only)")


class Mailbox(models.Model):
    """One mailbox polled over IMAP (or only named by imports of old mail). Its messages
    are recorded in its department, in the name of its intake user, so the journal says
    whose door they came through. The password is vault ciphertext, never plain text."""

    name = models.SlugField(max_length=40, unique=True)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=254)  # ours: replies come from it; mail from it is a loop
    intake_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(max_length=40, default="other")  # of the cases it opens
    host = models.CharField(max_length=255, blank=True)  # blank: imports only, never polled
    port = models.PositiveIntegerField(default=993)
    security = models.CharField(max_length=10, choices=Security.choices, default=Security.SSL)
    username = models.CharField(max_length=255, blank=True)
    password = models.TextField(blank=True)  # vault ciphertext (record mailbox, field password)
    folder = models.CharField(max_length=200, default="INBOX")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.name


class MailboxCursor(models.Model):
    """Where polling stopped: operational state, not a record (Message-ID makes a repeat
    harmless), so it is not journaled. A new UIDVALIDITY starts the walk again."""

    mailbox = models.OneToOneField(
        Mailbox, on_delete=models.CASCADE, primary_key=True, related_name="cursor"
    )
    uidvalidity = models.BigIntegerField(null=True, blank=True)
    last_uid = models.BigIntegerField(default=0)
    fetched_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)


class Direction(models.TextChoices):
    INBOUND = "in", _("Received")
    OUTBOUND = "out", _("Sent")


class Outcome(models.TextChoices):
    NEW_CASE = "new_case", _("Opened a case")
    THREADED = "threaded", _("Added to a case")
    IGNORED = "ignored", _("Ignored (automatic or loop)")
    PENDING = "pending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Not sent")


class MailMessage(models.Model):
    """Every message recorded once, by its Message-ID: fetching or importing it again
    finds this row and records nothing."""

    message_id = models.CharField(max_length=255, unique=True)
    direction = models.CharField(max_length=3, choices=Direction.choices)
    mailbox = models.ForeignKey(Mailbox, null=True, blank=True, on_delete=models.PROTECT)
    source = models.CharField(max_length=500)  # imap mailbox/folder uid, or file and position
    address = models.CharField(max_length=320, blank=True)  # the other side: sender or recipient
    subject = models.CharField(max_length=200, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)  # how it was threaded, why it was ignored or failed
    # A disposition that destroys the case leaves this row as a tombstone (case and note
    # emptied, the sender and subject erased by intake.mail.erasure through `case_key`),
    # so its Message-ID still stops an old mbox from bringing the case back.
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="mail_messages"
    )
    note = models.ForeignKey(
        CaseNote, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    case_key = models.BigIntegerField(null=True, blank=True, db_index=True)  # case id, kept
    raw_sha256 = models.CharField(max_length=64, blank=True)  # the whole message, stored
    sent_at = models.DateTimeField(null=True, blank=True)  # the Date header, or when we sent
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["case", "created_at"], name="mail_case_created")]


class QuarantinedMessage(models.Model):
    """A message that could not be recorded, kept whole (content-addressed) with the
    reason, until someone deals with it. Never deleted by the mail code."""

    raw_sha256 = models.CharField(max_length=64, unique=True)
    size = models.PositiveBigIntegerField()
    stored = models.BooleanField(default=True)  # False only for an empty message
    mailbox = models.ForeignKey(Mailbox, on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=500)
    message_id = models.CharField(max_length=255, blank=True)
    sender = models.CharField(max_length=320, blank=True)
    subject = models.CharField(max_length=200, blank=True)
    reason = models.TextField()
    created_at = models.DateTimeField()
    # Taken through again once its cause was fixed (intake.mail.quarantine): when, by whom,
    # and what came of it. The row stays as the evidence.
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
