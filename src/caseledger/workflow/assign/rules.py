"""Assignment rules, edited by administrators (journaled), and the engine that gives a
newly recorded case to one of its department's active, present agents.

Rules are read in order (position, then id); the first active rule of the case's department
whose non-empty fields (category, channel, product) all match decides. Round robin goes
to the next agent (by name) after whoever was given the department's newest assigned case;
fewest open cases to the agent holding the fewest (ties: by name). Nobody present: the case
stays in the department queue.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol, TypeVar

from django.utils.translation import gettext as _

from caseledger.accounts.access import require
from caseledger.accounts.models import User
from caseledger.accounts.permissions import Perm, Role
from caseledger.cases.models import Case, Channel
from caseledger.cases.services import case_set_fields_many
from caseledger.cases.taxonomy import category_codes
from caseledger.core import clock, lookup
from caseledger.core.state import model_state
from caseledger.core.validate import Collector
from caseledger.customers.services import resolve_department
from caseledger.journal.services import record_change, write_transaction
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.assign.queries import may_work, open_case_counts
from caseledger.workflow.models import AssignmentRule, AssignStrategy

RULE_FIELDS = (
    "name",
    "position",
    "department",
    "category",
    "channel",
    "product_ref",
    "strategy",
    "is_active",
)


def _clean(data: dict[str, Any], rule: AssignmentRule | None) -> dict[str, Any]:
    c = Collector()
    c.unknown(data, RULE_FIELDS)
    creating = rule is None
    clean: dict[str, Any] = {}
    if creating or "name" in data:
        clean["name"] = c.text(data, "name", required=True, max_length=120)
    if "position" in data:
        clean["position"] = c.integer(data, "position", minimum=0, maximum=100000)
    if creating or "department" in data:
        department = resolve_department(data.get("department"), c)
        if department is None and not any(e.field == "department" for e in c.errors):
            c.add("department", _("is required"), "required")
        clean["department"] = department
    for name, choices in (("category", category_codes()), ("channel", list(Channel.values))):
        if name in data:
            clean[name] = c.choice(data, name, choices) or ""
    if "product_ref" in data:
        clean["product_ref"] = c.text(data, "product_ref", max_length=100) or ""
    if creating or "strategy" in data:
        clean["strategy"] = c.choice(data, "strategy", AssignStrategy.values, required=True)
    if "is_active" in data:
        if not isinstance(data["is_active"], bool):
            c.add("is_active", _("must be true or false"))
        clean["is_active"] = data["is_active"] is True
    c.raise_if_any()
    return {k: v for k, v in clean.items() if v is not None}


def assign_rule_set(
    *, actor: User | None, data: dict[str, Any], rule: AssignmentRule | None = None
) -> AssignmentRule:
    """Add a rule (rule None) or change one; administrators."""
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    clean = _clean(data, rule)
    with write_transaction():
        if rule is not None:
            rule = AssignmentRule.objects.select_for_update().get(pk=rule.pk)
        before = model_state(rule, exclude=("updated_at",)) if rule else None
        rule = rule or AssignmentRule()
        for key, value in clean.items():
            setattr(rule, key, value)
        rule.updated_at = clock.now()
        rule.save()
        record_change(
            actor=actor,
            action=WorkflowAction.ASSIGN_RULE_SET,
            object_type="assignment_rule",
            object_id=str(rule.pk),
            before=before,
            after=model_state(rule, exclude=("updated_at",)),
        )
    return rule


def assign_rule_remove(*, actor: User | None, rule: AssignmentRule, reason: str = "") -> None:
    if actor is not None:
        require(actor, Perm.SETTINGS_MANAGE)
    with write_transaction():
        before = model_state(rule, exclude=("updated_at",))
        pk = rule.pk
        AssignmentRule.objects.filter(pk=pk).delete()
        record_change(
            actor=actor,
            action=WorkflowAction.ASSIGN_RULE_REMOVE,
            object_type="assignment_rule",
            object_id=str(pk),
            before=before,
            after=None,
            reason=reason,
        )


class Assignable(Protocol):
    """What the rules read of a case: a saved Case, or a chunk writer's row not yet
    inserted (building a model instance per row cost more than the rules themselves)."""

    @property
    def pk(self) -> Any: ...
    @property
    def department_id(self) -> Any: ...
    @property
    def assignee_id(self) -> Any: ...
    @property
    def category(self) -> Any: ...
    @property
    def channel(self) -> Any: ...
    @property
    def product_ref(self) -> Any: ...


C = TypeVar("C", bound=Assignable)


class _Pass:
    """What one pass of the rules reads once per department: the active rules, the agents
    who may be given a case, and (as cases are given) the round robin's last agent and the
    open-case counts. A pass takes cases in id order, each newer than every case already
    assigned in its department (a case just created, an import's chunk: both hold the
    journal's write lock), so remembering the last agent it gave equals asking the table."""

    def __init__(self) -> None:
        self.rules: dict[int, list[AssignmentRule]] = {}
        self.pools: dict[int, list[User]] = {}
        self.last: dict[int, int | None] = {}
        self.counts: dict[int, dict[int, int]] = {}

    def rules_of(self, department_id: int) -> list[AssignmentRule]:
        if department_id not in self.rules:
            # Plain SQL: it runs for every new case, and building the ORM query cost more
            # than running it (docs/benchmarks.md, "case_create after issue 12").
            self.rules[department_id] = lookup.where(
                AssignmentRule, _ACTIVE_RULES, [True, department_id]
            )
        return self.rules[department_id]

    def pool_of(self, department_id: int) -> list[User]:
        if department_id not in self.pools:
            self.pools[department_id] = [
                u for u in may_work(department_id) if Role.AGENT in u.roles
            ]
        return self.pools[department_id]


_ACTIVE_RULES = "is_active = %s AND department_id = %s ORDER BY position, id"


def matching_rule(case: Assignable, memo: _Pass | None = None) -> AssignmentRule | None:
    for rule in (memo or _Pass()).rules_of(case.department_id):
        if (
            (not rule.category or rule.category == case.category)
            and (not rule.channel or rule.channel == case.channel)
            and (not rule.product_ref or rule.product_ref == case.product_ref)
        ):
            return rule
    return None


def pick(rule: AssignmentRule, case: Assignable, memo: _Pass | None = None) -> User | None:
    """The agent the rule gives the case to, among the department's active, present agents
    who may work it; None when nobody is there."""
    memo = memo or _Pass()
    dept = case.department_id
    pool = memo.pool_of(dept)
    if not pool:
        return None
    ids = [u.pk for u in pool]
    if rule.strategy == AssignStrategy.LEAST_OPEN:
        if dept not in memo.counts:
            memo.counts[dept] = open_case_counts(ids)
        counts = memo.counts[dept]
        return min(pool, key=lambda u: counts.get(u.pk, 0))  # min keeps the first of ties
    if dept not in memo.last:
        memo.last[dept] = (
            Case.objects.filter(department_id=dept, assignee_id__in=ids)
            .exclude(pk=case.pk)
            .order_by("-id")
            .values_list("assignee_id", flat=True)
            .first()
        )
    last = memo.last[dept]
    return pool[(ids.index(last) + 1) % len(pool)] if last in ids else pool[0]


def _given(memo: _Pass, case: Assignable, agent: User) -> None:
    memo.last[case.department_id] = agent.pk
    counts = memo.counts.get(case.department_id)
    if counts is not None:
        counts[agent.pk] = counts.get(agent.pk, 0) + 1


def assign_choices(cases: Iterable[C]) -> list[tuple[C, User, str]]:
    """Who each unassigned case (in id order, newest of its department: see `_Pass`) goes
    to by the first matching rule, with the reason its entry gives: (case, agent, reason),
    cases no rule gives left out. Writes nothing: `assign_cases` writes the choices, and an
    import's chunk writer asks before it inserts its cases (intake/spreadsheet/write.py)."""
    memo = _Pass()
    given: list[tuple[C, User, str]] = []
    for case in cases:
        if case.assignee_id is not None:
            continue
        rule = matching_rule(case, memo)
        agent = pick(rule, case, memo) if rule is not None else None
        if rule is None or agent is None:
            continue
        given.append((case, agent, f"assignment rule #{rule.pk} {rule.name} ({rule.strategy})"))
        _given(memo, case, agent)
    return given


def assign_cases(*, actor: User | None, cases: Iterable[Case]) -> int:
    """Give each unassigned case by the first matching rule (`assign_choices`), each
    journaled as its own `case.auto_assign` entry naming the rule; returns how many were
    given. The engine behind a new case (CASE_CREATED); the caller holds
    write_transaction(). The choices are written together (`case_set_fields_many`: one
    UPDATE statement, one burst of entries), each as `case_set_fields` would write it."""
    with write_transaction():  # joins the caller's
        given = assign_choices(cases)
        case_set_fields_many(
            [(case, {"assignee": agent}, reason) for case, agent, reason in given],
            actor=actor,
            action=WorkflowAction.CASE_AUTO_ASSIGN,
        )
    return len(given)


def assign_new_case(*, actor: User | None, case: Case) -> Case:
    """cases.CASE_CREATED: give a new, unassigned case by the first matching rule. Inside
    case_create's transaction; journaled as the case's own entry (case.auto_assign)."""
    assign_cases(actor=actor, cases=[case])
    return case
