"""The demo's working day, through the services: the industry templates adopted for the
demo's departments (banking for sales, insurance for claims, e-commerce for service and
after-sales), then a few fresh complaints of the banking department whose clocks show
every state (running, paused, due soon, breached, met), a breached banking complaint with
an approved extension, and unassigned cases waiting in the department queue. Their clocks
are stored at once; the bulk cases get theirs at the worker's first sweep. The scripted
complaints share a customer and a category, so the later ones are linked as repeats of the
earlier (workflow.repeats, on case creation).

Then the staffing (demo/staffing.py): agents absent today and one absence in the past, and
an assignment rule for each department that has none. After the cases: the scripted ones
are given by hand, and the queue's must stay unassigned."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from caseledger.accounts.models import Department, User
from caseledger.cases.models import Case
from caseledger.cases.services import case_create, case_update
from caseledger.core import clock
from caseledger.customers.models import Customer
from caseledger.demo.staffing import make_absences, make_rules
from caseledger.workflow.calendars.queries import work_calendar
from caseledger.workflow.clocks.compute import SOON_STATUTORY
from caseledger.workflow.clocks.queries import refresh
from caseledger.workflow.clocks.services import case_deadline_extend, case_wait
from caseledger.workflow.industries.services import template_adopt
from caseledger.workflow.worktime import add_calendar_days

# Which template each demo department adopts.
TEMPLATES = {
    "sales": "banking",
    "claims": "insurance",
    "service": "e-commerce",
    "after-sales": "e-commerce",
}
BANK = "sales"
BANK_RULE = "cbirc-complaint"  # 15 calendar days, extendable by 15 and by 30
QUEUE_CASES = 3
MARK = "DEMO clocks"


@dataclass
class Workday:
    templates: list[str] = field(default_factory=list)
    absences: list[str] = field(default_factory=list)  # "username first–last"
    rules: list[str] = field(default_factory=list)  # "department: strategy"
    cases: dict[str, str] = field(default_factory=dict)  # what it shows → reference

    @property
    def made(self) -> list[str]:
        return list(self.cases.values())


# running, paused, due soon, breached with an extension, met, and the queue's.
SCRIPTED_CASES = 5 + QUEUE_CASES


def workday_cases(cases: int) -> int:
    """How many of a demo's `cases` the working day makes itself: none in a database that
    has them already or in a demo too small to hold them."""
    if cases < SCRIPTED_CASES * 10 or Case.objects.filter(subject__startswith=MARK).exists():
        return 0
    return SCRIPTED_CASES


def _complaint(agent: User, customer: Customer, subject: str, **extra) -> Case:
    data = {
        "kind": "complaint",
        "channel": "phone",
        "category": "billing",
        "subcategory": "wrong_charge",
        "subject": subject,
        "description": "演示：客户称同一笔账单被扣款两次。Demo: the customer was charged twice.",
        "customer_request": "退还重复扣款 Refund the second charge",
        "department": customer.department_id,
        "customer": customer.pk,
        "assignee": agent.pk,
    }
    data.update(extra)
    if data["assignee"] is None:  # to the department queue
        del data["assignee"]
    return case_create(actor=agent, data=data)


def _soon_start(department: Department, now: dt.datetime, days: int) -> dt.datetime:
    """A receipt moment whose `days`-day statutory deadline is due soon (≤ 3 days left) now,
    found on the department's own calendar (holidays can stretch a deadline)."""
    cal = work_calendar(department.pk)
    for back in range(days, days * 3):
        start = now - dt.timedelta(days=back)
        due = add_calendar_days(cal, start, days)
        if dt.timedelta(0) < due - now <= SOON_STATUTORY:
            return start
    return now - dt.timedelta(days=days - 1)


def make_workday(with_cases: bool = True) -> Workday:
    """The templates, then (`with_cases`) the scripted cases, then the staffing."""
    out = Workday()
    admin = User.objects.get(username="admin")
    for code, industry in TEMPLATES.items():
        department = Department.objects.filter(code=code).first()
        if department is not None:
            template_adopt(actor=admin, industry=industry, department=department)
            out.templates.append(f"{code}: {industry}")
    if with_cases:
        _scripted_cases(out)
    out.absences = make_absences(admin)
    out.rules = make_rules(admin, list(TEMPLATES))
    return out


def _scripted_cases(out: Workday) -> None:
    """Long because it is the demo's script of a working day, one scenario per step."""
    bank = Department.objects.get(code=BANK)
    agent = User.objects.get(username=f"{BANK}.agent1")
    supervisor = User.objects.get(username=f"{BANK}.supervisor")
    customer = Customer.objects.filter(department=bank).order_by("pk").first()
    if customer is None:
        return
    now = clock.now()
    made = out.cases
    made["running"] = _complaint(agent, customer, f"{MARK}: running 计时中").reference

    paused = _complaint(agent, customer, f"{MARK}: waiting for the customer 等待客户")
    case_wait(actor=agent, case=paused, reason="等待客户提供银行流水 Waiting for the statement")
    made["paused"] = paused.reference

    soon = _complaint(
        agent,
        customer,
        f"{MARK}: statutory deadline due soon 法定期限将至",
        received_at=_soon_start(bank, now, 15).isoformat(),
    )
    case_update(actor=agent, case=soon, data={"status": "acknowledged"})
    made["due soon"] = soon.reference

    late = _complaint(
        agent,
        customer,
        f"{MARK}: breached, extended once 已超期（已延期一次）",
        received_at=(now - dt.timedelta(days=40)).isoformat(),
        severity="high",
    )
    case_update(actor=agent, case=late, data={"status": "investigating"})
    case_deadline_extend(
        actor=supervisor,
        case=late,
        rule=BANK_RULE,
        reason="案情复杂，需调取交易记录 Complex: transaction records requested",
        notice="您的投诉处理期限延长15日。The decision on your complaint is extended by 15 days.",
    )
    made["breached with an extension"] = late.reference

    met = _complaint(agent, customer, f"{MARK}: answered and closed 已办结")
    case_update(actor=agent, case=met, data={"status": "responded"})
    met = Case.objects.get(pk=met.pk)
    case_update(
        actor=agent,
        case=met,
        data={
            "status": "closed",
            "resolution": "已退款 Refunded",
            "root_cause": "重复扣款 Double charge",
        },
    )
    made["met"] = met.reference

    for n in range(1, QUEUE_CASES + 1):
        queued = _complaint(
            agent, customer, f"DEMO queue {n}: 待分派 waiting in the queue", assignee=None
        )
        made[f"queue {n}"] = queued.reference
    for case in Case.objects.filter(subject__startswith="DEMO ").exclude(status="closed"):
        refresh(case.pk)
    refresh(met.pk)
