"""Working calendars: days that differ from the weekly pattern (holidays, 调休 make-up
working days) and each department's business hours."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from caseledger.accounts.models import Department


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Day off")
    WORKDAY = "workday", _("Make-up working day")


class CalendarDay(models.Model):
    """One day of a named calendar ("cn" is the Chinese statutory one) that is off although
    it is a weekday, or worked although it is a weekend day (调休上班)."""

    calendar = models.SlugField(max_length=40, default="cn")
    day = models.DateField()
    kind = models.CharField(max_length=10, choices=DayKind.choices)
    name = models.CharField(max_length=100, blank=True)
    source = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["calendar", "day"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "day"], name="calendar_day_once")
        ]

    def __str__(self) -> str:
        return f"{self.calendar} {self.day} {self.kind}"


class BusinessHours(models.Model):
    """A department's working week: 7 lists (Monday first) of [start, end) local minutes,
    the calendar of days off it follows and its time zone. Without a row a department works
    the standard week (09:00–12:00, 13:00–18:00, Monday to Friday) on the "cn" calendar."""

    department = models.OneToOneField(
        Department, on_delete=models.PROTECT, related_name="business_hours"
    )
    hours = models.JSONField()
    calendar = models.SlugField(max_length=40, default="cn")
    timezone = models.CharField(max_length=60, blank=True)  # empty: CASELEDGER_TIME_ZONE
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"hours of {self.department_id}"


class SlaPolicy(models.Model):
    """Working minutes to the first response, between updates and to resolution, for cases matching the
    non-empty fields (department, kind, priority, severity); the most specific match wins."""

    name = models.CharField(max_length=120)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, blank=True)
    priority = models.CharField(max_length=10, blank=True)
    severity = models.CharField(max_length=10, blank=True)
    first_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()
    # After each update the customer sees, the next is due within this (working minutes);
    # null: the default of the case's priority.
    next_update_minutes = models.PositiveIntegerField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class ClockUnit(models.TextChoices):
    CALENDAR_DAYS = "calendar_days", _("Calendar days")
    WORKING_DAYS = "working_days", _("Working days")


class StatutoryRule(models.Model):
    """A deadline the law sets for a department's cases, with its legal source; each allowed
    extension adds the days in `extensions`, in order."""

    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    kinds = models.JSONField(default=list, blank=True)  # case kinds; empty: every kind
    unit = models.CharField(max_length=16, choices=ClockUnit.choices)
    days = models.PositiveIntegerField()
    extensions = models.JSONField(default=list, blank=True)
    legal_source = models.CharField(max_length=300)
    confirmed = models.BooleanField(default=False)  # False: shown as UNCONFIRMED
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["department_id", "code"]
        constraints = [
            models.UniqueConstraint(fields=["department", "code"], name="statutory_rule_once")
        ]

    def __str__(self) -> str:
        return self.code


class ClockState(models.TextChoices):
    OK = "ok", _("On time")
    SOON = "soon", _("Due soon")
    PAUSED = "paused", _("Paused")
    BREACHED = "breached", _("Breached")
    MET = "met", _("Met")


class CaseClock(models.Model):
    """A case's clock as last computed from the journal (workflow.clocks): what the case list
    sorts and filters by and what the sweep acts on. Derived, recomputable at any time."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(
        max_length=80
    )  # first_response | next_update | resolution | statutory:<code>
    due_at = models.DateTimeField(null=True, blank=True)
    # When a running clock turns "due soon" unless an event changes it: the sweep moves
    # states with time by these two stored moments, without replaying the journal.
    soon_at = models.DateTimeField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=ClockState.choices)
    computed_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "kind"], name="case_clock_once")]
        indexes = [
            models.Index(fields=["state", "due_at"], name="case_clock_state_due"),
            models.Index(fields=["state", "soon_at"], name="case_clock_state_soon"),
            models.Index(fields=["due_at"], name="case_clock_due"),
        ]


