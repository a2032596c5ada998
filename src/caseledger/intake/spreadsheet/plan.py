"""What to do with each row of a chunk: refuse it (bad), skip it (duplicate), or write it
(a case for an existing or a new customer; a new customer). No writes here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext, gettext_noop

from caseledger.intake.spreadsheet import resolve
from caseledger.intake.spreadsheet.rows import Parsed, Problem


@dataclass
class Plan:
    bad: list[Problem] = field(default_factory=list)  # every problem, of bad and duplicate rows
    bad_rows: int = 0
    duplicates: int = 0
    new_customers: list[tuple[int, Parsed]] = field(default_factory=list)  # (token, row)
    cases: list[tuple[Parsed, int]] = field(default_factory=list)  # (row, customer id or token)


class Planner:
    """Keeps what earlier chunks of the run decided (`seen`) and hands out negative tokens
    for customers not yet written."""

    def __init__(self, *, kind: str, department_id: int) -> None:
        self.kind = kind
        self.department_id = department_id
        self.seen = resolve.Seen()
        self._token = 0

    def _new_token(self) -> int:
        self._token -= 1
        return self._token

    def plan(self, chunk: Sequence[tuple[Parsed, list[Problem]]]) -> Plan:
        dept = self.department_id
        seen = self.seen
        db_cases = resolve.external_ids(
            dept, "case", (p.external_id for p, _ in chunk if p.external_id not in seen.cases)
        )
        db_customers = resolve.external_ids(
            dept,
            "customer",
            (
                p.customer_external_id
                for p, _ in chunk
                if p.customer_external_id not in seen.customers
            ),
        )
        db_phones = resolve.customers_by_phone(
            dept, (p.phone for p, _ in chunk if p.phone and p.phone not in seen.phones)
        )
        restricted = resolve.restricted_among([*db_customers.values(), *db_phones.values()])
        plan = Plan()
        for parsed, errors in chunk:
            if errors:
                self._refuse(plan, errors)
                continue
            if self.kind == "cases":
                self._case(plan, parsed, db_cases, db_customers, db_phones, restricted)
            else:
                self._customer(plan, parsed, db_customers, db_phones)
        return plan

    def _refuse(self, plan: Plan, problems: list[Problem]) -> None:
        plan.bad.extend(problems)
        plan.bad_rows += 1

    def _duplicate(self, plan: Plan, row: int, name: str, message: str) -> None:
        plan.bad.append(Problem(row, name, "duplicate", message))
        plan.duplicates += 1

    def _known_customer(self, parsed: Parsed, db_customers: dict, db_phones: dict) -> int | None:
        seen = self.seen
        key = parsed.customer_external_id
        if key:
            found = seen.customers.get(key) or db_customers.get(key)
            if found:
                return found
        if parsed.phone:
            return seen.phones.get(parsed.phone) or db_phones.get(parsed.phone)
        return None

    def _create_customer(self, plan: Plan, parsed: Parsed) -> int:
        token = self._new_token()
        plan.new_customers.append((token, parsed))
        if parsed.customer_external_id:
            self.seen.customers[parsed.customer_external_id] = token
        if parsed.phone:
            self.seen.phones[parsed.phone] = token
        return token

    def _case(self, plan, parsed, db_cases, db_customers, db_phones, restricted) -> None:
        key = parsed.external_id
        if key and (key in self.seen.cases or key in db_cases):
            found = self.seen.cases.get(key) or db_cases.get(key)
            self._duplicate(plan, parsed.row, "external_id", _already("case", key, found))
            return
        customer = self._known_customer(parsed, db_customers, db_phones)
        if customer is None:
            if parsed.customer_problems:
                self._refuse(plan, parsed.customer_problems)
                return
            customer = self._create_customer(plan, parsed)
        elif customer in restricted:
            message = gettext_noop("the customer is restricted under PIPL Art 47")
            self._refuse(plan, [Problem(parsed.row, "customer", "restricted", message)])
            return
        if key:
            self.seen.cases[key] = 0
        plan.cases.append((parsed, customer))

    def _customer(self, plan, parsed, db_customers, db_phones) -> None:
        found = self._known_customer(parsed, db_customers, db_phones)
        if found is not None:
            name = "customer_external_id" if parsed.customer_external_id else "customer_phone"
            self._duplicate(plan, parsed.row, name, _already("customer", "", found))
            return
        if parsed.customer_problems:
            self._refuse(plan, parsed.customer_problems)
            return
        self._create_customer(plan, parsed)


def _already(kind: str, key: str, found: int | None) -> str:
    """A duplicate row, in the language of whoever runs the import (its report keeps it)."""
    earlier = not (found and found > 0)
    if kind == "case":
        message = (
            gettext("a case with external id '%(key)s' was imported already (earlier in this file)")
            if earlier
            else gettext("a case with external id '%(key)s' was imported already (case %(id)s)")
        )
    else:
        message = (
            gettext("the customer exists already (earlier in this file)")
            if earlier
            else gettext("the customer exists already (customer %(id)s)")
        )
    return message % {"key": key, "id": found}
