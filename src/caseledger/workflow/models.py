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
