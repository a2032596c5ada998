"""One spreadsheet row to the data the customer and case services take, checked by the
very validators those services use (`case_fields_clean`, `customer_fields_clean`,
`clean_contact`): a row is refused here exactly when `intake_record` would refuse it.

The only things done before the shared checks are what a spreadsheet needs and an API
client does not: a date and time without a zone is read in the configured zone, and
Excel's "2026/3/1 9:05" is read as ISO; a choice written as its label, in English or
Chinese, as caseledger's own export writes it ("投诉", "账单与费用"), is read as its code.
Defaults: channel `import`, customer kind person.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import translation

from caseledger.accounts.models import Department
from caseledger.cases import taxonomy
from caseledger.cases.models import CaseKind, Channel, Priority, Severity
from caseledger.cases.services import CREATE_FIELDS, case_fields_clean, check_subcategory
from caseledger.core.errors import ValidationFailed
from caseledger.core.validate import Collector
from caseledger.customers.models import CustomerKind
from caseledger.customers.services import clean_contact, customer_fields_clean

_LOOSE_MOMENT = re.compile(
    r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?)?$"
)
# The service's field name -> the import's field name, for the report.
CUSTOMER_ERROR_FIELDS = {
    "kind": "customer_kind",
    "name": "customer_name",
    "contact_points[0].value": "customer_phone",
    "contact_points[1].value": "customer_email",
}


@dataclass
class Problem:
    row: int
    field: str
    code: str
    message: str


@dataclass
class Parsed:
    row: int
    case: dict[str, Any] | None = None  # cleaned case fields (no department or customer)
    customer: dict[str, Any] | None = None  # cleaned customer fields, when one is created
    contacts: list[dict[str, Any]] = field(default_factory=list)
    customer_problems: list[Problem] = field(default_factory=list)
    external_id: str = ""
    customer_external_id: str = ""
    phone: str = ""  # normalized (E.164), for deduplication
    email: str = ""


@functools.lru_cache(maxsize=4)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def local_moment(text: str) -> str | dt.datetime:
    """A zone-less date (and time) read in the configured zone; anything else unchanged,
    for the shared validator to accept (ISO with offset) or refuse by name."""
    found = _LOOSE_MOMENT.match(text)
    if not found:
        return text
    y, m, d, hh, mm, ss, frac = found.groups()
    try:
        return dt.datetime(
            int(y),
            int(m),
            int(d),
            int(hh or 0),
            int(mm or 0),
            int(ss or 0),
            int((frac or "0").ljust(6, "0")),
            tzinfo=_zone(settings.TIME_ZONE),
        )
    except ValueError:
        return text


def _norm(text: str) -> str:
    return " ".join(str(text).split()).casefold()


@functools.lru_cache(maxsize=1)
def _choice_words() -> dict[str, tuple[frozenset[str], dict[str, str]]]:
    """Per choice field: its codes, and each label (English and Chinese) -> its code."""
    out: dict[str, tuple[frozenset[str], dict[str, str]]] = {}
    fields = (
        ("kind", CaseKind),
        ("channel", Channel),
        ("severity", Severity),
        ("priority", Priority),
        ("customer_kind", CustomerKind),
    )
    for name, choices in fields:
        words: dict[str, str] = {}
        for language in ("en", "zh-hans"):
            with translation.override(language):
                for code, label in choices.choices:
                    words.setdefault(_norm(str(label)), code)
        out[name] = (frozenset(choices.values), words)
    return out


def _taxonomy_words() -> dict[tuple[str, str], str]:
    """(parent category or "", label) -> code, for every category and subcategory, once per
    taxonomy snapshot (an administrator may rename them)."""
    memo = taxonomy.snapshot().memo
    if "import_words" not in memo:
        found: dict[tuple[str, str], str] = {}
        for n in taxonomy.nodes(None, active_only=False):
            for label in (n.label_en, n.label_zh):
                if label:
                    found.setdefault((n.parent, _norm(label)), n.code)
        memo["import_words"] = found
    return memo["import_words"]


def codes_for_labels(values: dict[str, str]) -> dict[str, str]:
    """The row with each choice given by its label replaced by its code; a code, an empty
    cell or an unknown word stays as it is, for the shared checks to accept or refuse."""
    out = dict(values)
    for name, (codes, words) in _choice_words().items():
        value = out.get(name)
        if value and value not in codes:
            out[name] = words.get(_norm(value), value)
    category = out.get("category")
    if category:
        if category not in taxonomy.category_codes(None, active_only=False):
            category = out["category"] = _taxonomy_words().get(("", _norm(category)), category)
        sub = out.get("subcategory")
        if sub and sub not in taxonomy.subcategory_codes(category):
            out["subcategory"] = _taxonomy_words().get((category, _norm(sub)), sub)
    return out


def _problems(row: int, c: Collector, rename: dict[str, str] | None = None) -> list[Problem]:
    found = []
    for error in c.errors:
        name = error.field or ""
        found.append(Problem(row, (rename or {}).get(name, name), error.code, error.message))
    return found


def parse_case(row: int, values: dict[str, str], errors: list[Problem]) -> dict[str, Any] | None:
    data: dict[str, Any] = {k: v for k, v in values.items() if k in _CASE_INPUT}
    if not data.get("channel"):
        data["channel"] = "import"
    for name in ("severity", "priority", "subcategory"):
        if name in data and not data[name]:
            del data[name]  # an empty cell means the default, as a form left blank
    if data.get("received_at"):
        data["received_at"] = local_moment(data["received_at"])
    c = Collector()
    clean = case_fields_clean(data, c, creating=True)
    check_subcategory(clean.get("category", ""), clean.get("subcategory", ""), c)
    if c.errors:
        errors.extend(_problems(row, c))
        return None
    return clean


# The case fields a row gives: case_create's, less the department (the batch's), the
# customer (the row's customer part) and the assignee (a row assigns no one).
_CASE_INPUT = frozenset(CREATE_FIELDS) - {"department", "assignee", "customer"}


# The customer part of a row, checked once per distinct (department, kind, name, phone,
# e-mail): a sheet of cases repeats its customers, and the checks are pure functions of
# these values. Bounded; cleared when full.
_CUSTOMER_CACHE: dict[tuple, tuple] = {}
_CUSTOMER_CACHE_SIZE = 200_000


def _check_customer(key: tuple, department: Department) -> tuple:
    _, kind, name, phone, email = key
    data: dict[str, Any] = {"kind": kind, "name": name, "department": department}
    clean, c = customer_fields_clean(data, creating=True)
    contacts = []
    if phone:
        contacts.append(clean_contact({"kind": "phone", "value": phone}, c, "contact_points[0]."))
    if email:
        contacts.append(clean_contact({"kind": "email", "value": email}, c, "contact_points[1]."))
    found = {"phone": "", "email": ""}
    for contact in contacts:
        if contact.get("value"):
            found[contact["kind"]] = contact["value"]
    problems = [(p.field, p.code, p.message) for p in _problems(0, c, CUSTOMER_ERROR_FIELDS)]
    return clean, contacts, found["phone"], found["email"], problems


def parse_customer(parsed: Parsed, values: dict[str, str], department: Department) -> None:
    """Check the customer part; its problems only count when the row creates a customer
    (a matched customer is not changed), as in `intake_record`."""
    key = (
        department.pk,
        values.get("customer_kind") or "person",
        values.get("customer_name", ""),
        values.get("customer_phone", ""),
        values.get("customer_email", ""),
    )
    checked = _CUSTOMER_CACHE.get(key)
    if checked is None:
        if len(_CUSTOMER_CACHE) >= _CUSTOMER_CACHE_SIZE:
            _CUSTOMER_CACHE.clear()
        checked = _CUSTOMER_CACHE[key] = _check_customer(key, department)
    clean, contacts, parsed.phone, parsed.email, problems = checked
    parsed.customer, parsed.contacts = clean, contacts
    parsed.customer_problems = [Problem(parsed.row, *problem) for problem in problems]


def _external(row: int, value: str, name: str, errors: list[Problem]) -> str:
    if len(value) > 100:
        errors.append(
            Problem(row, name, "too_long", f"is {len(value)} characters long; at most 100 allowed")
        )
        return ""
    return value


def parse_row(
    row: int, values: dict[str, str], *, kind: str, department: Department
) -> tuple[Parsed, list[Problem]]:
    errors: list[Problem] = []
    parsed = Parsed(row=row)
    values = codes_for_labels(values)
    if kind == "cases":
        parsed.case = parse_case(row, values, errors)
        parsed.external_id = _external(row, values.get("external_id", ""), "external_id", errors)
    parsed.customer_external_id = _external(
        row, values.get("customer_external_id", ""), "customer_external_id", errors
    )
    parse_customer(parsed, values, department)
    return parsed, errors


__all__ = ["Parsed", "Problem", "ValidationFailed", "local_moment", "parse_row"]
