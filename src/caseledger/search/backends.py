"""One search interface, one class per engine (docs/adr/0008-search-index.md).

Callers (the indexer and search queries) use only `Backend`: write a case's tokens, drop
cases, and give SQL that selects the ids of matching cases among those a scoped QuerySet
allows, newest first or ranked. A dedicated engine (OpenSearch) would be one more class
answering the same calls with ids, the scoping applied by the database afterwards.

Tokens are made in Python (tokens.py) and stored as typed, so both engines see exactly the
same tokens: FTS5's `ascii` tokenizer only splits on ASCII separators, and PostgreSQL's
tsvector and tsquery are written as literals, never through a text search configuration.
"""

from __future__ import annotations

from django.db import connection

from caseledger.search.engine import NEWEST, RANKED, Backend, run_sql
from caseledger.search.postgres_engine import PostgresBackend
from caseledger.search.scope import Scope, Visibility
from caseledger.search.sqlite_engine import SqliteBackend

__all__ = [
    "NEWEST",
    "RANKED",
    "Backend",
    "PostgresBackend",
    "Scope",
    "SqliteBackend",
    "Visibility",
    "backend",
    "run_sql",
]


def backend() -> Backend:
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
