"""Unique markers planted in every place a person's data can sit, and the ways of looking
for them afterwards: every text column of every table (both engines), the raw bytes of a
SQLite database file and its -wal, and the files of a directory."""

from __future__ import annotations

import io
import secrets
from pathlib import Path
from typing import Any

from django.db import connection

FIELDS = ("subject", "description", "customer_request", "resolution", "root_cause")


def new(label: str) -> str:
    """An ASCII marker no generated data can contain by chance."""
    return f"MK{label.upper()}{secrets.token_hex(6)}ZZ"


def plant(people: Any, customer: Any, cases: int = 2) -> dict[str, str]:
    """Cases of `customer` with a marker in every free-text field, in an internal note, in
    an inbound and an outbound communication, and in an attachment's name and content.
    Written through the services, like every record. Returns the markers by place."""
    from caseledger.cases.services import case_attachment_add, case_note_add, case_update
    from tests.factories import make_case

    planted: dict[str, str] = {}
    for n in range(cases):
        found = {f"{name}{n}": new(f"{name[:4]}{n}") for name in FIELDS}
        case = make_case(
            people.agent,
            customer,
            subject=f"Subject {found[f'subject{n}']}",
            description=f"Description {found[f'description{n}']}",
            customer_request=f"Demand {found[f'customer_request{n}']}",
        )
        case_update(
            actor=people.agent,
            case=case,
            data={
                "resolution": f"Resolved {found[f'resolution{n}']}",
                "root_cause": f"Because {found[f'root_cause{n}']}",
            },
        )
        for kind in ("note", "inbound", "outbound"):
            found[f"{kind}{n}"] = new(f"{kind[:4]}{n}")
            case_note_add(
                actor=people.agent,
                case=case,
                body=f"{kind} {found[f'{kind}{n}']}",
                kind=kind,
                channel="" if kind == "note" else "email",
            )
        found[f"filename{n}"] = new(f"file{n}")
        found[f"content{n}"] = new(f"body{n}")
        case_attachment_add(
            actor=people.agent,
            case=case,
            stream=io.BytesIO(f"scanned letter {found[f'content{n}']}".encode()),
            filename=f"{found[f'filename{n}']}.txt",
        )
        planted.update(found)
    return planted


def rows_holding(marker: str) -> list[str]:
    """`table.column` of every row whose text holds the marker, in every table."""
    hits: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [
                c.name for c in connection.introspection.get_table_description(cursor, table)
            ]
            for column in columns:
                quoted = connection.ops.quote_name(column)
                cursor.execute(
                    f"SELECT count(*) FROM {connection.ops.quote_name(table)} "
                    f"WHERE CAST({quoted} AS TEXT) LIKE %s",
                    [f"%{marker}%"],
                )
                if cursor.fetchone()[0]:
                    hits.append(f"{table}.{column}")
    return hits


def bytes_holding(marker: str, *paths: Path) -> list[str]:
    """Which of these files (or files under these directories) hold the marker's bytes,
    as ASCII or UTF-16 (SQLite stores text in the database's encoding)."""
    needles = (marker.encode(), marker.encode("utf-16-le"), marker.encode("utf-16-be"))
    hits: list[str] = []
    for root in paths:
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in files:
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                hits.append(str(path))
    return hits