class CaseDue(models.Model):
    """A case's next due time (its soonest running clock) and whether any of its clocks is
    breached: one row per case with clocks, kept with its CaseClock rows, so the case list
    sorts and filters by due time and breach through an index instead of a subquery per
    case. Derived, like CaseClock."""

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, primary_key=True, related_name="due"
    )
    due_at = models.DateTimeField(null=True, blank=True)  # None: no running clock with a due
    state = models.CharField(max_length=10, choices=ClockState.choices)
    breached = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["due_at", "case"], name="case_due_due"),
            models.Index(fields=["breached", "due_at", "case"], name="case_due_breached"),
        ]


class ClockSweepMark(models.Model):
    """Where the last complete sweep stopped: the journal seq it had read up to, the moment
    it swept for, and a stamp of the policies, rules and calendars it used (a change to
    them recomputes every clock). One row; absent before the first sweep."""

    journal_seq = models.BigIntegerField()
    swept_at = models.DateTimeField()
    settings_stamp = models.CharField(max_length=200)


class ClockAlert(models.Model):
    """One notice of one step (due soon, breach, escalation) of one clock to one person. The
    unique key makes the sweep idempotent: a step is noticed, and journaled, once — once per
    cycle for the next-update clock, which starts again after each update the customer sees
    (`cycle`: that cycle's due time; empty for the other clocks)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    clock = models.CharField(max_length=80)
    step = models.CharField(max_length=40)  # due_soon | breach | escalate:supervisor | …
    cycle = models.CharField(max_length=40, blank=True, default="")
    recipient = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="clock_alerts"
    )
    created_at = models.DateTimeField()
    emailed_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "clock", "step", "recipient", "cycle"],
                name="clock_alert_once_per_cycle",
            )
        ]


class AssignStrategy(models.TextChoices):
    ROUND_ROBIN = "round_robin", _("Round robin")
    LEAST_OPEN = "least_open", _("Fewest open cases")


class AssignmentRule(models.Model):
    """Who gets a newly recorded case: the first active rule (lowest position) whose
    non-empty fields (category, channel, product) match a case of its department picks
    one of the department's active, present agents by its strategy."""

    name = models.CharField(max_length=120)
    position = models.PositiveIntegerField(default=100)
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=20, blank=True)
    product_ref = models.CharField(max_length=100, blank=True)
    strategy = models.CharField(max_length=20, choices=AssignStrategy.choices)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Absence(models.Model):
    """A person away from `starts_on` to `ends_on` (both days included, local dates): no
    rule and no reassignment gives them a case meanwhile. Cancelled rows stay."""

    user = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="absences")
    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)
    created_at = models.DateTimeField()
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user_id", "starts_on", "id"]
        indexes = [models.Index(fields=["user", "ends_on"], name="absence_user_ends")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.starts_on}–{self.ends_on}"


class CaseLink(models.Model):
    """A repeat complaint: `case` came from the same customer on the same subject (same
    category, or same product) within the configured window after `earlier`. Part of both
    cases: a disposition that destroys either takes the link with it (its entry names the
    case)."""

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    earlier = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, default="repeat")
    basis = models.CharField(max_length=20)  # category | product
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "earlier", "kind"], name="case_link_once")
        ]
        indexes = [models.Index(fields=["earlier"], name="case_link_earlier")]


class Visibility(models.TextChoices):
    MASKED = "masked", _("Masked")
    ASSIGNED = "assigned", _("Full on cases assigned to them")
    DEPARTMENT = "department", _("Full on cases of their departments")


class FieldVisibility(models.Model):
    """Whether a role sees a customer's field (phone, email) in full on a case page. Without
    a row: agents see the phone of their own cases' customers; everything else is masked."""

    role = models.CharField(max_length=20)
    field = models.CharField(max_length=20)
    scope = models.CharField(max_length=12, choices=Visibility.choices)
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["role", "field"]
        constraints = [
            models.UniqueConstraint(fields=["role", "field"], name="field_visibility_once")
        ]
