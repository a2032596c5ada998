"""The demo's staffing, through the services (journaled): agents away today and one
absence in the past (the absence calendar), and one assignment rule per department that
has none, round robin and fewest open cases in turn. Made after the working day's
scripted cases, which are given to sales.agent1 or left in the queue by hand."""

from __future__ import annotations

import datetime as dt

from caseledger.accounts.models import Department, User
from caseledger.workflow.assign.absences import absence_add
from caseledger.workflow.assign.queries import today
from caseledger.workflow.assign.rules import assign_rule_set
from caseledger.workflow.models import Absence, AssignmentRule, AssignStrategy

# (username, first day, last day relative to today, reason)
ABSENCES = [
    ("sales.agent3", -1, 2, "DEMO 年假 annual leave"),
    ("claims.agent2", 0, 0, "DEMO 病假 sick leave"),
    ("sales.agent2", -30, -28, "DEMO 培训 training"),
]
STRATEGIES = [AssignStrategy.ROUND_ROBIN, AssignStrategy.LEAST_OPEN]
RULE_NAMES = {
    AssignStrategy.ROUND_ROBIN: "演示：轮流分派 Demo round robin",
    AssignStrategy.LEAST_OPEN: "演示：分给在办最少者 Demo fewest open cases",
}


def make_absences(admin: User) -> list[str]:
    """The demo's absences, each once (an existing one with the same reason is kept)."""
    day = today()
    made = []
    for username, first, last, reason in ABSENCES:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None or Absence.objects.filter(user=user, reason=reason).exists():
            continue
        starts, ends = day + dt.timedelta(days=first), day + dt.timedelta(days=last)
        absence_add(
            actor=admin,
            user=user,
            data={"starts_on": starts.isoformat(), "ends_on": ends.isoformat(), "reason": reason},
        )
        made.append(f"{username} {starts.isoformat()}–{ends.isoformat()}")
    return made


def make_rules(admin: User, codes: list[str]) -> list[str]:
    """One assignment rule for each department (by code) that has none."""
    made = []
    for n, code in enumerate(codes):
        department = Department.objects.filter(code=code).first()
        if department is None or AssignmentRule.objects.filter(department=department).exists():
            continue
        strategy = STRATEGIES[n % len(STRATEGIES)]
        assign_rule_set(
            actor=admin,
            data={
                "name": RULE_NAMES[strategy],
                "department": department.pk,
                "strategy": strategy.value,
            },
        )
        made.append(f"{code}: {strategy.value}")
    return made
