"""`caseledger calendar adopt|import|set|remove|list|hours`: the holiday calendar with
make-up working days (调休) and each department's business hours. Each change journaled."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from caseledger.accounts.queries import department_by
from caseledger.cli import lookups
from caseledger.cli.subcommands import VerbCommand
from caseledger.core.errors import ValidationFailed


def _day(text: str):
    day = lookups.day_named(text, field="day")
    if day is None:
        raise ValidationFailed(_("give a day (YYYY-MM-DD)"), field="day")
    return day


class Command(VerbCommand):
    help = "Holiday calendars (days off, make-up working days) and business hours."
    json_output = True
    verbs = {
        "adopt": "load a shipped year: cn-2026 (2027 is UNCONFIRMED and not shipped)",
        "import": "import the all-day events of an iCalendar (.ics) file",
        "set": "mark a day off (--kind holiday) or worked (--kind workday)",
        "remove": "let a day follow the weekly pattern again",
        "list": "list the days of a calendar",
        "hours": "show or set a department's business hours",
    }

    def add_adopt_arguments(self, parser):
        parser.add_argument("preset", help="e.g. cn-2026")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_import_arguments(self, parser):
        parser.add_argument("file", help="an .ics file")
        parser.add_argument("--calendar", default="cn")
        parser.add_argument("--source", default="", help="where the file comes from")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_set_arguments(self, parser):
        parser.add_argument("day", help="YYYY-MM-DD")
        parser.add_argument("--kind", required=True, choices=["holiday", "workday"])
        parser.add_argument("--name", default="")
        parser.add_argument("--calendar", default="cn")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_remove_arguments(self, parser):
        parser.add_argument("day", help="YYYY-MM-DD")
        parser.add_argument("--calendar", default="cn")
        parser.add_argument("--reason", required=True)
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def add_list_arguments(self, parser):
        parser.add_argument("--calendar", default="cn")
        parser.add_argument("--year", type=int)

    def add_hours_arguments(self, parser):
        parser.add_argument("department", help="department code")
        parser.add_argument("--set", dest="spec", help="'mon-fri 09:00-12:00,13:00-18:00'")
        parser.add_argument("--calendar", default="cn")
        parser.add_argument("--timezone", default="")
        parser.add_argument("--reason", default="")
        lookups.as_option(parser, help=lookups.AS_SYSTEM)

    def handle_adopt(self, **options: Any) -> None:
        from caseledger.workflow.calendars.services import calendar_adopt

        result = calendar_adopt(
            actor=lookups.actor_named(options["as_user"]), preset=options["preset"]
        )
        self.emit(
            result,
            _("Calendar %(calendar)s: %(preset)s adopted, %(days)s days, %(changed)s changed.")
            % result,
        )

    def handle_import(self, **options: Any) -> None:
        from caseledger.workflow.calendars.services import calendar_import_ics

        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ValidationFailed(
                _("cannot read %(path)s: %(reason)s") % {"path": path, "reason": exc},
                field="file",
            ) from exc
        result = calendar_import_ics(
            actor=lookups.actor_named(options["as_user"]),
            text=text,
            calendar=options["calendar"],
            source=options["source"] or path.name,
            reason=options["reason"],
        )
        self.emit(
            result,
            _("Calendar %(calendar)s: %(days)s days read, %(changed)s changed.") % result,
        )

    def handle_set(self, **options: Any) -> None:
        from caseledger.workflow.calendars.services import calendar_day_set

        row = calendar_day_set(
            actor=lookups.actor_named(options["as_user"]),
            day=_day(options["day"]),
            kind=options["kind"],
            name=options["name"],
            calendar=options["calendar"],
            reason=options["reason"],
        )
        self.emit(
            {"calendar": row.calendar, "day": row.day, "kind": row.kind, "name": row.name},
            f"{row.calendar} {row.day}: {row.kind} {row.name}",
        )

    def handle_remove(self, **options: Any) -> None:
        from caseledger.workflow.calendars.services import calendar_day_remove

        day = _day(options["day"])
        calendar_day_remove(
            actor=lookups.actor_named(options["as_user"]),
            day=day,
            calendar=options["calendar"],
            reason=options["reason"],
        )
        self.emit(
            {"removed": day},
            _("%(calendar)s %(day)s: follows the week again.")
            % {"calendar": options["calendar"], "day": day},
        )

    def handle_list(self, **options: Any) -> None:
        from caseledger.workflow.calendars.queries import calendar_days

        rows = [
            {"day": r.day, "kind": r.kind, "name": r.name, "source": r.source}
            for r in calendar_days(options["calendar"], options["year"])
        ]
        lines = [f"{r['day']}  {r['day']:%a}  {r['kind']:<8} {r['name']}" for r in rows]
        self.emit(rows, "\n".join(lines) if rows else _("No days."))

    def handle_hours(self, **options: Any) -> None:
        from caseledger.workflow.calendars.queries import format_hours, parse_hours, work_calendar
        from caseledger.workflow.calendars.services import business_hours_set

        department = department_by(options["department"])
        if options["spec"]:
            try:
                hours = parse_hours(options["spec"])
            except ValueError as exc:
                raise ValidationFailed(str(exc), field="hours") from exc
            business_hours_set(
                actor=lookups.actor_named(options["as_user"]),
                department=department,
                hours=hours,
                calendar=options["calendar"],
                timezone=options["timezone"],
                reason=options["reason"],
            )
        cal = work_calendar(department.pk)
        text = format_hours(cal.hours)
        self.emit(
            {
                "department": department.code,
                "hours": [list(d) for d in cal.hours],
                "timezone": str(cal.tz),
            },
            f"{department.code}: {text} ({cal.tz})",
        )
