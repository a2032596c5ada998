"""Who is reminded of which due record, and the one email each person gets.

A record due within RETENTION_REMIND_DAYS reminds the supervisors of its department (those
whose own or supervised departments include it) and every records manager. A reminder row
is unique per person, record and due date, so the daily job can run any number of times;
an email is claimed by setting `emailed_at` (the row count proves the claim) before it is
sent, and released if the send fails, so no one gets the same reminder twice.
Emails carry references and dates only: no names, no case content.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from caseledger.accounts.models import User
from caseledger.accounts.permissions import Role
from caseledger.cases.models import Case
from caseledger.core import clock
from caseledger.core.logging import get_logger
from caseledger.customers.models import Customer
from caseledger.retention.models import LifecycleState, RecordRetention, Reminder

log = get_logger("caseledger.retention.reminders")
BATCH = 1000
# Nothing to decide about these: held waits for a release, the others are already decided.
SILENT_STATES = (LifecycleState.HELD, LifecycleState.IN_REVIEW, LifecycleState.DISPOSED)


def remind_days() -> int:
    return int(getattr(settings, "RETENTION_REMIND_DAYS", 30))


class _Recipients:
    """Active records managers, and active supervisors by department, read once per run."""

    def __init__(self) -> None:
        users = list(User.objects.filter(is_active=True).prefetch_related("supervised_departments"))
        self.records_managers = [u for u in users if Role.RECORDS_MANAGER in u.role_set()]
        self.by_department: dict[int, list[User]] = defaultdict(list)
        for user in users:
            if Role.SUPERVISOR not in user.role_set():
                continue
            departments = {d.pk for d in user.supervised_departments.all()}
            if user.department_id:
                departments.add(user.department_id)
            for department_id in departments:
                self.by_department[department_id].append(user)

    def of(self, department_id: int | None) -> list[User]:
        people = {u.pk: u for u in self.records_managers}
        for user in self.by_department.get(department_id or 0, []):
            people[user.pk] = user
        return list(people.values())


def _records(rows: list[RecordRetention]) -> dict[tuple[str, int], tuple[str, int | None]]:
    """(type, id) -> (label, department id) for a batch of deadlines."""
    case_ids = [r.record_id for r in rows if r.record_type == "case"]
    customer_ids = [r.record_id for r in rows if r.record_type == "customer"]
    found: dict[tuple[str, int], tuple[str, int | None]] = {}
    for pk, ref, dept in Case.objects.filter(pk__in=case_ids).values_list(
        "pk", "reference", "department_id"
    ):
        found[("case", pk)] = (ref, dept)
    for pk, dept in Customer.objects.filter(pk__in=customer_ids).values_list("pk", "department_id"):
        found[("customer", pk)] = (_("customer %(id)s") % {"id": pk}, dept)
    return found


def create_due(on: dt.date) -> int:
    """Reminder rows for every record due between `on` and `on` + the remind days; rows
    that exist already are left alone. Returns how many are new."""
    until = on + dt.timedelta(days=remind_days())
    due = (
        RecordRetention.objects.filter(due_on__gte=on, due_on__lte=until)
        .exclude(state__in=SILENT_STATES)
        .order_by("pk")
    )
    recipients = _Recipients()
    now = clock.now()
    before = Reminder.objects.count()
    last = 0
    while True:
        rows = list(due.filter(pk__gt=last)[:BATCH])
        if not rows:
            break
        last = rows[-1].pk
        records = _records(rows)
        new: list[Reminder] = []
        for row in rows:
            if row.due_on is None:  # the query excludes these; the type does not know
                continue
            label, department_id = records.get(
                (row.record_type, row.record_id), (f"{row.record_type} {row.record_id}", None)
            )
            new.extend(
                Reminder(
                    recipient=user,
                    record_type=row.record_type,
                    record_id=row.record_id,
                    label=label,
                    due_on=row.due_on,
                    schedule_id=row.schedule_id,
                    created_at=now,
                )
                for user in recipients.of(department_id)
            )
        Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=BATCH)
    return Reminder.objects.count() - before


def _body(reminders: Iterable[Reminder]) -> str:
    lines = [
        _("These records reach the end of their retention period soon:"),
        "",
    ]
    for r in reminders:
        schedule = r.schedule.name if r.schedule else _("no schedule")
        lines.append(
            _("%(label)s  due %(due)s  (%(schedule)s)")
            % {"label": r.label, "due": r.due_on.isoformat(), "schedule": schedule}
        )
    lines += [
        "",
        _("Open caseledger, Retention → Reminders, to see them and mark them read."),
    ]
    return "\n".join(lines)


def email_unsent() -> dict[str, int]:
    """One email per person listing every reminder not yet emailed to them."""
    pending = (
        Reminder.objects.filter(emailed_at__isnull=True)
        .exclude(recipient__email="")
        .select_related("recipient", "schedule")
        .order_by("recipient_id", "due_on", "id")
    )
    by_person: dict[int, list[Reminder]] = defaultdict(list)
    for reminder in pending:
        by_person[reminder.recipient_id].append(reminder)
    sent = failed = 0
    try:
        connection = get_connection()
    except Exception as exc:  # a broken mail setting: nothing claimed, the next run retries
        log.warning("reminders.email_unavailable", error=type(exc).__name__, detail=str(exc))
        return {"emails": 0, "email_failures": len(by_person)}
    for reminders in by_person.values():
        ids = [r.pk for r in reminders]
        claimed_at = clock.now()
        claimed = Reminder.objects.filter(pk__in=ids, emailed_at__isnull=True).update(
            emailed_at=claimed_at
        )
        if claimed != len(ids):  # another run got there first; it sends them
            Reminder.objects.filter(pk__in=ids, emailed_at=claimed_at).update(emailed_at=None)
            continue
        recipient = reminders[0].recipient
        subject = ngettext(
            "caseledger: %(n)d record falls due within %(days)d days",
            "caseledger: %(n)d records fall due within %(days)d days",
            len(reminders),
        ) % {"n": len(reminders), "days": remind_days()}
        message = EmailMessage(
            subject=subject,
            body=_body(reminders),
            to=[recipient.email],
            connection=connection,
        )
        try:
            message.send()
        except Exception as exc:  # released: the next run tries again
            Reminder.objects.filter(pk__in=ids).update(emailed_at=None)
            log.warning("reminders.email_failed", user=recipient.pk, error=type(exc).__name__)
            failed += 1
        else:
            sent += 1
    return {"emails": sent, "email_failures": failed}


def unread_count(user: User) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Reminder.objects.filter(recipient=user, read_at__isnull=True).count()
