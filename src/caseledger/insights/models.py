"""The insights app's own tables: derived counts fed by the journal (rollup.py), and the
corrective actions supervisors open from what the figures show.

Nothing here holds personal content: a fact row carries a case's coded fields (department,
kind, channel, category, product code, severity, status), its times, and the first words
of its root cause (unless an administrator marked that field sensitive)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# Histogram bucket upper edges in hours; a last bucket holds everything beyond.
RESOLUTION_EDGES = (4, 24, 72, 168, 336, 720, 1440)
FIRST_RESPONSE_EDGES = (1, 4, 8, 24, 48, 72, 168)
BUCKETS = len(RESOLUTION_EDGES) + 1
# The coded fields a roll-up counts by (and a case fact carries), in the one order the
# roll-up key, the cubes (rollup.CUBES) and the facts (facts.FIELDS) use.
DIMS = (
    "department_id",
    "kind",
    "channel",
    "category",
    "product",
    "severity",
    "status",
    "root_cause",
)


class RollupState(models.Model):
    """One row: the last journal sequence the roll-ups have consumed."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(null=True, blank=True)
    rebuilt_at = models.DateTimeField(null=True, blank=True)


class CaseFact(models.Model):
    """What one case contributes to the roll-ups now: kept so a change subtracts the old
    contribution and adds the new one, never recounting anything else."""

    case_id = models.BigIntegerField(primary_key=True)
    received_day = models.DateField()
    department_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)
    category = models.CharField(max_length=40)
    product = models.CharField(max_length=100, blank=True)
    severity = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    root_cause = models.CharField(max_length=100, blank=True)
    restricted = models.BooleanField(default=False)
    customer_id = models.BigIntegerField()
    assignee_id = models.BigIntegerField(null=True)
    received_at = models.DateTimeField()
    resolution_hours = models.FloatField(null=True)
    first_response_at = models.DateTimeField(null=True)
    satisfaction = models.PositiveSmallIntegerField(null=True)
    repeat_customer = models.BooleanField(default=False)
    repeat_product = models.BooleanField(default=False)
    # The case's clock states as last counted in ClockTally ("kind=state" by kind, comma
    # separated): what a clock change subtracts before it adds the new states.
    clocks = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["customer_id", "received_at"], name="insights_fact_customer"),
            models.Index(
                fields=["product", "category", "received_at"], name="insights_fact_product"
            ),
            models.Index(fields=["assignee_id", "status"], name="insights_fact_assignee"),
            # The open facts (backlog, workload): found without a scan, and read from the
            # index alone (every column those panels filter or count by is in it), not one
            # table row per open case.
            models.Index(
                fields=[
                    "status",
                    "department_id",
                    "restricted",
                    "assignee_id",
                    "received_day",
                    "channel",
                    "category",
                ],
                name="insights_fact_open_cover",
            ),
        ]


class Rollup(models.Model):
    """Counts per cube × period × coded fields. A cube fixes the grain and which fields it
    keeps (rollup.CUBES); a field a cube drops is stored as ""."""

    cube = models.CharField(max_length=2)
    period = models.DateField()  # the day, or the first day of the month
    department_id = models.BigIntegerField()
    kind = models.CharField(max_length=20)
    channel = models.CharField(max_length=20)
    category = models.CharField(max_length=40)
    product = models.CharField(max_length=100)
    severity = models.CharField(max_length=10)
    status = models.CharField(max_length=20)
    root_cause = models.CharField(max_length=100)
    restricted = models.BooleanField()
    n = models.BigIntegerField(default=0)
    resolved = models.BigIntegerField(default=0)
    responded = models.BigIntegerField(default=0)
    sat_n = models.BigIntegerField(default=0)
    sat_sum = models.BigIntegerField(default=0)
    repeat_customer = models.BigIntegerField(default=0)
    repeat_product = models.BigIntegerField(default=0)
    # Resolution (r*) and first-response (f*) histograms, buckets by the EDGES above.
    r0 = models.BigIntegerField(default=0)
    r1 = models.BigIntegerField(default=0)
    r2 = models.BigIntegerField(default=0)
    r3 = models.BigIntegerField(default=0)
    r4 = models.BigIntegerField(default=0)
    r5 = models.BigIntegerField(default=0)
    r6 = models.BigIntegerField(default=0)
    r7 = models.BigIntegerField(default=0)
    f0 = models.BigIntegerField(default=0)
    f1 = models.BigIntegerField(default=0)
    f2 = models.BigIntegerField(default=0)
    f3 = models.BigIntegerField(default=0)
    f4 = models.BigIntegerField(default=0)
    f5 = models.BigIntegerField(default=0)
    f6 = models.BigIntegerField(default=0)
    f7 = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cube", "period", *DIMS, "restricted"],
                name="insights_rollup_key",
            )
        ]
        indexes = [
            # The backlog reads the few open rows of the day cube: status first, so the
            # planner takes this over the unique key (whose first column is the cube).
            models.Index(fields=["status", "cube", "period"], name="insights_rollup_open"),
        ]


class ClockTally(models.Model):
    """The SLA panel's counts: clocks per tally × received month × department × category ×
    channel × restriction × clock kind × state (insights/clocktally.py). Tally "s" keeps
    every field; "a" drops category and channel (stored as "") for the unfiltered page."""

    tally = models.CharField(max_length=2)
    period = models.DateField()  # the first day of the received month
    department_id = models.BigIntegerField()
    category = models.CharField(max_length=40)
    channel = models.CharField(max_length=20)
    restricted = models.BooleanField()
    kind = models.CharField(max_length=80)  # the clock: first_response, statutory:<code> …
    state = models.CharField(max_length=10)
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "tally",
                    "period",
                    "department_id",
                    "category",
                    "channel",
                    "restricted",
                    "kind",
                    "state",
                ],
                name="insights_clocktally_key",
            )
        ]


class CapaStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    VERIFYING = "verifying", _("Verifying effect")
    CLOSED = "closed", _("Closed")


class CorrectiveAction(models.Model):
    """A corrective action (CAPA): a problem seen in cases or figures, who fixes it by when,
    and whether the fix worked."""

    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="corrective_actions"
    )
    problem = models.TextField()
    source = models.CharField(max_length=200, blank=True)  # root cause or dashboard finding
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=CapaStatus.choices, default=CapaStatus.OPEN)
    verification = models.TextField(blank=True)
    case_ids = models.JSONField(default=list, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    reminded_on = models.DateField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"], name="insights_capa_due")]


class ReviewReport(models.Model):
    """A periodic review (复盘) of a department or the organisation: figures frozen when
    generated, the supervisor's conclusion and sign-off, the HTML and the PDF (by sha256 in
    the data directory's reports/)."""

    period_kind = models.CharField(max_length=10)  # month | quarter
    period_start = models.DateField()
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )  # None: the organisation
    figures = models.JSONField(default=dict)
    html = models.TextField()
    pdf_sha256 = models.CharField(max_length=64)
    pdf_size = models.PositiveBigIntegerField(default=0)
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    conclusion = models.TextField(blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "department_id", "-id"]
        indexes = [
            models.Index(fields=["period_start", "department"], name="insights_review_period")
        ]


class ReviewSubscription(models.Model):
    """One person's wish to receive the review reports (复盘) of a department or, without
    one, of the organisation, by e-mail with the PDF attached. Mailed only while they may
    still view such reports (services check at each sending)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "accounts.Department", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )  # None: the organisation's reports
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["user_id", "department_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "department"],
                condition=models.Q(department__isnull=False),
                name="insights_review_sub_department",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(department__isnull=True),
                name="insights_review_sub_organisation",
            ),
        ]
