"""Writing one planned chunk in bulk. Dangerous module: like the demo loader it writes
past the services, so it must produce exactly what they would.

What it guarantees: every customer and case gets the `customer.create` / `case.create`
entry `customer_create` / `case_create` would journal (state = the row as
`customer_state` / `case_state` reads it back), through `journal.bulk` (the demo loader's
path: raw inserts, canonical bodies rendered from templates, the first and last entry of
each chunk re-hashed by the reference functions). Each entry's reason names the batch,
the file and the row; `via` is `import`. Rows, entries, references, external ids, the
chunk's record and the batch's high-water mark commit in one `write_transaction()`, so a
crash leaves whole chunks and resuming starts after the last one.

The department's assignment rules choose each case's agent before the insert
(`assign_choices`, the engine behind `case_create`'s assignment): a chosen case is inserted
assigned and gets, after its `case.create`, the `case.auto_assign` entry `case_set_fields`
would journal (the created state's assignee, version and updated_at changed; the rule in
the reason), so no case is read back or updated.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection

from caseledger.cases.bulk import CASE_COLUMNS
from caseledger.cases.models import Case, ReferenceCounter
from caseledger.core import clock
from caseledger.core.timetext import LocalCalendar, TimeText, to_us
from caseledger.customers.bulk import CONTACT_COLUMNS, CUSTOMER_COLUMNS, sealed_contact_row
from caseledger.customers.models import ContactPoint, Customer
from caseledger.intake.spreadsheet.models import ExternalRef, ImportBatch, ImportChunk
from caseledger.intake.spreadsheet.plan import Plan
from caseledger.intake.spreadsheet.rows import Parsed
from caseledger.journal import bulk
from caseledger.journal.bulk import encode
from caseledger.vault import keys
from caseledger.workflow.actions import WorkflowAction
from caseledger.workflow.assign.rules import assign_choices

# The columns in the order the rows below are built (the demo loader's, cases/bulk.py and
# customers/bulk.py); checked against the models when a writer starts, so a new field stops
# the import rather than journaling a state the services would not.
Item = tuple[str, str, str, str, str]


def check_models() -> None:
    for model, columns in (
        (Customer, CUSTOMER_COLUMNS),
        (ContactPoint, CONTACT_COLUMNS),
        (Case, CASE_COLUMNS),
    ):
        if sorted(f.attname for f in model._meta.concrete_fields) != sorted(columns):
            raise RuntimeError(f"{model.__name__} fields changed; update the import's writer")
    bulk.check_schema()


REF_COLUMNS = ("department_id", "object_type", "external_id", "object_id", "batch_id")


class _Row(NamedTuple):
    """What the assignment rules read of a case row not yet inserted (workflow's
    `Assignable`)."""

    pk: int
    department_id: int
    assignee_id: None
    category: str
    channel: str
    product_ref: str


# Where a case row (and its encoded state) holds what the assignment rules read and change.
_AT = {name: CASE_COLUMNS.index(name) for name in CASE_COLUMNS}


class ChunkWriter:
    def __init__(self, batch: ImportBatch, actor: Any) -> None:
        check_models()
        self.batch = batch
        self.actor = actor
        self.department_id = batch.department_id
        self.times = TimeText("+00:00" if connection.vendor == "postgresql" else "")
        self.calendar = LocalCalendar(settings.TIME_ZONE)
        self.customer_body = bulk.CreateBody((*CUSTOMER_COLUMNS, "contact_points"))
        self.contact_state = bulk.ObjectTemplate(CONTACT_COLUMNS)
        self.case_body = bulk.CreateBody(CASE_COLUMNS)
        self.case_state = bulk.ObjectTemplate(CASE_COLUMNS)
        self.source = f"import {batch.pk}: {batch.filename} row "
        self._encoded: dict[str, str] = {}

    def write(self, plan: Plan, planner_seen) -> ImportChunk:
        """Insert the chunk's records and journal them; returns the chunk's id ranges."""
        self.now_us = to_us(clock.now())
        self.now_db, self.now_json = self.times.pair(self.now_us)
        items: list[Item] = []
        reasons: list[str] = []
        refs: list[tuple] = []
        self.given: tuple[list[Item], list[str]] | None = None
        ids = self._customers(plan, items, reasons, refs, planner_seen)
        case_range = self._cases(plan, ids, items, reasons, refs, planner_seen)
        if refs:
            bulk.insert_rows(ExternalRef, REF_COLUMNS, refs)
        if items:
            self.batch.last_seq, _ = bulk.append_rendered(
                items, actor=self.actor, reasons=reasons, via="import"
            )
        if self.given:
            given, why = self.given
            self.batch.last_seq, _ = bulk.append_rendered(
                given, actor=self.actor, reasons=why, via="import"
            )
        customer_ids = sorted(i for i in ids.values())
        return ImportChunk(
            batch=self.batch,
            first_customer=customer_ids[0] if customer_ids else None,
            last_customer=customer_ids[-1] if customer_ids else None,
            first_case=case_range[0],
            last_case=case_range[1],
        )

    def _customers(self, plan, items, reasons, refs, seen) -> dict[int, int]:
        if not plan.new_customers:
            return {}
        customer_id = bulk.next_id(Customer)
        contact_id = bulk.next_id(ContactPoint)
        rows: list[list[Any]] = []
        contacts: list[list[Any]] = []
        ids: dict[int, int] = {}
        ring = keys.load()
        for token, parsed in plan.new_customers:
            ids[token] = customer_id
            key = str(customer_id)
            rendered = []
            for point in parsed.contacts:
                plain = [contact_id, customer_id, point["kind"], point["value"], "", False, None]
                values, encoded = sealed_contact_row(
                    [*plain, self.now_db],
                    [str(contact_id), key, *map(encode, plain[2:]), self.now_json],
                    ring,
                )
                contacts.append(values)
                rendered.append(self.contact_state.render(encoded))
                contact_id += 1
            row, encoded = self._customer_row(customer_id, parsed)
            rows.append(row)
            body = self.customer_body.render([*encoded, "[" + ",".join(rendered) + "]"])
            items.append(("customer.create", "customer", key, f"customer:{key}", body))
            reasons.append(self.source + str(parsed.row))
            if parsed.customer_external_id:
                refs.append(self._ref("customer", parsed.customer_external_id, customer_id))
                seen.customers[parsed.customer_external_id] = customer_id
            if parsed.phone:
                seen.phones[parsed.phone] = customer_id
            customer_id += 1
        bulk.insert_rows(Customer, CUSTOMER_COLUMNS, rows)
        if contacts:
            bulk.insert_rows(ContactPoint, CONTACT_COLUMNS, contacts)
        bulk.sync_sequences(Customer, ContactPoint)
        return ids

    def _customer_row(self, customer_id: int, parsed: Parsed) -> tuple[list, list[str]]:
        clean = parsed.customer or {}
        values = [
            customer_id,
            clean["kind"],
            clean["name"],
            self.department_id,
            "active",
            None,
            [],
        ]
        tail = [1, None, "", None, None]
        row = [*values[:6], "[]", self.now_db, self.now_db, *tail]
        encoded = [*map(encode, values), self.now_json, self.now_json, *map(encode, tail)]
        return row, encoded

    def _encode(self, value: Any) -> str:
        """`encode`, remembering short strings (choices, repeated names): a million rows
        repeat a handful of kinds, categories and channels."""
        if type(value) is str and len(value) <= 40:
            text = self._encoded.get(value)
            if text is None:
                if len(self._encoded) > 100_000:
                    self._encoded.clear()
                text = self._encoded[value] = encode(value)
            return text
        return encode(value)

    def _ref(self, kind: str, key: str, object_id: int) -> tuple:
        return (self.department_id, kind, key, object_id, self.batch.pk)

    def _cases(self, plan, ids, items, reasons, refs, seen) -> tuple[int | None, int | None]:
        if not plan.cases:
            return None, None
        first = case_id = bulk.next_id(Case)
        counters = dict(ReferenceCounter.objects.values_list("year", "last"))
        touched: set[int] = set()
        rows: list[list[Any]] = []
        states: list[list[str]] = []
        for parsed, customer in plan.cases:
            customer_id = ids.get(customer, customer)
            clean = parsed.case or {}
            received = clean.get("received_at")
            received_us = to_us(received) if received is not None else None
            if received_us is None:
                received_db, received_json = self.now_db, self.now_json
                received_us = self.now_us
            else:
                received_db, received_json = self.times.pair(received_us)
            year = self.calendar.year(received_us)
            counters[year] = number = counters.get(year, 0) + 1
            touched.add(year)
            reference = f"CL-{year}-{number:06d}"
            head = [case_id, reference, clean["kind"], clean["channel"], clean["category"]]
            head += [clean.get("subcategory", ""), clean.get("severity", "medium")]
            head += [clean.get("priority", "normal"), "received", self.department_id, None]
            head += [customer_id, clean["subject"], clean.get("description", "")]
            head += [clean.get("customer_request", ""), "", "", None]
            refs_part = [clean.get(n, "") for n in ("product_ref", "order_ref", "contract_ref")]
            tail = [1, None, None, ""]
            rows.append([*head, received_db, None, *refs_part, self.now_db, self.now_db, *tail])
            encoded = [
                *map(self._encode, head),
                received_json,
                "null",
                *map(encode, refs_part),
                self.now_json,
                self.now_json,
                *map(encode, tail),
            ]
            states.append(encoded)
            key = str(case_id)
            items.append(
                ("case.create", "case", key, f"case:{key}", self.case_body.render(encoded))
            )
            reasons.append(self.source + str(parsed.row))
            if parsed.external_id:
                refs.append(self._ref("case", parsed.external_id, case_id))
                seen.cases[parsed.external_id] = case_id
            case_id += 1
        self.given = self._assign(rows, states)
        bulk.insert_rows(Case, CASE_COLUMNS, rows)
        bulk.sync_sequences(Case)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {ReferenceCounter._meta.db_table} (year, last) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last = excluded.last",
                [(year, counters[year]) for year in sorted(touched)],
            )
        return first, case_id - 1

    def _assign(self, rows: list[list[Any]], states: list[list[str]]):
        """The chunk's cases given by the department's assignment rules before they are
        inserted: each chosen row is written assigned (assignee, version 2, updated_at the
        assignment's moment) and gets the `case.auto_assign` entry `case_set_fields` would
        journal after its `case.create` (changes assignee_id, updated_at, version; state
        the created one with those three changed; reason naming the rule). Returns the
        entries and their reasons, or None when no case was given."""
        a, u, v = _AT["assignee_id"], _AT["updated_at"], _AT["version"]
        cases = [
            _Row(
                row[_AT["id"]],
                row[_AT["department_id"]],
                None,
                row[_AT["category"]],
                row[_AT["channel"]],
                row[_AT["product_ref"]],
            )
            for row in rows
        ]
        given = assign_choices(cases)
        if not given:
            return None
        at_db, at_json = self.times.pair(to_us(clock.now()))
        first = cases[0].pk
        entries: list[Item] = []
        why: list[str] = []
        for case, agent, reason in given:
            n = case.pk - first
            row, before = rows[n], states[n]
            row[a], row[u], row[v] = agent.pk, at_db, 2
            after = list(before)
            after[a], after[u], after[v] = encode(agent.pk), at_json, "2"
            moved = f',"updated_at":[{before[u]},{at_json}]' if at_json != before[u] else ""
            body = (
                f'{{"changes":{{"assignee_id":[null,{after[a]}]{moved},"version":[1,2]}},'
                f'"state":{self.case_state.render(after)}}}'
            )
            key = str(case.pk)
            entries.append(
                (WorkflowAction.CASE_AUTO_ASSIGN.value, "case", key, f"case:{key}", body)
            )
            why.append(reason)
        return entries, why


__all__ = ["ChunkWriter"]
