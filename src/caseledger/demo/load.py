"""The bulk loader behind `caseledger demo`. Dangerous module: it writes past the services.

What it guarantees, so the result is indistinguishable from data made through the
services: every record gets its `*.create` journal entry whose state is exactly what
`case_state` / `customer_state` / `model_state` returns for the row, chained with the same
bytes `append_many` writes (journal/bulk.py); each batch commits its rows, their entries and
the reference counters in one `write_transaction()`, so the chain head never forks even with
a concurrent writer; ids are allocated under that lock. It refuses a database that already
has cases unless the caller asked to add to it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _

from caseledger.cases.bulk import CASE_COLUMNS
from caseledger.cases.models import Case, CaseNote, ReferenceCounter
from caseledger.core import clock
from caseledger.core.errors import Conflict, ValidationFailed
from caseledger.core.timetext import LocalCalendar, TimeText
from caseledger.customers.bulk import CONTACT_COLUMNS, CUSTOMER_COLUMNS, sealed_contact_row
from caseledger.customers.models import ContactPoint, Customer, Identifier
from caseledger.customers.services import IDENTIFIER_RECORD, customer_owner
from caseledger.demo.generate import Generator, customer_limits
from caseledger.demo.rows import IDENTIFIER_COLUMNS, NOTE_COLUMNS, Row, Sensitive, Staff
from caseledger.journal import bulk
from caseledger.journal.bulk import encode_str
from caseledger.journal.bulk import next_id as _next_id
from caseledger.journal.bulk import sync_sequences as _sync_sequences
from caseledger.journal.models import Entry
from caseledger.journal.services import write_transaction
from caseledger.retention.models import RecordRetention
from caseledger.vault import crypto, keys
from caseledger.vault.masking import mask_identifier
from caseledger.vault.validators import check_identifier

# The demo's history starts on 1 January this many years before today: far enough back that
# 3- and 5-year retention periods have run out for the oldest cases.
YEARS_OF_HISTORY = 7
EPOCH = dt.date(1970, 1, 1).toordinal()
_UPDATED = CUSTOMER_COLUMNS.index("updated_at")
_VERSION = CUSTOMER_COLUMNS.index("version")
Progress = Callable[[int], None]


@dataclass
class LoadResult:
    customers: int = 0
    contact_points: int = 0
    identifiers: int = 0
    cases: int = 0
    notes: int = 0
    entries: int = 0
    head_seq: int = 0
    seconds: float = 0.0


def check_models() -> None:
    """Stop before writing if a model gained or lost a field this loader does not fill:
    the journal state would then differ from what the services record."""
    for model, columns in (
        (Customer, CUSTOMER_COLUMNS),
        (ContactPoint, CONTACT_COLUMNS),
        (Case, CASE_COLUMNS),
        (CaseNote, NOTE_COLUMNS),
        (Identifier, IDENTIFIER_COLUMNS),
    ):
        actual = sorted(f.attname for f in model._meta.concrete_fields)
        if actual != sorted(columns) or any(
            f.attname != f.column for f in model._meta.concrete_fields
        ):
            raise RuntimeError(f"{model.__name__} fields changed; update caseledger.demo first")
    bulk.check_schema()


def refuse_if_not_empty(force: bool) -> int:
    """How many cases the database holds; refuses if any, unless forced."""
    existing = Case.objects.count()
    if existing and not force:
        raise Conflict(
            _(
                "this database already holds %(count)s case(s); demo data goes into an empty "
                "database. Pass --force to add the demo data to it anyway."
            )
            % {"count": existing},
            code="not_empty",
        )
    return existing


def _batches(iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


class Loader:
    def __init__(
        self,
        *,
        seed: int,
        staff: dict[str, Staff],
        batch_size: int = 5000,
        progress: Progress | None = None,
        today: dt.date | None = None,
    ) -> None:
        self.batch_size = batch_size
        self.progress = progress or (lambda n: None)
        self.calendar = LocalCalendar(settings.TIME_ZONE)
        suffix = "+00:00" if connection.vendor == "postgresql" else ""
        end_day = (
            self.calendar.local_day_index(clock.now())
            if today is None
            else today.toordinal() - EPOCH
        )
        first_day = dt.date(dt.date.fromordinal(end_day + EPOCH).year - YEARS_OF_HISTORY, 1, 1)
        start_day = first_day.toordinal() - EPOCH
        self.gen = Generator(
            seed=seed,
            start_day=start_day,
            end_day=end_day,
            calendar=self.calendar,
            timetext=TimeText(suffix),
            staff=staff,
            reverify_days=dict(settings.REVERIFY_DAYS),
        )
        self.customer_ids: list[int] = []
        self.result = LoadResult()
        self._customer_body = bulk.CreateBody((*CUSTOMER_COLUMNS, "contact_points"))
        self._contact_state = bulk.ObjectTemplate(CONTACT_COLUMNS)
        self._identifier_state = bulk.ObjectTemplate(IDENTIFIER_COLUMNS)
        self._customer_state = bulk.ObjectTemplate(
            (*CUSTOMER_COLUMNS, "contact_points", "identifiers")
        )
        self._case_body = bulk.CreateBody(CASE_COLUMNS)
        self._note_body = bulk.CreateBody(NOTE_COLUMNS)

    def run(self, *, cases: int, customers: int) -> LoadResult:
        if customers < 1:
            raise ValidationFailed(_("at least one customer is needed"), field="customers")
        started = time.perf_counter()
        for batch in _batches(self.gen.customers(customers), self.batch_size):
            with write_transaction():
                self._customers(batch)
            self.progress(len(batch))
        moments = self.gen.received_moments(cases)
        limits = customer_limits(self.gen.customer_created, moments)
        for batch in _batches(zip(moments, limits, strict=True), self.batch_size):
            with write_transaction():
                self._cases(batch)
            self.progress(len(batch))
        self.result.seconds = time.perf_counter() - started
        return self.result

    def _customers(self, batch: list[tuple[Row, list[Row], list[Sensitive]]]) -> None:
        customer_id = _next_id(Customer)
        contact_id = _next_id(ContactPoint)
        self._identifier_id = _next_id(Identifier)
        self._ring = keys.load()
        self._body_checked = False
        customers: list[list] = []
        contacts: list[list] = []
        identifiers: list[list] = []
        items: list[tuple[str, str, str, str, str]] = []
        for row, points, sensitive in batch:
            row.values[0] = customer_id
            row.encoded[0] = key = str(customer_id)
            rendered = []
            for point in points:
                point.values[0] = contact_id
                point.encoded[0] = str(contact_id)
                point.values[1] = customer_id
                point.encoded[1] = key
                values, encoded = sealed_contact_row(point.values, point.encoded, self._ring)
                contacts.append(values)
                rendered.append(self._contact_state.render(encoded))
                contact_id += 1
            points_json = "[" + ",".join(rendered) + "]"
            body = self._customer_body.render([*row.encoded, points_json])
            items.append(("customer.create", "customer", key, f"customer:{key}", body))
            if sensitive:
                self._identifiers(row, key, points_json, sensitive, identifiers, items)
            customers.append(row.values)
            self.customer_ids.append(customer_id)
            customer_id += 1
        bulk.insert_rows(Customer, CUSTOMER_COLUMNS, customers)
        bulk.insert_rows(ContactPoint, CONTACT_COLUMNS, contacts)
        if identifiers:
            bulk.insert_rows(Identifier, IDENTIFIER_COLUMNS, identifiers)
        _sync_sequences(Customer, ContactPoint, Identifier)
        self.result.head_seq, _ = bulk.append_rendered(items)
        self.result.customers += len(customers)
        self.result.contact_points += len(contacts)
        self.result.identifiers += len(identifiers)
        self.result.entries += len(items)

    def _identifiers(
        self,
        row: Row,
        key: str,
        points_json: str,
        sensitive: list[Sensitive],
        rows: list[list],
        items: list[tuple[str, str, str, str, str]],
    ) -> None:
        """The customer's identifiers, as `identifier_add` stores them (validated value,
        ciphertext bound to the customer, blind index, mask), and one
        `customer.identifier_add` entry each: the customer's whole state after the add, and
        the changes to identifiers, updated_at and version. The row ends at the last state.

        Long because it is the loader's per-identifier loop (a million rows), kept
        inline for speed."""
        customer_id = row.values[0]
        owner = customer_owner(customer_id)
        state = list(row.encoded)
        before_list = "null"
        listed: list[str] = []
        for number, item in enumerate(sensitive, start=2):
            checked = check_identifier(item.kind, item.value)
            if checked.errors:  # the generator's own numbers: a bug, never user input
                raise RuntimeError(f"demo generated an invalid {item.kind} for {owner}")
            ciphertext = crypto.encrypt(
                checked.value,
                record=IDENTIFIER_RECORD,
                field=item.kind,
                owner=owner,
                ring=self._ring,
            )
            index = crypto.blind_index(
                checked.value, record=IDENTIFIER_RECORD, field=item.kind, ring=self._ring
            )
            key_id = crypto.key_id_of(ciphertext)
            masked = mask_identifier(item.kind, checked.value)
            db_time, json_time = self.gen.tt.pair(item.at)
            identifier_id = self._identifier_id
            self._identifier_id += 1
            rows.append(
                [identifier_id, customer_id, item.kind, ciphertext, key_id, index, masked, db_time]
            )
            listed.append(
                self._identifier_state.render(
                    [
                        str(identifier_id),
                        key,
                        self.gen.e(item.kind),
                        encode_str(ciphertext),
                        encode_str(key_id),
                        f'"{index}"',
                        encode_str(masked),
                        json_time,
                    ]
                )
            )
            after_list = "[" + ",".join(listed) + "]"
            old_updated, old_version = state[_UPDATED], state[_VERSION]
            state[_UPDATED], state[_VERSION] = json_time, str(number)
            body = (
                f'{{"changes":{{"identifiers":[{before_list},{after_list}],'
                f'"updated_at":[{old_updated},{json_time}],'
                f'"version":[{old_version},{number}]}},'
                f'"state":{self._customer_state.render([*state, points_json, after_list])}}}'
            )
            if not self._body_checked:  # append_rendered checks only a batch's first entry
                if bulk.canonical_json(json.loads(body)) != body:
                    raise RuntimeError("demo: an identifier_add body is not canonical JSON")
                self._body_checked = True
            items.append(("customer.identifier_add", "customer", key, f"customer:{key}", body))
            row.values[_UPDATED], row.values[_VERSION] = db_time, number
            before_list = after_list

    def _counters(self) -> dict[int, int]:
        return dict(ReferenceCounter.objects.values_list("year", "last"))

    def _cases(self, batch: list[tuple[int, int]]) -> None:
        case_id = _next_id(Case)
        note_id = _next_id(CaseNote)
        counters = self._counters()
        touched: set[int] = set()
        year_of = self.calendar.year
        case_rows, note_rows, items = [], [], []
        for received, limit in batch:
            row, note = self.gen.case(received, self.customer_ids, limit)
            year = year_of(received)
            number = counters.get(year, 0) + 1
            counters[year] = number
            touched.add(year)
            reference = f"CL-{year}-{number:06d}"
            key = str(case_id)
            row.values[0], row.values[1] = case_id, reference
            row.encoded[0], row.encoded[1] = key, f'"{reference}"'
            case_rows.append(row.values)
            items.append(
                ("case.create", "case", key, f"case:{key}", self._case_body.render(row.encoded))
            )
            if note is not None:
                note.values[0], note.values[1] = note_id, case_id
                note.encoded[0], note.encoded[1] = str(note_id), key
                note_rows.append(note.values)
                items.append(
                    (
                        "case.note",
                        "case_note",
                        str(note_id),
                        f"case:{key}",
                        self._note_body.render(note.encoded),
                    )
                )
                note_id += 1
            case_id += 1
        bulk.insert_rows(Case, CASE_COLUMNS, case_rows)
        if note_rows:
            bulk.insert_rows(CaseNote, NOTE_COLUMNS, note_rows)
        _sync_sequences(Case, CaseNote)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {ReferenceCounter._meta.db_table} (year, last) VALUES (%s, %s) "
                "ON CONFLICT (year) DO UPDATE SET last = excluded.last",
                [(year, counters[year]) for year in sorted(touched)],
            )
        self.result.head_seq, _ = bulk.append_rendered(items)
        self.result.cases += len(case_rows)
        self.result.notes += len(note_rows)
        self.result.entries += len(items)


def finish() -> None:
    """After a big load: give the query planner statistics and fold the WAL back in."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Sampled statistics (analysis_limit) guessed ~1000 cases per department and
            # made the planner sort a million rows for the case list; full ones take
            # seconds. The payload table has no index worth describing.
            for model in (
                Case,
                CaseNote,
                Customer,
                ContactPoint,
                Identifier,
                RecordRetention,
                Entry,
            ):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
